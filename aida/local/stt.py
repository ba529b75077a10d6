"""Speech to text on the CPU: faster-whisper behind LiveKit's non-streaming `stt.STT`.

The session drives it through `stt.StreamAdapter` with the VAD: each finished utterance arrives
here as one buffer, at whatever rate the caller's audio had (48 kHz WebRTC, 8 kHz phone band),
and is resampled to the 16 kHz mono float32 Whisper expects.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from livekit import rtc
from livekit.agents import stt, utils
from livekit.agents.language import LanguageCode
from livekit.agents.types import (
    DEFAULT_API_CONNECT_OPTIONS,
    NOT_GIVEN,
    APIConnectOptions,
    NotGivenOr,
)

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

logger = logging.getLogger("aida.local.stt")

WHISPER_RATE = 16_000


def to_whisper_pcm(buffer: utils.AudioBuffer) -> np.ndarray:
    """Any LiveKit audio (one frame or many, any rate, any channel count) -> 16 kHz mono float32."""
    frame = rtc.combine_audio_frames(buffer) if isinstance(buffer, list) else buffer
    if frame.samples_per_channel == 0:
        return np.zeros(0, np.float32)
    pcm = np.frombuffer(frame.data, dtype=np.int16).reshape(-1, frame.num_channels)
    mono = pcm.mean(axis=1) if frame.num_channels > 1 else pcm[:, 0]
    if frame.sample_rate != WHISPER_RATE:
        mono = _resample(mono.astype(np.int16), frame.sample_rate)
    return (np.asarray(mono, dtype=np.float32) / 32768.0).clip(-1.0, 1.0)


def _resample(mono_int16: np.ndarray, rate: int) -> np.ndarray:
    # soxr (inside livekit-rtc) low-passes before decimating; plain interpolation would alias
    # 48 kHz speech energy above 8 kHz back into the band Whisper listens to.
    resampler = rtc.AudioResampler(rate, WHISPER_RATE, num_channels=1)
    src = rtc.AudioFrame(mono_int16.tobytes(), rate, 1, len(mono_int16))
    frames = [*resampler.push(src), *resampler.flush()]
    if not frames:
        return np.zeros(0, np.int16)
    return np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in frames])


class WhisperSTT(stt.STT):
    """faster-whisper (CTranslate2, int8) with the model loaded once per process and reused.

    Recognition runs in a worker thread so the event loop keeps moving audio meanwhile; a lock
    serialises the model because CTranslate2 already uses every thread it was given.
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        model_name: str = "tiny.en",
        cpu_threads: int = 2,
        beam_size: int = 1,
        initial_prompt: str | None = None,
    ) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=False, interim_results=False))
        self._model_dir = Path(model_dir)
        self._model_name = model_name
        self._cpu_threads = cpu_threads
        self._beam_size = beam_size
        self._initial_prompt = initial_prompt
        self._model: WhisperModel | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    @property
    def model(self) -> str:
        return f"whisper-{self._model_name}"

    @property
    def provider(self) -> str:
        return "faster-whisper"

    def load(self) -> WhisperModel:
        """Load the weights (once); safe to call from any thread."""
        with self._load_lock:
            if self._model is None:
                from faster_whisper import WhisperModel

                started = time.perf_counter()
                self._model = WhisperModel(
                    str(self._model_dir),
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=self._cpu_threads,
                    local_files_only=True,
                )
                logger.info(
                    "whisper %s loaded in %.2f s", self._model_name, time.perf_counter() - started
                )
            return self._model

    def prewarm(self) -> None:
        threading.Thread(target=self.load, name="whisper-load", daemon=True).start()

    @property
    def busy(self) -> bool:
        """Recognising a caller's words right now (for `aida.local.speech_busy`)."""
        return self._run_lock.locked()

    def transcribe(self, pcm16k: np.ndarray) -> tuple[str, float]:
        """Blocking: 16 kHz mono float32 -> (text, confidence in [0, 1])."""
        model = self.load()
        if pcm16k.size < WHISPER_RATE // 10:  # under 100 ms: nothing Whisper can read
            return "", 0.0
        with self._run_lock:
            segments, _info = model.transcribe(
                pcm16k,
                language="en",
                beam_size=self._beam_size,
                condition_on_previous_text=False,
                without_timestamps=True,
                initial_prompt=self._initial_prompt,
                vad_filter=False,
            )
            # faster-whisper decodes lazily: consuming the generator is the actual work
            kept = [s for s in segments if s.text.strip()]
        text = " ".join(s.text.strip() for s in kept).strip()
        if not kept:
            return "", 0.0
        confidence = sum(math.exp(min(0.0, s.avg_logprob)) for s in kept) / len(kept)
        return text, confidence

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.SpeechEvent:
        pcm = to_whisper_pcm(buffer)
        duration = pcm.size / WHISPER_RATE
        text, confidence = await asyncio.to_thread(self.transcribe, pcm)
        from aida.local.redecode import call_audio

        keeper = call_audio()
        if keeper is not None and self._model_name != "base":
            # kept for a second hearing of an identity turn (aida.local.redecode)
            keeper.heard(text, pcm)
        # the base class turns each recognize() into STTMetrics with the buffer's audio
        # duration, which is what session usage counts; nothing more to report here
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=utils.shortuuid("whisper_"),
            alternatives=[
                stt.SpeechData(
                    language=LanguageCode("en"),
                    text=text,
                    start_time=0.0,
                    end_time=duration,
                    confidence=confidence,
                )
            ],
        )
