"""Fixtures every test folder may use: the stores, on SQLite and on a real PostgreSQL.

- `pg_server` (session): a `tests.pg.PgServer`; skipped locally without PostgreSQL, a failure in
  CI or with AIDA_REQUIRE_POSTGRES=1.
- `pg_url`: a fresh database with Aida's schema; `pg_empty_url`: a fresh empty one.
- `sqlite_store`, `pg_store`: migrated stores on a fresh database; `store`: both, parametrized.

Tests use the fictional 555 area code ("+15551234567"), which production refuses: allowed here for
every test and every process a test starts, before any Settings is built.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from aida.store.postgres import PostgresStore
from aida.store.protocol import Store
from aida.store.sqlite import SqliteStore
from tests import pg

os.environ["ALLOW_FICTIONAL_NUMBERS"] = "true"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    try:
        server = pg.acquire()
    except pg.PgUnavailable as exc:
        if pg.postgres_required():
            pytest.fail(
                f"PostgreSQL is required here (CI or AIDA_REQUIRE_POSTGRES=1): {exc}", pytrace=False
            )
        pytest.skip(f"!!! NO POSTGRESQL: PostgreSQL tests SKIPPED ({exc})")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: pg.PgServer) -> str:
    return pg_server.migrated_database()


@pytest.fixture
def pg_empty_url(pg_server: pg.PgServer) -> str:
    return pg_server.create_database()


@pytest.fixture
async def pg_store(pg_url: str) -> AsyncIterator[PostgresStore]:
    store = PostgresStore(pg_url)
    await store.migrate()
    yield store
    await store.close()


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(tmp_path / "aida.db")
    await store.migrate()
    yield store
    await store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    """Both backends; `@pytest.mark.parametrize("store", ["sqlite"], indirect=True)` picks one."""
    backend = {"sqlite": "sqlite", "postgres": "pg", "pg": "pg"}[request.param]
    return request.getfixturevalue(f"{backend}_store")
