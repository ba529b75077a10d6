"""The one place that turns settings into a store: SQLite by default, PostgreSQL when
DATABASE_URL says so, Supabase when SUPABASE_URL and SUPABASE_KEY are set (see
`Settings.store_backend`)."""

from __future__ import annotations

from aida.config import Settings, get_settings
from aida.store.protocol import Store


def create_store(settings: Settings | None = None) -> Store:
    """The configured store, not yet connected or migrated."""
    settings = settings or get_settings()
    backend = settings.store_backend
    if backend == "sqlite":
        from aida.store.sqlite import SqliteStore

        return SqliteStore.from_url(settings.sqlite_url)
    if backend == "postgres":
        from aida.store.postgres import PostgresStore

        assert settings.database_url is not None
        return PostgresStore(settings.database_url)
    # Imported here so SQLite and PostgreSQL users never load the Supabase client.
    from aida.store.supabase import SupabaseStore

    return SupabaseStore(settings)


async def open_store(settings: Settings | None = None) -> Store:
    """The configured store, migrated and ready; close it with `await store.close()`."""
    store = create_store(settings)
    try:
        await store.migrate()
    except BaseException:
        await store.close()
        raise
    return store
