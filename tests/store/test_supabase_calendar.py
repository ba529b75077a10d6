"""The Supabase backend's calendar at its HTTP boundary: the exact requests for closures, providers
and visit types (against the recording PostgREST stand-in), the error codes of the calendar's SQL,
and what `migrate()` says of a project without the calendar's migration (on the real SQL).

How the calendar behaves through PostgREST on the real SQL functions is the store contract
(tests/store/test_contract_calendar.py), which runs on this backend too."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from aida.errors import ClinicClosed, InvalidRequest
from aida.store.supabase import SupabaseStore
from tests.store.postgrest_double import FakePostgrest
from tests.store.test_supabase_http import (
    APPT_ROW,
    END,
    PHONE,
    START,
    assert_rpc,
    make_store,
    migrate_after,
    only,
)

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


@pytest.mark.postgres
async def test_migrate_names_a_missing_calendar(
    postgrest: FakePostgrest, supabase_db_url: str
) -> None:
    # A project with the brief's schema but not yet 20250801000000_aida_calendar.sql's pieces.
    error = await migrate_after(
        postgrest,
        supabase_db_url,
        "alter table public.appointments drop column provider_id cascade;"
        " drop table public.closures;"
        " drop function public.add_closure(timestamptz, timestamptz, text, boolean);"
        " drop function public.save_visit_type(text, integer, jsonb);",
    )
    assert error.details["missing"] == [
        "table appointments: column appointments.provider_id does not exist",
        "table closures: Could not find the table 'public.closures' in the schema cache",
        "function add_closure",
        "function save_visit_type",
    ]
