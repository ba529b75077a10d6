"""The simulated line without models: real-time caller frames, Aida's playout, the recording."""

from __future__ import annotations

import asyncio
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from livekit import rtc

from aida.simulate.audio import (
    PHONE_RATE,
    CallerEar,
    CallerLine,
    CallRecording,
    read_wav,
    resample,
    trim_silence,
    write_wav,
)


def tone(seconds: float, rate: int, freq: float = 440.0, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * level * 32767).astype(np.int16)


def test_trim_silence_keeps_the_voice_and_a_margin() -> None:
    rate = 24_000
    pcm = np.concatenate([np.zeros(rate), tone(0.5, rate), np.zeros(rate)]).astype(np.int16)
    trimmed = trim_silence(pcm, rate)
    assert 0.5 <= trimmed.size / rate <= 0.5 + 0.07
    assert trim_silence(np.zeros(100, np.int16), rate).size == 0


def test_resample_keeps_duration() -> None:
    pcm = tone(1.0, 24_000)
    down = resample(pcm, 24_000, PHONE_RATE)
    assert abs(down.size - PHONE_RATE) <= PHONE_RATE * 0.02
    assert resample(pcm, 24_000, 24_000) is not None


def test_wav_round_trip(tmp_path: Path) -> None:
    left, right = tone(0.2, 16_000), tone(0.1, 16_000, 880)
    write_wav(tmp_path / "x.wav", [left, right], 16_000)
    with wave.open(str(tmp_path / "x.wav")) as w:
        assert (w.getnchannels(), w.getframerate(), w.getnframes()) == (2, 16_000, left.size)
    mono, rate = read_wav(tmp_path / "x.wav")
    assert rate == 16_000 and mono.size == left.size


async def test_caller_line_is_real_time_with_silence_between_lines() -> None:
    line = CallerLine(PHONE_RATE)
    frames: list[rtc.AudioFrame] = []

    async def pull() -> None:
        async for frame in line:
            frames.append(frame)

    puller = asyncio.create_task(pull())
    await asyncio.sleep(0.1)
    started = time.monotonic()
    t_start, t_end = await line.say(tone(0.3, PHONE_RATE))
    elapsed = time.monotonic() - started
    line.close()
    await asyncio.wait_for(puller, 1)
    # 0.3 s of speech takes about 0.3 s to send, like a real line
    assert 0.25 <= elapsed <= 0.6
    assert t_end - t_start == pytest.approx(elapsed, abs=0.05)
    assert all(f.sample_rate == PHONE_RATE and f.samples_per_channel == 160 for f in frames)
    voiced = [np.abs(np.frombuffer(f.data, np.int16)).max() > 0 for f in frames]
    assert sum(voiced) == 15  # 300 ms in 20 ms frames
    assert not voiced[0]  # silence flowed before the caller spoke


def frame(seconds: float, rate: int = 24_000) -> rtc.AudioFrame:
    pcm = tone(seconds, rate)
    return rtc.AudioFrame(pcm.tobytes(), rate, 1, pcm.size)


async def test_ear_plays_out_in_real_time_and_records() -> None:
    started = time.time()
    recording = CallRecording(started)
    ear = CallerEar(recording)
    finished: list = []
    ear.on("playback_finished", finished.append)
    for _ in range(3):
        await ear.capture_frame(frame(0.1))
    ear.flush()
    assert ear.busy and len(ear.segment_starts) == 1
    t = time.monotonic()
    event = await asyncio.wait_for(ear.wait_for_playout(), 2)
    assert time.monotonic() - t >= 0.2  # it waited for the audio to be heard
    assert not event.interrupted and event.playback_position == pytest.approx(0.3)
    assert not ear.busy
    assert (
        abs(recording.track("aida").size / 24_000 - (ear.segment_starts[0] - started + 0.3)) < 0.02
    )


async def test_ear_interrupted_reply_stops_sounding() -> None:
    recording = CallRecording(time.time())
    ear = CallerEar(recording)
    await ear.capture_frame(frame(2.0))
    ear.flush()
    await asyncio.sleep(0.2)
    ear.clear_buffer()
    event = await asyncio.wait_for(ear.wait_for_playout(), 1)
    assert event.interrupted
    assert 0.15 <= event.playback_position <= 0.5
    assert recording.track("aida").size / 24_000 < 0.6  # the unheard rest is not in the recording
    # the next reply plays normally
    await ear.capture_frame(frame(0.05))
    ear.flush()
    assert not (await asyncio.wait_for(ear.wait_for_playout(), 1)).interrupted
    assert len(ear.segment_starts) == 2


def test_recording_places_both_sides_by_wall_clock(tmp_path: Path) -> None:
    rec = CallRecording(started=1000.0, rate=8_000)
    rec.add("caller", np.ones(800, np.int16), at=1000.5)
    rec.add("aida", np.full(400, 2, np.int16), at=1001.0)
    assert rec.track("caller")[:4000].max() == 0 and rec.track("caller")[4000] == 1
    assert rec.track("aida").size == 8_400
    rec.write(tmp_path / "call.wav")
    with wave.open(str(tmp_path / "call.wav")) as w:
        assert w.getnchannels() == 2 and w.getnframes() == 8_400
