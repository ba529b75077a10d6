"""The speech doubles fail mid-call: the call goes on through LiveKit's fallback adapters, as
`build_providers` chains them (Deepgram then the local STT, Cartesia then the local voice), and
what each fault costs the caller is measured against the adapter's timeout. Stand-in words and
voice keep these fast; the slow voice tests use the real models."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import numpy as np
import pytest
from livekit import rtc
from livekit.agents import stt as lk_stt
from livekit.agents import tts as lk_tts
from livekit.agents.utils import http_context
from livekit.plugins import deepgram

from aida.config import Settings
from aida.simulate.cloud_doubles import FAULT_KINDS, CloudDoubles, DeepgramDouble, FaultKind

RATE = 16_000
S = lk_stt.SpeechEventType


def _utterance(seconds: float = 1.0) -> list[rtc.AudioFrame]:
    tone = (np.sin(np.arange(int(RATE * seconds)) * 0.1) * 8000).astype(np.int16)
    pcm = np.concatenate([tone, np.zeros(RATE // 2, np.int16)])
    return [
        rtc.AudioFrame(pcm[i : i + 320].tobytes(), RATE, 1, 320) for i in range(0, pcm.size, 320)
    ]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def stand_ins(base_settings: Settings) -> AsyncIterator[CloudDoubles]:
    async with CloudDoubles(
        settings=base_settings,
        transcriber=lambda pcm: "primary",
        synthesizer=lambda text: [np.full(4800, 0.1, np.float32)],
    ) as started:
        yield started


@pytest.mark.parametrize("fault", ["drop", "429", "500"])
async def test_deepgram_fault_loses_one_utterance_and_the_call_goes_on(
    fault: FaultKind, stand_ins: CloudDoubles, http: aiohttp.ClientSession
) -> None:
    backup = DeepgramDouble(lambda pcm: "backup")
    await backup.start()
    try:
        primary = deepgram.STT(
            api_key="dg", base_url=stand_ins.deepgram.base_url, http_session=http
        )
        second = deepgram.STT(api_key="dg", base_url=backup.base_url, http_session=http)
        chain = lk_stt.FallbackAdapter([primary, second])
        if fault == "drop":
            stand_ins.deepgram.faults.inject("drop")  # the socket drops once, mid-utterance
        else:
            stand_ins.deepgram.faults.down(fault)  # every reconnection is refused with it
        stream = chain.stream()
        finals: list[tuple[float, str]] = []

        async def read() -> None:
            async for ev in stream:
                if ev.type == S.FINAL_TRANSCRIPT:
                    finals.append((time.monotonic(), ev.alternatives[0].text))

        reader = asyncio.create_task(read())
        started = time.monotonic()
        for frame in _utterance():  # the utterance the fault swallows
            stream.push_frame(frame)
        deadline = started + 30
        recovered = lambda: backup.connections or stand_ins.deepgram.connections > 1  # noqa: E731
        while not recovered() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        switched = time.monotonic() - started
        for frame in _utterance():  # the caller goes on
            stream.push_frame(frame)
        while not finals and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        stream.end_input()
        await asyncio.wait_for(reader, 10)
        await chain.aclose()
    finally:
        await backup.aclose()

    assert stand_ins.deepgram.faults.log[0].kind == fault
    if fault == "drop":
        # the plugin reconnects to Deepgram at once and hears the next utterance; the words of
        # the one in flight are lost (the caller is not heard and has to say it again)
        assert [text for _, text in finals] == ["primary"]
        assert stand_ins.deepgram.connections == 2 and backup.connections == 0
    else:
        # refused: the plugin retries its socket (max_retry_per_stt=1), then the chain fails over
        assert [text for _, text in finals] == ["backup"]
    assert switched < 12.0, switched


@pytest.fixture(scope="module")
def caller_lines() -> list[np.ndarray]:
    """Two caller lines in the local voice, 16 kHz int16 (the caller's side of a call)."""
    from aida.local.tts import HibariTTS
    from aida.simulate.audio import RECORDING_RATE, resample, speak

    voice = HibariTTS()
    lines = ["I need to book an appointment.", "Wednesday morning, please."]
    return [resample(speak(voice, line), RECORDING_RATE, RATE) for line in lines]


async def _say(
    stream: lk_stt.RecognizeStream,
    pcm: np.ndarray,
    silence: float,
    until: Callable[[], bool] = lambda: False,
) -> float:
    """Push a line then up to `silence` seconds of silence (less once `until()`) in real time,
    as a phone line delivers it; returns when the voice ended (monotonic)."""
    step = RATE // 50
    voice = pcm.size // step
    padded = np.concatenate([pcm, np.zeros(int(RATE * silence), np.int16)])
    start = time.monotonic()
    voice_end = start + pcm.size / RATE
    for n, i in enumerate(range(0, padded.size - step + 1, step)):
        if n > voice and until():
            break
        stream.push_frame(rtc.AudioFrame(padded[i : i + step].tobytes(), RATE, 1, step))
        await asyncio.sleep(max(0.0, start + (n + 1) * 0.02 - time.monotonic()))
    return voice_end


@pytest.mark.slow  # the local Whisper and voice, 5 s of real-time audio
async def test_deepgram_stall_is_noticed_and_the_local_whisper_takes_the_call(
    stand_ins: CloudDoubles, base_settings: Settings, caller_lines: list[np.ndarray]
) -> None:
    """The chain as build_providers makes it with a Deepgram key in `auto` mode: Deepgram
    watched (aida/agent/stt_watchdog.py), then the local Whisper. Deepgram stalls when the
    first line's final result is due; the stall is called STT_STALL_SECONDS after the VAD heard
    the caller stop, the local Whisper transcribes the line Deepgram swallowed, and the next
    line goes to Whisper."""
    stall = 1.0
    settings = stand_ins.settings(base_settings, providers="auto").model_copy(
        update={"stt_stall_seconds": stall}
    )
    async with http_context.open():
        await _stalled_call(stand_ins, settings, caller_lines, stall)


async def _stalled_call(
    stand_ins: CloudDoubles, settings: Settings, caller_lines: list[np.ndarray], stall: float
) -> None:
    from aida.agent.providers import build_providers
    from aida.agent.served import wire_served
    from aida.agent.timeline import Timeline

    providers = build_providers(settings)
    assert [type(s).__name__ for s in providers.stt._stt_instances] == [
        "WatchedSTT",
        "StreamAdapter",
    ]
    timeline = Timeline("call-stall")
    wire_served(providers, timeline)
    stand_ins.deepgram.faults.inject("stall")
    stream = providers.stt.stream()
    finals: list[tuple[float, str]] = []

    async def read() -> None:
        async for ev in stream:
            if ev.type == S.FINAL_TRANSCRIPT:
                finals.append((time.monotonic(), ev.alternatives[0].text))

    reader = asyncio.create_task(read())
    first_end = await _say(stream, caller_lines[0], silence=stall + 20, until=lambda: bool(finals))
    heard_first = list(finals)
    second_end = await _say(stream, caller_lines[1], silence=0.8)
    stream.end_input()
    await asyncio.wait_for(reader, 40)
    await providers.stt.aclose()

    assert stand_ins.deepgram.faults.log[0].kind == "stall"
    # the line Deepgram swallowed is heard all the same, by the local Whisper
    assert len(heard_first) == 1 and "appointment" in heard_first[0][1].lower(), heard_first
    heard_after = heard_first[0][0] - first_end
    # the stall limit from the end of the voice, then Whisper on the line (its time is the
    # CPU's: under a second on an idle 2-core machine, 10 s at load 9)
    assert heard_after > stall, heard_after
    # and the next line goes to the local Whisper at once (Deepgram is out of the chain)
    later = [(at, text) for at, text in finals[1:]]
    assert len(later) == 1 and "wednesday" in later[0][1].lower(), finals
    heard_second = later[0][0] - second_end
    stalled = timeline.of_type("provider_stalled")
    assert [(e["provider"], e["reason"], e["rescued"]) for e in stalled] == [
        ("Deepgram", "no final result", True)
    ]
    assert stall <= stalled[0]["waited_s"] < stall + 0.5
    down = timeline.of_type("provider_available")
    assert down and down[0]["available"] is False
    print(
        f"stall {stall} s: line heard {heard_after:.2f} s after the voice ended (stall called"
        f" {stalled[0]['waited_s']} s after it); the next {heard_second:.2f} s after"
    )


@pytest.mark.parametrize("fault", FAULT_KINDS)
async def test_cartesia_fault_is_spoken_by_the_fallback_voice(
    fault: FaultKind, stand_ins: CloudDoubles, base_settings: Settings
) -> None:
    """The TTS chain and connect options as build_providers makes them with a Cartesia key in
    `auto` mode (Cartesia, then the local voice; one attempt of TTS_TIMEOUT_SECONDS each), as
    the session uses them."""
    from aida.agent.providers import build_providers

    settings = stand_ins.settings(base_settings, providers="auto")
    async with http_context.open():
        providers = build_providers(settings)
        chain = providers.tts
        assert isinstance(chain, lk_tts.FallbackAdapter)
        await asyncio.to_thread(chain._tts_instances[1].load)  # the worker prewarms it
        stand_ins.cartesia.faults.down(fault)
        stream = chain.stream(conn_options=providers.tts_conn_options)
        stream.push_text("You're booked for Wednesday, March 4 at 10 AM.")
        stream.end_input()
        started = time.monotonic()
        first: float | None = None
        seconds = 0.0
        async for ev in stream:
            first = first if first is not None else time.monotonic() - started
            seconds += ev.frame.duration
        await stream.aclose()
        await chain.aclose()

    assert stand_ins.cartesia.faults.log and stand_ins.cartesia.faults.log[0].kind == fault
    assert stand_ins.cartesia.usage == [] or all(u["characters"] for u in stand_ins.cartesia.usage)
    assert seconds > 1.0  # the whole sentence was spoken, by the local voice
    assert first is not None
    print(f"cartesia {fault}: first audio after {first:.2f} s")
    if fault == "stall":
        # one attempt of TTS_TIMEOUT_SECONDS (LiveKit's defaults: 10 s on each of 3 attempts,
        # about 32 s), then the local voice synthesises the sentence
        assert settings.tts_timeout_seconds < first < settings.tts_timeout_seconds + 2.5, first
    else:
        assert first < 3.0, first  # refused or dropped: the local voice speaks at once
