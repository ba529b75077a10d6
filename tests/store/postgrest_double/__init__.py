"""PostgREST at its HTTP boundary, for testing the Supabase backend: a recording server with
scripted replies, and an adapter that answers from a real PostgreSQL (no rules of its own)."""

from tests.store.postgrest_double.on_postgres import PostgrestOnPostgres, postgrest_on
from tests.store.postgrest_double.server import FakePostgrest, Recorded, Reply, error_body

__all__ = [
    "FakePostgrest",
    "PostgrestOnPostgres",
    "Recorded",
    "Reply",
    "error_body",
    "postgrest_on",
]
