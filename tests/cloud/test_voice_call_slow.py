"""Voice calls through all three cloud plugins against their doubles, in real time: the caller's
audio to the Deepgram double (transcribed by our Whisper, interim and final results), the
scenario's script from the OpenAI double, and Aida's replies spoken by the Cartesia double with
the local voice, back to the caller. Slow: real-time audio and two local speech models."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from aida.config import Settings
from aida.simulate.cloud_doubles import CloudDoubles
from aida.simulate.runner import Simulator
from aida.simulate.scenario import load_scenario

pytestmark = pytest.mark.slow


def _types(timeline: list[dict[str, Any]], *types: str) -> list[dict[str, Any]]:
    return [e for e in timeline if e["type"] in types]


def _results(doubles: CloudDoubles, final: bool) -> list[dict[str, Any]]:
    return [
        m
        for m in doubles.deepgram.sent
        if m.get("type") == "Results"
        and m["is_final"] is final
        and m["channel"]["alternatives"][0]["transcript"]
    ]


async def _call(name: str, settings: Settings, doubles: CloudDoubles, out: Path) -> Any:
    simulator = Simulator(doubles.settings(settings), script=doubles.llm_script, printer=print)
    await asyncio.to_thread(doubles.load_speech)
    return await simulator.run(load_scenario(name), out)


async def test_booking_call_through_deepgram_openai_and_cartesia(
    base_settings: Settings, doubles: CloudDoubles, tmp_path: Path
) -> None:
    result = await _call("book", base_settings, doubles, tmp_path)

    assert result.ok, result.problems
    assert not result.unanswered
    # Deepgram's side: real words from the caller's audio, interim results while they spoke,
    # one final per caller turn, and the plugin's keep-alives
    finals = _results(doubles, final=True)
    assert len(finals) >= len(result.turns)
    assert "book" in " ".join(m["channel"]["alternatives"][0]["transcript"] for m in finals).lower()
    assert _results(doubles, final=False), "no interim results were sent"
    assert doubles.deepgram.keepalives >= 1
    heard = [t.heard or "" for t in result.turns]
    assert "jane" in heard[0].lower(), heard
    # Cartesia's side: one context per reply, and the caller heard Aida's audio after each turn
    assert len(doubles.cartesia.contexts) >= len(result.turns) + 1  # the greeting too
    assert result.greeting_after is not None
    # each caller turn was read once, however many results Deepgram sent for it
    assert len(_types(result.timeline, "understood")) <= len(result.turns)
    # every caller line reached the conversation; on a starved CPU the double's Whisper can fall
    # behind enough that a long line's second final lands after the turn was committed, and the
    # line is heard as two turns (measured at load 13 on 2 cores), so no one-to-one count here
    transcripts = [e for e in _types(result.timeline, "transcript") if e["role"] == "user"]
    assert len(transcripts) >= len(result.turns)
    said = " ".join(str(e["text"]) for e in transcripts).lower()
    assert all(word in said for word in ("jane", "book", "goodbye")), said


async def test_emergency_is_caught_once_from_interim_and_final_results(
    base_settings: Settings, doubles: CloudDoubles, tmp_path: Path
) -> None:
    result = await _call("emergency_chest_pain", base_settings, doubles, tmp_path)

    assert result.ok, result.problems
    assert _results(doubles, final=False), "no interim results were sent"
    assert len(_types(result.timeline, "emergency")) == 1
    assert not _types(result.timeline, "emergency_again")
    # both turns were answered in code (the emergency message, then the reminder): the model
    # was never asked, whatever Deepgram's interim results said first
    # (the OpenAI double also serves the call record's summary at hang-up, which is not a turn:
    # the timeline's provider_request events are the conversation's own requests)
    assert not [e for e in _types(result.timeline, "provider_request") if e["role"] == "llm"]
