"""How fast the local models are on this machine: load times, STT real-time factor, TTS first
audio, LLM first token and tokens per second (cold prompt, then with the system prompt cached).

    .venv/bin/python bench/local_models.py [--skip-llm]

Figures swing up to 2x with other load on the machine; run it on an idle one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from livekit import rtc
from livekit.agents import llm

from aida.config import Settings
from aida.local import build_llm, build_stt, build_tts

SPEECH = (
    "Hi, this is Maria Gonzalez. I would like to book a check-up on Tuesday, March 4th at "
    "10:30 in the morning. My phone number is 415 555 0123."
)
SYSTEM = (
    "You are Aida, the receptionist of Riverside Family Clinic. Answer in one or two short "
    "spoken sentences. Use the tools to look up and book appointments."
)


@llm.function_tool
async def book_appointment(start: str, name: str | None = None, reason: str | None = None) -> str:
    """Book an appointment for the caller.

    Args:
        start: when, in the caller's words ("tomorrow at 3pm") or ISO 8601
        name: the patient's full name, if given
        reason: the reason for the visit, if given
    """
    return "booked"


async def bench_speech(settings: Settings) -> dict[str, float]:
    tts, stt = build_tts(settings), build_stt(settings)
    started = time.perf_counter()
    tts.load()  # type: ignore[attr-defined]
    tts_load = time.perf_counter() - started
    started = time.perf_counter()
    stt.load()  # type: ignore[attr-defined]
    stt_load = time.perf_counter() - started

    started = time.perf_counter()
    first = None
    frames = []
    async for event in tts.synthesize(SPEECH):
        first = first if first is not None else time.perf_counter() - started
        frames.append(event.frame)
    tts_total = time.perf_counter() - started
    speech = rtc.combine_audio_frames(frames)

    out: dict[str, float] = {
        "tts_load_s": tts_load,
        "tts_first_audio_s": first or 0.0,
        "tts_rtf": tts_total / speech.duration,
        "stt_load_s": stt_load,
    }
    for rate in (16_000, 8_000):
        resampler = rtc.AudioResampler(speech.sample_rate, rate, num_channels=1)
        audio = [*resampler.push(speech), *resampler.flush()]
        started = time.perf_counter()
        await stt.recognize(audio)
        out[f"stt_rtf_{rate // 1000}k"] = (time.perf_counter() - started) / speech.duration
    return out


async def _turn(model: llm.LLM, ctx: llm.ChatContext) -> tuple[float, float, int]:
    started = time.perf_counter()
    first = None
    tokens = 0
    async with model.chat(chat_ctx=ctx, tools=[book_appointment]) as stream:
        async for chunk in stream:
            if chunk.delta and (chunk.delta.content or chunk.delta.tool_calls) and first is None:
                first = time.perf_counter() - started
            if chunk.usage:
                tokens = chunk.usage.completion_tokens
    return first or 0.0, time.perf_counter() - started, tokens


async def bench_llm(settings: Settings) -> dict[str, float]:
    started = time.perf_counter()
    model = build_llm(settings)
    resolve = time.perf_counter() - started
    started = time.perf_counter()
    model.load()  # type: ignore[attr-defined]
    out = {"llm_resolve_s": resolve, "llm_load_s": time.perf_counter() - started}
    for label, text in (("cold", "Hello, good morning."), ("cached", "What are your hours?")):
        ctx = llm.ChatContext()
        ctx.add_message(role="system", content=SYSTEM)
        ctx.add_message(role="user", content=text)
        first, total, tokens = await _turn(model, ctx)
        out[f"llm_first_token_{label}_s"] = first
        if tokens > 1 and total > first:
            out[f"llm_tok_per_s_{label}"] = (tokens - 1) / (total - first)
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-llm", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    results = await bench_speech(settings)
    if not args.skip_llm:
        results |= await bench_llm(settings)
    print(json.dumps({k: round(v, 3) for k, v in results.items()}, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
