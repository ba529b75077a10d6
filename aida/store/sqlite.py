"""The embedded store: one SQLite file, safe under concurrent callers.

Measured here: SQLAlchemy's default SQLite transactions let 50 of 50 racing bookings through, and a
pool of writers waits on busy locks for most of a second. So this store keeps ONE writer
connection in autocommit mode (`isolation_level=None`) and runs every write as one function on
that connection's thread inside `BEGIN IMMEDIATE`, which takes the file's write lock before the
overlap check reads anything; other processes opening the same file queue on that lock
(busy_timeout). A trigger in the schema refuses an overlapping booked row whatever the code does.
Reads go through a separate connection, which WAL lets run beside the writer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from aida.errors import InvalidRequest, SlotTaken
from aida.scheduling.working_hours import normalize_hours
from aida.store import failures
from aida.store.migrations import sqlite_migrations
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
    parse_time,
    patient_from_row,
    provider_from_row,
    required_name,
    summary_from_row,
    summary_id,
    to_db_time,
    visit_type_from_row,
    waitlist_entry_from_row,
    waitlist_offer_from_row,
    wall_text,
)
from aida.store.sqlite_thread import SqliteThread

T = TypeVar("T")
Row = dict[str, Any]
# Busy or locked beyond busy_timeout, a file that cannot be opened, read or written: the
# database is out of reach, not the request wrong.
_UNAVAILABLE = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_PERM",
    "SQLITE_NOTADB",
    "SQLITE_CORRUPT",
)


def sqlite_path(url: str) -> Path:
    """`sqlite:///data/aida.db` is relative to the working directory, `sqlite:////abs` absolute."""
    for prefix in ("sqlite+aiosqlite:///", "sqlite:///"):
        if url.startswith(prefix):
            path = url[len(prefix) :].split("?", 1)[0]
            break
    else:
        raise ValueError("a SQLite DATABASE_URL looks like sqlite:///data/aida.db")
    if not path or path == ":memory:":
        raise ValueError("Aida's SQLite store needs a file (its reader and writer share it)")
    return Path(path)


class SqliteStore:
    backend = "sqlite"

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 10_000) -> None:
        self.path = Path(path)
        self._writer = SqliteThread(
            self.path, name="aida-sqlite-writer", busy_timeout_ms=busy_timeout_ms, writer=True
        )
        self._reader = SqliteThread(
            self.path, name="aida-sqlite-reader", busy_timeout_ms=busy_timeout_ms, writer=False
        )
        self._opened = False
        self._open_lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str) -> SqliteStore:
        return cls(sqlite_path(url))

    # --- plumbing ---

    async def _open(self) -> None:
        if self._opened:
            return
        async with self._open_lock:
            if not self._opened:
                # The writer first: it puts the file in WAL mode before anyone reads.
                await self._guarded(self._writer.run(_noop))
                await self._guarded(self._reader.run(_noop))
                self._opened = True

    async def _write(self, body: Callable[[sqlite3.Connection], T]) -> T:
        await self._open()
        return await self._guarded(self._writer.run(partial(_in_transaction, body)))

    async def _read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        await self._open()
        return await self._guarded(self._reader.run(partial(_fetch_all, sql=sql, params=params)))

    @staticmethod
    async def _guarded(call: Any) -> Any:
        try:
            return await call
        except (sqlite3.Error, OSError) as exc:
            _reraise(exc)

    # --- lifecycle ---

    async def migrate(self) -> None:
        await self._open()
        await self._guarded(self._writer.run(_migrate))

    async def ping(self) -> None:
        await self._read("select 1")

    async def close(self) -> None:
        async with self._open_lock:
            await self._reader.close()
            await self._writer.close()
            self._opened = False

    # --- patients ---

    async def patients_for(self, phone: str) -> list[Patient]:
        # One file per number in Aida's own database: the phone is the file.
        patient = await self.get_patient(phone)
        return [patient] if patient is not None else []

    async def get_patient(self, phone: str) -> Patient | None:
        rows = await self._read("select * from users where phone = ?", (phone,))
        return patient_from_row(rows[0]) if rows else None

    async def upsert_patient(
        self, phone: str, name: str | None = None, date_of_birth: dt.date | None = None
    ) -> Patient:
        dob = check_date_of_birth(date_of_birth)

        def body(conn: sqlite3.Connection) -> Row:
            # coalesce(users.date_of_birth, ...): one on file is never replaced from here.
            conn.execute(
                "insert into users (phone, name, date_of_birth) values (?, ?, ?)"
                " on conflict (phone) do update"
                " set name = coalesce(excluded.name, users.name),"
                " date_of_birth = coalesce(users.date_of_birth, excluded.date_of_birth)",
                (phone, clean_name(name), dob.isoformat() if dob else None),
            )
            row = _one(conn, "select * from users where phone = ?", (phone,))
            assert row is not None
            return row

        return patient_from_row(await self._write(body))

    async def set_date_of_birth(self, phone: str, date_of_birth: dt.date) -> Patient:
        dob = check_date_of_birth(date_of_birth)
        if dob is None:
            raise InvalidRequest("A date of birth is needed.")

        def body(conn: sqlite3.Connection) -> Row:
            conn.execute(
                "update users set date_of_birth = ? where phone = ?", (dob.isoformat(), phone)
            )
            row = _one(conn, "select * from users where phone = ?", (phone,))
            if row is None:
                raise failures.patient_not_found()
            return row

        return patient_from_row(await self._write(body))

    async def merge_preferences(self, phone: str, preferences: dict[str, Any]) -> Patient:
        if not isinstance(preferences, dict):
            raise InvalidRequest("Preferences must be a set of named values.")

        def body(conn: sqlite3.Connection) -> Row:
            row = _one(conn, "select * from users where phone = ?", (phone,))
            if row is None:
                raise failures.patient_not_found()
            merged = {**json.loads(row["preferences"] or "{}"), **preferences}
            conn.execute(
                "update users set preferences = ? where phone = ?", (json.dumps(merged), phone)
            )
            return {**row, "preferences": merged}

        return patient_from_row(await self._write(body))

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
        s, e = to_db_time(start), to_db_time(end)
        meta_json = json.dumps(meta or {})
        provider = check_ref(provider_id, "provider")
        visit_type = check_ref(visit_type_id, "visit type")

        def body(conn: sqlite3.Connection) -> tuple[Row, bool]:
            if _one(conn, "select 1 as ok from users where phone = ?", (phone,)) is None:
                raise failures.patient_not_found()
            _check_refs(conn, provider, visit_type)
            same = _one(
                conn,
                "select * from appointments"
                " where user_phone = ? and start_time = ? and status = 'booked'",
                (phone, s),
            )
            if same is not None:
                return same, False
            if _closed(conn, s, e):
                raise failures.clinic_closed()
            if _overlaps(conn, s, e, provider):
                raise SlotTaken(start=start)
            return _insert_appointment(conn, phone, s, e, meta_json, provider, visit_type), True

        row, created = await self._write(body)
        return BookingResult(appointment=appointment_from_row(row), created=created)

    async def cancel(
        self, appointment_id: str, phone: str, *, patient_file: str | None = None
    ) -> Appointment:
        failures.only_file(patient_file)

        def body(conn: sqlite3.Connection) -> Row:
            row = _owned(conn, appointment_id, phone)
            if row["status"] == "cancelled":
                return row
            meta = json.dumps({**json.loads(row["meta"] or "{}"), "cancelled_at": _now_iso()})
            conn.execute(
                "update appointments set status = 'cancelled', meta = ? where id = ?",
                (meta, row["id"]),
            )
            return {**row, "status": "cancelled", "meta": meta}

        return appointment_from_row(await self._write(body))

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
        s, e = to_db_time(start), to_db_time(end)

        def body(conn: sqlite3.Connection) -> Row:
            old = _owned(conn, appointment_id, phone)
            old_meta = json.loads(old["meta"] or "{}")
            if old["status"] != "booked":
                # A repeated request for a move that already happened returns what it made.
                moved_to = old_meta.get("rescheduled_to")
                if moved_to:
                    new = _one(
                        conn,
                        "select * from appointments where id = ? and start_time = ?",
                        (moved_to, s),
                    )
                    if new is not None:
                        return new
                raise failures.not_booked()
            if old["start_time"] == s and old["end_time"] == e:
                return old

            carried = {
                k: v
                for k, v in old_meta.items()
                if k not in ("rescheduled_to", "rescheduled_from", "cancelled_at")
            }
            carried["rescheduled_from"] = old["id"]
            if old["start_time"] < e and old["end_time"] > s:
                # The new slot overlaps the old one, so it cannot be held first; the transaction
                # still guarantees that a failed insert leaves the original booked.
                conn.execute(
                    "update appointments set status = 'cancelled' where id = ?", (old["id"],)
                )
            # Otherwise the new slot is held first, then the old one released.
            if _closed(conn, s, e):
                raise failures.clinic_closed()
            if _overlaps(conn, s, e, old.get("provider_id")):
                raise SlotTaken(start=start)
            new = _insert_appointment(
                conn,
                phone,
                s,
                e,
                json.dumps(carried),
                old.get("provider_id"),
                old.get("visit_type_id"),
            )
            old_meta.update(rescheduled_to=new["id"], cancelled_at=_now_iso())
            conn.execute(
                "update appointments set status = 'cancelled', meta = ? where id = ?",
                (json.dumps(old_meta), old["id"]),
            )
            return new

        return appointment_from_row(await self._write(body))

    async def get_appointment(self, appointment_id: str) -> Appointment | None:
        key = canonical_uuid(appointment_id)
        if key is None:
            return None
        rows = await self._read("select * from appointments where id = ?", (key,))
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
            ("user_phone = ?", phone),
            ("status = ?", status),
            ("end_time > ?", start),
            ("start_time < ?", end),
        )
        rows = await self._read(
            f"select * from appointments{where} order by start_time, id", params
        )
        return [appointment_from_row(r) for r in rows]

    # --- call summaries ---

    async def save_call_summary(
        self, summary: CallSummary, *, patient_on_file: bool = False
    ) -> None:
        values: dict[str, Any] = summary.model_dump()
        values["id"] = summary_id(summary)
        as_json = summary.model_dump(mode="json", include=set(SUMMARY_JSON_FIELDS))
        for name in SUMMARY_JSON_FIELDS:
            if as_json[name] is not None:
                values[name] = json.dumps(as_json[name])
        for name in ("started_at", "ended_at"):
            if values[name] is not None:
                values[name] = to_db_time(values[name])
        given_created = values.pop("created_at")
        columns = list(values)
        values["given_created_at"] = to_db_time(given_created) if given_created else None
        values["now"] = to_db_time(dt.datetime.now(dt.UTC))
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
        sql = (
            f"insert into call_summaries ({', '.join(columns)}, created_at)"
            f" values ({', '.join(':' + c for c in columns)}, coalesce(:given_created_at, :now))"
            f" on conflict (id) do update set {updates},"
            " created_at = coalesce(:given_created_at, call_summaries.created_at)"
        )

        def body(conn: sqlite3.Connection) -> None:
            if summary.user_phone and patient_on_file:
                # The patient is the calendar half's: this row is only the foreign key's.
                conn.execute(
                    "insert into users (phone) values (?) on conflict (phone) do nothing",
                    (summary.user_phone,),
                )
            elif summary.user_phone and not _one(
                conn, "select 1 as ok from users where phone = ?", (summary.user_phone,)
            ):
                # A call record never creates a patient (a nameless file would go to whoever
                # claims it first): the number stays on the record as the one presented.
                values["presented_phone"] = values.get("presented_phone") or summary.user_phone
                values["user_phone"] = None
            conn.execute(sql, values)

        await self._write(body)

    async def get_call_summary(self, summary_id: str) -> CallSummary | None:
        key = canonical_uuid(summary_id)
        if key is None:
            return None
        rows = await self._read("select * from call_summaries where id = ?", (key,))
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
            ("user_phone = ?", phone),
            ("created_at >= ?", since),
            ("created_at < ?", until),
        )
        first = f"({_OPEN_ITEMS}) > 0 desc, " if open_first else ""
        rows = await self._read(
            f"select * from call_summaries{where}"
            f" order by {first}created_at desc, id desc limit ? offset ?",
            [*params, max(0, int(limit)), max(0, int(offset))],
        )
        return [summary_from_row(r) for r in rows]

    # --- staff work on a call's action items ---

    async def mark_action_item_done(
        self, call_id: str, index: int, done_by: str, at: dt.datetime
    ) -> ActionItemDone:
        key = canonical_uuid(call_id)
        stamp = to_db_time(at)

        def body(conn: sqlite3.Connection) -> Row:
            row = (
                None
                if key is None
                else _one(conn, "select action_items from call_summaries where id = ?", (key,))
            )
            items = json.loads(row["action_items"] or "null") if row is not None else None
            if not isinstance(items, list) or not 0 <= index < len(items):
                raise failures.action_item_not_found()
            # The first mark wins: a second click or a second tab gets the same row back.
            conn.execute(
                "insert into action_items_done (call_id, item_index, done_at, done_by)"
                " values (?, ?, ?, ?) on conflict (call_id, item_index) do nothing",
                (key, index, stamp, done_by),
            )
            done = _one(
                conn,
                "select * from action_items_done where call_id = ? and item_index = ?",
                (key, index),
            )
            assert done is not None
            return done

        return action_item_done_from_row(await self._write(body))

    async def reopen_action_item(self, call_id: str, index: int) -> None:
        key = canonical_uuid(call_id)
        if key is None:
            return

        def body(conn: sqlite3.Connection) -> None:
            conn.execute(
                "delete from action_items_done where call_id = ? and item_index = ?",
                (key, index),
            )

        await self._write(body)

    async def list_action_items_done(self, call_ids: Sequence[str]) -> list[ActionItemDone]:
        keys = [k for k in (canonical_uuid(c) for c in call_ids) if k is not None]
        if not keys:
            return []
        marks = ", ".join("?" for _ in keys)
        rows = await self._read(
            f"select * from action_items_done where call_id in ({marks})"
            " order by call_id, item_index",
            keys,
        )
        return [action_item_done_from_row(r) for r in rows]

    # --- identity checks ---

    async def record_identity_failure(self, phone: str, at: dt.datetime) -> None:
        stamp = to_db_time(at)

        def body(conn: sqlite3.Connection) -> None:
            conn.execute(
                "insert into identity_failures (phone, failed_at) values (?, ?)", (phone, stamp)
            )

        await self._write(body)

    async def count_identity_failures(self, phone: str, since: dt.datetime) -> int:
        rows = await self._read(
            "select coalesce(sum(weight), 0) as n from identity_failures"
            " where phone = ? and failed_at >= ?",
            (phone, to_db_time(since)),
        )
        return int(rows[0]["n"])

    async def clear_identity_failures(self, phone: str) -> None:
        def body(conn: sqlite3.Connection) -> None:
            conn.execute("delete from identity_failures where phone = ?", (phone,))

        await self._write(body)

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
        stamp, lower = to_db_time(at), to_db_time(since)

        def body(conn: sqlite3.Connection) -> list[IdentityCount]:
            # One writer under BEGIN IMMEDIATE: the counts and the insert are one step.
            out = []
            for key in subjects:
                row = _one(
                    conn,
                    "select coalesce(sum(weight), 0) as n, max(failed_at) as last"
                    " from identity_failures where phone = ? and failed_at >= ?",
                    (key, lower),
                )
                assert row is not None
                last = parse_time(row["last"]) if row["last"] else None
                out.append(IdentityCount(subject=key, failures=int(row["n"]), last_failed_at=last))
            conn.executemany(
                "insert into identity_failures (phone, failed_at, attempt, weight)"
                " values (?, ?, ?, ?)",
                [(key, stamp, attempt, weight) for key in subjects],
            )
            return out

        return await self._write(body)

    async def release_identity_attempt(self, attempt: str) -> None:
        def body(conn: sqlite3.Connection) -> None:
            conn.execute("delete from identity_failures where attempt = ?", (attempt,))

        await self._write(body)

    async def take_assertion_id(self, jti: str, expires: dt.datetime, now: dt.datetime) -> bool:
        if not jti:
            raise InvalidRequest("An assertion id is required.")
        until, stamp = to_db_time(expires), to_db_time(now)

        def body(conn: sqlite3.Connection) -> bool:
            conn.execute("delete from used_assertions where expires_at < ?", (stamp,))
            # The primary key decides: a second insert of the id, from any process, is ignored.
            cursor = conn.execute(
                "insert into used_assertions (jti, expires_at) values (?, ?)"
                " on conflict (jti) do nothing",
                (jti, until),
            )
            return cursor.rowcount == 1

        return await self._write(body)

    async def register_pending_patient(
        self, phone: str, name: str, date_of_birth: dt.date
    ) -> Patient | None:
        dob = check_date_of_birth(date_of_birth)

        def body(conn: sqlite3.Connection) -> Row | None:
            cursor = conn.execute(
                "insert into users (phone, name, date_of_birth, registration_pending)"
                " values (?, ?, ?, 1) on conflict (phone) do nothing",
                (phone, clean_name(name), dob.isoformat() if dob else None),
            )
            if cursor.rowcount == 0:
                return None
            return _one(conn, "select * from users where phone = ?", (phone,))

        row = await self._write(body)
        return patient_from_row(row) if row is not None else None

    async def confirm_patient(self, phone: str) -> Patient:
        def body(conn: sqlite3.Connection) -> Row:
            conn.execute("update users set registration_pending = 0 where phone = ?", (phone,))
            row = _one(conn, "select * from users where phone = ?", (phone,))
            if row is None:
                raise failures.patient_not_found()
            return row

        return patient_from_row(await self._write(body))

    async def list_pending_patients(self) -> list[Patient]:
        rows = await self._read(
            "select * from users where registration_pending = 1 order by phone", ()
        )
        return [patient_from_row(r) for r in rows]

    # --- audit trail ---

    async def record_audit(self, entry: AuditEntry) -> None:
        values = (
            audit_id(entry),
            to_db_time(entry.at),
            entry.actor,
            entry.action,
            entry.patient_phone,
            json.dumps(entry.model_dump(mode="json")["detail"]),
        )

        def body(conn: sqlite3.Connection) -> None:
            conn.execute(
                "insert into audit_log (id, at, actor, action, patient_phone, detail)"
                " values (?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
                values,
            )

        await self._write(body)

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
            ("patient_phone = ?", phone),
            ("actor = ?", actor),
            ("at >= ?", since),
            ("at < ?", until),
        )
        rows = await self._read(
            f"select * from audit_log{where} order by at desc, id desc limit ? offset ?",
            [*params, max(0, int(limit)), max(0, int(offset))],
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
        row: Row = {
            "id": str(uuid.uuid4()),
            "start_time": to_db_time(start),
            "end_time": to_db_time(end),
            "reason": clean_reason(reason),
            "all_day": 1 if all_day else 0,
            "created_at": to_db_time(dt.datetime.now(dt.UTC)),
        }

        def body(conn: sqlite3.Connection) -> tuple[Row, list[Row]]:
            # On the writer, inside BEGIN IMMEDIATE: no booking can slip in between.
            conn.execute(
                "insert into closures (id, start_time, end_time, reason, all_day, created_at)"
                " values (:id, :start_time, :end_time, :reason, :all_day, :created_at)",
                row,
            )
            affected = _all(
                conn,
                "select * from appointments where status = 'booked'"
                " and start_time < ? and end_time > ? order by start_time, id",
                (row["end_time"], row["start_time"]),
            )
            return row, affected

        made, affected = await self._write(body)
        return ClosureAdded(
            closure=closure_from_row(made),
            affected=[appointment_from_row(r) for r in affected],
        )

    async def list_closures(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[Closure]:
        where, params = _filters(("end_time > ?", start), ("start_time < ?", end))
        rows = await self._read(f"select * from closures{where} order by start_time, id", params)
        return [closure_from_row(r) for r in rows]

    async def remove_closure(self, closure_id: str) -> Closure | None:
        key = canonical_uuid(closure_id)
        if key is None:
            return None

        def body(conn: sqlite3.Connection) -> Row | None:
            row = _one(conn, "select * from closures where id = ?", (key,))
            if row is not None:
                conn.execute("delete from closures where id = ?", (key,))
            return row

        removed = await self._write(body)
        return closure_from_row(removed) if removed else None

    async def save_provider(self, name: str, hours: str | None = None) -> Provider:
        clean = required_name(name, "provider")
        spec = normalize_hours(hours)

        def body(conn: sqlite3.Connection) -> Row:
            conn.execute(
                "insert into providers (id, name, hours) values (?, ?, ?)"
                " on conflict (name) do update set hours = excluded.hours",
                (str(uuid.uuid4()), clean, spec),
            )
            row = _one(conn, "select * from providers where name = ?", (clean,))
            assert row is not None
            return row

        return provider_from_row(await self._write(body))

    async def list_providers(self) -> list[Provider]:
        rows = await self._read("select * from providers order by name collate nocase, id")
        return [provider_from_row(r) for r in rows]

    async def save_visit_type(
        self, name: str, minutes: int, provider_ids: list[str] | None = None
    ) -> VisitType:
        clean = required_name(name, "visit type")
        length = check_minutes(minutes)
        ids = check_ids(provider_ids, "provider")

        def body(conn: sqlite3.Connection) -> Row:
            for provider_id in ids:
                _check_refs(conn, provider_id, None)
            conn.execute(
                "insert into visit_types (id, name, minutes, provider_ids) values (?, ?, ?, ?)"
                " on conflict (name) do update"
                " set minutes = excluded.minutes, provider_ids = excluded.provider_ids",
                (str(uuid.uuid4()), clean, length, json.dumps(ids)),
            )
            row = _one(conn, "select * from visit_types where name = ?", (clean,))
            assert row is not None
            return row

        return visit_type_from_row(await self._write(body))

    async def published_openings(
        self, start: dt.datetime, end: dt.datetime, provider_ids: Sequence[str | None]
    ) -> dict[str | None, list[tuple[dt.datetime, dt.datetime]]]:
        return {}  # Aida's own database publishes no openings: the hours are the calendar

    async def list_visit_types(self) -> list[VisitType]:
        rows = await self._read("select * from visit_types order by name collate nocase, id")
        return [visit_type_from_row(r) for r in rows]

    # --- outbound calls ---

    async def save_outbound_call(self, attempt: OutboundAttempt) -> None:
        values = {
            "id": outbound_id(attempt),
            "purpose": attempt.purpose,
            "phone": attempt.phone,
            "appointment_id": attempt.appointment_id,
            "refs": json.dumps(attempt.refs),
            "room_name": attempt.room_name,
            "outcome": attempt.outcome,
            "error": attempt.error,
            "call_id": attempt.call_id,
            "started_at": to_db_time(attempt.started_at),
            "updated_at": to_db_time(attempt.updated_at) if attempt.updated_at else None,
        }
        columns = list(values)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("id", "started_at"))
        sql = (
            f"insert into outbound_calls ({', '.join(columns)})"
            f" values ({', '.join(':' + c for c in columns)})"
            f" on conflict (id) do update set {updates}"
        )

        def body(conn: sqlite3.Connection) -> None:
            conn.execute(sql, values)

        await self._write(body)

    async def list_outbound_calls(
        self,
        appointment_id: str | None = None,
        phone: str | None = None,
        purpose: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 200,
    ) -> list[OutboundAttempt]:
        clauses: list[str] = []
        params: dict[str, Any] = {}
        for column, value in (
            ("appointment_id", appointment_id),
            ("phone", phone),
            ("purpose", purpose),
        ):
            if value is not None:
                clauses.append(f"{column} = :{column}")
                params[column] = value
        if since is not None:
            clauses.append("started_at >= :since")
            params["since"] = to_db_time(since)
        where = (" where " + " and ".join(clauses)) if clauses else ""
        params["limit"] = max(0, int(limit))
        rows = await self._read(
            f"select * from outbound_calls{where} order by started_at, id limit :limit", params
        )
        return [outbound_from_row(r) for r in rows]

    # --- the clinic profile ---

    async def get_clinic_profile(self) -> dict[str, Any] | None:
        rows = await self._read("select profile from clinic_profile where id = 1")
        return parse_json(rows[0]["profile"]) if rows else None

    async def save_clinic_profile(self, profile: dict[str, Any], updated_by: str) -> None:
        values = (json.dumps(profile), to_db_time(dt.datetime.now(dt.UTC)), updated_by)

        def body(conn: sqlite3.Connection) -> None:
            conn.execute(
                "insert into clinic_profile (id, profile, updated_at, updated_by)"
                " values (1, ?, ?, ?) on conflict (id) do update set profile = excluded.profile,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                values,
            )

        await self._write(body)

    # --- slot holds (the waitlist's, on the calendar) ---

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
        now_s, lapse = to_db_time(now), to_db_time(expires_at)
        if lapse <= now_s:
            raise InvalidRequest("A hold must lapse after it is made.")
        s, e = to_db_time(start), to_db_time(end)
        meta_json = json.dumps(meta or {})
        provider = check_ref(provider_id, "provider")
        visit_type = check_ref(visit_type_id, "visit type")

        def body(conn: sqlite3.Connection) -> Row:
            if _one(conn, "select 1 as ok from users where phone = ?", (phone,)) is None:
                raise failures.patient_not_found()
            _check_refs(conn, provider, visit_type)
            conn.execute(
                "delete from appointments where status = 'held' and hold_expires_at <= ?"
                " and provider_id is ? and start_time < ? and end_time > ?",
                (now_s, provider, e, s),
            )
            if _closed(conn, s, e):
                raise failures.clinic_closed()
            if _overlaps(conn, s, e, provider):
                raise SlotTaken(start=start)
            row = _insert_appointment(
                conn, phone, s, e, meta_json, provider, visit_type, status="held", lapse=lapse
            )
            return row

        return appointment_from_row(await self._write(body))

    async def confirm_hold(self, hold_id: str, phone: str, now: dt.datetime) -> Appointment:
        now_s = to_db_time(now)

        def body(conn: sqlite3.Connection) -> Row:
            key = canonical_uuid(hold_id)
            row = (
                None
                if key is None
                else _one(conn, "select * from appointments where id = ?", (key,))
            )
            if row is None:
                raise failures.hold_expired()
            if row["user_phone"] != phone:
                raise failures.not_your_appointment()
            meta = json.loads(row["meta"] or "{}")
            if row["status"] == "booked" and "held_until" in meta:
                return row
            if row["status"] != "held" or row["hold_expires_at"] <= now_s:
                raise failures.hold_expired()
            meta["held_until"] = parse_time(row["hold_expires_at"]).isoformat()  # type: ignore[union-attr]
            conn.execute(
                "update appointments set status = 'booked', hold_expires_at = null, meta = ?"
                " where id = ?",
                (json.dumps(meta), row["id"]),
            )
            return {**row, "status": "booked", "hold_expires_at": None, "meta": json.dumps(meta)}

        return appointment_from_row(await self._write(body))

    async def release_hold(self, hold_id: str) -> Appointment | None:
        key = canonical_uuid(hold_id)
        if key is None:
            return None

        def body(conn: sqlite3.Connection) -> Row | None:
            row = _one(conn, "select * from appointments where id = ? and status = 'held'", (key,))
            if row is not None:
                conn.execute("delete from appointments where id = ?", (key,))
            return row

        row = await self._write(body)
        return appointment_from_row(row) if row else None

    async def release_expired_holds(self, now: dt.datetime) -> list[Appointment]:
        now_s = to_db_time(now)

        def body(conn: sqlite3.Connection) -> list[Row]:
            rows = _all(
                conn,
                "select * from appointments where status = 'held' and hold_expires_at <= ?"
                " order by start_time, id",
                (now_s,),
            )
            conn.execute(
                "delete from appointments where status = 'held' and hold_expires_at <= ?",
                (now_s,),
            )
            return rows

        return [appointment_from_row(r) for r in await self._write(body)]

    # --- the waitlist (Aida's half) ---

    async def save_waitlist_entry(self, entry: WaitlistEntry) -> WaitlistEntry:
        row = _entry_row(entry)

        def body(conn: sqlite3.Connection) -> None:
            conn.execute(
                # An upsert, not INSERT OR REPLACE: replacing deletes the row first, and the
                # delete would cascade to the entry's offers.
                "insert into waitlist_entries"
                " (id, patient_phone, window_start, window_end, daily_from, daily_until, weekly,"
                " description, provider_id, visit_type_id, status, created_at, updated_by, note)"
                " values (:id, :patient_phone, :window_start, :window_end, :daily_from,"
                " :daily_until, :weekly, :description, :provider_id, :visit_type_id, :status,"
                " :created_at, :updated_by, :note) on conflict (id) do update set"
                " patient_phone = excluded.patient_phone, window_start = excluded.window_start,"
                " window_end = excluded.window_end, daily_from = excluded.daily_from,"
                " daily_until = excluded.daily_until, weekly = excluded.weekly,"
                " description = excluded.description, provider_id = excluded.provider_id,"
                " visit_type_id = excluded.visit_type_id, status = excluded.status,"
                " updated_by = excluded.updated_by, note = excluded.note",
                row,
            )

        await self._write(body)
        return waitlist_entry_from_row(row)

    async def get_waitlist_entry(self, entry_id: str) -> WaitlistEntry | None:
        key = canonical_uuid(entry_id)
        if key is None:
            return None
        rows = await self._read("select * from waitlist_entries where id = ?", (key,))
        return waitlist_entry_from_row(rows[0]) if rows else None

    async def list_waitlist(
        self, status: str | None = None, phone: str | None = None
    ) -> list[WaitlistEntry]:
        where, params = _filters(("status = ?", status), ("patient_phone = ?", phone))
        rows = await self._read(
            f"select * from waitlist_entries{where} order by created_at, id", params
        )
        return [waitlist_entry_from_row(r) for r in rows]

    async def save_waitlist_offer(self, offer: WaitlistOffer) -> WaitlistOffer:
        row = _offer_row(offer)

        def body(conn: sqlite3.Connection) -> None:
            conn.execute(
                "insert into waitlist_offers"
                " (id, entry_id, hold_id, slot_start, slot_end, provider_id, status, offered_at,"
                " expires_at, answered_at, appointment_id)"
                " values (:id, :entry_id, :hold_id, :slot_start, :slot_end, :provider_id,"
                " :status, :offered_at, :expires_at, :answered_at, :appointment_id)"
                " on conflict (id) do update set status = excluded.status,"
                " answered_at = excluded.answered_at, appointment_id = excluded.appointment_id",
                row,
            )

        await self._write(body)
        return waitlist_offer_from_row(row)

    async def list_waitlist_offers(
        self,
        entry_id: str | None = None,
        status: str | None = None,
        slot_start: dt.datetime | None = None,
    ) -> list[WaitlistOffer]:
        where, params = _filters(
            ("entry_id = ?", canonical_uuid(entry_id) if entry_id else None),
            ("status = ?", status),
            ("slot_start = ?", slot_start),
        )
        rows = await self._read(
            f"select * from waitlist_offers{where} order by offered_at, id", params
        )
        return [waitlist_offer_from_row(r) for r in rows]


def _entry_row(entry: WaitlistEntry) -> Row:
    return {
        "id": canonical_uuid(entry.id) or entry.id,
        "patient_phone": entry.patient_phone,
        "window_start": to_db_time(entry.window_start),
        "window_end": to_db_time(entry.window_end),
        "daily_from": wall_text(entry.daily_from),
        "daily_until": wall_text(entry.daily_until),
        "weekly": int(entry.weekly),
        "description": entry.description,
        "provider_id": check_ref(entry.provider_id, "provider"),
        "visit_type_id": check_ref(entry.visit_type_id, "visit type"),
        "status": entry.status,
        "created_at": to_db_time(entry.created_at),
        "updated_by": entry.updated_by,
        "note": entry.note,
    }


def _offer_row(offer: WaitlistOffer) -> Row:
    return {
        "id": canonical_uuid(offer.id) or offer.id,
        "entry_id": canonical_uuid(offer.entry_id) or offer.entry_id,
        "hold_id": offer.hold_id,
        "slot_start": to_db_time(offer.slot_start),
        "slot_end": to_db_time(offer.slot_end),
        "provider_id": offer.provider_id,
        "status": offer.status,
        "offered_at": to_db_time(offer.offered_at),
        "expires_at": to_db_time(offer.expires_at),
        "answered_at": to_db_time(offer.answered_at) if offer.answered_at else None,
        "appointment_id": offer.appointment_id,
    }


# How many of a call's action items are not marked done (json_array_length is 0 for a JSON value
# that is not an array, NULL for no items at all).
_OPEN_ITEMS = (
    "coalesce(json_array_length(call_summaries.action_items), 0)"
    " - (select count(*) from action_items_done d where d.call_id = call_summaries.id)"
)


# --- on the database threads ---


def _noop(conn: sqlite3.Connection) -> None:
    return None


def _fetch_all(conn: sqlite3.Connection, *, sql: str, params: Any) -> list[Row]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


def _in_transaction(body: Callable[[sqlite3.Connection], T], conn: sqlite3.Connection) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = body(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute(
        "create table if not exists schema_migrations (version text primary key, applied_at text)"
    )
    for migration in sqlite_migrations():
        if _applied(conn, migration.version):
            continue
        # executescript would COMMIT an open transaction first, so the script carries its own
        # BEGIN IMMEDIATE and bookkeeping row; a second process migrating at the same moment
        # waits for the lock, then either re-runs idempotent statements or fails on one that is
        # not (ALTER TABLE ADD COLUMN), finds the version recorded by the winner and moves on.
        stamp = to_db_time(dt.datetime.now(dt.UTC))
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{migration.sql}\n;"
                "insert or ignore into schema_migrations (version, applied_at)"
                f" values ('{migration.version}', '{stamp}');\nCOMMIT;"
            )
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error) and _applied(conn, migration.version):
                continue
            raise


def _applied(conn: sqlite3.Connection, version: str) -> bool:
    row = _one(conn, "select 1 as ok from schema_migrations where version = ?", (version,))
    return row is not None


def _all(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    return [dict(r) for r in conn.execute(sql, params).fetchall()]


def _one(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Row | None:
    row = conn.execute(sql, params).fetchone()
    return dict(row) if row is not None else None


def _overlaps(
    conn: sqlite3.Connection, start: str, end: str, provider_id: str | None = None
) -> bool:
    # `is`: NULL matches NULL, so provider-less bookings share one calendar (as the trigger).
    return (
        _one(
            conn,
            "select 1 as hit from appointments"
            " where status in ('booked', 'held') and provider_id is ?"
            " and start_time < ? and end_time > ?"
            " limit 1",
            (provider_id, end, start),
        )
        is not None
    )


def _closed(conn: sqlite3.Connection, start: str, end: str) -> bool:
    return (
        _one(
            conn,
            "select 1 as hit from closures where start_time < ? and end_time > ? limit 1",
            (end, start),
        )
        is not None
    )


def _check_refs(
    conn: sqlite3.Connection, provider_id: str | None, visit_type_id: str | None
) -> None:
    if (
        provider_id
        and _one(conn, "select 1 as ok from providers where id = ?", (provider_id,)) is None
    ):
        raise InvalidRequest("I don't know that provider.")
    if (
        visit_type_id
        and _one(conn, "select 1 as ok from visit_types where id = ?", (visit_type_id,)) is None
    ):
        raise InvalidRequest("I don't know that kind of visit.")


def _insert_appointment(
    conn: sqlite3.Connection,
    phone: str,
    start: str,
    end: str,
    meta_json: str,
    provider_id: str | None = None,
    visit_type_id: str | None = None,
    *,
    status: str = "booked",
    lapse: str | None = None,
) -> Row:
    row: Row = {
        "id": str(uuid.uuid4()),
        "user_phone": phone,
        "start_time": start,
        "end_time": end,
        "status": status,
        "meta": meta_json,
        "provider_id": provider_id,
        "visit_type_id": visit_type_id,
        "hold_expires_at": lapse,
    }
    conn.execute(
        "insert into appointments"
        " (id, user_phone, start_time, end_time, status, meta, provider_id, visit_type_id,"
        " hold_expires_at)"
        " values (:id, :user_phone, :start_time, :end_time, :status, :meta, :provider_id,"
        " :visit_type_id, :hold_expires_at)",
        row,
    )
    return row


def _owned(conn: sqlite3.Connection, appointment_id: str, phone: str) -> Row:
    key = canonical_uuid(appointment_id)
    row = None if key is None else _one(conn, "select * from appointments where id = ?", (key,))
    if row is None:
        raise failures.appointment_not_found()
    if row["user_phone"] != phone:
        raise failures.not_your_appointment()
    return row


# --- helpers ---


def _filters(*clauses: tuple[str, Any]) -> tuple[str, list[Any]]:
    """A WHERE clause from the (sql, value) pairs whose value is given; times as stored."""
    parts, params = [], []
    for sql, value in clauses:
        if value is None:
            continue
        parts.append(sql)
        params.append(to_db_time(value) if isinstance(value, dt.datetime) else value)
    return (" where " + " and ".join(parts) if parts else ""), params


def _reraise(exc: sqlite3.Error | OSError) -> NoReturn:
    if isinstance(exc, sqlite3.IntegrityError) and "slot_taken" in str(exc):
        raise SlotTaken() from exc
    if isinstance(exc, sqlite3.IntegrityError) and "clinic_closed" in str(exc):
        raise failures.clinic_closed() from exc
    if isinstance(exc, OSError) or getattr(exc, "sqlite_errorname", "").startswith(_UNAVAILABLE):
        raise failures.unavailable() from exc
    raise exc


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
