"""Local servers that speak the cloud providers' wire protocols: a test mode for the brief's own
stack (Deepgram STT, OpenAI LLM with Anthropic behind it, Cartesia TTS).

Each double is an aiohttp server on 127.0.0.1 that the real LiveKit plugin talks to through the
plugin's own base-URL setting (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `DEEPGRAM_BASE_URL`,
`CARTESIA_BASE_URL`): nothing in the plugins is patched, so a call through the doubles exercises
the plugins' parsing, streaming, reconnection and LiveKit's fallback adapters as a call to the
real services would. What each double implements, and where it is simpler, is in
docs/providers.md.

    async with CloudDoubles(delays=Delays.realistic()) as doubles:
        settings = doubles.settings(base_settings)    # keys and base URLs of every double
        doubles.llm_script.extend([...])               # what the model says and calls
        doubles.openai.faults.inject("500")            # the next OpenAI request fails

`aida simulate --providers cloud` runs against them when `AIDA_CLOUD_DOUBLES=1`.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import SecretStr

from aida.config import Settings
from aida.simulate.cloud_doubles.anthropic import AnthropicDouble
from aida.simulate.cloud_doubles.base import FAULT_KINDS, Delays, DoubleServer, FaultKind, Faults
from aida.simulate.cloud_doubles.cartesia import CartesiaDouble, Synthesizer
from aida.simulate.cloud_doubles.deepgram import DeepgramDouble, Transcriber
from aida.simulate.cloud_doubles.openai import OpenAIDouble
from aida.simulate.cloud_doubles.script import LLMScript

__all__ = [
    "FAULT_KINDS",
    "AnthropicDouble",
    "CartesiaDouble",
    "CloudDoubles",
    "DeepgramDouble",
    "Delays",
    "DoubleServer",
    "FaultKind",
    "Faults",
    "LLMScript",
    "OpenAIDouble",
    "doubles_enabled",
]

ENV = "AIDA_CLOUD_DOUBLES"
VOICE_ID = "double-voice"  # any id: the double speaks with the local voice


def doubles_enabled(env: dict[str, str] | None = None) -> bool:
    return (env if env is not None else os.environ).get(ENV, "").strip().lower() in (
        "1",
        "true",
        "yes",
    )


class WhisperTranscriber:
    """The Deepgram double's ears: the local Whisper model (the one the local STT uses), loaded
    by `load` or on the first audio, so a text-only call never loads it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._model: Any = None

    def load(self) -> None:
        if self._model is None:
            from aida.local import build_stt

            self._model = build_stt(self._settings)
        self._model.load()

    def __call__(self, pcm16k: Any) -> str:
        self.load()
        text, _confidence = self._model.transcribe(pcm16k)
        return str(text)


class HibariSynthesizer:
    """The Cartesia double's voice: its own instance of the local voice, so its work is never
    counted as the local TTS's; loaded by `load` or on first use."""

    def __init__(self) -> None:
        self._voice: Any = None

    def load(self) -> None:
        if self._voice is None:
            from aida.local.tts import HibariTTS

            self._voice = HibariTTS()
        self._voice.load()

    def __call__(self, text: str) -> Any:
        self.load()
        return self._voice.sentences(text)


class CloudDoubles:
    """The four doubles, started together on 127.0.0.1. The speech doubles load their models
    (Whisper, hibari) only when audio or text first reaches them, so a text call costs none."""

    def __init__(
        self,
        *,
        delays: Delays | None = None,
        transcriber: Transcriber | None = None,
        synthesizer: Synthesizer | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.delays = delays or Delays()
        self.llm_script = LLMScript()
        self.openai = OpenAIDouble(self.llm_script, self.delays)
        self.anthropic = AnthropicDouble(self.llm_script, self.delays)
        base = settings or Settings(_env_file=None)
        self.deepgram = DeepgramDouble(transcriber or WhisperTranscriber(base), self.delays)
        self.cartesia = CartesiaDouble(synthesizer or HibariSynthesizer(), self.delays)

    def load_speech(self) -> None:
        """Load the speech doubles' models now (blocking, seconds), not during the first turn."""
        for model in (self.deepgram.transcribe, self.cartesia.synthesize):
            load = getattr(model, "load", None)
            if callable(load):
                load()

    @property
    def servers(self) -> list[DoubleServer]:
        return [self.openai, self.anthropic, self.deepgram, self.cartesia]

    def describe(self) -> str:
        return ", ".join(f"{s.provider} {s.url}" for s in self.servers)

    async def start(self) -> CloudDoubles:
        for server in self.servers:
            await server.start()
        return self

    async def aclose(self) -> None:
        for server in self.servers:
            await server.aclose()

    async def __aenter__(self) -> CloudDoubles:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def overrides(self, *, fallback: bool = True) -> dict[str, Any]:
        """Settings fields that point every configured provider at its double (with test keys)."""
        out: dict[str, Any] = {
            "openai_api_key": SecretStr("sk-double"),
            "openai_base_url": self.openai.base_url,
        }
        if fallback:
            out.update(
                llm_fallback="anthropic",
                anthropic_api_key=SecretStr("sk-ant-double"),
                anthropic_base_url=self.anthropic.base_url,
            )
        out.update(
            deepgram_api_key=SecretStr("dg-double"),
            deepgram_base_url=self.deepgram.base_url,
            cartesia_api_key=SecretStr("ca-double"),
            cartesia_voice_id=VOICE_ID,
            cartesia_base_url=self.cartesia.base_url,
        )
        return out

    def settings(
        self, base: Settings, *, providers: str = "cloud", fallback: bool = True
    ) -> Settings:
        return base.model_copy(update={"providers": providers, **self.overrides(fallback=fallback)})

    def stands_for(self, provider: str) -> str:
        """The provider a double's address stands for ("127.0.0.1:41234" -> "openai"), as the
        price table names it; any other name unchanged. The plugins name a provider by the
        address they call, and aida/calls/cost.py prices a loopback address as local."""
        for server in self.servers:
            if server.url and server.url.split("://", 1)[1] == provider:
                return server.provider
        return provider

    def as_billed(self, usage: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Session usage with each double's address replaced by the provider it stands for, so
        the price table prices it as that provider would bill it."""
        return [{**u, "provider": self.stands_for(str(u.get("provider") or ""))} for u in usage]
