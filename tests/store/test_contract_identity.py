"""Aida's half of the store contract for who a caller is and who saw what, on SQLite, a real
PostgreSQL and Supabase over PostgREST on that PostgreSQL: identity failures counted per phone
across calls, and the audit log. Dates of birth are the calendar's: test_contract_patients.py."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from aida.errors import InvalidRequest
from aida.store.models import AuditEntry
from aida.store.postgres import PostgresStore
from aida.store.protocol import Store
from aida.store.sqlite import SqliteStore
from tests.store.postgrest_double import postgrest_on
from tests.store.supabase_project import supabase_store_at

UTC = dt.UTC
T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
ANN, BOB = "+15550000001", "+15550000002"
WINDOW = dt.timedelta(minutes=60)


# --- identity failures ---


async def test_identity_failures_count_within_the_window_and_expire(store: Store) -> None:
    for minutes in (0, 10, 50):
        await store.record_identity_failure(ANN, T0 + dt.timedelta(minutes=minutes))
    await store.record_identity_failure(BOB, T0)

    def window_at(minutes: float) -> dt.datetime:
        return T0 + dt.timedelta(minutes=minutes) - WINDOW

    assert await store.count_identity_failures(ANN, window_at(55)) == 3
    assert await store.count_identity_failures(ANN, window_at(60)) == 3  # the bound is inclusive
    assert await store.count_identity_failures(ANN, window_at(65)) == 2  # the first expired
    assert await store.count_identity_failures(ANN, window_at(111)) == 0
    assert await store.count_identity_failures(BOB, window_at(55)) == 1
    assert await store.count_identity_failures("+15559999999", window_at(0)) == 0
    # another offset, the same instant
    plus2 = dt.timezone(dt.timedelta(hours=2))
    since = (T0 + dt.timedelta(minutes=10)).astimezone(plus2)
    assert await store.count_identity_failures(ANN, since) == 2


async def test_clearing_failures_forgets_only_that_phone(store: Store) -> None:
    await store.record_identity_failure(ANN, T0)
    await store.record_identity_failure(ANN, T0 + dt.timedelta(minutes=1))
    await store.record_identity_failure(BOB, T0)
    await store.clear_identity_failures(ANN)
    await store.clear_identity_failures("+15559999999")  # nothing to clear is fine
    assert await store.count_identity_failures(ANN, T0 - WINDOW) == 0
    assert await store.count_identity_failures(BOB, T0 - WINDOW) == 1
    await store.record_identity_failure(ANN, T0 + dt.timedelta(minutes=2))
    assert await store.count_identity_failures(ANN, T0 - WINDOW) == 1


async def test_naive_times_are_refused_for_failures(store: Store) -> None:
    with pytest.raises(InvalidRequest):
        await store.record_identity_failure(ANN, dt.datetime(2030, 1, 7, 10))
    with pytest.raises(InvalidRequest):
        await store.count_identity_failures(ANN, dt.datetime(2030, 1, 7, 10))


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("supabase", marks=pytest.mark.postgres),
    ]
)
async def reopen(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """A factory of stores on one database, as successive calls (processes) would open it."""
    opened: list[Store] = []
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "sqlite":
            path = request.getfixturevalue("tmp_path") / "aida.db"

            def make() -> Store:
                return SqliteStore(path)
        elif request.param == "supabase":
            db_url = request.getfixturevalue("supabase_db_url")
            postgrest = await stack.enter_async_context(postgrest_on(db_url))

            def make() -> Store:
                return supabase_store_at(postgrest.url)
        else:
            url = request.getfixturevalue("pg_url")

            def make() -> Store:
                return PostgresStore(url, pool_size=1, max_overflow=0)

        async def open_one() -> Store:
            store = make()
            opened.append(store)
            await store.migrate()
            return store

        yield open_one
        for store in opened:
            await store.close()


async def test_failures_outlive_the_call_that_recorded_them(reopen: Any) -> None:
    first_call = await reopen()
    await first_call.record_identity_failure(ANN, T0)
    await first_call.record_identity_failure(ANN, T0 + dt.timedelta(minutes=1))
    await first_call.close()
    second_call = await reopen()
    assert await second_call.count_identity_failures(ANN, T0 - WINDOW) == 2
    await second_call.record_identity_failure(ANN, T0 + dt.timedelta(minutes=2))
    third_call = await reopen()
    assert await third_call.count_identity_failures(ANN, T0 - WINDOW) == 3


# --- audit log ---


def entry(minutes: float, actor: str, action: str, phone: str | None, **detail: Any) -> AuditEntry:
    return AuditEntry(
        at=T0 + dt.timedelta(minutes=minutes),
        actor=actor,
        action=action,
        patient_phone=phone,
        detail=detail,
    )


async def test_audit_entries_round_trip_newest_first(store: Store) -> None:
    appt = str(uuid.uuid4())
    rows = [
        entry(0, "call:c1", "list_appointments", ANN, appointment_ids=[appt], count=1),
        entry(1, "staff:frontdesk", "read_call_summary", ANN, summary_id=str(uuid.uuid4())),
        entry(2, "staff:key2", "list_appointments_api", None, window={"from": "2030-01-07"}),
    ]
    for row in rows:
        await store.record_audit(row)
    listed = await store.list_audit()
    assert listed == list(reversed(rows))
    assert listed[0].at.utcoffset() == dt.timedelta(0)
    assert listed[2].detail == {"appointment_ids": [appt], "count": 1}


async def test_recording_the_same_entry_twice_keeps_one_row(store: Store) -> None:
    row = entry(0, "call:c1", "book_appointment", ANN, appointment_id=str(uuid.uuid4()))
    await store.record_audit(row)
    await store.record_audit(row)
    assert await store.list_audit() == [row]


async def test_audit_filters_and_pages(store: Store) -> None:
    rows = [
        entry(0, "call:c1", "list_appointments", ANN),
        entry(10, "call:c1", "book_appointment", ANN),
        entry(20, "staff:frontdesk", "list_appointments_api", BOB),
        entry(30, "staff:frontdesk", "read_call_summary", ANN),
        entry(40, "call:c2", "list_appointments", BOB),
    ]
    for row in rows:
        await store.record_audit(row)

    def ids(found: list[AuditEntry]) -> list[str]:
        return [r.id for r in found]

    def want(*indexes: int) -> list[str]:
        return [rows[i].id for i in indexes]

    assert ids(await store.list_audit(phone=ANN)) == want(3, 1, 0)
    assert ids(await store.list_audit(actor="staff:frontdesk")) == want(3, 2)
    assert ids(await store.list_audit(actor="call:c1", phone=ANN)) == want(1, 0)
    window = await store.list_audit(
        since=T0 + dt.timedelta(minutes=10), until=T0 + dt.timedelta(minutes=30)
    )
    assert ids(window) == want(2, 1)  # since inclusive, until exclusive
    assert ids(await store.list_audit(limit=2)) == want(4, 3)
    assert ids(await store.list_audit(limit=2, offset=2)) == want(2, 1)
    assert await store.list_audit(offset=5) == []
    assert await store.list_audit(limit=0) == []
    assert await store.list_audit(actor="staff:nobody") == []


async def test_audit_entries_need_a_uuid_and_an_aware_time(store: Store) -> None:
    with pytest.raises(InvalidRequest):
        await store.record_audit(AuditEntry(id="not-a-uuid", actor="call:c", action="x"))
    with pytest.raises(InvalidRequest):
        await store.record_audit(
            AuditEntry(at=dt.datetime(2030, 1, 7, 10), actor="call:c", action="x")
        )
    assert await store.list_audit() == []


def test_audit_entry_defaults() -> None:
    made = AuditEntry(actor="staff:frontdesk", action="list_audit")
    assert uuid.UUID(made.id)
    assert made.at.tzinfo is not None
    assert abs(made.at - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)
    assert (made.patient_phone, made.detail) == (None, {})
    assert AuditEntry(actor="a", action="b").id != made.id
