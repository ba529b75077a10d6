"""Aida's half of the store contract: call records, on SQLite, a real PostgreSQL and Supabase over
PostgREST on that PostgreSQL (the `store` fixture, tests/store/conftest.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from aida.errors import InvalidRequest
from aida.store.models import CallSummary
from aida.store.protocol import Store

UTC = dt.UTC
ANN, BOB = "+15550000001", "+15550000002"


async def patients(store: Store) -> None:
    await store.upsert_patient(ANN, "Ann Lee")
    await store.upsert_patient(BOB, "Bob Roy")


# --- call summaries ---


def summary(**fields: object) -> CallSummary:
    return CallSummary(id=str(uuid.uuid4()), **fields)  # type: ignore[arg-type]


async def test_summary_round_trip_and_upsert_by_id(store: Store) -> None:
    await patients(store)
    started = dt.datetime(2030, 1, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    first = summary(
        user_phone=ANN,
        summary_text="Booked a checkup.",
        preferences={"language": "en"},
        appointments_in_call=[{"id": "x", "action": "booked"}],
        cost_breakdown={"llm_usd": 0.01},
        timeline=[{"t": 0.5, "event": "greeting"}],
        transcript=[{"role": "user", "text": "hello"}],
        action_items=[{"item": "call back"}],
        status="complete",
        room_name="room-1",
        started_at=started,
        ended_at=started + dt.timedelta(minutes=3),
        duration_seconds=180.5,
        end_reason="caller_hung_up",
    )
    await store.save_call_summary(first)
    got = await store.get_call_summary(first.id)
    assert got is not None and got.created_at is not None
    assert got.model_dump(exclude={"created_at"}) == first.model_dump(exclude={"created_at"})
    assert got.started_at.utcoffset() == dt.timedelta(0)

    replaced = first.model_copy(update={"summary_text": "Booked and moved.", "status": None})
    await store.save_call_summary(replaced)
    await store.save_call_summary(replaced)
    again = await store.get_call_summary(first.id)
    assert (again.summary_text, again.status) == ("Booked and moved.", None)
    assert again.created_at == got.created_at  # replacing keeps when it was first written
    assert len(await store.list_call_summaries()) == 1


async def test_summaries_of_unknown_or_missing_callers_are_kept(store: Store) -> None:
    anonymous = summary(summary_text="Caller hung up.")
    stranger = summary(user_phone="+15557654321", status="timeline_only")
    await store.save_call_summary(anonymous)
    await store.save_call_summary(stranger)
    assert (await store.get_call_summary(anonymous.id)).user_phone is None
    assert (await store.get_call_summary(stranger.id)).user_phone == "+15557654321"
    newcomer = await store.get_patient("+15557654321")
    assert newcomer is not None and newcomer.name is None
    with pytest.raises(InvalidRequest):
        await store.save_call_summary(CallSummary(id="call-1"))
    assert await store.get_call_summary("call-1") is None


async def test_list_summaries_newest_first_with_filters(store: Store) -> None:
    await patients(store)
    base = dt.datetime(2020, 1, 1, tzinfo=UTC)  # before "now"
    made = []
    for i, phone in enumerate([ANN, BOB, ANN, ANN]):
        s = summary(user_phone=phone, created_at=base + dt.timedelta(hours=i))
        await store.save_call_summary(s)
        made.append(s.id)

    ids = lambda items: [x.id for x in items]  # noqa: E731
    assert ids(await store.list_call_summaries()) == made[::-1]
    assert ids(await store.list_call_summaries(phone=ANN)) == [made[3], made[2], made[0]]
    hour = dt.timedelta(hours=1)
    assert ids(await store.list_call_summaries(since=base + hour, until=base + 3 * hour)) == [
        made[2],
        made[1],
    ]
    assert ids(await store.list_call_summaries(limit=2)) == [made[3], made[2]]
    assert ids(await store.list_call_summaries(limit=2, offset=2)) == [made[1], made[0]]
    fresh = summary(user_phone=BOB)  # no created_at: the store stamps it now
    await store.save_call_summary(fresh)
    assert ids(await store.list_call_summaries(limit=1)) == [fresh.id]
