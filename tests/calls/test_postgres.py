"""The recorded call written to a real PostgreSQL: the row, and one row after retries."""

from __future__ import annotations

import asyncpg
import pytest

from aida.calls import finalize_call
from aida.calls.deliver import Deliverer
from aida.calls.outbox import Outbox
from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.postgres import PostgresStore
from aida.tools.base import ClinicContext
from tests.calls.doubles import FlakyStore, summary_call
from tests.calls.session_script import CALL_ID, PHONE, run_scripted_call
from tests.scripted_llm import ScriptedLLM

pytestmark = pytest.mark.postgres


async def test_recorded_call_lands_once_in_postgres(
    pg_store: PostgresStore, pg_url: str, settings: Settings, clock: FixedClock, outbox: Outbox
) -> None:
    tools = ClinicContext(store=pg_store, settings=settings, clock=clock)
    recorded = await run_scripted_call(tools, settings)
    flaky = FlakyStore(pg_store)

    async def factory():  # type: ignore[no-untyped-def]
        return flaky

    flaky.down = True  # the database is down at hang-up
    state = recorded.state
    delivery = await finalize_call(
        call_id=state.call_id,
        room_name=state.room_name,
        caller_phone=state.caller_phone,
        started_at=state.started_at,
        ended_at=state.ended_at,
        end_reason=state.end_reason,
        timeline=state.timeline.events,
        history=recorded.history,
        usage=recorded.usage,
        settings=settings,
        store_factory=factory,
        llms=[ScriptedLLM([summary_call("Jane Doe booked, then moved her checkup.")])],
    )
    assert delivery.outcome == "pending" and outbox.ids() == [CALL_ID]

    flaky.down = False
    deliverer = Deliverer(settings, store_factory=factory, llms=[])
    for _ in range(3):
        await deliverer.drain()
    assert outbox.ids() == [] and flaky.saves == 1

    row = await pg_store.get_call_summary(CALL_ID)
    assert row is not None and row.status == "complete"
    assert row.summary_text == "Jane Doe booked, then moved her checkup."
    assert row.timeline == state.timeline.events
    assert [a["action"] for a in row.appointments_in_call or []] == ["booked", "rescheduled"]
    assert row.cost_breakdown is not None and row.cost_breakdown["total_usd"] > 0
    assert row.preferences == {"time_of_day": "mornings"}
    patient = await pg_store.get_patient(PHONE)
    assert patient is not None and patient.preferences == {"time_of_day": "mornings"}

    conn = await asyncpg.connect(pg_url)
    try:
        count = await conn.fetchval(
            "select count(*) from call_summaries where id = $1::uuid", CALL_ID
        )
        ended = await conn.fetchval("select ended_at from call_summaries")
    finally:
        await conn.close()
    assert count == 1 and ended == state.ended_at
