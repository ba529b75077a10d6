"""Per-turn latency attribution over synthetic provider reports (no models)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aida.simulate.latency import LABELS, Interval, LatencyProbe, percentile, summarize


def stt(start: float, end: float) -> SimpleNamespace:
    return SimpleNamespace(
        type="stt_metrics", timestamp=end, duration=end - start, audio_duration=2.0
    )


def llm(start: float, end: float, ttft: float) -> SimpleNamespace:
    return SimpleNamespace(
        type="llm_metrics",
        timestamp=end,
        duration=end - start,
        ttft=ttft,
        prompt_tokens=100,
        prompt_cached_tokens=80,
        completion_tokens=20,
        cancelled=False,
    )


def tts(start: float, end: float, ttfb: float) -> SimpleNamespace:
    return SimpleNamespace(
        type="tts_metrics", timestamp=end, duration=end - start, ttfb=ttfb, characters_count=40
    )


def probe_with(*reports: SimpleNamespace) -> LatencyProbe:
    probe = LatencyProbe()
    for r in reports:
        probe._on_metrics(r)
    return probe


def test_a_plain_turn_is_cut_into_its_stages() -> None:
    # caller stops at 100.0; VAD notices at 100.55; STT 100.55-100.75; turn committed at 101.05
    # (endpointing); LLM 101.05 with first token at 101.45; TTS starts at 101.7, first audio 101.8
    probe = probe_with(stt(100.55, 100.75), llm(101.05, 102.5, 0.4), tts(101.7, 101.9, 0.1))
    probe.vad_ends.append(100.55)
    probe.commits.append(101.05)
    lat = probe.turn(1, 100.0, 101.85)
    p = lat.parts
    assert set(p) == set(LABELS)
    assert p["vad"] == pytest.approx(0.55)
    assert p["stt"] == pytest.approx(0.2)
    assert p["endpointing"] == pytest.approx(0.3)
    assert p["llm_first_token"] == pytest.approx(0.4)
    assert p["llm_sentence"] == pytest.approx(0.25)  # first token to the first full sentence
    assert p["tts_first_audio"] == pytest.approx(0.1)
    assert p["overhead"] == pytest.approx(0.05)  # 101.8 -> 101.85: nobody was working
    assert lat.total == pytest.approx(1.85)
    assert sum(p.values()) == pytest.approx(lat.total)
    assert lat.endpointing == pytest.approx(0.85)
    assert lat.total_ex_endpointing == pytest.approx(1.0)
    assert lat.llm_requests == 1


def test_tool_round_trips_and_preemptive_generation() -> None:
    # the LLM starts on the transcript before the turn is committed (preemptive generation):
    # the overlap counts as endpointing; then a tool call, a tool, and a second generation
    probe = probe_with(
        stt(10.5, 10.7),
        llm(10.7, 11.6, 0.5),  # the tool call
        llm(11.7, 12.4, 0.3),  # the spoken reply
        tts(12.2, 12.5, 0.15),
    )
    probe.vad_ends.append(10.5)
    probe.commits.append(11.0)
    probe._add(Interval("tool", 11.6, 11.68))
    lat = probe.turn(1, 10.0, 12.35)
    p = lat.parts
    assert p["vad"] == pytest.approx(0.5)
    assert p["stt"] == pytest.approx(0.2)
    assert p["endpointing"] == pytest.approx(0.3)  # 10.7 -> 11.0, LLM running meanwhile
    assert p["llm_first_token"] == pytest.approx(0.2 + 0.3)  # 11.0-11.2 and 11.7-12.0
    assert p["tools"] == pytest.approx(0.08)
    assert p["tts_first_audio"] == pytest.approx(0.15)
    assert p["llm_sentence"] == pytest.approx(0.4 + 0.2)  # 11.2-11.6 and 12.0-12.2
    assert p["overhead"] == pytest.approx(0.02)  # 11.68 -> 11.7 between the two requests
    assert sum(p.values()) == pytest.approx(lat.total)
    assert lat.llm_requests == 2 and lat.tool_calls == 1


def test_timeline_tool_events_become_intervals() -> None:
    probe = LatencyProbe()
    probe.on_timeline({"type": "tool_call", "tool_call_id": "x", "name": "book_appointment"})
    probe.on_timeline({"type": "tool_result", "tool_call_id": "x", "name": "book_appointment"})
    (tool,) = probe.intervals
    assert tool.kind == "tool" and tool.info["name"] == "book_appointment"
    assert tool.end >= tool.start


def test_unanswered_turn_has_no_total() -> None:
    lat = LatencyProbe().turn(3, 50.0, None)
    assert lat.total is None and lat.total_ex_endpointing is None
    assert summarize([lat]) == {"turns": 0}


def test_percentiles_and_summary() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90) == pytest.approx(9.1)
    probe = probe_with(llm(0.0, 1.0, 0.5))
    turns = [probe.turn(i, 0.0, 0.8) for i in range(3)]
    for t, naive in zip(turns, (1.6, 2.4, 3.2), strict=True):
        t.naive = naive
    stats = summarize(turns)
    assert stats["turns"] == 3
    assert stats["p50"] == pytest.approx(0.8)
    assert stats["naive_ratio_p50"] == pytest.approx(3.0)
    assert stats["overhead_share"] == pytest.approx(0.0)
