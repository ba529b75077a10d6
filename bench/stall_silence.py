"""What a stalled cloud speech provider costs the caller: the silence before the local one behind
it takes over, with LiveKit's defaults and with the chains `build_providers` makes.

    .venv/bin/python bench/stall_silence.py            # both providers, both configurations
    .venv/bin/python bench/stall_silence.py --tts      # Cartesia only (the defaults take ~32 s)

Cartesia (the double's `stall` fault: the socket stays open, nothing more is said): from the
reply's text to its first audio. LiveKit's defaults are `tts.FallbackAdapter` with
`max_retry_per_tts=2` and the session's 10 s connect options; ours one attempt of
`TTS_TIMEOUT_SECONDS`.

Deepgram (the double's `stall` fault when an utterance's final result is due): from the end of
the caller's voice to its transcript. LiveKit's default chain (`stt.FallbackAdapter`, Deepgram
then the local Whisper) never notices; ours watches Deepgram (aida/agent/stt_watchdog.py) with
`STT_STALL_SECONDS`. The caller's lines are the local voice; Whisper transcribes them.

The load average is printed with the figures: on a shared machine it moves them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from livekit import rtc
from livekit.agents import stt as lk_stt
from livekit.agents import tts as lk_tts
from livekit.agents.utils import http_context

from aida.agent.providers import build_providers
from aida.config import Settings
from aida.simulate.cloud_doubles import CloudDoubles

RATE = 16_000
DEEPGRAM_CAP = 20.0  # how long the default chain is given to hear the caller


async def tts_silence(doubles: CloudDoubles, settings: Settings, defaults: bool) -> float:
    providers = build_providers(settings)
    chain = providers.tts
    conn_options = providers.tts_conn_options
    if defaults:
        chain = lk_tts.FallbackAdapter(chain._tts_instances)
        conn_options = None
    await asyncio.to_thread(chain._tts_instances[1].load)
    doubles.cartesia.faults.down("stall")
    stream = chain.stream(conn_options=conn_options) if conn_options else chain.stream()
    stream.push_text("You're booked for Wednesday, March 4 at 10 AM.")
    stream.end_input()
    started = time.monotonic()
    first = float("nan")
    async for _ in stream:
        first = time.monotonic() - started
        break
    await stream.aclose()
    await chain.aclose()
    doubles.cartesia.faults.clear()
    return first


async def stt_silence(
    doubles: CloudDoubles, settings: Settings, line: np.ndarray, defaults: bool
) -> float:
    providers = build_providers(settings)
    chain = providers.stt
    if defaults:
        instances = [getattr(s, "wrapped_stt", s) for s in chain._stt_instances]
        # LiveKit wraps the local Whisper in its StreamAdapter itself, given the VAD
        chain = lk_stt.FallbackAdapter(instances, vad=providers.vad)
    doubles.deepgram.faults.inject("stall")
    stream = chain.stream()
    heard: list[float] = []

    async def read() -> None:
        async for ev in stream:
            if ev.type == lk_stt.SpeechEventType.FINAL_TRANSCRIPT and not heard:
                heard.append(time.monotonic())

    reader = asyncio.create_task(read())
    step = RATE // 50
    pcm = np.concatenate([line, np.zeros(int(RATE * DEEPGRAM_CAP), np.int16)])
    start = time.monotonic()
    voice_end = start + line.size / RATE
    for n, i in enumerate(range(0, pcm.size - step + 1, step)):
        if heard:
            break
        stream.push_frame(rtc.AudioFrame(pcm[i : i + step].tobytes(), RATE, 1, step))
        await asyncio.sleep(max(0.0, start + (n + 1) * 0.02 - time.monotonic()))
    stream.end_input()
    reader.cancel()
    await stream.aclose()
    await chain.aclose()
    return heard[0] - voice_end if heard else float("inf")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tts", action="store_true", help="Cartesia only")
    args = parser.parse_args()
    base = Settings(_env_file=None, database_url="sqlite:///:memory:", providers="local")
    line = np.zeros(0, np.int16)
    if not args.tts:
        from aida.local.tts import HibariTTS
        from aida.simulate.audio import RECORDING_RATE, resample, speak

        line = resample(speak(HibariTTS(), "I need to book an appointment."), RECORDING_RATE, RATE)
    async with CloudDoubles(settings=base) as doubles, http_context.open():
        await asyncio.to_thread(doubles.load_speech)
        settings = doubles.settings(base, providers="auto")
        for defaults in (True, False):
            label = "LiveKit defaults" if defaults else "build_providers"
            tts = await tts_silence(doubles, settings, defaults)
            print(f"Cartesia stall, {label}: the local voice after {tts:.2f} s", flush=True)
            if not args.tts:
                stt = await stt_silence(doubles, settings, line, defaults)
                shown = (
                    f"{stt:.2f} s" if stt != float("inf") else f"never (within {DEEPGRAM_CAP} s)"
                )
                print(f"Deepgram stall, {label}: the caller heard after {shown}", flush=True)
    print(
        f"STT_STALL_SECONDS={settings.stt_stall_seconds} "
        f"TTS_TIMEOUT_SECONDS={settings.tts_timeout_seconds}; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )


if __name__ == "__main__":
    asyncio.run(main())
