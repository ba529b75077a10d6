"""Text to speech on the CPU: hibari-tts (a 7.9 MB Kokoro-distilled ONNX voice) as a LiveKit TTS.

`synthesize()` streams one sentence at a time, so the caller hears the first sentence while the
rest is still being rendered. The session wraps this non-streaming TTS in `tts.StreamAdapter`,
which cuts the LLM's token stream into sentences and calls `synthesize()` per sentence.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from livekit.agents import tts, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

if TYPE_CHECKING:
    from hibari import Hibari

logger = logging.getLogger("aida.local.tts")

SAMPLE_RATE = 24_000

_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().-]{5,}\d(?![\w])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def spell_phone_numbers(text: str) -> str:
    """Phone numbers read digit by digit in their groups ("four one five, five five five, ...").

    Left alone, the voice reads "415 555 0123" as "four hundred fifteen ... one twenty-three",
    which no caller can check a number against.
    """

    def spell(match: re.Match[str]) -> str:
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or _ISO_DATE.fullmatch(raw.strip()):
            return raw
        groups = re.findall(r"\d+", raw)
        if len(groups) == 1:
            groups = _nanp_groups(digits)
        spoken = ", ".join(" ".join(_DIGITS[int(d)] for d in g) for g in groups)
        return ("plus " if raw.startswith("+") else "") + spoken

    return _PHONE.sub(spell, text)


def _nanp_groups(digits: str) -> list[str]:
    if len(digits) == 11 and digits.startswith("1"):
        return ["1", digits[1:4], digits[4:7], digits[7:]]
    if len(digits) == 10:
        return [digits[:3], digits[3:6], digits[6:]]
    return [digits[i : i + 3] for i in range(0, len(digits), 3)]


def to_int16_bytes(audio: np.ndarray) -> bytes:
    return (np.clip(audio, -1.0, 1.0) * 32767.0).astype(np.int16).tobytes()


class HibariTTS(tts.TTS):
    """The bundled American English voice at 24 kHz mono; the engine loads once per process."""

    def __init__(self, *, speed: float = 1.0, threads: int = 1) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=SAMPLE_RATE,
            num_channels=1,
        )
        self._speed = speed
        self._threads = threads
        self._engine: Hibari | None = None
        self._load_lock = threading.Lock()
        # one sentence at a time through the ONNX session and the G2P, which keep state
        self.run_lock = threading.Lock()

    @property
    def model(self) -> str:
        return "hibari-heart"

    @property
    def provider(self) -> str:
        return "hibari-tts"

    def load(self) -> Hibari:
        with self._load_lock:
            if self._engine is None:
                from hibari import Hibari

                started = time.perf_counter()
                engine = Hibari(threads=self._threads)
                engine.g2p  # noqa: B018 - the G2P loads lazily; pay for it before the first call
                self._engine = engine
                logger.info("hibari loaded in %.2f s", time.perf_counter() - started)
            return self._engine

    def prewarm(self) -> None:
        threading.Thread(target=self.load, name="hibari-load", daemon=True).start()

    @property
    def busy(self) -> bool:
        """Synthesising a sentence right now (for `aida.local.speech_busy`)."""
        return self.run_lock.locked()

    def sentences(self, text: str) -> Iterator[np.ndarray]:
        """Blocking generator: one float32 24 kHz array per sentence of `text`."""
        engine = self.load()
        rng = np.random.default_rng()
        for phonemes in engine.phonemize(spell_phone_numbers(text)):
            with self.run_lock:
                audio = engine.from_ids(engine.ids(phonemes), self._speed, rng)
            if audio.size:
                yield audio

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return HibariChunkedStream(tts=self, input_text=text, conn_options=conn_options)


class HibariChunkedStream(tts.ChunkedStream):
    def __init__(self, *, tts: HibariTTS, input_text: str, conn_options: APIConnectOptions):
        super().__init__(tts=tts, input_text=input_text, conn_options=conn_options)
        self._hibari = tts

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(
            request_id=utils.shortuuid("hibari_"),
            sample_rate=SAMPLE_RATE,
            num_channels=1,
            mime_type="audio/pcm",
        )
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._hibari.load)
        sentences = self._hibari.sentences(self._input_text)
        while True:
            # one sentence per hop to the thread pool: each sentence's audio is emitted as soon
            # as it exists, and a cancelled (interrupted) stream stops after the current one
            audio = await loop.run_in_executor(None, next, sentences, None)
            if audio is None:
                break
            output_emitter.push(to_int16_bytes(audio))
        output_emitter.flush()
