"""The one place that turns settings into a store: SQLite by default, PostgreSQL when
DATABASE_URL says so, Supabase when SUPABASE_URL and SUPABASE_KEY are set (see
`Settings.store_backend`). With CALENDAR_BACKEND=fhir the clinic's EHR holds the calendar half
(patients, providers, visit types, closures, appointments) and that store keeps Aida's half."""

from __future__ import annotations

from aida.config import Settings, get_settings
from aida.store.protocol import Store


def create_database_store(settings: Settings) -> Store:
    """The configured database, serving both halves, not yet connected or migrated."""
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


def create_store(settings: Settings | None = None) -> Store:
    """The configured store, not yet connected or migrated."""
    settings = settings or get_settings()
    database = create_database_store(settings)
    if settings.calendar_backend != "fhir":
        return database
    # Imported here so clinics without an EHR never load the FHIR client and models.
    from aida.store.fhir import FhirCalendar
    from aida.store.split import SplitStore

    return SplitStore(FhirCalendar.from_settings(settings), database)


async def open_store(settings: Settings | None = None) -> Store:
    """The configured store, migrated and ready; close it with `await store.close()`."""
    store = create_store(settings)
    try:
        await store.migrate()
    except BaseException:
        await store.close()
        raise
    return store
