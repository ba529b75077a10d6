"""Fixtures every test folder may use: the stores, on SQLite and on a real PostgreSQL.

- `pg_server` (session): a `tests.pg.PgServer`; skipped locally without PostgreSQL, a failure in
  CI or with AIDA_REQUIRE_POSTGRES=1.
- `pg_url`: a fresh database with Aida's schema; `pg_empty_url`: a fresh empty one.
- `sqlite_store`, `pg_store`: migrated stores on a fresh database; `store`: both, parametrized.
- `fhir_server` (session): a `tests.fhir.FhirServer` (sekmet-fhir on 127.0.0.1); skipped locally
  without it, a failure in CI or with AIDA_REQUIRE_FHIR=1. `fhir_calendar`: the EHR calendar on
  it, emptied first; `fhir_store`: that calendar with Aida's half on a fresh SQLite file.

Tests use the fictional 555 area code ("+15551234567"), which production refuses: allowed here for
every test and every process a test starts, before any Settings is built.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from aida.store.fhir import FhirCalendar
from aida.store.postgres import PostgresStore
from aida.store.protocol import Store
from aida.store.split import SplitStore
from aida.store.sqlite import SqliteStore
from tests import fhir, pg

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


@pytest.fixture(scope="session")
def fhir_server() -> Iterator[fhir.FhirServer]:
    try:
        server = fhir.start_server()
    except fhir.FhirUnavailable as exc:
        if fhir.fhir_required():
            pytest.fail(
                f"The FHIR server is required here (CI or AIDA_REQUIRE_FHIR=1): {exc}",
                pytrace=False,
            )
        pytest.skip(f"!!! NO FHIR SERVER: FHIR tests SKIPPED ({exc})")
    yield server
    server.stop()


@pytest.fixture
async def fhir_calendar(
    fhir_server: fhir.FhirServer, tmp_path: Path
) -> AsyncIterator[FhirCalendar]:
    fhir_server.reset()
    calendar = FhirCalendar(fhir_server.base_url, lock_dir=tmp_path)
    await calendar.migrate()
    yield calendar
    await calendar.close()


@pytest.fixture
async def fhir_store(fhir_calendar: FhirCalendar, tmp_path: Path) -> AsyncIterator[SplitStore]:
    aida = SqliteStore(tmp_path / "aida.db")
    store = SplitStore(fhir_calendar, aida)
    await aida.migrate()
    yield store
    await aida.close()


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
