"""A fake PostgREST for testing the Supabase backend at its HTTP boundary."""

from tests.store.supabase_fake.server import FakePostgrest, Recorded, Reply, error_body
from tests.store.supabase_fake.state import PostgrestState

__all__ = ["FakePostgrest", "PostgrestState", "Recorded", "Reply", "error_body"]
