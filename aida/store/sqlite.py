"""The embedded store: one SQLite file, safe under concurrent callers.

Measured here: SQLAlchemy's default SQLite transactions let 50 of 50 racing bookings through, and a
pool of writers waits on busy locks for most of a second. So this store keeps ONE writer
connection in autocommit mode (`isolation_level=None`) and wraps every write in
`BEGIN IMMEDIATE`, which takes the file's write lock before the overlap check reads anything;
other processes opening the same file queue on that lock (busy_timeout). A trigger in the schema
refuses an overlapping booked row whatever the code does. Reads go through a separate connection,
which WAL lets run beside the writer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NoReturn

import aiosqlite

from aida.errors import InvalidRequest, SlotTaken
from aida.store import failures
from aida.store.migrations import sqlite_migrations
from aida.store.models import Appointment, BookingResult, CallSummary, Patient
from aida.store.rows import (
    SUMMARY_JSON_FIELDS,
    appointment_from_row,
    canonical_uuid,
    check_range,
    clean_name,
    patient_from_row,
    summary_from_row,
    summary_id,
    to_db_time,
)

Row = dict[str, Any]


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
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str) -> SqliteStore:
        return cls(sqlite_path(url))

    # --- connections ---

    async def _open(self) -> tuple[aiosqlite.Connection, aiosqlite.Connection]:
        if self._writer is not None and self._reader is not None:
            return self._writer, self._reader
        async with self._open_lock:
            if self._writer is None or self._reader is None:
                writer = reader = None
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    writer = await self._connect()
                    # WAL is a property of the file: set once, by the writer, before any reader.
                    await writer.execute_fetchall("PRAGMA journal_mode=WAL")
                    reader = await self._connect()
                    await reader.execute_fetchall("PRAGMA query_only=ON")
                except (OSError, sqlite3.Error) as exc:
                    for conn in (reader, writer):
                        if conn is not None:
                            await conn.close()
                    raise failures.unavailable() from exc
                self._writer, self._reader = writer, reader
        return self._writer, self._reader

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: the sqlite3 module must not open transactions behind our back.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute_fetchall(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
        await conn.execute_fetchall("PRAGMA foreign_keys=ON")
        # NORMAL in WAL mode: a commit survives an application crash; only a power cut may lose
        # the last few. FULL fsyncs every booking and costs several ms each here.
        await conn.execute_fetchall("PRAGMA synchronous=NORMAL")
        return conn

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        writer, _ = await self._open()
        async with self._write_lock:
            try:
                await writer.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                _reraise(exc)
            try:
                yield writer
            except BaseException as exc:
                await _rollback(writer)
                if isinstance(exc, sqlite3.Error):
                    _reraise(exc)
                raise
            try:
                await writer.execute("COMMIT")
            except sqlite3.Error as exc:
                await _rollback(writer)
                _reraise(exc)

    async def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        _, reader = await self._open()
        try:
            rows = await reader.execute_fetchall(sql, params)
        except sqlite3.Error as exc:
            _reraise(exc)
        return [dict(r) for r in rows]

    # --- lifecycle ---

    async def migrate(self) -> None:
        writer, _ = await self._open()
        async with self._write_lock:
            try:
                await writer.execute(
                    "create table if not exists schema_migrations ("
                    " version text primary key, applied_at text not null)"
                )
                for migration in sqlite_migrations():
                    # executescript would COMMIT an open transaction first, so the script carries
                    # its own BEGIN IMMEDIATE and the bookkeeping row; a second process migrating
                    # at the same time waits for the lock and then finds the version applied.
                    applied = await writer.execute_fetchall(
                        "select 1 from schema_migrations where version = ?", (migration.version,)
                    )
                    if applied:
                        continue
                    stamp = to_db_time(dt.datetime.now(dt.UTC))
                    script = (
                        "BEGIN IMMEDIATE;\n"
                        f"{migration.sql}\n;"
                        "insert or ignore into schema_migrations (version, applied_at) values "
                        f"('{migration.version}', '{stamp}');\nCOMMIT;"
                    )
                    try:
                        await writer.executescript(script)
                    except BaseException:
                        await _rollback(writer)
                        raise
            except sqlite3.Error as exc:
                _reraise(exc)

    async def ping(self) -> None:
        await self._read("select 1")

    async def close(self) -> None:
        async with self._open_lock:
            for conn in (self._reader, self._writer):
                if conn is not None:
                    await conn.close()
            self._reader = self._writer = None

    # --- patients ---

    async def get_patient(self, phone: str) -> Patient | None:
        rows = await self._read("select * from users where phone = ?", (phone,))
        return patient_from_row(rows[0]) if rows else None

    async def upsert_patient(self, phone: str, name: str | None = None) -> Patient:
        async with self._write() as conn:
            await conn.execute(
                "insert into users (phone, name) values (?, ?) on conflict (phone) do update"
                " set name = coalesce(excluded.name, users.name)",
                (phone, clean_name(name)),
            )
            row = await _one(conn, "select * from users where phone = ?", (phone,))
        assert row is not None
        return patient_from_row(row)

    async def merge_preferences(self, phone: str, preferences: dict[str, Any]) -> Patient:
        if not isinstance(preferences, dict):
            raise InvalidRequest("Preferences must be a set of named values.")
        async with self._write() as conn:
            row = await _one(conn, "select * from users where phone = ?", (phone,))
            if row is None:
                raise failures.patient_not_found()
            merged = {**(json.loads(row["preferences"] or "{}")), **preferences}
            await conn.execute(
                "update users set preferences = ? where phone = ?", (json.dumps(merged), phone)
            )
            row["preferences"] = merged
        return patient_from_row(row)

    # --- appointments ---

    async def book(
        self,
        phone: str,
        start: dt.datetime,
        end: dt.datetime,
        meta: dict[str, Any] | None = None,
    ) -> BookingResult:
        start, end = check_range(start, end)
        s, e = to_db_time(start), to_db_time(end)
        async with self._write() as conn:
            if await _one(conn, "select 1 as ok from users where phone = ?", (phone,)) is None:
                raise failures.patient_not_found()
            same = await _one(
                conn,
                "select * from appointments"
                " where user_phone = ? and start_time = ? and status = 'booked'",
                (phone, s),
            )
            if same is not None:
                return BookingResult(appointment=appointment_from_row(same), created=False)
            if await _overlaps(conn, s, e):
                raise SlotTaken(start=start)
            row = await _insert_appointment(conn, phone, s, e, meta or {})
        return BookingResult(appointment=appointment_from_row(row), created=True)

    async def cancel(self, appointment_id: str, phone: str) -> Appointment:
        async with self._write() as conn:
            row = await _owned(conn, appointment_id, phone)
            if row["status"] != "cancelled":
                meta = {**json.loads(row["meta"] or "{}"), "cancelled_at": _now_iso()}
                await conn.execute(
                    "update appointments set status = 'cancelled', meta = ? where id = ?",
                    (json.dumps(meta), row["id"]),
                )
                row.update(status="cancelled", meta=meta)
        return appointment_from_row(row)

    async def reschedule(
        self, appointment_id: str, phone: str, start: dt.datetime, end: dt.datetime
    ) -> Appointment:
        start, end = check_range(start, end)
        s, e = to_db_time(start), to_db_time(end)
        async with self._write() as conn:
            old = await _owned(conn, appointment_id, phone)
            old_meta = json.loads(old["meta"] or "{}")
            if old["status"] != "booked":
                moved_to = old_meta.get("rescheduled_to")
                if moved_to:
                    new = await _one(
                        conn,
                        "select * from appointments where id = ? and start_time = ?",
                        (moved_to, s),
                    )
                    if new is not None:
                        return appointment_from_row(new)
                raise failures.not_booked()
            if old["start_time"] == s and old["end_time"] == e:
                return appointment_from_row(old)

            carried = {
                k: v
                for k, v in old_meta.items()
                if k not in ("rescheduled_to", "rescheduled_from", "cancelled_at")
            }
            carried["rescheduled_from"] = old["id"]
            self_overlap = old["start_time"] < e and old["end_time"] > s
            if self_overlap:
                # The new slot overlaps the old one, so it cannot be held first; the transaction
                # still guarantees that a failed insert leaves the original booked.
                await conn.execute(
                    "update appointments set status = 'cancelled' where id = ?", (old["id"],)
                )
            if await _overlaps(conn, s, e):
                raise SlotTaken(start=start)
            new = await _insert_appointment(conn, phone, s, e, carried)
            old_meta.update(rescheduled_to=new["id"], cancelled_at=_now_iso())
            await conn.execute(
                "update appointments set status = 'cancelled', meta = ? where id = ?",
                (json.dumps(old_meta), old["id"]),
            )
        return appointment_from_row(new)

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
    ) -> list[Appointment]:
        where, params = [], []
        if phone is not None:
            where.append("user_phone = ?")
            params.append(phone)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if start is not None:
            where.append("end_time > ?")
            params.append(to_db_time(start))
        if end is not None:
            where.append("start_time < ?")
            params.append(to_db_time(end))
        sql = "select * from appointments"
        if where:
            sql += " where " + " and ".join(where)
        rows = await self._read(sql + " order by start_time, id", params)
        return [appointment_from_row(r) for r in rows]

    # --- call summaries ---

    async def save_call_summary(self, summary: CallSummary) -> None:
        key = summary_id(summary)
        values: dict[str, Any] = summary.model_dump()
        values["id"] = key
        as_json = summary.model_dump(mode="json", include=set(SUMMARY_JSON_FIELDS))
        for name in SUMMARY_JSON_FIELDS:
            if as_json[name] is not None:
                values[name] = json.dumps(as_json[name])
        for name in ("started_at", "ended_at"):
            if values[name] is not None:
                values[name] = to_db_time(values[name])
        given_created = values.pop("created_at")
        values["given_created_at"] = to_db_time(given_created) if given_created else None
        values["now"] = _now_db()
        columns = [c for c in values if c not in ("given_created_at", "now")]
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
        async with self._write() as conn:
            if summary.user_phone:
                # An unknown caller still gets a record: their number becomes a (nameless) user
                # rather than the foreign key throwing the summary away.
                await conn.execute(
                    "insert into users (phone) values (?) on conflict (phone) do nothing",
                    (summary.user_phone,),
                )
            await conn.execute(
                f"insert into call_summaries ({', '.join(columns)}, created_at)"
                f" values ({', '.join(':' + c for c in columns)},"
                " coalesce(:given_created_at, :now))"
                f" on conflict (id) do update set {updates},"
                " created_at = coalesce(:given_created_at, call_summaries.created_at)",
                values,
            )

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
    ) -> list[CallSummary]:
        where, params = [], []
        if phone is not None:
            where.append("user_phone = ?")
            params.append(phone)
        if since is not None:
            where.append("created_at >= ?")
            params.append(to_db_time(since))
        if until is not None:
            where.append("created_at < ?")
            params.append(to_db_time(until))
        sql = "select * from call_summaries"
        if where:
            sql += " where " + " and ".join(where)
        sql += " order by created_at desc, id desc limit ? offset ?"
        rows = await self._read(sql, [*params, max(0, int(limit)), max(0, int(offset))])
        return [summary_from_row(r) for r in rows]


# --- helpers on the writer connection (inside a transaction) ---


async def _one(conn: aiosqlite.Connection, sql: str, params: Sequence[Any] = ()) -> Row | None:
    rows = list(await conn.execute_fetchall(sql, params))
    return dict(rows[0]) if rows else None


async def _overlaps(conn: aiosqlite.Connection, start: str, end: str) -> bool:
    row = await _one(
        conn,
        "select 1 as hit from appointments"
        " where status = 'booked' and start_time < ? and end_time > ? limit 1",
        (end, start),
    )
    return row is not None


async def _insert_appointment(
    conn: aiosqlite.Connection, phone: str, start: str, end: str, meta: dict[str, Any]
) -> Row:
    row: Row = {
        "id": str(uuid.uuid4()),
        "user_phone": phone,
        "start_time": start,
        "end_time": end,
        "status": "booked",
        "meta": json.dumps(meta),
    }
    await conn.execute(
        "insert into appointments (id, user_phone, start_time, end_time, status, meta)"
        " values (:id, :user_phone, :start_time, :end_time, :status, :meta)",
        row,
    )
    return row


async def _owned(conn: aiosqlite.Connection, appointment_id: str, phone: str) -> Row:
    key = canonical_uuid(appointment_id)
    row = (
        None if key is None else await _one(conn, "select * from appointments where id = ?", (key,))
    )
    if row is None:
        raise failures.appointment_not_found()
    if row["user_phone"] != phone:
        raise failures.not_your_appointment()
    return row


async def _rollback(conn: aiosqlite.Connection) -> None:
    try:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass  # the transaction is already gone; nothing was committed


def _reraise(exc: sqlite3.Error) -> NoReturn:
    if isinstance(exc, sqlite3.IntegrityError) and "slot_taken" in str(exc):
        raise SlotTaken() from exc
    if isinstance(exc, sqlite3.OperationalError):
        # busy or locked beyond busy_timeout, an unreadable or missing file, a full disk
        raise failures.unavailable() from exc
    raise exc


def _now_db() -> str:
    return to_db_time(dt.datetime.now(dt.UTC))


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
