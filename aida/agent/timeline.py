"""The call as it happens: one ordered list of events, kept for the record and sent to the room.

Every event is a small JSON object `{"v": 1, "seq": n, "call_id": ..., "type": ..., "ts": ...}`
plus fields per type (see docs/timeline.md). `Timeline.record` is synchronous and cheap so the
voice loop never waits on the network; a `TimelinePublisher` drains the events to the room from a
single task, which keeps them in order and keeps a reference to every pending send.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

logger = logging.getLogger("aida.timeline")

TIMELINE_TOPIC = "aida.timeline"
SCHEMA_VERSION = 1
# LiveKit's reliable data packets top out around 15 KiB; leave room for framing.
MAX_MESSAGE_BYTES = 14_000
MAX_TEXT_CHARS = 2_000

Sink = Callable[[dict[str, Any]], None]


class Timeline:
    """Events of one call, in the order they happened, numbered from 1."""

    def __init__(self, call_id: str, *, clock: Callable[[], float] = time.time) -> None:
        self.call_id = call_id
        self.events: list[dict[str, Any]] = []
        self._clock = clock
        self._started = clock()
        self._sinks: list[Sink] = []

    def subscribe(self, sink: Sink) -> None:
        """`sink(event)` is called synchronously for every later event; it must not block."""
        self._sinks.append(sink)

    def record(self, type_: str, **fields: Any) -> dict[str, Any]:
        now = self._clock()
        event: dict[str, Any] = {
            "v": SCHEMA_VERSION,
            "seq": len(self.events) + 1,
            "call_id": self.call_id,
            "type": type_,
            "ts": dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="milliseconds"),
            "t_ms": round((now - self._started) * 1000),
            **fields,
        }
        self.events.append(event)
        for sink in self._sinks:
            try:
                sink(event)
            except Exception:  # a broken sink must never break the call
                logger.exception("timeline sink failed", extra={"event_type": type_})
        return event

    def of_type(self, *types: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] in types]


def encode(event: dict[str, Any]) -> bytes:
    """JSON bytes that fit in one reliable data packet; oversized fields are cut, flagged."""
    data = json.dumps(event, default=str, separators=(",", ":")).encode()
    if len(data) <= MAX_MESSAGE_BYTES:
        return data
    slim = dict(event)
    for key in ("result", "args", "error"):
        if key in slim:
            slim[key] = {"truncated": True}
    if isinstance(slim.get("text"), str):
        slim["text"] = slim["text"][:MAX_TEXT_CHARS]
    slim["truncated"] = True
    return json.dumps(slim, default=str, separators=(",", ":")).encode()


class DataPublisher(Protocol):
    async def publish_data(
        self, payload: bytes | str, *, reliable: bool = True, topic: str = ""
    ) -> None: ...


class TimelinePublisher:
    """Sends a call's timeline events to the room, in order, from one background task."""

    def __init__(
        self,
        timeline: Timeline,
        participant: DataPublisher,
        *,
        topic: str = TIMELINE_TOPIC,
        view: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
    ) -> None:
        self._participant = participant
        # What the room may see of an event (None: nothing); see aida.agent.room_events.
        self._view = view
        self._topic = topic
        self._queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.sent = 0
        self.failed = 0
        timeline.subscribe(self._enqueue)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="aida-timeline-publisher")

    def _enqueue(self, event: dict[str, Any]) -> None:
        if self._closed:
            return
        shown = self._view(event) if self._view is not None else event
        if shown is not None:
            self._queue.put_nowait(shown)

    async def _run(self) -> None:
        while True:
            event = await self._queue.get()
            if event is None:
                return
            try:
                await self._participant.publish_data(
                    encode(event), reliable=True, topic=self._topic
                )
                self.sent += 1
            except Exception as exc:
                # The record keeps the event; the live view just misses it.
                self.failed += 1
                logger.warning(
                    "timeline publish failed: %s", type(exc).__name__, extra={"seq": event["seq"]}
                )

    async def aclose(self, timeout: float = 5.0) -> None:
        """Stop taking events, send what is queued (up to `timeout` seconds), then stop."""
        if self._closed:
            return
        self._closed = True
        self._queue.put_nowait(None)
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            logger.warning("timeline drain timed out with %d left", self._queue.qsize())
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
