"""The simulated phone line: the caller's audio into the session, Aida's audio out, both recorded.

`CallerLine` is the session's `AudioInput`: like a real line it never stops, delivering one 20 ms
frame every 20 ms (silence between the caller's sentences), so the VAD hears the caller stop the
way it would on a call. `CallerEar` is the session's `AudioOutput`: it "plays" Aida's audio in real
time (playback finishes when the audio would have finished on the phone) and notes when each reply
started to sound. `CallRecording` places both sides on one wall-clock timeline and writes a stereo
WAV (left: caller, right: Aida).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import wave
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from livekit import rtc
from livekit.agents.voice import io

if TYPE_CHECKING:
    from aida.local.tts import HibariTTS

RECORDING_RATE = 24_000
PHONE_RATE = 8_000
FRAME_MS = 20


# --- audio helpers -------------------------------------------------------------------------


def resample(pcm: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Mono int16 at `src_rate` -> mono int16 at `dst_rate` (soxr inside livekit-rtc, which
    low-passes first, as a phone network's band limit would)."""
    pcm = np.asarray(pcm, dtype=np.int16)
    if src_rate == dst_rate or pcm.size == 0:
        return pcm
    resampler = rtc.AudioResampler(src_rate, dst_rate, num_channels=1)
    frames = [
        *resampler.push(rtc.AudioFrame(pcm.tobytes(), src_rate, 1, len(pcm))),
        *resampler.flush(),
    ]
    if not frames:
        return np.zeros(0, np.int16)
    return np.concatenate([np.frombuffer(f.data, dtype=np.int16) for f in frames])


def trim_silence(pcm: np.ndarray, rate: int, *, margin_ms: int = 30) -> np.ndarray:
    """Cut leading and trailing near-silence, so "the caller stopped speaking" is the end of the
    voice, not the end of the padding a voice engine adds."""
    if pcm.size == 0:
        return pcm
    level = np.abs(pcm.astype(np.int32))
    threshold = max(int(level.max() * 0.02), 40)
    voiced = np.flatnonzero(level > threshold)
    if voiced.size == 0:
        return pcm[:0]
    margin = rate * margin_ms // 1000
    return pcm[max(0, voiced[0] - margin) : voiced[-1] + margin + 1]


def speak(tts: HibariTTS, text: str) -> np.ndarray:
    """The caller's line in the local voice: int16 at 24 kHz, trimmed.

    Sentences are joined with a short breath, well under the VAD's minimum silence (0.55 s), so
    a line of several sentences stays one turn, as it would when a person says it."""
    gap = np.zeros(RECORDING_RATE // 4, np.int16)
    parts: list[np.ndarray] = []
    for audio in tts.sentences(text):
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype(np.int16)
        parts.extend([trim_silence(pcm, RECORDING_RATE), gap])
    if not parts:
        return np.zeros(0, np.int16)
    return np.concatenate(parts[:-1])


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV as mono int16 and its rate."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM WAV files are supported")
        rate, channels = w.getframerate(), w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data, rate


def write_wav(path: Path, channels: list[np.ndarray], rate: int) -> None:
    length = max((c.size for c in channels), default=0)
    stacked = np.zeros((length, len(channels)), np.int16)
    for i, c in enumerate(channels):
        stacked[: c.size, i] = c
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(stacked.tobytes())


# --- the recording -------------------------------------------------------------------------


class CallRecording:
    """Both sides of the call at 24 kHz, placed by wall-clock time from `started`."""

    def __init__(self, started: float, rate: int = RECORDING_RATE) -> None:
        self.started = started
        self.rate = rate
        self._tracks = {"caller": np.zeros(0, np.int16), "aida": np.zeros(0, np.int16)}

    def _index(self, at: float) -> int:
        return max(0, round((at - self.started) * self.rate))

    def add(self, side: str, pcm: np.ndarray, at: float) -> None:
        track = self._tracks[side]
        start = self._index(at)
        end = start + pcm.size
        if end > track.size:
            track = np.concatenate([track, np.zeros(end - track.size, np.int16)])
        track[start:end] = pcm
        self._tracks[side] = track

    def cut(self, side: str, after: float) -> None:
        """Drop what was queued to play after `after` (an interrupted reply stops sounding)."""
        index = self._index(after)
        self._tracks[side] = self._tracks[side][:index]

    def track(self, side: str) -> np.ndarray:
        return self._tracks[side]

    def write(self, path: Path) -> None:
        write_wav(path, [self._tracks["caller"], self._tracks["aida"]], self.rate)


# --- the caller's side of the line ---------------------------------------------------------


class CallerLine(io.AudioInput):
    """Real-time audio from the caller: silence, and the caller's lines when `say` is called."""

    def __init__(self, rate: int, recording: CallRecording | None = None) -> None:
        super().__init__(label="simulated caller")
        self.rate = rate
        self._samples = rate * FRAME_MS // 1000
        self._recording = recording
        self._queue: deque[np.ndarray] = deque()
        self._done: asyncio.Future[float] | None = None
        self._next_due: float | None = None
        self._closed = False
        self.speaking = False

    async def say(self, pcm: np.ndarray) -> tuple[float, float]:
        """Speak `pcm` (mono int16 at the line's rate) in real time; returns when the last frame
        went down the line, as (wall time speech started, wall time speech ended)."""
        if self._done is not None and not self._done.done():
            raise RuntimeError("the caller is already speaking")
        frames = [pcm[i : i + self._samples] for i in range(0, pcm.size, self._samples)]
        if frames and frames[-1].size < self._samples:
            frames[-1] = np.pad(frames[-1], (0, self._samples - frames[-1].size))
        if not frames:
            now = time.time()
            return now, now
        self._done = asyncio.get_running_loop().create_future()
        started = time.time()
        if self._recording is not None:
            self._recording.add("caller", resample(pcm, self.rate, self._recording.rate), started)
        self._queue.extend(frames)
        self.speaking = True
        ended = await self._done
        return started, ended

    def close(self) -> None:
        self._closed = True

    async def __anext__(self) -> rtc.AudioFrame:
        if self._closed:
            raise StopAsyncIteration
        loop = asyncio.get_running_loop()
        step = self._samples / self.rate
        now = loop.time()
        if self._next_due is None or now - self._next_due > 0.25:
            # first frame, or the event loop stalled: a real line does not replay lost time
            self._next_due = now
        elif self._next_due > now:
            await asyncio.sleep(self._next_due - now)
        self._next_due += step
        if self._queue:
            pcm = self._queue.popleft()
            if not self._queue and self._done is not None and not self._done.done():
                self.speaking = False
                self._done.set_result(time.time())
        else:
            pcm = np.zeros(self._samples, np.int16)
        return rtc.AudioFrame(pcm.tobytes(), self.rate, 1, self._samples)


# --- Aida's side of the line ---------------------------------------------------------------


class CallerEar(io.AudioOutput):
    """Plays Aida's audio to the simulated caller in real time, and records it.

    A reply "sounds" from its first frame; frames that arrive later than the audio before them
    has finished playing leave a gap, as a stall would on a real line. Playback of a segment is
    reported finished when its last sample would have been heard.
    """

    def __init__(self, recording: CallRecording | None = None, rate: int = RECORDING_RATE) -> None:
        super().__init__(
            label="simulated caller's ear",
            capabilities=io.AudioOutputCapabilities(pause=False),
            next_in_chain=None,
            sample_rate=rate,
        )
        self._recording = recording
        self._segment_start: float | None = None
        self._cursor = 0.0  # wall time the audio queued so far finishes playing
        self._pushed = 0.0
        self._interrupted = asyncio.Event()
        self._flush_task: asyncio.Task[None] | None = None
        self.segment_starts: list[float] = []  # wall time each reply began to sound
        self.playing_until = 0.0

    @property
    def busy(self) -> bool:
        """Audio queued or playing now."""
        return self._segment_start is not None or time.time() < self.playing_until

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        if self._flush_task is not None and not self._flush_task.done():
            await self._flush_task  # the previous reply's playout ends before this one starts
        now = time.time()
        if self._segment_start is None:
            self._segment_start = now
            self._cursor = now
            self._pushed = 0.0
            self._interrupted.clear()
            self.segment_starts.append(now)
            self.on_playback_started(created_at=now)
        at = max(self._cursor, now)
        if self._recording is not None:
            pcm = np.frombuffer(frame.data, dtype=np.int16)
            if frame.num_channels > 1:
                pcm = pcm.reshape(-1, frame.num_channels)[:, 0]
            if frame.sample_rate != self._recording.rate:
                pcm = resample(pcm, frame.sample_rate, self._recording.rate)
            self._recording.add("aida", pcm, at)
        self._cursor = at + frame.duration
        self._pushed += frame.duration
        self.playing_until = self._cursor

    def flush(self) -> None:
        super().flush()
        if self._segment_start is None:
            return
        self._flush_task = asyncio.create_task(self._play_out(self._segment_start, self._cursor))

    def clear_buffer(self) -> None:
        if self._segment_start is not None:
            self._interrupted.set()

    async def _play_out(self, started: float, until: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._interrupted.wait(), max(0.0, until - time.time()))
        interrupted = self._interrupted.is_set()
        now = time.time()
        if interrupted:
            if self._recording is not None:
                self._recording.cut("aida", now)
            self.playing_until = now
            position = min(self._pushed, max(0.0, now - started))
        else:
            position = self._pushed
        self._segment_start = None
        self._interrupted.clear()
        self.on_playback_finished(playback_position=position, interrupted=interrupted)
