"""The SQL in supabase/migrations on a real PostgreSQL: the functions PostgREST RPC calls, their
grants under Supabase's roles, the constraint behind them, and the PostgreSQL backend's plumbing
(migration bookkeeping, retries, unreachable servers)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import exc as sa_exc

from aida.errors import SlotTaken, StoreUnavailable
from aida.store.migrations import postgres_migrations
from aida.store.models import AuditEntry
from aida.store.postgres import PostgresStore
from tests import pg
from tests.store.supabase_project import supabase_database

pytestmark = pytest.mark.postgres

T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=dt.UTC)
SLOT = dt.timedelta(minutes=30)
FUNCTIONS = (
    "public.book_appointment(text, timestamptz, timestamptz, jsonb)",
    "public.reschedule_appointment(uuid, text, timestamptz, timestamptz)",
    "public.cancel_appointment(uuid, text)",
    "public.merge_user_preferences(text, jsonb)",
)
BRIEF_SQL = Path(__file__).with_name("brief_schema.sql")


@pytest.fixture
async def supabase_db(pg_server: pg.PgServer) -> AsyncIterator[asyncpg.Connection]:
    """A database set up like a Supabase project, then migrated by Aida; a superuser connection."""
    url = supabase_database(pg_server)
    conn = await asyncpg.connect(url)
    store = PostgresStore(url, pool_size=1, max_overflow=0)
    await store.migrate()
    await store.close()
    yield conn
    await conn.close()


async def as_role(conn: asyncpg.Connection, role: str, sql: str, *args: object) -> object:
    async with conn.transaction():
        await conn.execute(f"set local role {role}")
        return await conn.fetchval(sql, *args)


async def test_only_the_service_role_may_call_the_functions(
    supabase_db: asyncpg.Connection,
) -> None:
    for fn in FUNCTIONS:
        sig = fn.replace(" ", "")
        grants = {
            role: await supabase_db.fetchval(
                "select has_function_privilege($1, $2, 'execute')", role, sig
            )
            for role in ("anon", "authenticated", "service_role")
        }
        assert grants == {"anon": False, "authenticated": False, "service_role": True}, fn
        config = await supabase_db.fetchval(
            "select proconfig from pg_proc where oid = $1::regprocedure", sig
        )
        assert config == ['search_path=""'], fn
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_role(
            supabase_db,
            "anon",
            "select public.book_appointment('+1', now(), now() + interval '1h')",
        )


async def test_patient_rows_are_hidden_from_anon(supabase_db: asyncpg.Connection) -> None:
    await supabase_db.execute("insert into public.users (phone, name) values ('+15550000001', 'A')")
    for table in ("users", "appointments", "call_summaries", "identity_failures", "audit_log"):
        assert await supabase_db.fetchval(
            "select relrowsecurity from pg_class where oid = $1::regclass", f"public.{table}"
        )
    assert await as_role(supabase_db, "anon", "select count(*) from public.users") == 0
    assert await as_role(supabase_db, "service_role", "select count(*) from public.users") == 1


async def test_identity_and_audit_tables_are_for_the_service_role_only(
    supabase_db: asyncpg.Connection,
) -> None:
    await supabase_db.execute(
        "insert into public.audit_log (actor, action) values ('staff:frontdesk', 'list_audit');"
        "insert into public.identity_failures (phone) values ('+15550000001')"
    )
    for role in ("anon", "authenticated"):
        for table in ("identity_failures", "audit_log"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await as_role(supabase_db, role, f"select count(*) from public.{table}")
    # What the Supabase backend does, as the service role.
    service = "service_role"
    assert await as_role(supabase_db, service, "select count(*) from public.audit_log") == 1
    await as_role(
        supabase_db,
        service,
        "insert into public.audit_log (actor, action) values ('call:c1', 'book_appointment')"
        " on conflict (id) do nothing returning 1",
    )
    await as_role(
        supabase_db,
        service,
        "insert into public.identity_failures (phone) values ('+15550000001') returning 1",
    )
    assert (
        await as_role(
            supabase_db,
            service,
            "select count(*) from public.identity_failures where phone = '+15550000001'",
        )
        == 2
    )
    await as_role(
        supabase_db,
        service,
        "with gone as (delete from public.identity_failures returning 1) select count(*) from gone",
    )
    # The audit log is append-only for the service role.
    for sql in ("update public.audit_log set actor = 'x'", "delete from public.audit_log"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await as_role(supabase_db, service, sql + " returning 1")
    assert await supabase_db.fetchval("select count(*) from public.audit_log") == 2


async def test_rpc_functions_as_the_service_role(supabase_db: asyncpg.Connection) -> None:
    async def rpc(sql: str, *args: object) -> dict:
        return json.loads(await as_role(supabase_db, "service_role", sql, *args))

    book = "select public.book_appointment($1, $2, $3, $4::jsonb)::text"
    await as_role(
        supabase_db,
        "service_role",
        "insert into public.users (phone) values ('+15550000001'), ('+15550000002') returning 1",
    )
    first = await rpc(book, "+15550000001", T0, T0 + SLOT, '{"reason": "flu"}')
    assert first["created"] is True
    appt = first["appointment"]
    assert appt["meta"] == {"reason": "flu"} and appt["status"] == "booked"
    assert dt.datetime.fromisoformat(appt["start_time"]) == T0
    again = await rpc(book, "+15550000001", T0, T0 + SLOT, "{}")
    assert again == {"appointment": appt, "created": False}

    def sqlstate_of(call):
        async def run() -> str:
            with pytest.raises(asyncpg.PostgresError) as caught:
                await call
            return caught.value.sqlstate

        return run()

    assert await sqlstate_of(rpc(book, "+15550000002", T0, T0 + SLOT, "{}")) == "23P01"
    assert await sqlstate_of(rpc(book, "+15559999999", T0 + SLOT, T0 + 2 * SLOT, "{}")) == "AI410"

    move = "select public.reschedule_appointment($1::uuid, $2, $3, $4)::text"
    unknown = str(uuid.uuid4())
    assert (
        await sqlstate_of(rpc(move, unknown, "+15550000001", T0 + SLOT, T0 + 2 * SLOT)) == "AI404"
    )
    assert (
        await sqlstate_of(rpc(move, appt["id"], "+15550000002", T0 + SLOT, T0 + 2 * SLOT))
        == "AI403"
    )
    moved = await rpc(move, appt["id"], "+15550000001", T0 + 4 * SLOT, T0 + 5 * SLOT)
    assert moved["meta"] == {"reason": "flu", "rescheduled_from": appt["id"]}
    assert await rpc(move, appt["id"], "+15550000001", T0 + 4 * SLOT, T0 + 5 * SLOT) == moved
    assert (
        await sqlstate_of(rpc(move, appt["id"], "+15550000001", T0 + 8 * SLOT, T0 + 9 * SLOT))
        == "AI409"
    )

    cancel = "select public.cancel_appointment($1::uuid, $2)::text"
    assert await sqlstate_of(rpc(cancel, moved["id"], "+15550000002")) == "AI403"
    cancelled = await rpc(cancel, moved["id"], "+15550000001")
    assert cancelled["status"] == "cancelled"
    assert await rpc(cancel, moved["id"], "+15550000001") == cancelled

    prefs = "select public.merge_user_preferences($1, $2::jsonb)::text"
    await rpc(prefs, "+15550000001", '{"language": "es"}')
    user = await rpc(prefs, "+15550000001", '{"doctor": "Kim"}')
    assert user["preferences"] == {"language": "es", "doctor": "Kim"}
    assert await sqlstate_of(rpc(prefs, "+15559999999", "{}")) == "AI410"
    assert await sqlstate_of(rpc(prefs, "+15550000001", "[1]")) == "22023"


async def test_the_constraint_holds_without_the_functions(pg_url: str) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        await conn.execute("insert into public.users (phone) values ('+1'), ('+2')")
        insert = (
            "insert into public.appointments (user_phone, start_time, end_time, status)"
            " values ($1, $2, $3, $4)"
        )
        await conn.execute(insert, "+1", T0, T0 + SLOT, "booked")
        with pytest.raises(asyncpg.ExclusionViolationError):
            await conn.execute(insert, "+2", T0 + SLOT / 2, T0 + SLOT * 1.5, "booked")
        await conn.execute(insert, "+2", T0 + SLOT / 2, T0 + SLOT * 1.5, "cancelled")
        await conn.execute(insert, "+2", T0 + SLOT, T0 + 2 * SLOT, "booked")  # back to back
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(insert, "+2", T0 + 5 * SLOT, T0 + 4 * SLOT, "cancelled")
        with pytest.raises(asyncpg.ExclusionViolationError):  # un-cancelling into a taken slot
            await conn.execute(
                "update public.appointments set status = 'booked' where status = 'cancelled'"
            )
    finally:
        await conn.close()


async def test_migrate_upgrades_a_project_made_from_the_brief(pg_empty_url: str) -> None:
    """An existing project with the brief's tables and rows keeps them and gains the rest."""
    conn = await asyncpg.connect(pg_empty_url)
    try:
        await conn.execute(BRIEF_SQL.read_text())
        await conn.execute(
            "insert into public.users (phone, name) values ('+15550000001', 'Old Timer');"
            "insert into public.appointments (user_phone, start_time, end_time)"
            " values ('+15550000001', '2030-01-07 15:00+00', '2030-01-07 15:30+00');"
            "insert into public.call_summaries (user_phone, summary_text)"
            " values ('+15550000001', 'An old call.');"
        )
        store = PostgresStore(pg_empty_url, pool_size=2, max_overflow=0)
        try:
            await store.migrate()
            await store.migrate()
            old = await store.list_appointments("+15550000001")
            assert len(old) == 1 and old[0].status == "booked"
            assert (await store.get_patient("+15550000001")).preferences == {}
            assert [s.summary_text for s in await store.list_call_summaries()] == ["An old call."]
            booked = await store.book("+15550000001", T0 + SLOT, T0 + 2 * SLOT)
            assert booked.created
            # the identity and audit additions work on the upgraded project
            assert (await store.get_patient("+15550000001")).date_of_birth is None
            dob = dt.date(1950, 5, 6)
            assert (await store.upsert_patient("+15550000001", None, dob)).date_of_birth == dob
            await store.record_identity_failure("+15550000001", T0)
            assert await store.count_identity_failures("+15550000001", T0) == 1
            await store.record_audit(AuditEntry(actor="staff:k", action="list_audit"))
            assert [e.action for e in await store.list_audit()] == ["list_audit"]
        finally:
            await store.close()
        versions = await conn.fetch("select version from aida.schema_migrations order by version")
        assert [r["version"] for r in versions] == [m.version for m in postgres_migrations()]
        columns = {
            r["column_name"]
            for r in await conn.fetch(
                "select column_name from information_schema.columns"
                " where table_schema = 'public' and table_name = 'call_summaries'"
            )
        }
        user_columns = {
            r["column_name"]: r["data_type"]
            for r in await conn.fetch(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = 'public' and table_name = 'users'"
            )
        }
        assert user_columns["date_of_birth"] == "date"
        assert {
            "action_items",
            "status",
            "room_name",
            "started_at",
            "ended_at",
            "duration_seconds",
            "end_reason",
        } <= columns
    finally:
        await conn.close()


async def test_migrations_apply_twice_by_hand(pg_empty_url: str) -> None:
    """The Supabase CLI and Aida may both apply the files: every one must be re-runnable."""
    conn = await asyncpg.connect(pg_empty_url)
    try:
        for _ in range(2):
            for migration in postgres_migrations():
                await conn.execute(migration.sql)
    finally:
        await conn.close()


async def test_deadlocks_are_retried(pg_store: PostgresStore) -> None:
    attempts = []

    async def flaky(conn: object) -> str:
        attempts.append(1)
        if len(attempts) < 3:
            orig = Exception("deadlock detected")
            orig.sqlstate = "40P01"  # type: ignore[attr-defined]
            raise sa_exc.DBAPIError("select 1", {}, orig)
        return "done"

    assert await pg_store._tx(flaky) == "done"
    assert len(attempts) == 3


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_server_is_store_unavailable() -> None:
    store = PostgresStore(f"postgresql://postgres@127.0.0.1:{_closed_port()}/x", connect_timeout=2)
    try:
        for call in (
            store.ping(),
            store.migrate(),
            store.get_patient("+1"),
            store.book("+1", T0, T0 + SLOT),
        ):
            with pytest.raises(StoreUnavailable):
                await call
    finally:
        await store.close()


# --- the calendar: closures, providers, visit types ---

CALENDAR_FUNCTIONS = (
    "public.book_provider_appointment(text, timestamptz, timestamptz, jsonb, uuid, uuid)",
    "public.add_closure(timestamptz, timestamptz, text, boolean)",
    "public.save_provider(text, text)",
    "public.save_visit_type(text, integer, jsonb)",
)


async def test_calendar_functions_and_tables_are_for_the_service_role_only(
    supabase_db: asyncpg.Connection,
) -> None:
    for fn in CALENDAR_FUNCTIONS:
        sig = fn.replace(" ", "")
        grants = {
            role: await supabase_db.fetchval(
                "select has_function_privilege($1, $2, 'execute')", role, sig
            )
            for role in ("anon", "authenticated", "service_role")
        }
        assert grants == {"anon": False, "authenticated": False, "service_role": True}, fn
    for table in ("closures", "providers", "visit_types"):
        for role, allowed in (("anon", False), ("authenticated", False), ("service_role", True)):
            can = await supabase_db.fetchval(
                "select has_table_privilege($1, $2, 'select')", role, f"public.{table}"
            )
            assert can is allowed, (table, role)
    # the service role books with a provider, and into a closure it cannot
    provider = json.loads(
        await as_role(supabase_db, "service_role", "select public.save_provider('Dr. P')::text")
    )
    await as_role(
        supabase_db,
        "service_role",
        "insert into public.users (phone) values ('+15550000003') returning 1",
    )
    book = "select public.book_provider_appointment($1, $2, $3, '{}'::jsonb, $4::uuid)::text"
    booked = json.loads(
        await as_role(
            supabase_db, "service_role", book, "+15550000003", T0, T0 + SLOT, provider["id"]
        )
    )
    assert booked["appointment"]["provider_id"] == provider["id"]
    await as_role(
        supabase_db,
        "service_role",
        "select public.add_closure($1, $2, 'Holiday')::text",
        T0 + 4 * SLOT,
        T0 + 8 * SLOT,
    )
    with pytest.raises(asyncpg.PostgresError) as caught:
        await as_role(
            supabase_db, "service_role", book, "+15550000003", T0 + 5 * SLOT, T0 + 6 * SLOT, None
        )
    assert caught.value.sqlstate == "AI423"


async def test_the_per_provider_constraint_and_closure_trigger_hold_without_the_functions(
    pg_url: str,
) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        await conn.execute("insert into public.users (phone) values ('+1'), ('+2')")
        a = await conn.fetchval("insert into public.providers (name) values ('A') returning id")
        b = await conn.fetchval("insert into public.providers (name) values ('B') returning id")
        insert = (
            "insert into public.appointments (user_phone, start_time, end_time, status,"
            " provider_id) values ($1, $2, $3, 'booked', $4)"
        )
        await conn.execute(insert, "+1", T0, T0 + SLOT, a)
        with pytest.raises(asyncpg.ExclusionViolationError):
            await conn.execute(insert, "+2", T0, T0 + SLOT, a)
        await conn.execute(insert, "+2", T0, T0 + SLOT, b)  # another provider's calendar
        await conn.execute(insert, "+2", T0, T0 + SLOT, None)  # the shared one
        # NULL = NULL is not true, so a bare `provider_id with =` would let this in
        with pytest.raises(asyncpg.ExclusionViolationError):
            await conn.execute(insert, "+1", T0 + SLOT / 2, T0 + SLOT * 1.5, None)
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute("insert into public.providers (name) values ('a')")
        await conn.execute(
            "insert into public.closures (start_time, end_time) values ($1, $2)",
            T0 + 4 * SLOT,
            T0 + 6 * SLOT,
        )
        with pytest.raises(asyncpg.PostgresError) as caught:
            await conn.execute(insert, "+1", T0 + 5 * SLOT, T0 + 6 * SLOT, None)
        assert caught.value.sqlstate == "AI423"
        # a cancelled row inside a closure is no booking and is let through
        await conn.execute(
            "insert into public.appointments (user_phone, start_time, end_time, status)"
            " values ('+1', $1, $2, 'cancelled')",
            T0 + 5 * SLOT,
            T0 + 6 * SLOT,
        )
    finally:
        await conn.close()


async def test_the_calendar_migration_upgrades_booked_rows_in_place(pg_empty_url: str) -> None:
    """An existing project with appointments booked before providers existed keeps them, and
    the shared calendar still refuses an overlap with them."""
    conn = await asyncpg.connect(pg_empty_url)
    try:
        earlier = [m for m in postgres_migrations() if m.version < "20250801000000"]
        for migration in earlier:
            await conn.execute(migration.sql)
        await conn.execute(
            "insert into public.users (phone) values ('+15550000001');"
            "insert into public.appointments (user_phone, start_time, end_time)"
            " values ('+15550000001', '2030-01-07 15:00+00', '2030-01-07 15:30+00');"
        )
        store = PostgresStore(pg_empty_url, pool_size=2, max_overflow=0)
        try:
            await store.migrate()
            with pytest.raises(SlotTaken):
                await store.book("+15550000001", T0 + SLOT / 2, T0 + SLOT * 1.5)
            patel = await store.save_provider("Dr. Patel")
            booked = await store.book(
                "+15550000001", T0 + SLOT / 2, T0 + SLOT * 1.5, provider_id=patel.id
            )
            assert booked.created
        finally:
            await store.close()
    finally:
        await conn.close()
