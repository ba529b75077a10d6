"""The speech doubles through the real plugins: Deepgram's live socket (speech started, interim
and final results, end of speech, utterance end, keep-alive) and Cartesia's websocket TTS
(context ids, audio chunks, done). The words and voice are stand-ins here (the slow voice tests
use Whisper and hibari); what is checked is the protocol each plugin speaks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import numpy as np
import pytest
from livekit import rtc
from livekit.agents import stt as lk_stt
from livekit.plugins import cartesia, deepgram

from aida.config import Settings
from aida.simulate.cloud_doubles import CloudDoubles

RATE = 16_000


def _frames(seconds: float, voiced: bool) -> list[rtc.AudioFrame]:
    n = int(RATE * seconds)
    t = np.arange(n) / RATE
    pcm = (np.sin(2 * np.pi * 220 * t) * 8000).astype(np.int16) if voiced else np.zeros(n, np.int16)
    step = RATE // 50
    return [
        rtc.AudioFrame(pcm[i : i + step].tobytes(), RATE, 1, len(pcm[i : i + step]))
        for i in range(0, n - step + 1, step)
    ]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def doubles_heard(base_settings: Settings) -> AsyncIterator[CloudDoubles]:
    heard: list[int] = []

    def transcribe(pcm: np.ndarray) -> str:
        """A stand-in for Whisper: names each piece of audio it is given."""
        heard.append(pcm.size)
        return f"piece{len(heard)}"

    def synthesize(text: str) -> list[np.ndarray]:
        return [np.full(int(0.3 * 24_000), 0.2, np.float32)]

    async with CloudDoubles(
        settings=base_settings, transcriber=transcribe, synthesizer=synthesize
    ) as started:
        started.deepgram.interim_every = 1.0  # an interim within the short test utterance
        yield started


async def test_deepgram_stream_events(
    doubles_heard: CloudDoubles, http: aiohttp.ClientSession
) -> None:
    double = doubles_heard.deepgram
    model = deepgram.STT(
        api_key="dg-test", base_url=double.base_url, http_session=http, utterance_end_ms=1000
    )
    stream = model.stream()
    # speech, a pause between words (shorter than the endpoint), more speech, then silence
    audio = _frames(0.3, False) + _frames(1.2, True) + _frames(0.1, False) + _frames(0.5, True)
    for frame in audio + _frames(1.5, False):
        stream.push_frame(frame)
    await asyncio.sleep(0.5)  # the socket open a moment, as in a call: the plugin's keep-alive
    stream.end_input()
    events: list[lk_stt.SpeechEvent] = []
    async for event in stream:
        events.append(event)
    await stream.aclose()

    kinds = [e.type for e in events if e.type != lk_stt.SpeechEventType.RECOGNITION_USAGE]
    S = lk_stt.SpeechEventType
    assert kinds[0] == S.START_OF_SPEECH
    assert S.INTERIM_TRANSCRIPT in kinds
    assert kinds.index(S.INTERIM_TRANSCRIPT) < kinds.index(S.FINAL_TRANSCRIPT)
    assert kinds.count(S.FINAL_TRANSCRIPT) == 1
    assert kinds.index(S.END_OF_SPEECH) > kinds.index(S.FINAL_TRANSCRIPT)
    # the interim said the utterance so far; the final says all of it
    interim = next(e for e in events if e.type == S.INTERIM_TRANSCRIPT)
    final = next(e for e in events if e.type == S.FINAL_TRANSCRIPT)
    assert interim.alternatives[0].text == "piece1"
    assert final.alternatives[0].text == "piece1 piece2"
    words = final.alternatives[0].words
    assert words and [str(w) for w in words] == ["piece1", "piece2"]
    types = [m["type"] for m in double.sent]
    assert types[0] == "SpeechStarted" and "UtteranceEnd" in types
    final_msg = next(m for m in double.sent if m["type"] == "Results" and m["is_final"])
    assert final_msg["speech_final"] is True
    assert 2.1 <= final_msg["duration"] <= 2.3  # the voice and the endpointing silence
    assert double.keepalives >= 1
    # Deepgram's unit: seconds of audio received; the plugin's usage report says the same
    billed = sum(u["audio_seconds"] for u in double.usage)
    reported = sum(
        e.recognition_usage.audio_duration
        for e in events
        if e.type == S.RECOGNITION_USAGE and e.recognition_usage is not None
    )
    assert billed == pytest.approx(3.6, abs=0.05)
    assert reported >= billed - 0.05  # the plugin adds the socket's idle lifetime on top


async def test_cartesia_stream_speaks_each_sentence_in_one_context(
    doubles_heard: CloudDoubles, http: aiohttp.ClientSession
) -> None:
    double = doubles_heard.cartesia
    model = cartesia.TTS(
        api_key="ca-test", voice="double-voice", base_url=double.base_url, http_session=http
    )
    stream = model.stream()
    stream.push_text("Hello, this is Aida. ")
    stream.push_text("How can I help you today?")
    stream.end_input()
    frames = [ev.frame async for ev in stream]
    await stream.aclose()
    await model.aclose()

    assert len(double.contexts) == 1
    seconds = sum(f.duration for f in frames)
    assert seconds == pytest.approx(0.6, abs=0.05)  # two sentences, 0.3 s each
    assert frames[0].sample_rate == 24_000
    # Cartesia's unit: characters of transcript received, as LiveKit counts them
    assert double.usage[0]["characters"] >= len("Hello, this is Aida. How can I help you today?")
