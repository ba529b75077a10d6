"""The store contract runs on three backends here: SQLite, PostgreSQL, and Supabase, whose
PostgREST requests are answered by the real SQL functions and tables on the real PostgreSQL
(`tests/store/postgrest_double/on_postgres.py`), so the booking rules are tested where they live.

The contract follows the protocol's split: modules marked `calendar` (the clinic's half:
patients, appointments, providers, visit types, closures) also run on the FHIR server
(`fhir_store`: the EHR's calendar with Aida's half on SQLite); the others are Aida's half and run
on the three databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest

from aida.store.postgres import PostgresStore
from aida.store.protocol import Store
from aida.store.supabase import SupabaseStore
from tests import pg
from tests.store.postgrest_double import FakePostgrest, postgrest_on
from tests.store.supabase_project import supabase_database, supabase_store_at


@pytest.fixture(scope="session")
def supabase_template(pg_server: pg.PgServer) -> str:
    """A database set up like a Supabase project and migrated by Aida once a session; each test
    gets a copy of it."""
    url = supabase_database(pg_server)

    async def migrate() -> None:
        store = PostgresStore(url, pool_size=1, max_overflow=0)
        try:
            await store.migrate()
        finally:
            await store.close()

    pg.run_sync(migrate)
    return urlsplit(url).path.lstrip("/")


@pytest.fixture
def supabase_db_url(pg_server: pg.PgServer, supabase_template: str) -> str:
    return pg_server.create_database(template=supabase_template)


@pytest.fixture
async def postgrest(supabase_db_url: str) -> AsyncIterator[FakePostgrest]:
    """PostgREST on 127.0.0.1 over a fresh Supabase-like database: every request recorded."""
    async with postgrest_on(supabase_db_url) as server:
        yield server


@pytest.fixture
async def supabase_store(postgrest: FakePostgrest) -> AsyncIterator[SupabaseStore]:
    store = supabase_store_at(postgrest.url)
    await store.migrate()
    yield store
    await store.close()


DATABASES = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("supabase", marks=pytest.mark.postgres),
]
FHIR = pytest.param("fhir", marks=pytest.mark.fhir)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`store` is every database, and the FHIR calendar too for tests marked `calendar`; a
    test's own `@pytest.mark.parametrize("store", [...], indirect=True)` wins."""
    if "store" not in metafunc.fixturenames:
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if "store" in ([n.strip() for n in names.split(",")] if isinstance(names, str) else names):
            return
    calendar = metafunc.definition.get_closest_marker("calendar") is not None
    metafunc.parametrize("store", [*DATABASES, *([FHIR] if calendar else [])], indirect=True)


@pytest.fixture
def store(request: pytest.FixtureRequest) -> Store:
    """One backend per parameter (see `pytest_generate_tests`)."""
    backend = {
        "sqlite": "sqlite",
        "postgres": "pg",
        "pg": "pg",
        "supabase": "supabase",
        "fhir": "fhir",
    }
    return request.getfixturevalue(f"{backend[request.param]}_store")
