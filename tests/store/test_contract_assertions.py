"""Portal assertion ids taken once in the store (`Store.take_assertion_id`), on SQLite, a real
PostgreSQL and Supabase over PostgREST on that PostgreSQL: a second take is refused, by the same
store, by a second store on the same database, and by a second process (SQLite), because a unique
constraint decides, not a process's memory; expired ids are forgotten."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aida.errors import InvalidRequest
from aida.store.postgres import PostgresStore
from aida.store.protocol import Store
from aida.store.sqlite import SqliteStore
from tests.store.supabase_project import supabase_store_at

T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=dt.UTC)
FIVE = dt.timedelta(minutes=5)


async def test_an_id_is_taken_once_and_forgotten_after_it_expires(store: Store) -> None:
    assert await store.take_assertion_id("assertion-0001", T0 + FIVE, T0) is True
    assert await store.take_assertion_id("assertion-0001", T0 + FIVE, T0) is False
    assert await store.take_assertion_id("assertion-0002", T0 + FIVE, T0) is True
    later = T0 + FIVE + dt.timedelta(seconds=1)
    # still refused up to its expiry; past it the row is gone (the assertion itself is refused
    # as expired before any take)
    assert await store.take_assertion_id("assertion-0002", T0 + FIVE, T0 + FIVE) is False
    assert await store.take_assertion_id("assertion-0003", later + FIVE, later) is True
    assert await store.take_assertion_id("assertion-0001", later + FIVE, later) is True
    with pytest.raises(InvalidRequest):
        await store.take_assertion_id("", T0 + FIVE, T0)


@pytest.fixture
async def second_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Another store on the database `store` uses, as a second API process would open it."""
    backend = request.node.callspec.params["store"]
    if backend == "sqlite":
        other: Store = SqliteStore(tmp_path / "aida.db")
    elif backend == "postgres":
        other = PostgresStore(request.getfixturevalue("pg_url"))
    else:
        other = supabase_store_at(request.getfixturevalue("postgrest").url)
    await other.migrate()
    yield other
    await other.close()


async def test_two_stores_on_one_database_take_one_assertion_once(
    store: Store, second_store: Store
) -> None:
    """Two API processes, one replayed assertion, presented to both at once, many times."""
    attempts = [store, second_store] * 10
    taken = await asyncio.gather(
        *(s.take_assertion_id("assertion-raced", T0 + FIVE, T0) for s in attempts)
    )
    assert sorted(taken) == [False] * 19 + [True]


_OTHER_PROCESS = """
import asyncio, datetime as dt, sys
from aida.store.sqlite import SqliteStore

async def main() -> None:
    store = SqliteStore(sys.argv[1])
    await store.migrate()
    t0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=dt.UTC)
    taken = await store.take_assertion_id(sys.argv[2], t0 + dt.timedelta(minutes=5), t0)
    await store.close()
    print("taken" if taken else "refused")

asyncio.run(main())
"""


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
async def test_another_process_refuses_an_assertion_this_one_took(
    store: Store, tmp_path: Path
) -> None:
    def other(jti: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", _OTHER_PROCESS, str(tmp_path / "aida.db"), jti],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return run.stdout.strip()

    assert await store.take_assertion_id("assertion-here", T0 + FIVE, T0) is True
    assert await asyncio.to_thread(other, "assertion-here") == "refused"
    assert await asyncio.to_thread(other, "assertion-there") == "taken"
    assert await store.take_assertion_id("assertion-there", T0 + FIVE, T0) is False
