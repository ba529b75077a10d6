"""The Supabase backend's calendar at its HTTP boundary: the requests for closures, providers and
visit types, the error codes of the calendar's SQL, and the fake PostgREST (which mirrors that
SQL; the SQL itself runs on the real PostgreSQL in test_postgres_sql.py) behaving like a store."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from aida.errors import ClinicClosed, InvalidRequest, SlotTaken
from aida.store.supabase import SupabaseSchemaMissing, SupabaseStore
from tests.store.supabase_fake import FakePostgrest, PostgrestState
from tests.store.test_supabase_http import (
    APPT_ROW,
    END,
    OTHER,
    PHONE,
    START,
    assert_rpc,
    make_store,
    only,
)

THIRD = "+15550001111"
PATEL = "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081"
PHYSICAL = "2c3d4e5f-6071-4829-8b3c-4d5e6f708192"
CLOSURE_ROW = {
    "id": "3d4e5f60-7182-493a-9c4d-5e6f708192a3",
    "start_time": "2026-11-26T05:00:00+00:00",
    "end_time": "2026-11-27T05:00:00+00:00",
    "reason": "Thanksgiving",
    "all_day": True,
    "created_at": "2026-11-01T12:00:00+00:00",
}


@pytest.fixture
async def fake() -> AsyncIterator[FakePostgrest]:
    server = FakePostgrest()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def store(fake: FakePostgrest) -> AsyncIterator[SupabaseStore]:
    s = make_store(fake.url)
    yield s
    await s.close()


@pytest.fixture
async def live() -> AsyncIterator[tuple[SupabaseStore, PostgrestState]]:
    state = PostgrestState()
    server = FakePostgrest(state)
    await server.start()
    s = make_store(server.url)
    await s.migrate()
    yield s, state
    await s.close()
    await server.stop()


async def test_booking_with_a_provider_calls_the_provider_function(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    row = {**APPT_ROW, "provider_id": PATEL, "visit_type_id": PHYSICAL}
    fake.reply(200, {"appointment": row, "created": True})
    result = await store.book(PHONE, START, END, provider_id=PATEL, visit_type_id=PHYSICAL)
    assert_rpc(
        only(fake),
        "book_provider_appointment",
        {
            "p_user_phone": PHONE,
            "p_start": "2026-12-01T15:00:00+00:00",
            "p_end": "2026-12-01T15:30:00+00:00",
            "p_meta": {},
            "p_provider_id": PATEL,
            "p_visit_type_id": PHYSICAL,
        },
    )
    assert (result.appointment.provider_id, result.appointment.visit_type_id) == (
        PATEL,
        PHYSICAL,
    )


async def test_a_malformed_provider_id_sends_nothing(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    with pytest.raises(InvalidRequest):
        await store.book(PHONE, START, END, provider_id="Dr. Patel")
    assert fake.requests == []


async def test_calendar_error_codes_map_to_speakable_errors(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.error(400, "AI423", "the clinic is closed then", details="Thanksgiving")
    with pytest.raises(ClinicClosed):
        await store.book(PHONE, START, END)
    fake.error(400, "AI422", "provider not found")
    with pytest.raises(InvalidRequest, match="provider"):
        await store.save_visit_type("Physical", 60, [PATEL])


async def test_closure_requests(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, {"closure": CLOSURE_ROW, "affected": [APPT_ROW]})
    day = dt.datetime(2026, 11, 26, 0, 0, tzinfo=dt.UTC) + dt.timedelta(hours=5)
    added = await store.add_closure(day, day + dt.timedelta(days=1), " Thanksgiving ", all_day=True)
    assert_rpc(
        only(fake),
        "add_closure",
        {
            "p_start": "2026-11-26T05:00:00+00:00",
            "p_end": "2026-11-27T05:00:00+00:00",
            "p_reason": "Thanksgiving",
            "p_all_day": True,
        },
    )
    assert added.closure.reason == "Thanksgiving" and added.closure.all_day
    assert [a.id for a in added.affected] == [APPT_ROW["id"]]

    fake.requests.clear()
    fake.reply(200, [CLOSURE_ROW])
    (listed,) = await store.list_closures(start=day)
    req = only(fake)
    assert (req.method, req.path) == ("GET", "/rest/v1/closures")
    assert req.query == (
        "select=id,start_time,end_time,reason,all_day,created_at"
        "&end_time=gt.2026-11-26T05:00:00%2B00:00&order=start_time.asc,id.asc"
    )
    assert listed.id == CLOSURE_ROW["id"]

    fake.requests.clear()
    fake.reply(200, [CLOSURE_ROW])
    removed = await store.remove_closure(CLOSURE_ROW["id"])
    req = only(fake)
    assert (req.method, req.path, req.query) == (
        "DELETE",
        "/rest/v1/closures",
        f"id=eq.{CLOSURE_ROW['id']}",
    )
    assert removed is not None and removed.id == CLOSURE_ROW["id"]
    fake.requests.clear()
    assert await store.remove_closure("not-an-id") is None
    assert fake.requests == []


async def test_provider_and_visit_type_requests(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, {"id": PATEL, "name": "Dr. Patel", "hours": "Mon-Fri 09:00-17:00"})
    await store.save_provider(" Dr.  Patel", "mon-fri 9:00-17:00")
    assert_rpc(
        only(fake), "save_provider", {"p_name": "Dr. Patel", "p_hours": "Mon-Fri 09:00-17:00"}
    )
    fake.requests.clear()
    fake.reply(200, {"id": PHYSICAL, "name": "Physical", "minutes": 60, "provider_ids": [PATEL]})
    visit = await store.save_visit_type("Physical", 60, [PATEL.upper()])
    assert_rpc(
        only(fake),
        "save_visit_type",
        {"p_name": "Physical", "p_minutes": 60, "p_provider_ids": [PATEL]},
    )
    assert visit.provider_ids == [PATEL]


async def test_migrate_names_a_missing_calendar() -> None:
    state = PostgrestState()
    state.missing_tables = {"closures"}
    state.missing_columns = {("appointments", "provider_id")}
    state.missing_functions = {"add_closure", "book_provider_appointment"}
    server = FakePostgrest(state)
    await server.start()
    s = make_store(server.url)
    try:
        with pytest.raises(SupabaseSchemaMissing) as caught:
            await s.migrate()
    finally:
        await s.close()
        await server.stop()
    missing = caught.value.details["missing"]
    assert missing[0] == "table appointments: column appointments.provider_id does not exist"
    assert missing[1].startswith("table closures: Could not find the table 'public.closures'")
    assert missing[2:] == ["function book_provider_appointment", "function add_closure"]


async def test_the_calendar_behaves_like_a_store(
    live: tuple[SupabaseStore, PostgrestState],
) -> None:
    store, state = live
    await store.upsert_patient(PHONE, "Jane Doe")
    await store.upsert_patient(OTHER, "Sam Roe")
    patel = await store.save_provider("Dr. Patel", "Mon-Fri 09:00-17:00")
    kim = await store.save_provider("dr. kim")
    assert (await store.save_provider("DR. PATEL")).id == patel.id
    assert [p.name for p in await store.list_providers()] == ["dr. kim", "Dr. Patel"]
    physical = await store.save_visit_type("Physical", 60, [patel.id])
    assert [v.name for v in await store.list_visit_types()] == ["Physical"]

    first = await store.book(PHONE, START, END, provider_id=patel.id, visit_type_id=physical.id)
    with pytest.raises(SlotTaken):
        await store.book(OTHER, START, END, provider_id=patel.id)
    assert (await store.book(OTHER, START, END, provider_id=kim.id)).created
    await store.upsert_patient(THIRD, "Lee Poe")  # one start per patient: a third one
    assert (await store.book(THIRD, START, END)).appointment.provider_id is None

    later = START + dt.timedelta(days=1)
    added = await store.add_closure(later, later + dt.timedelta(hours=8), "Training")
    assert added.affected == []
    with pytest.raises(ClinicClosed):
        await store.book(PHONE, later, later + dt.timedelta(minutes=30), provider_id=kim.id)
    with pytest.raises(ClinicClosed):
        await store.reschedule(first.appointment.id, PHONE, later, later + dt.timedelta(minutes=60))
    assert (await store.get_appointment(first.appointment.id)).status == "booked"  # type: ignore[union-attr]
    moved = await store.reschedule(
        first.appointment.id,
        PHONE,
        later + dt.timedelta(days=1),
        later + dt.timedelta(days=1, minutes=60),
    )
    assert (moved.provider_id, moved.visit_type_id) == (patel.id, physical.id)
    assert [c.id for c in await store.list_closures()] == [added.closure.id]
    assert (await store.remove_closure(added.closure.id)) is not None
    assert state.tables["closures"] == {}
