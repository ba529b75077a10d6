"""The worker's own drain: a record a database outage left queued is stored without anyone
running `summaries retry`."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from aida.calls import finalize_call
from aida.calls.background import start_outbox_thread, stop_outbox_thread
from aida.calls.outbox import Outbox
from aida.config import Settings
from aida.errors import StoreUnavailable
from tests.calls.conftest import count_rows

CALL = "1c7e4b1a-0000-4000-8000-0000000000b1"
START = dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC)


async def test_the_worker_thread_stores_what_the_outage_left_queued(
    settings: Settings,
    db_path: Path,
    store,  # type: ignore[no-untyped-def]
) -> None:
    async def unreachable():  # type: ignore[no-untyped-def]
        raise StoreUnavailable("Sorry, our system is briefly unavailable.")

    delivery = await finalize_call(
        call_id=CALL,
        room_name="room-b",
        caller_phone=None,
        started_at=START,
        ended_at=START + dt.timedelta(seconds=30),
        end_reason="participant_disconnected",
        timeline=[{"v": 1, "seq": 1, "call_id": CALL, "type": "call_ended", "ts": "x"}],
        history={"items": []},
        usage=[],
        settings=settings,
        store_factory=unreachable,
        llms=[],
    )
    assert delivery.outcome == "pending"
    assert await count_rows(db_path) == 0

    thread = start_outbox_thread(settings.model_copy(update={"outbox_retry_seconds": 0.2}))
    try:
        assert start_outbox_thread(settings) is thread  # one drain per process
        for _ in range(150):
            if not Outbox(settings.outbox_dir).ids():
                break
            await asyncio.sleep(0.2)
    finally:
        stop_outbox_thread()
    assert not thread.is_alive()
    assert Outbox(settings.outbox_dir).ids() == []
    assert await count_rows(db_path) == 1
    assert (await store.get_call_summary(CALL)).status == "timeline_only"
