"""The Supabase backend at its HTTP boundary: the exact PostgREST requests supabase-py sends for
each `Store` method, and how PostgREST's documented answers and error bodies map to Aida's errors.

A PostgREST stand-in listens on 127.0.0.1 (no PostgREST binary or Docker here) and records every
request: most tests script its replies; the `postgrest` fixture answers from the real SQL
functions and tables on PostgreSQL instead (`tests/store/postgrest_double/on_postgres.py`), as
the store contract suite does for this backend (`tests/store/conftest.py`).
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from aida.config import Settings
from aida.errors import (
    AppointmentNotFound,
    InvalidRequest,
    NotYourAppointment,
    PatientNotFound,
    SlotTaken,
    StoreUnavailable,
)
from aida.store import failures
from aida.store.models import CallSummary
from aida.store.protocol import Store
from aida.store.supabase import SupabaseKeyRefused, SupabaseSchemaMissing, SupabaseStore
from tests.store.postgrest_double import FakePostgrest, Recorded
from tests.store.supabase_project import SUPABASE_KEY as KEY
from tests.store.supabase_project import supabase_store_at

# Every backend speaks the same sentences (aida/store/failures.py).
UNAVAILABLE = str(failures.unavailable())
NOT_BOOKED = str(failures.not_booked())
NO_APPOINTMENT = str(failures.appointment_not_found())
NOT_YOURS = str(failures.not_your_appointment())
NO_PATIENT = str(failures.patient_not_found())
PHONE = "+15551234567"
OTHER = "+15557654321"
APPT_ID = "6f1c2a4e-9d3b-4c1a-8e5f-0a1b2c3d4e5f"
NEW_ID = "0b9e8d7c-6a5f-4e3d-9c2b-1a0f9e8d7c6b"
SUMMARY_ID = "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"
NY = ZoneInfo("America/New_York")
START = dt.datetime(2026, 12, 1, 10, 0, tzinfo=NY)  # 15:00 UTC
END = START + dt.timedelta(minutes=30)
UTC_START = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)

APPT_ROW = {
    "id": APPT_ID,
    "user_phone": PHONE,
    "start_time": "2026-12-01T15:00:00+00:00",
    "end_time": "2026-12-01T15:30:00+00:00",
    "status": "booked",
    "meta": {"reason": "checkup"},
}
USER_ROW = {"phone": PHONE, "name": "Jane Doe", "preferences": {"language": "en"}}
APPT_COLUMNS = (
    "id,user_phone,start_time,end_time,status,meta,provider_id,visit_type_id,hold_expires_at"
)
TABLES = (
    "users",
    "appointments",
    "call_summaries",
    "identity_failures",
    "audit_log",
    "action_items_done",
    "closures",
    "providers",
    "visit_types",
)
SUMMARY_COLUMNS = (
    "id,user_phone,summary_text,preferences,appointments_in_call,cost_breakdown,timeline,"
    "transcript,action_items,created_at,status,room_name,started_at,ended_at,duration_seconds,"
    "end_reason,presented_phone,caller_verified,direction"
)


make_store = supabase_store_at


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


def only(fake: FakePostgrest) -> Recorded:
    assert len(fake.requests) == 1, [(r.method, r.path) for r in fake.requests]
    return fake.requests[0]


def assert_service_headers(req: Recorded) -> None:
    assert req.headers["apikey"] == KEY
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["accept-profile"] == "public"
    assert req.headers["content-profile"] == "public"
    if req.method == "POST":
        assert req.headers["content-type"] == "application/json"


def assert_rpc(req: Recorded, fn: str, body: dict[str, object]) -> None:
    assert (req.method, req.path, req.query) == ("POST", f"/rest/v1/rpc/{fn}", "")
    assert_service_headers(req)
    assert "prefer" not in req.headers
    assert req.json() == body


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- construction -------------------------------------------------------------------------------


async def test_is_a_store_and_connects_lazily(fake: FakePostgrest) -> None:
    s = make_store(fake.url)
    assert isinstance(s, Store)
    assert s.backend == "supabase"
    await s.close()  # closing a store that never connected is fine
    assert fake.requests == []


def test_needs_url_and_key() -> None:
    with pytest.raises(ValueError, match="SUPABASE_URL and SUPABASE_KEY"):
        SupabaseStore(Settings(_env_file=None, supabase_url="http://127.0.0.1:1"))  # type: ignore[call-arg]


# --- patients -----------------------------------------------------------------------------------


async def test_get_patient_request_and_row(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, [USER_ROW])
    patient = await store.get_patient(PHONE)
    req = only(fake)
    assert (req.method, req.path) == ("GET", "/rest/v1/users")
    assert req.query == (
        "select=phone,name,preferences,date_of_birth,registration_pending"
        "&phone=eq.%2B15551234567&limit=1"
    )
    assert req.body == b""
    assert_service_headers(req)
    assert patient is not None
    assert (patient.phone, patient.name, patient.preferences) == (
        PHONE,
        "Jane Doe",
        {"language": "en"},
    )


async def test_get_patient_absent_is_none(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, [])
    assert await store.get_patient(PHONE) is None


async def test_upsert_patient_with_name(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(201, [USER_ROW])
    patient = await store.upsert_patient(PHONE, "  Jane Doe ")
    req = only(fake)
    assert (req.method, req.path, req.query) == ("POST", "/rest/v1/users", "on_conflict=phone")
    assert req.headers["prefer"] == "return=representation,resolution=merge-duplicates"
    assert_service_headers(req)
    assert req.body == b'{"phone":"+15551234567","name":"Jane Doe"}'
    assert patient.name == "Jane Doe"


@pytest.mark.parametrize("name", [None, "", "   "])
async def test_upsert_patient_without_name_never_sends_one(
    fake: FakePostgrest, store: SupabaseStore, name: str | None
) -> None:
    # merge-duplicates only updates the columns in the body: leaving `name` out keeps it.
    fake.reply(201, [USER_ROW])
    patient = await store.upsert_patient(PHONE, name)
    req = only(fake)
    assert req.body == b'{"phone":"+15551234567"}'
    assert req.headers["prefer"] == "return=representation,resolution=merge-duplicates"
    assert patient.name == "Jane Doe"


async def test_merge_preferences_rpc(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, {**USER_ROW, "preferences": {"language": "en", "time": "mornings"}})
    patient = await store.merge_preferences(PHONE, {"time": "mornings"})
    assert_rpc(
        only(fake),
        "merge_user_preferences",
        {"p_phone": PHONE, "p_preferences": {"time": "mornings"}},
    )
    assert patient.preferences == {"language": "en", "time": "mornings"}


async def test_merge_preferences_unknown_patient(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.error(400, "AI410", "patient not found")
    with pytest.raises(PatientNotFound):
        await store.merge_preferences(PHONE, {"time": "mornings"})


# --- booking ------------------------------------------------------------------------------------


async def test_book_sends_utc_iso_with_offset(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, {"appointment": APPT_ROW, "created": True})
    result = await store.book(PHONE, START, END, {"reason": "checkup"})
    assert_rpc(
        only(fake),
        "book_appointment",
        {
            "p_user_phone": PHONE,
            "p_start": "2026-12-01T15:00:00+00:00",
            "p_end": "2026-12-01T15:30:00+00:00",
            "p_meta": {"reason": "checkup"},
        },
    )
    assert result.created is True
    appt = result.appointment
    assert appt.id == APPT_ID
    assert appt.start_time == UTC_START and appt.start_time.tzinfo == dt.UTC
    assert appt.end_time == UTC_START + dt.timedelta(minutes=30)
    assert (appt.status, appt.meta) == ("booked", {"reason": "checkup"})


async def test_book_without_meta_sends_empty_object(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.reply(200, {"appointment": APPT_ROW, "created": False})
    result = await store.book(PHONE, START, END)
    assert only(fake).json()["p_meta"] == {}
    assert result.created is False


async def test_book_parses_other_offsets_to_utc(fake: FakePostgrest, store: SupabaseStore) -> None:
    row = {
        **APPT_ROW,
        "start_time": "2026-12-01T10:00:00-05:00",
        "end_time": "2026-12-01T15:30:00.250+00:00",
    }
    fake.reply(200, {"appointment": row, "created": True})
    appt = (await store.book(PHONE, START, END)).appointment
    assert appt.start_time == UTC_START and appt.start_time.utcoffset() == dt.timedelta(0)
    assert appt.end_time == dt.datetime(2026, 12, 1, 15, 30, 0, 250000, tzinfo=dt.UTC)


async def test_book_bad_times_are_refused_before_sending(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    with pytest.raises(InvalidRequest, match="time zone"):
        await store.book(PHONE, START.replace(tzinfo=None), END)
    with pytest.raises(InvalidRequest, match="end after it starts"):
        await store.book(PHONE, END, START)
    with pytest.raises(InvalidRequest, match="end after it starts"):
        await store.reschedule(APPT_ID, PHONE, START, START)
    assert fake.requests == []


async def test_book_slot_taken(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.error(
        400,
        "23P01",
        'conflicting key value violates exclusion constraint "appointments_no_overlap"',
        details="Key (tstzrange(start_time, end_time, '[)'::text))=(...) conflicts with (...).",
    )
    with pytest.raises(SlotTaken) as caught:
        await store.book(PHONE, START, END)
    assert caught.value.start == START
    assert str(caught.value) == "Sorry, that time was just taken."


async def test_deadlock_is_retried(fake: FakePostgrest, store: SupabaseStore) -> None:
    # PostgREST answers class 40 (transaction rollback) with HTTP 500.
    fake.error(500, "40P01", "deadlock detected")
    fake.error(500, "40001", "could not serialize access due to concurrent update")
    fake.reply(200, {"appointment": APPT_ROW, "created": True})
    result = await store.book(PHONE, START, END)
    assert result.created is True
    assert len(fake.requests) == 3
    assert {r.body for r in fake.requests} == {fake.requests[0].body}


async def test_deadlock_that_persists_gives_up(fake: FakePostgrest, store: SupabaseStore) -> None:
    for _ in range(store.retry_attempts):
        fake.error(500, "40P01", "deadlock detected")
    with pytest.raises(StoreUnavailable):
        await store.book(PHONE, START, END)
    assert len(fake.requests) == store.retry_attempts


# --- cancel / reschedule ------------------------------------------------------------------------


async def test_cancel_rpc(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, {**APPT_ROW, "status": "cancelled"})
    appt = await store.cancel(APPT_ID, PHONE)
    assert_rpc(
        only(fake), "cancel_appointment", {"p_appointment_id": APPT_ID, "p_user_phone": PHONE}
    )
    assert appt.status == "cancelled"


async def test_reschedule_rpc(fake: FakePostgrest, store: SupabaseStore) -> None:
    new_start = dt.datetime(2026, 12, 2, 14, 30, tzinfo=NY)
    row = {
        **APPT_ROW,
        "id": NEW_ID,
        "start_time": "2026-12-02T19:30:00+00:00",
        "end_time": "2026-12-02T20:00:00+00:00",
        "meta": {"rescheduled_from": APPT_ID},
    }
    fake.reply(200, row)
    appt = await store.reschedule(APPT_ID, PHONE, new_start, new_start + dt.timedelta(minutes=30))
    assert_rpc(
        only(fake),
        "reschedule_appointment",
        {
            "p_appointment_id": APPT_ID,
            "p_user_phone": PHONE,
            "p_start": "2026-12-02T19:30:00+00:00",
            "p_end": "2026-12-02T20:00:00+00:00",
        },
    )
    assert appt.id == NEW_ID
    assert appt.start_time == dt.datetime(2026, 12, 2, 19, 30, tzinfo=dt.UTC)
    assert appt.meta == {"rescheduled_from": APPT_ID}


async def test_reschedule_into_taken_slot(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.error(
        400,
        "23P01",
        'conflicting key value violates exclusion constraint "appointments_no_overlap"',
    )
    with pytest.raises(SlotTaken) as caught:
        await store.reschedule(APPT_ID, PHONE, START, END)
    assert caught.value.start == START


@pytest.mark.parametrize("call", ["cancel", "reschedule", "get"])
async def test_malformed_appointment_id_sends_nothing(
    fake: FakePostgrest, store: SupabaseStore, call: str
) -> None:
    if call == "cancel":
        with pytest.raises(AppointmentNotFound):
            await store.cancel("not-a-uuid", PHONE)
    elif call == "reschedule":
        with pytest.raises(AppointmentNotFound):
            await store.reschedule("42", PHONE, START, END)
    else:
        assert await store.get_appointment("abc") is None
    assert fake.requests == []


# --- error bodies -------------------------------------------------------------------------------

# (HTTP status, body code, expected error, expected message or None) as PostgREST documents them:
# custom SQLSTATEs and 23P01 come back as 400, 23503 as 409, class 08/53 and PGRST00x as 503/504.
ERROR_CASES = [
    (400, "23P01", SlotTaken, "Sorry, that time was just taken."),
    (400, "AI404", AppointmentNotFound, NO_APPOINTMENT),
    (400, "AI403", NotYourAppointment, NOT_YOURS),
    (400, "AI409", InvalidRequest, NOT_BOOKED),
    (400, "AI410", PatientNotFound, NO_PATIENT),
    (409, "23503", PatientNotFound, NO_PATIENT),
    (400, "22023", InvalidRequest, None),
    (404, "PGRST202", SupabaseSchemaMissing, UNAVAILABLE),
    (400, "42703", SupabaseSchemaMissing, UNAVAILABLE),
    (401, "PGRST301", SupabaseKeyRefused, UNAVAILABLE),
    (401, "42501", SupabaseKeyRefused, UNAVAILABLE),
    (503, "PGRST001", StoreUnavailable, UNAVAILABLE),
    (504, "PGRST003", StoreUnavailable, UNAVAILABLE),
    (503, "08006", StoreUnavailable, UNAVAILABLE),
    (400, "P0001", StoreUnavailable, UNAVAILABLE),
]


@pytest.mark.parametrize(("status", "code", "error", "message"), ERROR_CASES)
async def test_error_bodies_map_to_aida_errors(
    fake: FakePostgrest,
    store: SupabaseStore,
    status: int,
    code: str,
    error: type[Exception],
    message: str | None,
) -> None:
    fake.error(status, code, "as PostgREST sends it", details="Key (phone)=(+15551234567)")
    with pytest.raises(error) as caught:
        await store.reschedule(APPT_ID, PHONE, START, END)
    assert type(caught.value) is error
    if message is not None:
        assert str(caught.value) == message
    assert PHONE not in str(caught.value)
    assert len(fake.requests) == 1  # none of these is retried


async def test_proxy_error_page_is_unavailable(fake: FakePostgrest, store: SupabaseStore) -> None:
    # Not PostgREST JSON: supabase-py falls back to the HTTP status as the code.
    fake.reply(502, raw=b"<html>502 Bad Gateway</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(StoreUnavailable) as caught:
        await store.get_patient(PHONE)
    assert str(caught.value) == UNAVAILABLE


async def test_cancel_errors(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.error(400, "AI404", "appointment not found")
    fake.error(400, "AI403", "appointment belongs to another patient")
    with pytest.raises(AppointmentNotFound):
        await store.cancel(APPT_ID, PHONE)
    with pytest.raises(NotYourAppointment):
        await store.cancel(APPT_ID, OTHER)


# --- reads: appointments ------------------------------------------------------------------------


async def test_get_appointment(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, [APPT_ROW])
    fake.reply(200, [])
    appt = await store.get_appointment(APPT_ID)
    assert appt is not None and appt.start_time == UTC_START
    assert await store.get_appointment(NEW_ID) is None
    req = fake.requests[0]
    assert (req.method, req.path) == ("GET", "/rest/v1/appointments")
    assert req.query == f"select={APPT_COLUMNS}&id=eq.{APPT_ID}&limit=1"
    assert_service_headers(req)


async def test_list_appointments_filters_overlap_and_order(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.reply(200, [APPT_ROW])
    window_start = dt.datetime(2026, 12, 1, 0, 0, tzinfo=NY)
    appts = await store.list_appointments(PHONE, window_start, window_start + dt.timedelta(days=1))
    req = only(fake)
    assert (req.method, req.path) == ("GET", "/rest/v1/appointments")
    assert req.query == (
        f"select={APPT_COLUMNS}&user_phone=eq.%2B15551234567&status=eq.booked"
        "&end_time=gt.2026-12-01T05:00:00%2B00:00&start_time=lt.2026-12-02T05:00:00%2B00:00"
        "&order=start_time.asc,id.asc&offset=0&limit=1000"
    )
    assert [a.id for a in appts] == [APPT_ID]


async def test_list_appointments_any_status_no_bounds(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.reply(200, [])
    assert await store.list_appointments(status=None) == []
    assert (
        only(fake).query == f"select={APPT_COLUMNS}&order=start_time.asc,id.asc&offset=0&limit=1000"
    )


async def test_list_appointments_reads_every_page(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    store.page_size = 2
    rows = [
        {
            **APPT_ROW,
            "id": f"00000000-0000-0000-0000-00000000000{i}",
            "start_time": f"2026-12-0{i}T15:00:00+00:00",
            "end_time": f"2026-12-0{i}T15:30:00+00:00",
        }
        for i in range(1, 6)
    ]
    fake.reply(200, rows[0:2])
    fake.reply(200, rows[2:4])
    fake.reply(200, rows[4:5])
    appts = await store.list_appointments(PHONE)
    assert [a.id for a in appts] == [r["id"] for r in rows]
    assert [r.query.split("&order=")[1] for r in fake.requests] == [
        "start_time.asc,id.asc&offset=0&limit=2",
        "start_time.asc,id.asc&offset=2&limit=2",
        "start_time.asc,id.asc&offset=4&limit=2",
    ]


# --- call summaries -----------------------------------------------------------------------------


async def test_save_call_summary_upserts_on_id(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, [{**USER_ROW}])  # the caller is a patient
    fake.reply(201)  # return=minimal: no body
    summary = CallSummary(
        id=SUMMARY_ID,
        user_phone=PHONE,
        summary_text="Booked a checkup.",
        transcript=[{"role": "user", "text": "hello"}],
        started_at=dt.datetime(2026, 11, 20, 9, 0, tzinfo=NY),
        duration_seconds=61.5,
        status="complete",
    )
    await store.save_call_summary(summary)
    assert len(fake.requests) == 2
    # first whether the caller's number is a patient's: a call record never creates one
    user = fake.requests[0]
    assert (user.method, user.path) == ("GET", "/rest/v1/users")
    assert_service_headers(user)
    req = fake.requests[1]
    assert (req.method, req.path, req.query) == (
        "POST",
        "/rest/v1/call_summaries",
        "on_conflict=id",
    )
    assert req.headers["prefer"] == "return=minimal,resolution=merge-duplicates"
    assert_service_headers(req)
    body = req.json()
    assert "created_at" not in body  # the column default stamps new rows
    assert body["id"] == SUMMARY_ID
    assert body["started_at"] == "2026-11-20T14:00:00+00:00"  # sent in UTC with its offset
    assert body["transcript"] == [{"role": "user", "text": "hello"}]
    assert body["duration_seconds"] == 61.5
    assert body["end_reason"] is None  # replace: every column is written
    assert set(body) == set(CallSummary.model_fields) - {"created_at"}


async def test_save_call_summary_without_a_caller_is_one_request(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.reply(201)
    await store.save_call_summary(CallSummary(id=SUMMARY_ID, summary_text="Caller hung up."))
    req = only(fake)
    assert (req.path, req.json()["user_phone"]) == ("/rest/v1/call_summaries", None)


async def test_save_call_summary_needs_a_uuid(fake: FakePostgrest, store: SupabaseStore) -> None:
    with pytest.raises(InvalidRequest):
        await store.save_call_summary(CallSummary(id="call-1"))
    assert fake.requests == []


async def test_get_call_summary(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(
        200,
        [
            {
                "id": SUMMARY_ID,
                "user_phone": PHONE,
                "summary_text": "Booked.",
                "preferences": None,
                "appointments_in_call": [{"id": APPT_ID}],
                "cost_breakdown": {"llm": 0.01},
                "timeline": [],
                "transcript": [],
                "created_at": "2026-11-20T14:05:00.123456+00:00",
                "action_items": None,
                "status": "complete",
                "room_name": "call-1",
                "started_at": "2026-11-20T14:00:00+00:00",
                "ended_at": "2026-11-20T09:05:00-05:00",
                "duration_seconds": 300.0,
                "end_reason": "caller_hung_up",
            }
        ],
    )
    summary = await store.get_call_summary(SUMMARY_ID)
    req = only(fake)
    assert req.query == f"select={SUMMARY_COLUMNS}&id=eq.{SUMMARY_ID}&limit=1"
    assert summary is not None
    assert summary.ended_at == dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC)
    assert summary.created_at is not None and summary.created_at.tzinfo == dt.UTC
    assert summary.appointments_in_call == [{"id": APPT_ID}]
    assert await store.get_call_summary("not-a-uuid") is None
    assert len(fake.requests) == 1


async def test_list_call_summaries_newest_first_with_range(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.reply(200, [])
    since = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    until = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert await store.list_call_summaries(PHONE, since, until, limit=5, offset=10) == []
    assert only(fake).query == (
        f"select={SUMMARY_COLUMNS}&user_phone=eq.%2B15551234567"
        "&created_at=gte.2026-11-01T00:00:00%2B00:00&created_at=lt.2026-12-01T00:00:00%2B00:00"
        "&order=created_at.desc,id.desc&offset=10&limit=5"
    )
    assert await store.list_call_summaries(limit=0) == []
    assert len(fake.requests) == 1


# --- migrate / ping / reachability --------------------------------------------------------------


@pytest.mark.postgres
async def test_migrate_checks_tables_and_functions_without_changing_anything(
    postgrest: FakePostgrest, supabase_db_url: str
) -> None:
    s = make_store(postgrest.url)
    try:
        await s.migrate()
        await s.migrate()  # idempotent
    finally:
        await s.close()
    conn = await asyncpg.connect(supabase_db_url)
    try:
        for table in TABLES:
            assert await conn.fetchval(f"select count(*) from public.{table}") == 0, table
    finally:
        await conn.close()
    calls = [(r.method, r.path) for r in postgrest.requests[:11]]  # mark_action_item_done next
    assert calls == [
        ("GET", "/rest/v1/users"),
        ("GET", "/rest/v1/appointments"),
        ("GET", "/rest/v1/call_summaries"),
        ("GET", "/rest/v1/identity_failures"),
        ("GET", "/rest/v1/audit_log"),
        ("GET", "/rest/v1/action_items_done"),
        ("POST", "/rest/v1/rpc/book_appointment"),
        ("POST", "/rest/v1/rpc/reschedule_appointment"),
        ("POST", "/rest/v1/rpc/cancel_appointment"),
        ("POST", "/rest/v1/rpc/merge_user_preferences"),
        ("POST", "/rest/v1/rpc/reserve_identity_attempt"),
    ]
    # the additive columns are part of what is checked
    assert postgrest.requests[0].query == (
        "select=phone,name,preferences,date_of_birth,registration_pending&limit=1"
    )
    assert postgrest.requests[2].query == f"select={SUMMARY_COLUMNS}&limit=1"


async def migrate_after(postgrest: FakePostgrest, db_url: str, ddl: str) -> SupabaseSchemaMissing:
    """Take part of the schema away (as an unmigrated project lacks it), then `migrate()`."""
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute(ddl)
    finally:
        await conn.close()
    s = make_store(postgrest.url)
    try:
        with pytest.raises(SupabaseSchemaMissing) as caught:
            await s.migrate()
    finally:
        await s.close()
    return caught.value


@pytest.mark.postgres
async def test_migrate_names_what_is_missing_and_where_the_sql_is(
    postgrest: FakePostgrest, supabase_db_url: str
) -> None:
    error = await migrate_after(
        postgrest,
        supabase_db_url,
        "drop table public.identity_failures;"
        " alter table public.call_summaries drop column end_reason;"
        " drop function public.reschedule_appointment(uuid, text, timestamptz, timestamptz);",
    )
    assert "supabase/migrations/" in str(error)
    missing = error.details["missing"]
    assert missing == [
        "table call_summaries: column call_summaries.end_reason does not exist",
        "table identity_failures: Could not find the table 'public.identity_failures'"
        " in the schema cache",
        "function reschedule_appointment",
    ]
    assert isinstance(error, StoreUnavailable)


async def test_migrate_with_a_key_that_may_not_execute(fake: FakePostgrest) -> None:
    # Supabase's anon key: RLS hides every row without an error, but EXECUTE was revoked.
    for _ in range(6):  # one answer per table probed
        fake.reply(200, [])
    fake.error(401, "42501", "permission denied for function book_appointment")
    s = make_store(fake.url)
    try:
        with pytest.raises(SupabaseKeyRefused, match="service role key"):
            await s.migrate()
    finally:
        await s.close()
    assert fake.requests[-1].path == "/rest/v1/rpc/book_appointment"


async def test_migrate_with_an_invalid_jwt(fake: FakePostgrest) -> None:
    fake.error(401, "PGRST301", "JWSError JWSInvalidSignature")
    s = make_store(fake.url)
    try:
        with pytest.raises(SupabaseKeyRefused, match="service role key"):
            await s.migrate()
    finally:
        await s.close()
    assert len(fake.requests) == 1


async def test_ping(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, [])
    await store.ping()
    req = only(fake)
    assert (req.method, req.path, req.query) == ("GET", "/rest/v1/users", "select=phone&limit=1")


async def test_ping_when_postgrest_cannot_reach_postgres(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.error(503, "PGRST001", "Database client error. Retrying the connection.")
    with pytest.raises(StoreUnavailable):
        await store.ping()
    assert len(fake.requests) == 1  # supabase-py's own retry (1 s, 2 s, 4 s sleeps) is off


async def test_connection_refused_is_store_unavailable() -> None:
    s = make_store(f"http://127.0.0.1:{free_port()}")
    began = time.monotonic()
    try:
        with pytest.raises(StoreUnavailable) as ping_error:
            await s.ping()
        with pytest.raises(StoreUnavailable):
            await s.book(PHONE, START, END)
        with pytest.raises(StoreUnavailable):
            await s.get_patient(PHONE)
    finally:
        await s.close()
    assert str(ping_error.value) == UNAVAILABLE
    assert time.monotonic() - began < 2.0


async def test_timeout_is_store_unavailable_and_not_retried(fake: FakePostgrest) -> None:
    s = make_store(fake.url, timeout=0.2)
    fake.reply(200, {"appointment": APPT_ROW, "created": True}, delay=10.0)
    began = time.monotonic()
    try:
        with pytest.raises(StoreUnavailable) as caught:
            await s.book(PHONE, START, END)
    finally:
        await s.close()
    assert time.monotonic() - began < 2.0  # the 0.2 s timeout, not the 10 s reply
    assert str(caught.value) == UNAVAILABLE
    assert len(fake.requests) == 1


@pytest.mark.postgres
async def test_what_postgrest_answers_itself_is_shaped_as_postgrest_does(
    postgrest: FakePostgrest,
) -> None:
    async with httpx.AsyncClient(base_url=postgrest.url) as client:
        function = await client.post("/rest/v1/rpc/nope", json={"p_x": 1})
        table = await client.get("/rest/v1/nope", params={"select": "*"})
        column = await client.patch("/rest/v1/users", params={"phone": "eq.+1"}, json={"x": 1})
    for reply, status, code in ((function, 404, "PGRST202"), (table, 404, "PGRST205"),
                                (column, 400, "PGRST204")):  # fmt: skip
        assert reply.status_code == status
        assert set(reply.json()) == {"code", "details", "hint", "message"}
        assert reply.json()["code"] == code


# --- date of birth, identity failures, audit log ----------------------------------------------

DOB = dt.date(1980, 4, 2)


async def test_upsert_fills_an_empty_date_of_birth_with_a_guarded_update(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.reply(201, [{**USER_ROW, "date_of_birth": None}])
    fake.reply(200, [{**USER_ROW, "date_of_birth": "1980-04-02"}])
    patient = await store.upsert_patient(PHONE, "Jane Doe", DOB)
    assert patient.date_of_birth == DOB
    upsert, update = fake.requests
    # the upsert never carries the date of birth: merge-duplicates would overwrite one on file
    assert upsert.json() == {"phone": PHONE, "name": "Jane Doe"}
    assert (update.method, update.path) == ("PATCH", "/rest/v1/users")
    assert update.params == [("phone", f"eq.{PHONE}"), ("date_of_birth", "is.null")]
    assert update.json() == {"date_of_birth": "1980-04-02"}
    assert_service_headers(update)


async def test_upsert_leaves_a_recorded_date_of_birth_alone(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.reply(201, [{**USER_ROW, "date_of_birth": "1970-01-01"}])
    patient = await store.upsert_patient(PHONE, None, DOB)
    assert patient.date_of_birth == dt.date(1970, 1, 1)
    assert only(fake).json() == {"phone": PHONE}


async def test_count_identity_failures_sums_the_guesses(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    """An attempt with several dates (a spray) is one row weighing one guess per date."""
    fake.reply(200, [{"weight": 1}, {"weight": 365}])
    since = dt.datetime(2026, 12, 1, 9, 0, tzinfo=NY)
    assert await store.count_identity_failures(PHONE, since) == 366
    req = only(fake)
    assert (req.method, req.path) == ("GET", "/rest/v1/identity_failures")
    assert req.params == [
        ("select", "weight"),
        ("phone", f"eq.{PHONE}"),
        ("failed_at", "gte.2026-12-01T14:00:00+00:00"),
    ]


@pytest.mark.postgres
async def test_migrate_names_missing_identity_and_audit_schema(
    postgrest: FakePostgrest, supabase_db_url: str
) -> None:
    error = await migrate_after(
        postgrest,
        supabase_db_url,
        "drop table public.audit_log; alter table public.users drop column date_of_birth;",
    )
    assert error.details["missing"] == [
        "table users: column users.date_of_birth does not exist",
        "table audit_log: Could not find the table 'public.audit_log' in the schema cache",
    ]
