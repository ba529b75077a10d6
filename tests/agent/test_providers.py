"""Provider selection from settings, and the start-up errors for what cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from livekit.agents import llm as lk_llm
from livekit.agents import stt as lk_stt
from livekit.agents import tts as lk_tts

from aida.agent import providers as prov
from aida.agent.providers import (
    ConfigError,
    build_providers,
    describe_providers,
    plan_providers,
    prewarm_local,
)
from aida.agent.worker import preflight
from aida.config import Settings

REPO = Path(__file__).resolve().parents[2]
KEYS = {
    "openai_api_key": "sk-test-openai",
    "deepgram_api_key": "dg-test",
    "cartesia_api_key": "ca-test",
    "cartesia_voice_id": "voice-test",
    "anthropic_api_key": "an-test",
}


def make(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def providers_of(settings: Settings, role: str) -> list[str]:
    return [c.provider for c in plan_providers(settings).chain(role)]  # type: ignore[arg-type]


def test_cloud_with_all_keys() -> None:
    s = make(
        providers="cloud",
        llm_fallback="anthropic",
        livekit_llm_model="openai/gpt-4o",
        deepgram_stt_model="nova-3",
        cartesia_tts_model="sonic-2",
        **KEYS,
    )
    plan = plan_providers(s)
    assert providers_of(s, "stt") == ["deepgram"]
    assert providers_of(s, "llm") == ["openai", "anthropic"]
    assert providers_of(s, "tts") == ["cartesia"]
    assert plan.llm[0].model == "gpt-4o"  # "openai/" stripped for the plugin
    assert plan.stt[0].model == "nova-3" and plan.tts[0].model == "sonic-2"
    assert not plan.uses_local


@pytest.mark.parametrize(
    ("missing", "var"),
    [
        ("deepgram_api_key", "DEEPGRAM_API_KEY"),
        ("openai_api_key", "OPENAI_API_KEY"),
        ("cartesia_api_key", "CARTESIA_API_KEY"),
    ],
)
def test_cloud_requires_each_key(missing: str, var: str) -> None:
    keys = {k: v for k, v in KEYS.items() if k != missing}
    with pytest.raises(ConfigError, match=var):
        plan_providers(make(providers="cloud", **keys))


@pytest.mark.parametrize("mode", ["cloud", "auto"])
def test_anthropic_fallback_without_its_key_fails_in_any_mode(mode: str) -> None:
    keys = {k: v for k, v in KEYS.items() if k != "anthropic_api_key"}
    with pytest.raises(ConfigError, match=r"ANTHROPIC_API_KEY.*LLM_FALLBACK=anthropic"):
        plan_providers(make(providers=mode, llm_fallback="anthropic", **keys))


def test_cartesia_needs_a_voice() -> None:
    keys = {k: v for k, v in KEYS.items() if k != "cartesia_voice_id"}
    for mode in ("cloud", "auto"):
        with pytest.raises(ConfigError, match="CARTESIA_VOICE_ID"):
            plan_providers(make(providers=mode, **keys))


def test_unknown_fallback_and_foreign_model_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="LLM_FALLBACK"):
        plan_providers(make(llm_fallback="gemini"))
    with pytest.raises(ConfigError, match="LIVEKIT_LLM_MODEL"):
        plan_providers(make(livekit_llm_model="google/gemini-2.0-flash", **KEYS))
    assert plan_providers(make(livekit_llm_model="gpt-4o-mini", **KEYS)).llm[0].model == (
        "gpt-4o-mini"
    )


def test_auto_uses_cloud_where_keys_exist_and_local_behind_it() -> None:
    s = make(providers="auto", openai_api_key="sk-test", deepgram_api_key="dg")
    assert providers_of(s, "stt") == ["deepgram", "local"]
    assert providers_of(s, "llm") == ["openai", "local"]
    assert providers_of(s, "tts") == ["local"]  # no Cartesia key: local alone


def test_auto_without_any_key_is_all_local_and_local_ignores_keys() -> None:
    assert plan_providers(make(providers="auto")).uses_local
    for role in ("stt", "llm", "tts"):
        assert providers_of(make(providers="auto"), role) == ["local"]
        assert providers_of(make(providers="local", llm_fallback="anthropic", **KEYS), role) == [
            "local"
        ]


def test_describe_names_models_and_never_secrets() -> None:
    s = make(providers="auto", llm_fallback="anthropic", **KEYS)
    desc = describe_providers(s)
    assert desc["mode"] == "auto" and desc["vad"] == "silero"
    assert desc["llm"][0] == {"provider": "openai", "model": "gpt-4o-mini"}
    assert [d["provider"] for d in desc["llm"]] == ["openai", "anthropic", "local"]
    text = repr(desc)
    assert all(secret not in text for secret in KEYS.values())
    broken = describe_providers(make(providers="cloud"))
    assert "error" in broken and "DEEPGRAM_API_KEY" in broken["error"]


class FakeLocal:
    def __init__(self, role: str) -> None:
        self.role = role


@pytest.fixture
def fake_local(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    built: list[str] = []

    def builder(role: str) -> Any:
        def build(settings: Settings) -> Any:
            built.append(role)
            base = {"stt": lk_stt.STT, "llm": lk_llm.LLM, "tts": lk_tts.TTS}[role]
            return FakeLocal(role) if role == "none" else _fake_instance(base, role)

        return build

    monkeypatch.setattr(prov, "local_builder", builder)
    return built


def _fake_instance(base: type, role: str) -> Any:
    """A real provider of the right kind from livekit, standing in for the local one."""
    from livekit.plugins import cartesia, deepgram, openai

    if role == "stt":
        return deepgram.STT(api_key="local-stand-in")
    if role == "llm":
        return openai.LLM(api_key="local-stand-in", base_url="http://127.0.0.1:9/v1")
    return cartesia.TTS(api_key="local-stand-in")


async def test_build_wraps_chains_in_fallback_adapters(fake_local: list[str]) -> None:
    s = make(providers="auto", llm_fallback="anthropic", **KEYS)
    built = build_providers(s)
    assert isinstance(built.stt, lk_stt.FallbackAdapter)
    assert isinstance(built.llm, lk_llm.FallbackAdapter)
    assert isinstance(built.tts, lk_tts.FallbackAdapter)
    assert [type(x).__module__.split(".")[2] for x in built.llm._llm_instances] == [
        "openai",
        "anthropic",
        "openai",  # the last is the local stand-in
    ]
    assert sorted(fake_local) == ["llm", "stt", "tts"]
    assert built.description["llm"][1]["provider"] == "anthropic"


async def test_build_single_provider_is_not_wrapped(fake_local: list[str]) -> None:
    built = build_providers(make(providers="cloud", **KEYS))
    from livekit.plugins import cartesia, deepgram, openai

    assert isinstance(built.stt, deepgram.STT)
    assert isinstance(built.llm, openai.LLM)
    assert isinstance(built.tts, cartesia.TTS)
    assert fake_local == []
    # nothing behind them to fail over to: LiveKit's defaults, no watchdog
    assert built.watched_stt == [] and built.tts_conn_options is None


def test_prewarm_loads_primary_local_models_once_and_build_reuses_them(
    fake_local: list[str],
) -> None:
    userdata: dict[str, Any] = {}
    s = make(providers="local")
    assert prewarm_local(s, userdata) == ["llm", "stt", "tts"]
    assert prewarm_local(s, userdata) == ["llm", "stt", "tts"]
    assert sorted(fake_local) == ["llm", "stt", "tts"]  # loaded once
    built = build_providers(s, cache=userdata)
    assert built.llm is userdata[prov.LOCAL_CACHE_KEY]["llm"]
    assert len(fake_local) == 3


def test_prewarm_skips_local_models_that_only_stand_behind_cloud(fake_local: list[str]) -> None:
    userdata: dict[str, Any] = {}
    s = make(providers="auto", openai_api_key="sk", deepgram_api_key="dg")
    assert prewarm_local(s, userdata) == ["tts"]  # no Cartesia key: local TTS is primary
    assert fake_local == ["tts"]


def test_preflight_names_missing_livekit_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        monkeypatch.delenv(var, raising=False)
    s = make(providers="local")
    line = preflight(["agent.py", "start"], s)
    assert line is not None and "\n" not in line
    assert "LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET are not set" in line
    assert preflight(["agent.py", "start", "--url", "wss://x"], s) == (
        "aida: cannot `start` the worker: LIVEKIT_API_KEY, LIVEKIT_API_SECRET are not set "
        "(see .env.example)"
    )
    assert preflight(["agent.py", "download-files"], s) is None


def test_preflight_exports_dotenv_values_and_checks_providers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for var in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        monkeypatch.delenv(var, raising=False)
    s = make(
        livekit_url="wss://lk.example",
        livekit_api_key="k",
        livekit_api_secret="s" * 32,
        providers="cloud",
    )
    line = preflight(["agent.py", "start"], s)
    assert line == "aida: DEEPGRAM_API_KEY is not set; it is required with PROVIDERS=cloud"
    assert os.environ["LIVEKIT_URL"] == "wss://lk.example"
    assert preflight(["agent.py", "start"], s.model_copy(update={"providers": "local"})) is None


def test_agent_py_start_without_livekit_settings_exits_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "PROVIDERS"))}
    env["PROVIDERS"] = "local"
    # run from an empty directory so no .env is read
    proc = subprocess.run(
        [sys.executable, str(REPO / "agent.py"), "start"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        "aida: cannot `start` the worker: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET "
        "are not set (see .env.example)"
    ]


@pytest.mark.slow
def test_real_local_stack_builds_behind_cloud_providers() -> None:
    """The seam with aida.local: its providers slot in alone and as the last fallback (building
    loads no weights; it imports faster-whisper, llama.cpp and hibari)."""
    from aida.local.llm import LlamaLLM
    from aida.local.stt import WhisperSTT
    from aida.local.tts import HibariTTS

    local = build_providers(make(providers="local"))
    assert isinstance(local.stt, WhisperSTT)
    assert isinstance(local.llm, LlamaLLM)
    assert isinstance(local.tts, HibariTTS)

    mixed_settings = make(providers="auto", **KEYS)
    mixed = build_providers(mixed_settings)
    assert isinstance(mixed.stt, lk_stt.FallbackAdapter)
    assert mixed.vad is not None  # Whisper does not stream: the chain segments speech by VAD
    assert isinstance(mixed.tts, lk_tts.FallbackAdapter)
    assert isinstance(mixed.llm._llm_instances[-1], LlamaLLM)
    # Deepgram is watched for a stall, the local Whisper behind it rescues the utterance in
    # flight; Cartesia gets one short attempt before the local voice (docs/providers.md)
    from aida.agent.stt_watchdog import WatchedSTT

    watched = mixed.stt._stt_instances[0]
    assert isinstance(watched, WatchedSTT) and mixed.watched_stt == [watched]
    assert isinstance(watched._rescue, WhisperSTT) and watched.provider == "Deepgram"
    assert mixed.tts._max_retry_per_tts == 0
    assert mixed.tts_conn_options.timeout == mixed_settings.tts_timeout_seconds == 2.0


def test_prewarm_evaluates_aidas_constant_prompt_on_the_local_llm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aida.agent.prompts import build_instructions

    warmed: list[tuple[str, list[str]]] = []

    class WarmableLLM(lk_llm.LLM):
        def chat(self, **kwargs: Any) -> Any:  # never called here
            raise NotImplementedError

        def warm(self, instructions: str, tools: list[Any]) -> None:
            warmed.append((instructions, sorted(t.info.name for t in tools)))

    monkeypatch.setattr(
        prov,
        "local_builder",
        lambda role: (lambda settings: WarmableLLM()) if role == "llm" else (lambda s: object()),
    )
    s = make(providers="local")
    prewarm_local(s, {})
    # the after-call summary's head first, then Aida's, so hers is the one left in the context
    assert len(warmed) == 2
    from aida.calls.summary import SUMMARY_TOOL
    from aida.calls.summary import instructions as summary_instructions

    assert warmed[0] == (summary_instructions(s.clinic_name), [SUMMARY_TOOL])
    instructions, tools = warmed[1]
    assert instructions == build_instructions(s)  # the same text every call starts with
    assert "book_appointment" in tools and "identify_caller" in tools
