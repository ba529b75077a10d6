"""What only the SQLite store has to prove: the file it makes, how it stores time, and the
trigger that refuses a double booking even when the code above it is bypassed."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from aida.errors import StoreUnavailable
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
