"""The timeline: numbering, the publisher's ordering under slow sends, failures and the drain."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from aida.agent.timeline import (
    MAX_MESSAGE_BYTES,
    TIMELINE_TOPIC,
    Timeline,
    TimelinePublisher,
    encode,
)


class SlowParticipant:
    """publish_data that takes a random while and sometimes fails."""

    def __init__(self, fail_seqs: set[int] = frozenset(), seed: int = 7) -> None:  # type: ignore[assignment]
        self.received: list[dict[str, Any]] = []
        self.topics: set[str] = set()
        self.in_flight = 0
        self.max_in_flight = 0
        self._fail = fail_seqs
        self._rng = random.Random(seed)

    async def publish_data(
        self, payload: bytes | str, *, reliable: bool = True, topic: str = ""
    ) -> None:
        assert reliable
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self._rng.random() / 500)
            event = json.loads(payload)
            if event["seq"] in self._fail:
                raise ConnectionError("data channel closed")
            self.topics.add(topic)
            self.received.append(event)
        finally:
            self.in_flight -= 1


def test_events_are_numbered_and_stamped() -> None:
    ticks = iter([100.0, 100.25, 101.5])
    tl = Timeline("call-1", clock=lambda: next(ticks))
    a = tl.record("transcript", role="user", text="hi")
    b = tl.record("agent_state", old="listening", new="thinking")
    assert a == {
        "v": 1,
        "seq": 1,
        "call_id": "call-1",
        "type": "transcript",
        "ts": "1970-01-01T00:01:40.250+00:00",
        "t_ms": 250,
        "role": "user",
        "text": "hi",
    }
    assert (b["seq"], b["t_ms"]) == (2, 1500)
    assert tl.of_type("agent_state") == [b]


async def test_publisher_keeps_order_sends_one_at_a_time_and_drains() -> None:
    tl = Timeline("call-2")
    room = SlowParticipant()
    pub = TimelinePublisher(tl, room)
    pub.start()
    for i in range(200):
        tl.record("transcript", role="user", text=f"t{i}")  # never awaits: the voice loop
    await pub.aclose()
    assert [e["seq"] for e in room.received] == list(range(1, 201))
    assert room.received == tl.events
    assert room.topics == {TIMELINE_TOPIC}
    assert room.max_in_flight == 1
    tl.record("late", text="after close")  # kept for the record, not sent
    assert len(tl.events) == 201 and len(room.received) == 200


async def test_a_failed_send_is_counted_and_the_rest_still_go_in_order() -> None:
    tl = Timeline("call-3")
    room = SlowParticipant(fail_seqs={3, 4})
    pub = TimelinePublisher(tl, room)
    pub.start()
    for i in range(10):
        tl.record("tool_call", name=f"t{i}")
    await pub.aclose()
    assert [e["seq"] for e in room.received] == [1, 2, 5, 6, 7, 8, 9, 10]
    assert (pub.sent, pub.failed) == (8, 2)


async def test_drain_gives_up_after_the_timeout() -> None:
    class Stuck:
        async def publish_data(
            self, payload: Any, *, reliable: bool = True, topic: str = ""
        ) -> None:
            await asyncio.sleep(60)

    tl = Timeline("call-4")
    pub = TimelinePublisher(tl, Stuck())
    pub.start()
    tl.record("transcript", text="x")
    await asyncio.wait_for(pub.aclose(timeout=0.05), timeout=2)


def test_a_broken_sink_does_not_break_recording() -> None:
    tl = Timeline("call-5")

    def broken(_: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    tl.subscribe(broken)
    tl.record("transcript", text="still kept")
    assert len(tl.events) == 1


def test_oversized_events_are_cut_to_fit_one_packet() -> None:
    tl = Timeline("call-6")
    big = tl.record(
        "tool_result",
        name="list_appointments",
        ok=True,
        result={"items": ["x" * 100] * 500},
        text="y" * 50_000,
    )
    data = encode(big)
    assert len(data) <= MAX_MESSAGE_BYTES
    sent = json.loads(data)
    assert sent["truncated"] is True and sent["result"] == {"truncated": True}
    assert sent["seq"] == big["seq"] and sent["name"] == "list_appointments"
    assert "truncated" not in tl.events[0]  # the record keeps the whole event
