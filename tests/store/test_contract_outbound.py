"""The Store contract for outbound calls, Aida's half: on SQLite, PostgreSQL and Supabase, and
through `SplitStore` with the EHR's calendar (the attempts stay on Aida's side): a row per
attempt, replaced by id as its outcome arrives, listed oldest first by appointment, phone and
purpose; and every call record keeps its direction."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from aida.store.models import CallSummary, OutboundAttempt
from aida.store.protocol import Store
from tests.store.conftest import DATABASES, FHIR

AT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
PHONE = "+15551230001"


@pytest.mark.parametrize("store", [*DATABASES, FHIR], indirect=True)
async def test_attempts_saved_updated_and_listed(store: Store) -> None:
    appointment = str(uuid.uuid4())
    first = OutboundAttempt(
        purpose="reminder",
        phone=PHONE,
        appointment_id=appointment,
        room_name="outbound-reminder-x",
        started_at=AT,
    )
    await store.save_outbound_call(first)
    busy = first.model_copy(update={"outcome": "busy", "error": "486 Busy Here", "updated_at": AT})
    await store.save_outbound_call(busy)
    await store.save_outbound_call(busy)  # a retried write makes no second row
    second = OutboundAttempt(
        purpose="reminder",
        phone=PHONE,
        appointment_id=appointment,
        refs={"note": "x"},
        started_at=AT + dt.timedelta(hours=1),
        outcome="confirmed",
        call_id=str(uuid.uuid4()),
    )
    await store.save_outbound_call(second)
    offer = OutboundAttempt(purpose="waitlist_offer", phone="+15551230002", started_at=AT)
    await store.save_outbound_call(offer)

    rows = await store.list_outbound_calls(appointment_id=appointment, purpose="reminder")
    assert [r.id for r in rows] == [first.id, second.id]
    assert rows[0].outcome == "busy" and rows[0].error == "486 Busy Here"
    assert rows[0].started_at == AT and rows[0].updated_at == AT
    assert rows[1].refs == {"note": "x"} and rows[1].call_id == second.call_id
    assert [r.id for r in await store.list_outbound_calls(phone="+15551230002")] == [offer.id]
    assert [r.id for r in await store.list_outbound_calls(purpose="waitlist_offer")] == [offer.id]
    later = await store.list_outbound_calls(since=AT + dt.timedelta(minutes=30))
    assert [r.id for r in later] == [second.id]
    assert len(await store.list_outbound_calls()) == 3


@pytest.mark.parametrize("store", [*DATABASES, FHIR], indirect=True)
async def test_call_records_keep_their_direction(store: Store) -> None:
    outbound = CallSummary(id=str(uuid.uuid4()), direction="outbound", room_name="r1")
    inbound = CallSummary(id=str(uuid.uuid4()), direction="inbound", room_name="r2")
    older = CallSummary(id=str(uuid.uuid4()), room_name="r3")
    for summary in (outbound, inbound, older):
        await store.save_call_summary(summary)
    got = {s.id: s.direction for s in await store.list_call_summaries()}
    assert got == {outbound.id: "outbound", inbound.id: "inbound", older.id: None}
    fetched = await store.get_call_summary(outbound.id)
    assert fetched is not None and fetched.direction == "outbound"
