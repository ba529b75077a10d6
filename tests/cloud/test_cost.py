"""The cost table (aida/calls/cost.py) against the usage the doubles report, in each provider's
unit: OpenAI and Anthropic tokens, Deepgram seconds of audio, Cartesia characters. Requests go
through the real plugins, their metrics through LiveKit's usage collector (what a call's record
is priced from), and each priced line must equal the double's own count times the list price."""

from __future__ import annotations

import asyncio
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import numpy as np
import pytest
from livekit import rtc
from livekit.agents import llm as lk_llm
from livekit.agents.metrics import ModelUsageCollector
from livekit.plugins import anthropic, cartesia, deepgram, openai

from aida.calls.cost import cost_breakdown, default_prices, usage_dicts
from aida.config import Settings
from aida.simulate.cloud_doubles import CloudDoubles
from aida.simulate.scripted_llm import call, say

MICRO = Decimal("0.000001")


def _usd(quantity: float | int, price: float, per: int) -> float:
    value = Decimal(str(quantity)) * Decimal(str(price)) / Decimal(per)
    return float(value.quantize(MICRO, rounding=ROUND_HALF_UP))


def _item(breakdown: dict[str, Any], component: str) -> dict[str, Any]:
    [item] = [i for i in breakdown["items"] if i["component"] == component]
    return item


async def _ask(model: lk_llm.LLM, collector: ModelUsageCollector) -> None:
    model.on("metrics_collected", collector.collect)
    ctx = lk_llm.ChatContext.empty()
    ctx.add_message(role="user", content="Book me Wednesday at ten.")
    async with model.chat(chat_ctx=ctx) as stream:
        async for _ in stream:
            pass
    await model.aclose()


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_llm_tokens_priced_as_the_provider_bills_them(
    provider: str, doubles: CloudDoubles
) -> None:
    doubles.llm_script.extend([say("Shall I book Wednesday at 10 AM?"), call("end_call")])
    collector = ModelUsageCollector()
    if provider == "openai":
        for _ in range(2):
            await _ask(
                openai.LLM(model="gpt-4o", api_key="sk", base_url=doubles.openai.base_url),
                collector,
            )
        billed = doubles.openai.usage
        inputs = sum(u["prompt_tokens"] for u in billed)
        outputs = sum(u["completion_tokens"] for u in billed)
        price = {"input": 2.50, "output": 10.00}  # openai/gpt-4o in prices.json
    else:
        for _ in range(2):
            await _ask(
                anthropic.LLM(
                    model="claude-3-5-haiku-latest",
                    api_key="sk",
                    base_url=doubles.anthropic.base_url,
                ),
                collector,
            )
        billed = doubles.anthropic.usage
        inputs = sum(u["input_tokens"] for u in billed)
        # livekit-plugins-anthropic 1.8.9 adds message_start's output count (1) to the
        # cumulative total in message_delta: one token too many per request
        outputs = sum(u["output_tokens"] for u in billed) + len(billed)
        price = {"input": 0.80, "output": 4.00}  # anthropic/claude-3-5-haiku

    breakdown = cost_breakdown(
        doubles.as_billed(usage_dicts(collector.flatten())), default_prices()
    )

    item = _item(breakdown, "llm")
    assert item["provider"] == provider and item["priced_as"] is not None
    lines = {line["unit"]: line for line in item["lines"]}
    assert lines["input_tokens"]["quantity"] == inputs
    assert lines["output_tokens"]["quantity"] == outputs
    assert lines["input_tokens"]["usd"] == _usd(inputs, price["input"], 1_000_000)
    assert lines["output_tokens"]["usd"] == _usd(outputs, price["output"], 1_000_000)
    assert breakdown["complete"] and breakdown["total_usd"] == pytest.approx(
        lines["input_tokens"]["usd"] + lines["output_tokens"]["usd"], abs=1e-9
    )


def test_a_double_unpriced_as_itself_is_local(doubles: CloudDoubles) -> None:
    """Without `as_billed` the OpenAI plugin names the double by its loopback address, which the
    cost table rightly prices as a local server: the relabelling is what makes the check."""
    usage = [
        {
            "type": "llm_usage",
            "provider": doubles.openai.url.split("://")[1],
            "model": "gpt-4o",
            "input_tokens": 1000,
            "output_tokens": 10,
        }
    ]
    assert _item(cost_breakdown(usage, default_prices()), "llm")["priced_as"] == "local"
    assert _item(cost_breakdown(doubles.as_billed(usage), default_prices()), "llm")[
        "priced_as"
    ] == ("openai/gpt-4o")


async def test_speech_priced_in_deepgram_seconds_and_cartesia_characters(
    base_settings: Settings,
) -> None:
    def transcribe(pcm: np.ndarray) -> str:
        return "hello"

    def synthesize(text: str) -> list[np.ndarray]:
        return [np.full(2400, 0.1, np.float32)]

    collector = ModelUsageCollector()
    async with (
        CloudDoubles(settings=base_settings, transcriber=transcribe, synthesizer=synthesize) as d,
        aiohttp.ClientSession() as http,
    ):
        stt = deepgram.STT(api_key="dg", base_url=d.deepgram.base_url, http_session=http)
        stt.on("metrics_collected", collector.collect)
        stream = stt.stream()
        rate = 16_000
        tone = (np.sin(np.arange(rate) * 0.1) * 8000).astype(np.int16)
        silence = np.zeros(rate, np.int16)
        for pcm in (silence, tone, silence):
            for i in range(0, pcm.size, 320):
                stream.push_frame(rtc.AudioFrame(pcm[i : i + 320].tobytes(), rate, 1, 320))
        await asyncio.sleep(0.3)
        stream.end_input()
        async for _ in stream:
            pass
        await stream.aclose()

        tts = cartesia.TTS(
            model="sonic-2",
            api_key="ca",
            voice="v",
            base_url=d.cartesia.base_url,
            http_session=http,
        )
        tts.on("metrics_collected", collector.collect)
        text = ["Shall I book Wednesday, March 4 at 10 AM? ", "You're all set."]
        synth = tts.stream()
        for piece in text:
            synth.push_text(piece)
        synth.end_input()
        async for _ in synth:
            pass
        await synth.aclose()
        await tts.aclose()
        await asyncio.sleep(0.1)  # the double notes the context's characters as it closes

        breakdown = cost_breakdown(usage_dicts(collector.flatten()), default_prices())
        audio_seconds = sum(u["audio_seconds"] for u in d.deepgram.usage)
        characters = sum(u["characters"] for u in d.cartesia.usage)

    stt_item, tts_item = _item(breakdown, "stt"), _item(breakdown, "tts")
    assert stt_item["priced_as"] == "deepgram/nova-3"
    [minutes] = stt_item["lines"]
    # the double counts the audio it was sent (3 s). livekit-plugins-deepgram 1.8.9 reports the
    # socket's lifetime as it sees it, which runs until its keep-alive task wakes (every 5 s)
    # after the server closed: up to 5 s more per connection than the audio
    assert audio_seconds == pytest.approx(3.0, abs=0.02)
    assert minutes["quantity"] >= round(audio_seconds / 60, 4)
    assert minutes["quantity"] <= round((audio_seconds + 5.2) / 60, 4)
    assert minutes["usd"] == _usd(minutes["quantity"], 0.0077, 1)
    assert tts_item["priced_as"] == "cartesia/sonic-2"
    [chars] = tts_item["lines"]
    assert chars["usd"] == _usd(chars["quantity"], 38.0, 1_000_000)
    # LiveKit counts the characters it pushed; Cartesia bills the transcript it received (the
    # plugin adds a space per sentence and a closing one)
    assert characters - len("".join(text).strip()) in range(0, 4)
    assert abs(chars["quantity"] - characters) <= 3
