"""open_store picks the backend the settings name and hands it over migrated."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from aida.config import Settings
from aida.store.factory import create_store, open_store
from aida.store.postgres import PostgresStore
from aida.store.sqlite import SqliteStore


def settings(**values: object) -> Settings:
    base = {"database_url": None, "supabase_url": None, "supabase_key": None}
    return Settings(_env_file=None, **{**base, **values})  # type: ignore[arg-type]


async def test_default_is_sqlite_under_data_in_the_working_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = await open_store(settings())
    try:
        assert isinstance(store, SqliteStore)
        await store.upsert_patient("+15550000001", "Ann")  # migrated: the tables exist
    finally:
        await store.close()
    assert (tmp_path / "data" / "aida.db").is_file()


async def test_database_url_picks_sqlite_file(tmp_path: Path) -> None:
    store = await open_store(settings(database_url=f"sqlite:///{tmp_path}/x/aida.db"))
    try:
        assert isinstance(store, SqliteStore) and store.path == tmp_path / "x" / "aida.db"
        assert await store.get_patient("+1") is None
    finally:
        await store.close()


@pytest.mark.postgres
async def test_database_url_picks_postgres(pg_empty_url: str) -> None:
    store = await open_store(settings(database_url=pg_empty_url))
    try:
        assert isinstance(store, PostgresStore) and store.backend == "postgres"
        assert (await store.upsert_patient("+1", "Ann")).name == "Ann"
    finally:
        await store.close()


async def test_supabase_is_loaded_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []

    class FakeSupabaseStore:
        backend = "supabase"

        def __init__(self, given: Settings) -> None:
            made.append(given)
            self.migrated = self.closed = False

        async def migrate(self) -> None:
            self.migrated = True

        async def close(self) -> None:
            self.closed = True

    module = types.ModuleType("aida.store.supabase")
    module.SupabaseStore = FakeSupabaseStore  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "aida.store.supabase", module)

    config = settings(supabase_url="http://127.0.0.1:1", supabase_key="service-key")
    store = await open_store(config)
    assert isinstance(store, FakeSupabaseStore) and store.migrated and made == [config]


async def test_a_failed_migration_closes_the_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = create_store(settings(database_url=f"sqlite:///{tmp_path}/aida.db"))
    closed = []

    async def broken() -> None:
        raise RuntimeError("schema went wrong")

    async def close() -> None:
        closed.append(True)

    monkeypatch.setattr(store, "migrate", broken)
    monkeypatch.setattr(store, "close", close)
    monkeypatch.setattr("aida.store.factory.create_store", lambda _settings: store)
    with pytest.raises(RuntimeError, match="schema went wrong"):
        await open_store(settings())
    assert closed == [True]
