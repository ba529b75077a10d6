"""Aida's offline providers: speech, language model and voice that run on the CPU.

`build_stt`, `build_llm` and `build_tts` return LiveKit plugin objects whose weights come from
installed packages (never a model hub). Building is cheap; each model loads on first use (or on
`prewarm()`). There is one instance per model and configuration in the process, shared by every
call the process serves: a worker runs its calls as threads of one process when the models are
local (aida.agent.worker), so one set of models serves the host. `describe_local` reports what
would run without loading anything, for health checks and the worker's start-up log.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aida.local import weights

if TYPE_CHECKING:
    from livekit.agents import llm, stt, tts

    from aida.config import Settings

__all__ = [
    "build_llm",
    "build_stt",
    "build_tts",
    "describe_local",
    "loaded_llms",
    "shared_models",
    "speech_busy",
]

T = TypeVar("T")

# The host's model instances by configuration. A lock, not functools.lru_cache: two calls
# starting at once in two job threads must get the same instance, not build two.
_SHARED: dict[Hashable, Any] = {}
_SHARED_LOCK = threading.Lock()


def _shared(key: Hashable, build: Callable[[], T]) -> T:
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = build()
        instance: T = _SHARED[key]
        return instance


def shared_models() -> dict[Hashable, Any]:
    """A copy of the process's model instances (for tests and the benchmark)."""
    with _SHARED_LOCK:
        return dict(_SHARED)


def loaded_llms() -> list[llm.LLM]:
    """The local language models this process has already built (to serve its calls); never
    builds one. The outbox drain summarises on these: they give way to live calls."""
    return [model for key, model in shared_models().items() if key[0] == "llm"]  # type: ignore[index]


def build_stt(settings: Settings) -> stt.STT:
    """faster-whisper (LOCAL_STT_MODEL: tiny.en, or base from its packages)."""
    model_dir = weights.whisper_dir(settings.local_stt_model, settings.model_cache_dir)
    return _whisper(str(model_dir), settings.local_stt_model)


def build_tts(settings: Settings) -> tts.TTS:
    """hibari-tts' bundled voice, 24 kHz mono."""
    return _hibari()


def build_llm(settings: Settings) -> llm.LLM:
    """An OpenAI-compatible server when LLM_BASE_URL is set, else llama.cpp in this process,
    with its evaluated instructions kept under MODEL_CACHE_DIR/states (`aida models prepare`)."""
    if settings.llm_base_url:
        from livekit.plugins import openai

        return openai.LLM(
            base_url=settings.llm_base_url, model=settings.llm_base_model, api_key="local"
        )
    path = weights.resolve_gguf(settings.local_llm_model_path, settings.model_cache_dir)
    return _llama(str(path), str(state_dir(settings)))


def state_dir(settings: Settings) -> Path:
    return Path(settings.model_cache_dir).expanduser() / "states"


def _whisper(model_dir: str, model_name: str) -> stt.STT:
    def build() -> stt.STT:
        from aida.local.stt import WhisperSTT

        return WhisperSTT(Path(model_dir), model_name=model_name)

    return _shared(("stt", model_dir, model_name), build)


def _hibari() -> tts.TTS:
    def build() -> tts.TTS:
        from aida.local.tts import HibariTTS

        return HibariTTS()

    return _shared(("tts",), build)


def _llama(model_path: str, states: str) -> llm.LLM:
    def build() -> llm.LLM:
        from aida.local.llm import LlamaLLM

        return LlamaLLM(Path(model_path), state_dir=Path(states), yield_to=speech_busy)

    return _shared(("llm", model_path, states), build)


def speech_busy() -> bool:
    """True while any of the host's speech models is recognising or synthesising."""
    for key, model in shared_models().items():
        if key[0] in ("stt", "tts") and getattr(model, "busy", False):  # type: ignore[index]
            return True
    return False


def describe_local(settings: Settings) -> dict[str, Any]:
    """Which local models would serve a call, without loading (or joining) any of them."""
    if settings.llm_base_url:
        llm_info: dict[str, Any] = {
            "provider": "openai-compatible",
            "model": settings.llm_base_model,
            "base_url": settings.llm_base_url,
        }
    elif settings.local_llm_model_path is not None:
        llm_info = {
            "provider": "llama.cpp",
            "model": Path(settings.local_llm_model_path).name,
            "path": str(settings.local_llm_model_path),
        }
    else:
        joined = weights.default_gguf_path(settings.model_cache_dir)
        llm_info = {
            "provider": "llama.cpp",
            "model": "qwen2.5-coder-1.5b-instruct-q4_k_m",
            "path": str(joined),
            "joined": joined.is_file(),
        }
    return {
        "stt": {"provider": "faster-whisper", "model": f"whisper-{settings.local_stt_model}"},
        "llm": llm_info,
        "tts": {"provider": "hibari-tts", "model": "hibari-heart", "sample_rate": 24_000},
    }
