"""The PostgreSQL store (SQLAlchemy async over asyncpg).

Calendar writes go through the SQL functions in `supabase/migrations/` (the ones Supabase's RPC
calls too), so the advisory lock, the idempotent booking and the atomic reschedule live in one
place; the exclusion constraint makes an overlap impossible whatever calls the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from aida.errors import InvalidRequest
from aida.scheduling.working_hours import normalize_hours
from aida.store import failures
from aida.store.migrations import postgres_migrations
from aida.store.models import (
    ActionItemDone,
    Appointment,
    AuditEntry,
    BookingResult,
    CallSummary,
    Closure,
    ClosureAdded,
    IdentityCount,
    OutboundAttempt,
    Patient,
    Provider,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
)
from aida.store.rows import (
    SUMMARY_JSON_FIELDS,
    action_item_done_from_row,
    appointment_from_row,
    audit_from_row,
    audit_id,
    canonical_uuid,
    check_date_of_birth,
    check_ids,
    check_minutes,
    check_range,
    check_ref,
    clean_name,
    clean_reason,
    closure_from_row,
    outbound_from_row,
    outbound_id,
    parse_json,
    patient_from_row,
    provider_from_row,
    required_name,
    summary_from_row,
    summary_id,
    utc,
    visit_type_from_row,
    waitlist_entry_from_row,
    waitlist_offer_from_row,
    wall_text,
)

T = TypeVar("T")

_RETRIES = 4
_MIGRATION_LOCK = "select pg_advisory_lock(hashtextextended('aida:migrate', 0))"
_MIGRATION_UNLOCK = "select pg_advisory_unlock(hashtextextended('aida:migrate', 0))"
_CONNECTION_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
)
_SUMMARY_TIME_FIELDS = ("started_at", "ended_at")


class DatabaseError(RuntimeError):
    """An unexpected database error, without the driver's message (which can hold PHI)."""


_PATIENT_COLUMNS = "phone, name, preferences, date_of_birth, registration_pending"


def asyncpg_url(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("a PostgreSQL DATABASE_URL looks like postgresql://user:pass@host/db")


class PostgresStore:
    backend = "postgres"

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 20,
        connect_timeout: float = 5.0,
        command_timeout: float = 30.0,
    ) -> None:
        self._engine: AsyncEngine = create_async_engine(
            asyncpg_url(url),
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=connect_timeout * 2,
            # Bound parameters are phone numbers, names and dates of birth: never in an error.
            hide_parameters=True,
            connect_args={
                "timeout": connect_timeout,
                "command_timeout": command_timeout,
                # rows come back in UTC however the server is configured
                "server_settings": {"application_name": "aida", "timezone": "UTC"},
            },
        )
        self._autocommit = self._engine.execution_options(isolation_level="AUTOCOMMIT")

    # --- plumbing ---

    async def _tx(
        self,
        work: Callable[[AsyncConnection], Awaitable[T]],
        *,
        start: dt.datetime | None = None,
        one_statement: bool = False,
    ) -> T:
        """Run `work` in one transaction; retry deadlocks and serialization failures, and turn
        database errors into the errors a caller can hear.

        `one_statement`: `work` runs a single statement, which is its own transaction in
        autocommit mode; that saves the BEGIN and COMMIT round trips."""
        for attempt in range(_RETRIES):
            try:
                if one_statement:
                    async with self._autocommit.connect() as conn:
                        return await work(conn)
                async with self._engine.begin() as conn:
                    return await work(conn)
            except sa_exc.DBAPIError as exc:
                code = getattr(exc.orig, "sqlstate", None)
                last = attempt == _RETRIES - 1
                if not last and (
                    code in failures.RETRYABLE_SQLSTATES or exc.connection_invalidated
                ):
                    await asyncio.sleep(0.005 * 2**attempt)
                    continue
                mapped = failures.error_for_sqlstate(code, start=start)
                if mapped is None and exc.connection_invalidated:
                    mapped = failures.unavailable()
                if mapped is None:
                    # A bug to surface, but not its message: PostgreSQL and asyncpg echo the
                    # offending value ("invalid input ...: '+1202...'") whatever hide_parameters
                    # says, and the traceback of an ERROR log would print it. The SQLSTATE and
                    # the statement (placeholders only) say what failed.
                    raise DatabaseError(
                        f"PostgreSQL error {code or type(exc.orig).__name__} in: {exc.statement}"
                    ) from None
                raise mapped from exc
            except _CONNECTION_ERRORS as exc:
                raise failures.unavailable() from exc
            except sa_exc.TimeoutError as exc:  # no pooled connection came free in time
                raise failures.unavailable() from exc
        raise AssertionError("unreachable")

    async def _rows(
        self, sql: str, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        async def work(conn: AsyncConnection) -> list[dict[str, Any]]:
            result = await conn.execute(text(sql), dict(params or {}))
            return [dict(r) for r in result.mappings()]

        return await self._tx(work, one_statement=True)

    async def _execute(self, sql: str, params: Mapping[str, Any]) -> None:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(text(sql), dict(params))

        await self._tx(work, one_statement=True)

    async def _value(
        self, sql: str, params: Mapping[str, Any], *, start: dt.datetime | None = None
    ) -> Any:
        async def work(conn: AsyncConnection) -> Any:
            return (await conn.execute(text(sql), dict(params))).scalar_one()

        return parse_json(await self._tx(work, start=start, one_statement=True))

    # --- lifecycle ---

    async def migrate(self) -> None:
        async def work(conn: AsyncConnection) -> None:
            raw = await conn.get_raw_connection()
            driver: asyncpg.Connection = raw.driver_connection
            # The migration files hold several statements (and plpgsql bodies), which only the
            # simple query protocol of a bare asyncpg execute() accepts.
            await driver.execute(_MIGRATION_LOCK)  # two processes starting at once take turns
            try:
                await driver.execute(
                    "create schema if not exists aida;"
                    " create table if not exists aida.schema_migrations ("
                    " version text primary key, applied_at timestamptz not null default now())"
                )
                applied = {
                    r["version"]
                    for r in await driver.fetch("select version from aida.schema_migrations")
                }
                for migration in postgres_migrations():
                    if migration.version in applied:
                        continue
                    async with driver.transaction():
                        await driver.execute(migration.sql)
                        await driver.execute(
                            "insert into aida.schema_migrations (version) values ($1)"
                            " on conflict do nothing",
                            migration.version,
                        )
            finally:
                await driver.execute(_MIGRATION_UNLOCK)

        try:
            async with self._engine.connect() as conn:
                await work(conn)
        except _CONNECTION_ERRORS as exc:
            raise failures.unavailable() from exc

    async def ping(self) -> None:
        await self._rows("select 1 as ok")

    async def close(self) -> None:
        await self._engine.dispose()

    # --- patients ---

    async def patients_for(self, phone: str) -> list[Patient]:
        # One file per number in Aida's own database: the phone is the file.
        patient = await self.get_patient(phone)
        return [patient] if patient is not None else []

    async def get_patient(self, phone: str) -> Patient | None:
        rows = await self._rows(
            f"select {_PATIENT_COLUMNS} from public.users where phone = :phone", {"phone": phone}
        )
        return patient_from_row(rows[0]) if rows else None

    async def upsert_patient(
        self, phone: str, name: str | None = None, date_of_birth: dt.date | None = None
    ) -> Patient:
        # coalesce(users.date_of_birth, ...): one on file is never replaced from here.
        rows = await self._rows(
            "insert into public.users (phone, name, date_of_birth)"
            " values (:phone, :name, cast(:dob as date))"
            " on conflict (phone) do update"
            " set name = coalesce(excluded.name, public.users.name),"
            " date_of_birth = coalesce(public.users.date_of_birth, excluded.date_of_birth)"
            f" returning {_PATIENT_COLUMNS}",
            {"phone": phone, "name": clean_name(name), "dob": check_date_of_birth(date_of_birth)},
        )
        return patient_from_row(rows[0])

    async def set_date_of_birth(self, phone: str, date_of_birth: dt.date) -> Patient:
        dob = check_date_of_birth(date_of_birth)
        if dob is None:
            raise InvalidRequest("A date of birth is needed.")
        rows = await self._rows(
            "update public.users set date_of_birth = :dob where phone = :phone"
            f" returning {_PATIENT_COLUMNS}",
            {"phone": phone, "dob": dob},
        )
        if not rows:
            raise failures.patient_not_found()
        return patient_from_row(rows[0])

    async def merge_preferences(self, phone: str, preferences: dict[str, Any]) -> Patient:
        if not isinstance(preferences, dict):
            raise InvalidRequest("Preferences must be a set of named values.")
        row = await self._value(
            "select public.merge_user_preferences(:phone, cast(:prefs as jsonb))",
            {"phone": phone, "prefs": json.dumps(preferences)},
        )
        return patient_from_row(row)

    # --- appointments ---

    async def book(
        self,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        meta: dict[str, Any] | None = None,
        *,
        provider_id: str | None = None,
        visit_type_id: str | None = None,
        patient_file: str | None = None,
    ) -> BookingResult:
        start, end = check_range(start, end)
        result = await self._value(
            "select public.book_provider_appointment(:phone, cast(:start as timestamptz),"
            " cast(:end as timestamptz), cast(:meta as jsonb), cast(:provider as uuid),"
            " cast(:visit_type as uuid))",
            {
                "phone": phone,
                "start": start,
                "end": end,
                "meta": json.dumps(meta or {}),
                "provider": check_ref(provider_id, "provider"),
                "visit_type": check_ref(visit_type_id, "visit type"),
            },
            start=start,
        )
        return BookingResult(
            appointment=appointment_from_row(result["appointment"]), created=result["created"]
        )

    async def cancel(
        self, appointment_id: str, phone: str, *, patient_file: str | None = None
    ) -> Appointment:
        failures.only_file(patient_file)
        key = canonical_uuid(appointment_id)
        if key is None:
            raise failures.appointment_not_found()
        row = await self._value(
            "select public.cancel_appointment(cast(:id as uuid), :phone)",
            {"id": key, "phone": phone},
        )
        return appointment_from_row(row)

    async def reschedule(
        self,
        appointment_id: str,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        patient_file: str | None = None,
    ) -> Appointment:
        failures.only_file(patient_file)
        start, end = check_range(start, end)
        key = canonical_uuid(appointment_id)
        if key is None:
            raise failures.appointment_not_found()
        row = await self._value(
            "select public.reschedule_appointment(cast(:id as uuid), :phone,"
            " cast(:start as timestamptz), cast(:end as timestamptz))",
            {"id": key, "phone": phone, "start": start, "end": end},
            start=start,
        )
        return appointment_from_row(row)

    async def get_appointment(self, appointment_id: str) -> Appointment | None:
        key = canonical_uuid(appointment_id)
        if key is None:
            return None
        rows = await self._rows(
            "select * from public.appointments where id = cast(:id as uuid)", {"id": key}
        )
        return appointment_from_row(rows[0]) if rows else None

    async def list_appointments(
        self,
        phone: str | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        status: str | None = "booked",
        *,
        patient_file: str | None = None,
    ) -> list[Appointment]:
        if patient_file is not None:
            return []  # the phone is the file here (file_id None): no other file is on it
        where, params = _filters(
            ("user_phone = :phone", "phone", phone),
            ("status = :status", "status", status),
            ("end_time > :start", "start", start),
            ("start_time < :end", "end", end),
        )
        rows = await self._rows(
            f"select * from public.appointments{where} order by start_time, id", params
        )
        return [appointment_from_row(r) for r in rows]

    # --- call summaries ---

    async def save_call_summary(
        self, summary: CallSummary, *, patient_on_file: bool = False
    ) -> None:
        key = summary_id(summary)
        values: dict[str, Any] = summary.model_dump()
        values["id"] = key
        as_json = summary.model_dump(mode="json", include=set(SUMMARY_JSON_FIELDS))
        for name in SUMMARY_JSON_FIELDS:
            values[name] = None if as_json[name] is None else json.dumps(as_json[name])
        for name in ("created_at", *_SUMMARY_TIME_FIELDS):
            if values[name] is not None:
                values[name] = utc(values[name])
        columns = [c for c in values if c != "created_at"]

        def bind(column: str) -> str:
            if column == "id":
                return "cast(:id as uuid)"
            if column in SUMMARY_JSON_FIELDS:
                return f"cast(:{column} as jsonb)"
            if column in _SUMMARY_TIME_FIELDS:
                return f"cast(:{column} as timestamptz)"
            return f":{column}"

        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
        sql = (
            f"insert into public.call_summaries ({', '.join(columns)}, created_at)"
            f" values ({', '.join(bind(c) for c in columns)},"
            " coalesce(cast(:created_at as timestamptz), now()))"
            f" on conflict (id) do update set {updates},"
            " created_at = coalesce(cast(:created_at as timestamptz),"
            " public.call_summaries.created_at)"
        )

        async def work(conn: AsyncConnection) -> None:
            if summary.user_phone and patient_on_file:
                # The patient is the calendar half's: this row is only the foreign key's.
                await conn.execute(
                    text("insert into public.users (phone) values (:phone) on conflict do nothing"),
                    {"phone": summary.user_phone},
                )
            elif summary.user_phone:
                # A call record never creates a patient (a nameless file would go to whoever
                # claims it first): the number stays on the record as the one presented.
                known = await conn.execute(
                    text("select 1 from public.users where phone = :phone"),
                    {"phone": summary.user_phone},
                )
                if known.first() is None:
                    values["presented_phone"] = values.get("presented_phone") or summary.user_phone
                    values["user_phone"] = None
            await conn.execute(text(sql), values)

        await self._tx(work)

    async def get_call_summary(self, summary_id: str) -> CallSummary | None:
        key = canonical_uuid(summary_id)
        if key is None:
            return None
        rows = await self._rows(
            "select * from public.call_summaries where id = cast(:id as uuid)", {"id": key}
        )
        return summary_from_row(rows[0]) if rows else None

    async def list_call_summaries(
        self,
        phone: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        open_first: bool = False,
    ) -> list[CallSummary]:
        where, params = _filters(
            ("user_phone = :phone", "phone", phone),
            ("created_at >= :since", "since", since),
            ("created_at < :until", "until", until),
        )
        params.update(limit=max(0, int(limit)), offset=max(0, int(offset)))
        # the computed field Supabase orders by too (supabase/migrations)
        first = "public.has_open_action_items(s) desc, " if open_first else ""
        rows = await self._rows(
            f"select s.* from public.call_summaries s{where}"
            f" order by {first}created_at desc, id desc limit :limit offset :offset",
            params,
        )
        return [summary_from_row(r) for r in rows]

    # --- staff work on a call's action items ---

    async def mark_action_item_done(
        self, call_id: str, index: int, done_by: str, at: dt.datetime
    ) -> ActionItemDone:
        key = canonical_uuid(call_id)
        if key is None or index < 0:
            raise failures.action_item_not_found()
        row = await self._value(
            "select public.mark_action_item_done(cast(:id as uuid), :index, :by,"
            " cast(:at as timestamptz))",
            {"id": key, "index": index, "by": done_by, "at": utc(at)},
        )
        return action_item_done_from_row(row)

    async def reopen_action_item(self, call_id: str, index: int) -> None:
        key = canonical_uuid(call_id)
        if key is None:
            return
        await self._execute(
            "delete from public.action_items_done"
            " where call_id = cast(:id as uuid) and item_index = :index",
            {"id": key, "index": index},
        )

    async def list_action_items_done(self, call_ids: Sequence[str]) -> list[ActionItemDone]:
        keys = [k for k in (canonical_uuid(c) for c in call_ids) if k is not None]
        if not keys:
            return []
        rows = await self._rows(
            "select * from public.action_items_done"
            " where call_id = any(cast(:ids as uuid[])) order by call_id, item_index",
            {"ids": keys},
        )
        return [action_item_done_from_row(r) for r in rows]

    # --- identity checks ---

    async def record_identity_failure(self, phone: str, at: dt.datetime) -> None:
        await self._execute(
            "insert into public.identity_failures (phone, failed_at) values (:phone, :at)",
            {"phone": phone, "at": utc(at)},
        )

    async def count_identity_failures(self, phone: str, since: dt.datetime) -> int:
        rows = await self._rows(
            "select coalesce(sum(weight), 0) as n from public.identity_failures"
            " where phone = :phone and failed_at >= :since",
            {"phone": phone, "since": utc(since)},
        )
        return int(rows[0]["n"])

    async def clear_identity_failures(self, phone: str) -> None:
        await self._execute(
            "delete from public.identity_failures where phone = :phone",
            {"phone": phone},
        )

    # --- identity guard: attempts reserved and counted in one step, pending registrations ---

    async def reserve_identity_attempt(
        self,
        attempt: str,
        keys: Sequence[str],
        at: dt.datetime,
        since: dt.datetime,
        weight: int = 1,
    ) -> list[IdentityCount]:
        subjects = sorted({k for k in keys if k})
        if not subjects or weight < 1:
            raise InvalidRequest("An identity attempt needs a key and a positive weight.")
        rows = await self._value(
            "select public.reserve_identity_attempt("
            ":attempt, cast(:keys as text[]), :at, :since, :weight)",
            {"attempt": attempt, "keys": subjects, "at": utc(at), "since": utc(since),
             "weight": weight},
        )  # fmt: skip
        return [IdentityCount(**r) for r in rows]

    async def release_identity_attempt(self, attempt: str) -> None:
        await self._execute(
            "delete from public.identity_failures where attempt = :attempt", {"attempt": attempt}
        )

    async def take_assertion_id(self, jti: str, expires: dt.datetime, now: dt.datetime) -> bool:
        if not jti:
            raise InvalidRequest("An assertion id is required.")
        taken = await self._value(
            "select public.take_assertion_id(:jti, :expires, :now)",
            {"jti": jti, "expires": utc(expires), "now": utc(now)},
        )
        return bool(taken)

    async def register_pending_patient(
        self, phone: str, name: str, date_of_birth: dt.date
    ) -> Patient | None:
        rows = await self._rows(
            "insert into public.users (phone, name, date_of_birth, registration_pending)"
            " values (:phone, :name, cast(:dob as date), true) on conflict (phone) do nothing"
            f" returning {_PATIENT_COLUMNS}",
            {"phone": phone, "name": clean_name(name), "dob": check_date_of_birth(date_of_birth)},
        )
        return patient_from_row(rows[0]) if rows else None

    async def confirm_patient(self, phone: str) -> Patient:
        rows = await self._rows(
            "update public.users set registration_pending = false where phone = :phone"
            f" returning {_PATIENT_COLUMNS}",
            {"phone": phone},
        )
        if not rows:
            raise failures.patient_not_found()
        return patient_from_row(rows[0])

    async def list_pending_patients(self) -> list[Patient]:
        rows = await self._rows(
            f"select {_PATIENT_COLUMNS} from public.users where registration_pending order by phone"
        )
        return [patient_from_row(r) for r in rows]

    # --- audit trail ---

    async def record_audit(self, entry: AuditEntry) -> None:
        await self._execute(
            "insert into public.audit_log (id, at, actor, action, patient_phone, detail)"
            " values (cast(:id as uuid), :at, :actor, :action, :phone, cast(:detail as jsonb))"
            " on conflict (id) do nothing",
            {
                "id": audit_id(entry),
                "at": utc(entry.at),
                "actor": entry.actor,
                "action": entry.action,
                "phone": entry.patient_phone,
                "detail": json.dumps(entry.model_dump(mode="json")["detail"]),
            },
        )

    async def list_audit(
        self,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        phone: str | None = None,
        actor: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        where, params = _filters(
            ("patient_phone = :phone", "phone", phone),
            ("actor = :actor", "actor", actor),
            ("at >= :since", "since", since),
            ("at < :until", "until", until),
        )
        params.update(limit=max(0, int(limit)), offset=max(0, int(offset)))
        rows = await self._rows(
            f"select * from public.audit_log{where}"
            " order by at desc, id desc limit :limit offset :offset",
            params,
        )
        return [audit_from_row(r) for r in rows]

    # --- the calendar ---

    async def add_closure(
        self,
        start: dt.datetime,
        end: dt.datetime,
        reason: str | None = None,
        *,
        all_day: bool = False,
    ) -> ClosureAdded:
        start, end = check_range(start, end)
        # The SQL function takes the booking lock, so no booking into the closure commits after.
        result = await self._value(
            "select public.add_closure(cast(:start as timestamptz), cast(:end as timestamptz),"
            " :reason, :all_day)",
            {"start": start, "end": end, "reason": clean_reason(reason), "all_day": all_day},
        )
        return ClosureAdded(
            closure=closure_from_row(result["closure"]),
            affected=[appointment_from_row(r) for r in result["affected"]],
        )

    async def list_closures(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[Closure]:
        where, params = _filters(
            ("end_time > :start", "start", start), ("start_time < :end", "end", end)
        )
        rows = await self._rows(
            f"select * from public.closures{where} order by start_time, id", params
        )
        return [closure_from_row(r) for r in rows]

    async def remove_closure(self, closure_id: str) -> Closure | None:
        key = canonical_uuid(closure_id)
        if key is None:
            return None
        rows = await self._rows(
            "delete from public.closures where id = cast(:id as uuid) returning *", {"id": key}
        )
        return closure_from_row(rows[0]) if rows else None

    async def save_provider(self, name: str, hours: str | None = None) -> Provider:
        row = await self._value(
            "select public.save_provider(:name, :hours)",
            {"name": required_name(name, "provider"), "hours": normalize_hours(hours)},
        )
        return provider_from_row(row)

    async def list_providers(self) -> list[Provider]:
        rows = await self._rows("select * from public.providers order by lower(name), id")
        return [provider_from_row(r) for r in rows]

    async def save_visit_type(
        self, name: str, minutes: int, provider_ids: list[str] | None = None
    ) -> VisitType:
        row = await self._value(
            "select public.save_visit_type(:name, :minutes, cast(:ids as jsonb))",
            {
                "name": required_name(name, "visit type"),
                "minutes": check_minutes(minutes),
                "ids": json.dumps(check_ids(provider_ids, "provider")),
            },
        )
        return visit_type_from_row(row)

    async def published_openings(
        self, start: dt.datetime, end: dt.datetime, provider_ids: Sequence[str | None]
    ) -> dict[str | None, list[tuple[dt.datetime, dt.datetime]]]:
        return {}  # Aida's own database publishes no openings: the hours are the calendar

    async def list_visit_types(self) -> list[VisitType]:
        rows = await self._rows("select * from public.visit_types order by lower(name), id")
        return [visit_type_from_row(r) for r in rows]

    # --- outbound calls ---

    async def save_outbound_call(self, attempt: OutboundAttempt) -> None:
        await self._execute(
            "insert into public.outbound_calls (id, purpose, phone, appointment_id, refs,"
            " room_name, outcome, error, call_id, started_at, updated_at) values (cast(:id as"
            " uuid), :purpose, :phone, :appointment_id, cast(:refs as jsonb), :room_name,"
            " :outcome, :error, cast(:call_id as uuid), :started_at, :updated_at)"
            " on conflict (id) do update set purpose = excluded.purpose, phone = excluded.phone,"
            " appointment_id = excluded.appointment_id, refs = excluded.refs,"
            " room_name = excluded.room_name, outcome = excluded.outcome, error = excluded.error,"
            " call_id = excluded.call_id, updated_at = excluded.updated_at",
            {
                "id": outbound_id(attempt),
                "purpose": attempt.purpose,
                "phone": attempt.phone,
                "appointment_id": attempt.appointment_id,
                "refs": json.dumps(attempt.refs),
                "room_name": attempt.room_name,
                "outcome": attempt.outcome,
                "error": attempt.error,
                "call_id": canonical_uuid(attempt.call_id) if attempt.call_id else None,
                "started_at": utc(attempt.started_at),
                "updated_at": utc(attempt.updated_at) if attempt.updated_at else None,
            },
        )

    async def list_outbound_calls(
        self,
        appointment_id: str | None = None,
        phone: str | None = None,
        purpose: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 200,
    ) -> list[OutboundAttempt]:
        where, params = _filters(
            ("appointment_id = :appointment_id", "appointment_id", appointment_id),
            ("phone = :phone", "phone", phone),
            ("purpose = :purpose", "purpose", purpose),
            ("started_at >= :since", "since", since),
        )
        params["limit"] = max(0, int(limit))
        rows = await self._rows(
            f"select * from public.outbound_calls{where} order by started_at, id limit :limit",
            params,
        )
        return [outbound_from_row(r) for r in rows]

    # --- the clinic profile ---

    async def get_clinic_profile(self) -> dict[str, Any] | None:
        rows = await self._rows("select profile from public.clinic_profile where id = 1")
        return parse_json(rows[0]["profile"]) if rows else None

    async def save_clinic_profile(self, profile: dict[str, Any], updated_by: str) -> None:
        await self._execute(
            "insert into public.clinic_profile (id, profile, updated_at, updated_by)"
            " values (1, cast(:profile as jsonb), now(), :by) on conflict (id) do update"
            " set profile = excluded.profile, updated_at = excluded.updated_at,"
            " updated_by = excluded.updated_by",
            {"profile": json.dumps(profile), "by": updated_by},
        )

    # --- slot holds (the waitlist's, on the calendar): the SQL functions of 20251203 ---

    async def hold_slot(
        self,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        now: dt.datetime,
        expires_at: dt.datetime,
        meta: dict[str, Any] | None = None,
        provider_id: str | None = None,
        visit_type_id: str | None = None,
    ) -> Appointment:
        start, end = check_range(start, end)
        row = await self._value(
            "select public.hold_slot(:phone, cast(:start as timestamptz),"
            " cast(:end as timestamptz), cast(:now as timestamptz),"
            " cast(:lapse as timestamptz), cast(:meta as jsonb), cast(:provider as uuid),"
            " cast(:visit_type as uuid))",
            {
                "phone": phone,
                "start": start,
                "end": end,
                "now": utc(now),
                "lapse": utc(expires_at),
                "meta": json.dumps(meta or {}),
                "provider": check_ref(provider_id, "provider"),
                "visit_type": check_ref(visit_type_id, "visit type"),
            },
            start=start,
        )
        return appointment_from_row(row)

    async def confirm_hold(self, hold_id: str, phone: str, now: dt.datetime) -> Appointment:
        key = canonical_uuid(hold_id)
        if key is None:
            raise failures.hold_expired()
        row = await self._value(
            "select public.confirm_hold(cast(:id as uuid), :phone, cast(:now as timestamptz))",
            {"id": key, "phone": phone, "now": utc(now)},
        )
        return appointment_from_row(row)

    async def release_hold(self, hold_id: str) -> Appointment | None:
        key = canonical_uuid(hold_id)
        if key is None:
            return None
        row = await self._value("select public.release_hold(cast(:id as uuid))", {"id": key})
        return appointment_from_row(row) if row else None

    async def release_expired_holds(self, now: dt.datetime) -> list[Appointment]:
        rows = await self._value(
            "select public.release_expired_holds(cast(:now as timestamptz))", {"now": utc(now)}
        )
        return [appointment_from_row(r) for r in rows or []]

    # --- the waitlist (Aida's half) ---

    async def save_waitlist_entry(self, entry: WaitlistEntry) -> WaitlistEntry:
        key = canonical_uuid(entry.id)
        if key is None:
            raise InvalidRequest("That waitlist entry reference doesn't look right.")
        rows = await self._rows(
            "insert into public.waitlist_entries (id, patient_phone, window_start, window_end,"
            " daily_from, daily_until, weekly, description, provider_id, visit_type_id, status,"
            " created_at, updated_by, note) values (cast(:id as uuid), :phone, :ws, :we, :df,"
            " :du, :weekly, :description, cast(:provider as uuid), cast(:visit_type as uuid),"
            " :status, :created, :by, :note) on conflict (id) do update set"
            " patient_phone = excluded.patient_phone, window_start = excluded.window_start,"
            " window_end = excluded.window_end, daily_from = excluded.daily_from,"
            " daily_until = excluded.daily_until, weekly = excluded.weekly,"
            " description = excluded.description, provider_id = excluded.provider_id,"
            " visit_type_id = excluded.visit_type_id, status = excluded.status,"
            " updated_by = excluded.updated_by, note = excluded.note returning *",
            {
                "id": key,
                "phone": entry.patient_phone,
                "ws": utc(entry.window_start),
                "we": utc(entry.window_end),
                "df": wall_text(entry.daily_from),
                "du": wall_text(entry.daily_until),
                "weekly": entry.weekly,
                "description": entry.description,
                "provider": check_ref(entry.provider_id, "provider"),
                "visit_type": check_ref(entry.visit_type_id, "visit type"),
                "status": entry.status,
                "created": utc(entry.created_at),
                "by": entry.updated_by,
                "note": entry.note,
            },
        )
        return waitlist_entry_from_row(rows[0])

    async def get_waitlist_entry(self, entry_id: str) -> WaitlistEntry | None:
        key = canonical_uuid(entry_id)
        if key is None:
            return None
        rows = await self._rows(
            "select * from public.waitlist_entries where id = cast(:id as uuid)", {"id": key}
        )
        return waitlist_entry_from_row(rows[0]) if rows else None

    async def list_waitlist(
        self, status: str | None = None, phone: str | None = None
    ) -> list[WaitlistEntry]:
        where, params = _filters(
            ("status = :status", "status", status), ("patient_phone = :phone", "phone", phone)
        )
        rows = await self._rows(
            f"select * from public.waitlist_entries{where} order by created_at, id", params
        )
        return [waitlist_entry_from_row(r) for r in rows]

    async def save_waitlist_offer(self, offer: WaitlistOffer) -> WaitlistOffer:
        rows = await self._rows(
            "insert into public.waitlist_offers (id, entry_id, hold_id, slot_start, slot_end,"
            " provider_id, status, offered_at, expires_at, answered_at, appointment_id)"
            " values (cast(:id as uuid), cast(:entry as uuid), cast(:hold as uuid), :ss, :se,"
            " cast(:provider as uuid), :status, :offered, :expires, :answered,"
            " cast(:appointment as uuid)) on conflict (id) do update set"
            " status = excluded.status, answered_at = excluded.answered_at,"
            " appointment_id = excluded.appointment_id returning *",
            {
                "id": canonical_uuid(offer.id),
                "entry": canonical_uuid(offer.entry_id),
                "hold": canonical_uuid(offer.hold_id),
                "ss": utc(offer.slot_start),
                "se": utc(offer.slot_end),
                "provider": check_ref(offer.provider_id, "provider"),
                "status": offer.status,
                "offered": utc(offer.offered_at),
                "expires": utc(offer.expires_at),
                "answered": utc(offer.answered_at) if offer.answered_at else None,
                "appointment": canonical_uuid(offer.appointment_id)
                if offer.appointment_id
                else None,
            },
        )
        return waitlist_offer_from_row(rows[0])

    async def list_waitlist_offers(
        self,
        entry_id: str | None = None,
        status: str | None = None,
        slot_start: dt.datetime | None = None,
    ) -> list[WaitlistOffer]:
        where, params = _filters(
            (
                "entry_id = cast(:entry as uuid)",
                "entry",
                canonical_uuid(entry_id) if entry_id else None,
            ),
            ("status = :status", "status", status),
            ("slot_start = :slot", "slot", slot_start),
        )
        rows = await self._rows(
            f"select * from public.waitlist_offers{where} order by offered_at, id", params
        )
        return [waitlist_offer_from_row(r) for r in rows]


def _filters(*clauses: tuple[str, str, Any]) -> tuple[str, dict[str, Any]]:
    """A WHERE clause from the (sql, name, value) triples whose value is given."""
    parts, params = [], {}
    for sql, name, value in clauses:
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            value = utc(value)
        parts.append(sql)
        params[name] = value
    return (" where " + " and ".join(parts) if parts else ""), params
