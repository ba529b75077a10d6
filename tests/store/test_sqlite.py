"""What only the SQLite store has to prove: the file it makes, how it stores time, and the
trigger that refuses a double booking even when the code above it is bypassed."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from aida.errors import SlotTaken, StoreUnavailable
from aida.store import sqlite as sqlite_store_module
from aida.store.migrations import sqlite_migrations
from aida.store.sqlite import SqliteStore, sqlite_path

T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=dt.UTC)
SLOT = dt.timedelta(minutes=30)


def test_urls_map_to_paths() -> None:
    assert sqlite_path("sqlite:///data/aida.db") == Path("data/aida.db")
    assert sqlite_path("sqlite:////var/lib/aida/aida.db") == Path("/var/lib/aida/aida.db")
    assert sqlite_path("sqlite+aiosqlite:///x.db?mode=rwc") == Path("x.db")
    for bad in ("sqlite:///:memory:", "sqlite://", "postgresql://h/db"):
        with pytest.raises(ValueError):
            sqlite_path(bad)


async def test_creates_its_folder_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "aida.db"
    store = SqliteStore(path)
    await store.migrate()
    await store.migrate()
    await store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("pragma journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in raw.execute("select version from schema_migrations")]
    assert versions == [m.version for m in sqlite_migrations()]


async def test_times_are_stored_as_utc_text(sqlite_store: SqliteStore) -> None:
    plus2 = dt.timezone(dt.timedelta(hours=2))
    await sqlite_store.upsert_patient("+15550000001")
    await sqlite_store.book("+15550000001", T0.astimezone(plus2), (T0 + SLOT).astimezone(plus2))
    with sqlite3.connect(sqlite_store.path) as raw:
        row = raw.execute("select start_time, end_time from appointments").fetchone()
    assert row == ("2030-01-07T15:00:00.000000Z", "2030-01-07T15:30:00.000000Z")


async def test_the_trigger_refuses_overlaps_written_behind_the_stores_back(
    sqlite_store: SqliteStore,
) -> None:
    await sqlite_store.upsert_patient("+1")
    await sqlite_store.book("+1", T0, T0 + SLOT)
    insert = (
        "insert into appointments (id, user_phone, start_time, end_time, status)"
        " values (?, '+1', ?, ?, ?)"
    )
    t = lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # noqa: E731
    with sqlite3.connect(sqlite_store.path) as raw:
        with pytest.raises(sqlite3.IntegrityError, match="slot_taken"):
            raw.execute(insert, ("a", t(T0 + SLOT / 2), t(T0 + SLOT * 1.5), "booked"))
        raw.execute(insert, ("b", t(T0 + SLOT / 2), t(T0 + SLOT * 1.5), "cancelled"))
        raw.execute(insert, ("c", t(T0 + SLOT), t(T0 + 2 * SLOT), "booked"))  # back to back
        with pytest.raises(sqlite3.IntegrityError, match="slot_taken"):
            raw.execute("update appointments set status = 'booked' where id = 'b'")
        with pytest.raises(sqlite3.IntegrityError, match="slot_taken"):
            raw.execute(
                "update appointments set start_time = ? where id = 'c'", (t(T0 + SLOT / 2),)
            )
        booked = raw.execute("select count(*) from appointments where status = 'booked'")
        assert booked.fetchone()[0] == 2


async def test_an_unopenable_file_is_store_unavailable(tmp_path: Path) -> None:
    (tmp_path / "a-folder.db").mkdir()
    store = SqliteStore(tmp_path / "a-folder.db")
    with pytest.raises(StoreUnavailable):
        await store.migrate()
    await store.close()


async def test_two_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    """As the API and the voice worker do: two processes, one file."""
    first, second = SqliteStore(tmp_path / "shared.db"), SqliteStore(tmp_path / "shared.db")
    await first.migrate()
    await second.migrate()
    try:
        await first.upsert_patient("+1", "Ann")
        booked = await first.book("+1", T0, T0 + SLOT)
        assert await second.get_appointment(booked.appointment.id) == booked.appointment
        assert (await second.book("+1", T0, T0 + SLOT)).created is False
    finally:
        await first.close()
        await second.close()


async def test_an_older_database_upgrades_in_place(tmp_path: Path) -> None:
    """A file made by the first release (0001 only) with rows in it keeps them and gains the
    date of birth, the identity failures and the audit log."""
    path = tmp_path / "old.db"
    first = sqlite_migrations()[0]
    with sqlite3.connect(path) as raw:
        raw.executescript(first.sql)
        raw.execute("create table schema_migrations (version text primary key, applied_at text)")
        raw.execute("insert into schema_migrations values (?, 'then')", (first.version,))
        raw.execute("insert into users (phone, name) values ('+15550000001', 'Old Timer')")
    store = SqliteStore(path)
    try:
        await store.migrate()
        await store.migrate()
        old = await store.get_patient("+15550000001")
        assert old is not None and (old.name, old.date_of_birth) == ("Old Timer", None)
        dob = dt.date(1950, 5, 6)
        assert (await store.upsert_patient("+15550000001", None, dob)).date_of_birth == dob
        await store.record_identity_failure("+15550000001", T0)
        assert await store.count_identity_failures("+15550000001", T0) == 1
    finally:
        await store.close()
    with sqlite3.connect(path) as raw:
        versions = [r[0] for r in raw.execute("select version from schema_migrations")]
    assert versions == [m.version for m in sqlite_migrations()]


async def test_processes_migrating_one_file_at_once_all_succeed(tmp_path: Path) -> None:
    """ALTER TABLE ADD COLUMN cannot be repeated: whoever loses the race finds the migration
    recorded by the winner instead of failing."""
    stores = [SqliteStore(tmp_path / "race.db") for _ in range(4)]
    try:
        await asyncio.gather(*(s.migrate() for s in stores))
        await stores[0].upsert_patient("+1", "Ann", dt.date(1990, 1, 1))
        assert (await stores[3].get_patient("+1")).date_of_birth == dt.date(1990, 1, 1)
    finally:
        for s in stores:
            await s.close()


async def test_a_migration_recorded_while_it_ran_is_skipped(tmp_path: Path) -> None:
    """The losing side of that race, made deterministic: between this store's check and its
    attempt, another process applies 0002 (the column exists) and records it."""
    path = tmp_path / "raced.db"
    store = SqliteStore(path)
    await store.migrate()
    await store.close()
    second = sqlite_migrations()[1].version
    with sqlite3.connect(path) as raw:
        raw.execute("delete from schema_migrations where version = ?", (second,))
    real_applied = sqlite_store_module._applied
    raced: list[str] = []

    def applied_meanwhile(conn: sqlite3.Connection, version: str) -> bool:
        if version == second and not raced:
            raced.append(version)
            conn.execute("insert into schema_migrations values (?, 'the winner')", (version,))
            return False  # what this process saw a moment before the winner committed
        return real_applied(conn, version)

    store = SqliteStore(path)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sqlite_store_module, "_applied", applied_meanwhile)
            await store.migrate()  # the ALTER TABLE fails; the recorded version says why
        assert raced == [second]
        await store.upsert_patient("+1", "Ann", dt.date(1990, 1, 1))
    finally:
        await store.close()


async def test_the_triggers_keep_providers_apart_and_closures_shut_behind_the_stores_back(
    sqlite_store: SqliteStore,
) -> None:
    await sqlite_store.upsert_patient("+1")
    patel = await sqlite_store.save_provider("Dr. Patel")
    kim = await sqlite_store.save_provider("Dr. Kim")
    await sqlite_store.book("+1", T0, T0 + SLOT, provider_id=patel.id)
    await sqlite_store.add_closure(T0 + 4 * SLOT, T0 + 6 * SLOT, "Holiday")
    insert = (
        "insert into appointments (id, user_phone, start_time, end_time, status, provider_id)"
        " values (?, '+1', ?, ?, 'booked', ?)"
    )
    t = lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # noqa: E731
    with sqlite3.connect(sqlite_store.path) as raw:
        raw.execute("pragma foreign_keys = on")
        with pytest.raises(sqlite3.IntegrityError, match="slot_taken"):
            raw.execute(insert, ("a", t(T0), t(T0 + SLOT), patel.id))
        raw.execute(insert, ("b", t(T0), t(T0 + SLOT), kim.id))
        raw.execute(insert, ("c", t(T0), t(T0 + SLOT), None))
        with pytest.raises(sqlite3.IntegrityError, match="slot_taken"):
            raw.execute(insert, ("d", t(T0), t(T0 + SLOT), None))
        with pytest.raises(sqlite3.IntegrityError, match="slot_taken"):  # moving onto Kim's
            raw.execute("update appointments set provider_id = ? where id = 'c'", (kim.id,))
        with pytest.raises(sqlite3.IntegrityError, match="clinic_closed"):
            raw.execute(insert, ("e", t(T0 + 5 * SLOT), t(T0 + 6 * SLOT), kim.id))
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            raw.execute(insert, ("f", t(T0 + 8 * SLOT), t(T0 + 9 * SLOT), "no-such-provider"))
        booked = raw.execute("select count(*) from appointments where status = 'booked'")
        assert booked.fetchone()[0] == 3


async def test_a_database_from_before_the_calendar_upgrades_in_place(tmp_path: Path) -> None:
    """0001 and 0002 applied, appointments in it: they keep their shared calendar."""
    path = tmp_path / "before.db"
    earlier = sqlite_migrations()[:2]
    with sqlite3.connect(path) as raw:
        raw.execute("create table schema_migrations (version text primary key, applied_at text)")
        for migration in earlier:
            raw.executescript(migration.sql)
            raw.execute("insert into schema_migrations values (?, 'then')", (migration.version,))
        raw.execute("insert into users (phone) values ('+1')")
        raw.execute(
            "insert into appointments (id, user_phone, start_time, end_time) values"
            " ('old', '+1', '2030-01-07T15:00:00.000000Z', '2030-01-07T15:30:00.000000Z')"
        )
    store = SqliteStore(path)
    try:
        await store.migrate()
        await store.migrate()
        (old,) = await store.list_appointments()
        assert old.id == "old" and old.provider_id is None
        with pytest.raises(SlotTaken):
            await store.book("+1", T0 + SLOT / 2, T0 + SLOT * 1.5)
        patel = await store.save_provider("Dr. Patel")
        assert (
            await store.book("+1", T0 + SLOT / 2, T0 + SLOT * 1.5, provider_id=patel.id)
        ).created
    finally:
        await store.close()
