"""A database set up like a Supabase project (its roles and the default privileges it grants on
everything new in `public`), then migrated by Aida with the files in `supabase/migrations/`."""

from __future__ import annotations

from aida.config import Settings
from aida.store.supabase import SupabaseStore
from tests import pg

SUPABASE_KEY = "test-service-role-key"

SUPABASE_ROLES = """
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;
"""
# What a Supabase project does to every new object in public (see supabase/postgres roles.sql).
SUPABASE_DEFAULT_PRIVILEGES = """
grant usage on schema public to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public
  grant all on sequences to anon, authenticated, service_role;
"""


def supabase_database(server: pg.PgServer) -> str:
    """A new database prepared like a Supabase project, before Aida's migrations; its URL."""
    server.execute(SUPABASE_ROLES)  # roles are cluster-wide: created once, idempotently
    url = server.create_database()
    server.execute(SUPABASE_DEFAULT_PRIVILEGES, url.rsplit("/", 1)[1])
    return url


def supabase_store_at(url: str, **kwargs: object) -> SupabaseStore:
    """A Supabase store on the PostgREST at `url`, with the service role key."""
    settings = Settings(_env_file=None, supabase_url=url, supabase_key=SUPABASE_KEY)  # type: ignore[call-arg]
    return SupabaseStore(settings, **kwargs)  # type: ignore[arg-type]
