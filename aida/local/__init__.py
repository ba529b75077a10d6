"""Aida's offline providers: speech, language model and voice that run on the CPU.

`build_stt`, `build_llm` and `build_tts` return LiveKit plugin objects whose weights come from
installed packages (never a model hub). Building is cheap; each model loads on first use (or on
`prewarm()`) and is shared by every session in the process. `describe_local` reports what would
run without loading anything, for health checks and the worker's start-up log.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aida.local import weights

if TYPE_CHECKING:
    from livekit.agents import llm, stt, tts

    from aida.config import Settings

__all__ = ["build_llm", "build_stt", "build_tts", "describe_local"]


def build_stt(settings: Settings) -> stt.STT:
    """faster-whisper (LOCAL_STT_MODEL: tiny.en, or base from its packages)."""
    model_dir = weights.whisper_dir(settings.local_stt_model, settings.model_cache_dir)
    return _whisper(str(model_dir), settings.local_stt_model)


def build_tts(settings: Settings) -> tts.TTS:
    """hibari-tts' bundled voice, 24 kHz mono."""
    return _hibari()


def build_llm(settings: Settings) -> llm.LLM:
    """An OpenAI-compatible server when LLM_BASE_URL is set, else llama.cpp in this process."""
    if settings.llm_base_url:
        from livekit.plugins import openai

        return openai.LLM(
            base_url=settings.llm_base_url, model=settings.llm_base_model, api_key="local"
        )
    path = weights.resolve_gguf(settings.local_llm_model_path, settings.model_cache_dir)
    return _llama(str(path))


# One instance per process and configuration: a second session must not load the weights again.
@lru_cache(maxsize=2)
def _whisper(model_dir: str, model_name: str) -> stt.STT:
    from aida.local.stt import WhisperSTT

    return WhisperSTT(Path(model_dir), model_name=model_name)


@lru_cache(maxsize=1)
def _hibari() -> tts.TTS:
    from aida.local.tts import HibariTTS

    return HibariTTS()


@lru_cache(maxsize=2)
def _llama(model_path: str) -> llm.LLM:
    from aida.local.llm import LlamaLLM

    return LlamaLLM(Path(model_path))


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
