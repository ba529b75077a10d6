"""Which speech and language providers a call uses, chosen from settings.

`PROVIDERS=cloud` uses Deepgram (STT), OpenAI (LLM, Anthropic behind it when
`LLM_FALLBACK=anthropic`) and Cartesia (TTS), and requires their keys. `local` uses the offline
stack in `aida.local` for all three. `auto` (the default) uses each cloud provider whose key is
set and puts the local one behind it as the last fallback (alone where there is no key).

A provider that is configured but cannot start is a `ConfigError` at start-up, naming the variable,
never a failure in the middle of somebody's call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aida.config import Settings

logger = logging.getLogger("aida.providers")

Role = Literal["stt", "llm", "tts"]
ROLES: tuple[Role, ...] = ("stt", "llm", "tts")
LOCAL_CACHE_KEY = "aida.local_models"


class ConfigError(Exception):
    """Settings that cannot work; the message is one line naming the variable to fix."""


@dataclass(frozen=True)
class ProviderChoice:
    provider: str  # "deepgram" | "openai" | "anthropic" | "cartesia" | "local"
    model: str | None = None

    def describe(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model}


@dataclass(frozen=True)
class ProviderPlan:
    """Per role, the providers in fallback order (first is primary)."""

    mode: str
    stt: tuple[ProviderChoice, ...]
    llm: tuple[ProviderChoice, ...]
    tts: tuple[ProviderChoice, ...]

    def chain(self, role: Role) -> tuple[ProviderChoice, ...]:
        return getattr(self, role)

    @property
    def uses_local(self) -> bool:
        return any(c.provider == "local" for role in ROLES for c in self.chain(role))


def openai_model(settings: Settings) -> str:
    """`LIVEKIT_LLM_MODEL` names the model LiveKit-style ("openai/gpt-4o-mini"); the OpenAI plugin
    wants the bare name."""
    slug = settings.livekit_llm_model.strip()
    provider, sep, model = slug.partition("/")
    if not sep:
        return slug
    if provider != "openai" or not model:
        raise ConfigError(
            f"LIVEKIT_LLM_MODEL must be an OpenAI model such as openai/gpt-4o-mini; got {slug!r}"
        )
    return model


def _fallback(settings: Settings) -> str | None:
    value = (settings.llm_fallback or "").strip().lower()
    if value in ("", "none", "off"):
        return None
    if value != "anthropic":
        raise ConfigError(f"LLM_FALLBACK must be 'anthropic' or empty; got {value!r}")
    return value


def _has(secret: Any) -> bool:
    return secret is not None and bool(secret.get_secret_value().strip())


def _local(role: Role, settings: Settings) -> ProviderChoice:
    if role == "stt":
        return ProviderChoice("local", f"whisper-{settings.local_stt_model}")
    if role == "llm":
        if settings.llm_base_url:
            return ProviderChoice("local", settings.llm_base_model)
        path = settings.local_llm_model_path
        return ProviderChoice("local", path.name if path else "bundled")
    return ProviderChoice("local", "bundled")


def plan_providers(settings: Settings) -> ProviderPlan:
    """Decide the providers without building anything; raises `ConfigError`."""
    mode = settings.providers
    if mode == "local":
        return ProviderPlan(
            mode, (_local("stt", settings),), (_local("llm", settings),), (_local("tts", settings),)
        )

    required = mode == "cloud"
    fallback = _fallback(settings)
    model = openai_model(settings)

    def need(var: str, present: bool, why: str) -> bool:
        if not present and required:
            raise ConfigError(f"{var} is not set; it is required {why}")
        return present

    stt: list[ProviderChoice] = []
    if need("DEEPGRAM_API_KEY", _has(settings.deepgram_api_key), "with PROVIDERS=cloud"):
        stt.append(ProviderChoice("deepgram", settings.deepgram_stt_model))
    llm: list[ProviderChoice] = []
    if need("OPENAI_API_KEY", _has(settings.openai_api_key), "with PROVIDERS=cloud"):
        llm.append(ProviderChoice("openai", model))
    if fallback == "anthropic":
        # Asked for by name: a missing key is an error in every mode, not a silent skip.
        if not _has(settings.anthropic_api_key):
            raise ConfigError(
                "ANTHROPIC_API_KEY is not set; it is required by LLM_FALLBACK=anthropic"
            )
        llm.append(ProviderChoice("anthropic", settings.anthropic_model))
    tts: list[ProviderChoice] = []
    if need("CARTESIA_API_KEY", _has(settings.cartesia_api_key), "with PROVIDERS=cloud"):
        if not (settings.cartesia_voice_id or "").strip():
            raise ConfigError("CARTESIA_VOICE_ID is not set; it is required with CARTESIA_API_KEY")
        tts.append(ProviderChoice("cartesia", settings.cartesia_tts_model))

    if mode == "auto":
        stt.append(_local("stt", settings))
        llm.append(_local("llm", settings))
        tts.append(_local("tts", settings))
    return ProviderPlan(mode, tuple(stt), tuple(llm), tuple(tts))


def describe_providers(settings: Settings) -> dict[str, Any]:
    """For /health and start-up logs: what each role uses, in fallback order. No secrets."""
    try:
        plan = plan_providers(settings)
    except ConfigError as exc:
        return {"mode": settings.providers, "error": str(exc)}
    out: dict[str, Any] = {"mode": plan.mode, "vad": "silero"}
    for role in ROLES:
        out[role] = [c.describe() for c in plan.chain(role)]
    return out


# --- building -------------------------------------------------------------------------------

LocalBuilder = Callable[[Settings], Any]


def local_builder(role: Role) -> LocalBuilder:
    """`aida.local.build_<role>`, imported only when a local provider is in the plan."""
    import aida.local as local

    builder: LocalBuilder = getattr(local, f"build_{role}")
    return builder


def _cloud(choice: ProviderChoice, settings: Settings) -> Any:
    def key(secret: Any) -> str:
        return secret.get_secret_value()

    def endpoint(url: str | None) -> dict[str, Any]:
        # each plugin's own base-URL setting; unset leaves the plugin's default (the public API)
        return {"base_url": url.strip()} if url and url.strip() else {}

    if choice.provider == "deepgram":
        from livekit.plugins import deepgram

        return deepgram.STT(
            model=choice.model or "nova-3",
            api_key=key(settings.deepgram_api_key),
            **endpoint(settings.deepgram_base_url),
        )
    if choice.provider == "openai":
        from livekit.plugins import openai

        return openai.LLM(
            model=choice.model or "gpt-4o-mini",
            api_key=key(settings.openai_api_key),
            **endpoint(settings.openai_base_url),
        )
    if choice.provider == "anthropic":
        from livekit.plugins import anthropic

        return anthropic.LLM(
            model=choice.model or "claude-3-5-haiku-latest",
            api_key=key(settings.anthropic_api_key),
            **endpoint(settings.anthropic_base_url),
        )
    if choice.provider == "cartesia":
        from livekit.plugins import cartesia

        return cartesia.TTS(
            model=choice.model or "sonic-2",
            voice=settings.cartesia_voice_id or "",
            api_key=key(settings.cartesia_api_key),
            **endpoint(settings.cartesia_base_url),
        )
    raise ConfigError(f"unknown provider {choice.provider!r}")


_PLUGINS = {
    "deepgram": "livekit.plugins.deepgram",
    "openai": "livekit.plugins.openai",
    "anthropic": "livekit.plugins.anthropic",
    "cartesia": "livekit.plugins.cartesia",
}


def import_plugins(settings: Settings) -> list[str]:
    """Import, on the main thread, the LiveKit plugins the provider plan builds: LiveKit
    registers a plugin only on the main thread, and a call on a job thread would otherwise
    import it there and fail. Returns the modules imported."""
    import importlib

    modules = ["livekit.plugins.silero"]
    try:
        plan = plan_providers(settings)
    except ConfigError:
        plan = None  # preflight reports the problem
    if plan is not None:
        for role in ROLES:
            modules += [_PLUGINS[c.provider] for c in plan.chain(role) if c.provider in _PLUGINS]
    if settings.llm_base_url:  # the "local" LLM served over the OpenAI API (aida.local.build_llm)
        modules.append(_PLUGINS["openai"])
    if settings.openai_api_key is not None or settings.anthropic_api_key is not None:
        # the call record's summary models (aida.calls.summary_models)
        modules += [_PLUGINS["openai"], _PLUGINS["anthropic"]]
    imported = list(dict.fromkeys(modules))
    for module in imported:
        importlib.import_module(module)
    return imported


@dataclass
class Providers:
    """What an `AgentSession` is built with. Tests pass their own (e.g. only a scripted LLM)."""

    llm: Any
    stt: Any = None
    tts: Any = None
    vad: Any = None
    description: dict[str, Any] = field(default_factory=dict)
    # the streaming STTs watched for a stall (their `stt_stalled` events go on the timeline)
    watched_stt: list[Any] = field(default_factory=list)
    # the session's TTS connect options, when the TTS is a fallback chain (see build_providers)
    tts_conn_options: Any = None


def _instance(
    role: Role, choice: ProviderChoice, settings: Settings, cache: MutableMapping[str, Any] | None
) -> Any:
    if choice.provider != "local":
        return _cloud(choice, settings)
    local_models = cache.get(LOCAL_CACHE_KEY, {}) if cache is not None else {}
    if role in local_models:
        return local_models[role]
    return local_builder(role)(settings)


def build_providers(
    settings: Settings, *, vad: Any = None, cache: MutableMapping[str, Any] | None = None
) -> Providers:
    """Instances for one session; multi-provider roles are wrapped in LiveKit FallbackAdapters.
    `cache` is the worker process's userdata, where `prewarm_local` left loaded local models."""
    from livekit.agents import llm as lk_llm
    from livekit.agents import stt as lk_stt
    from livekit.agents import tts as lk_tts

    plan = plan_providers(settings)
    built: dict[Role, list[Any]] = {
        role: [_instance(role, c, settings, cache) for c in plan.chain(role)] for role in ROLES
    }
    if (
        len(built["stt"]) > 1
        and vad is None
        and not all(s.capabilities.streaming for s in built["stt"])
    ):
        # A fallback chain with a non-streaming STT (local Whisper) segments speech by VAD.
        from livekit.plugins import silero

        vad = silero.VAD.load()
    stt_chain = built["stt"]
    watched: list[Any] = []
    if len(stt_chain) > 1:
        # A streaming cloud STT that stops answering never raises, so the adapter would never
        # fail over: each one before another is watched (aida/agent/stt_watchdog.py), and the
        # next one, when it is the local Whisper, transcribes the utterance it swallowed.
        from aida.agent.stt_watchdog import WatchedSTT

        if vad is None:
            from livekit.plugins import silero

            vad = silero.VAD.load()
        for i, instance in enumerate(stt_chain[:-1]):
            if plan.stt[i].provider != "local" and instance.capabilities.streaming:
                after = stt_chain[i + 1]
                rescue = after if not after.capabilities.streaming else None
                stt_chain[i] = WatchedSTT(
                    instance, vad=vad, stall_seconds=settings.stt_stall_seconds, rescue=rescue
                )
                watched.append(stt_chain[i])
    stt_ = stt_chain[0] if len(stt_chain) == 1 else lk_stt.FallbackAdapter(stt_chain, vad=vad)
    llm_ = built["llm"][0] if len(built["llm"]) == 1 else lk_llm.FallbackAdapter(built["llm"])
    tts_conn_options = None
    if len(built["tts"]) == 1:
        tts_ = built["tts"][0]
    else:
        # A cloud voice that stalls is waited for `TTS_TIMEOUT_SECONDS` once, not the session's
        # 10 s on each of three attempts (32 s of silence): the local voice behind it speaks
        # the reply at once, and the adapter probes the cloud one for the next reply.
        from livekit.agents import APIConnectOptions

        tts_ = lk_tts.FallbackAdapter(built["tts"], max_retry_per_tts=0)
        tts_conn_options = APIConnectOptions(max_retry=0, timeout=settings.tts_timeout_seconds)
    return Providers(
        llm=llm_,
        stt=stt_,
        tts=tts_,
        vad=vad,
        description=describe_providers(settings),
        watched_stt=watched,
        tts_conn_options=tts_conn_options,
    )


def prewarm_local(settings: Settings, userdata: MutableMapping[str, Any]) -> list[str]:
    """Load, once per worker process, the local models that are the primary provider of a role
    (called from prewarm). A local model that only stands behind a cloud provider loads on first
    use instead, so cloud deployments do not carry every model in every process. Returns the
    roles loaded."""
    plan = plan_providers(settings)
    loaded: dict[str, Any] = userdata.setdefault(LOCAL_CACHE_KEY, {})
    for role in ROLES:
        chain = plan.chain(role)
        if role not in loaded and chain and chain[0].provider == "local":
            instance = local_builder(role)(settings)
            load = getattr(instance, "load", None)
            if callable(load):  # aida.local's providers load their weights lazily otherwise
                load()
            if role == "llm":
                warm_llm(instance, settings)
            loaded[role] = instance
    return sorted(loaded)


def warm_llm(model: Any, settings: Settings) -> None:
    """Evaluate Aida's constant instructions and tool list once per process, so the first caller
    does not wait for them (tens of seconds for a 1.5B model on 2 cores); the after-call
    summary's first, so that Aida's are the ones left in the context. Both are saved (`aida
    models prepare`) and restored from then on."""
    warm = getattr(model, "warm", None)
    if not callable(warm):
        return
    from aida.agent.aida import Aida
    from aida.calls import summary

    warm(summary.instructions(settings.clinic_name), summary.summary_tools())

    agent = Aida(settings, caller=None, greet=False)
    warm(agent.instructions, list(agent.tools))
