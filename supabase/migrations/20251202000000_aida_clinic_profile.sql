-- The clinic profile staff set: additive and idempotent, like every file here. One row, the
-- JSON object of ProfileEdits (aida/calendar/profile.py): only the facts staff gave (address,
-- parking, insurance accepted, ...); hours default from the configuration and holidays are the
-- closures, both derived when a call reads the profile.
create table if not exists public.clinic_profile (
  id smallint primary key default 1 check (id = 1),
  profile jsonb not null default '{}'::jsonb check (jsonb_typeof(profile) = 'object'),
  updated_at timestamptz not null default now(),
  updated_by text not null
);

-- As for the other tables: on Supabase only the service role may use it.
do $$
begin
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    alter table public.clinic_profile enable row level security;
    revoke all on table public.clinic_profile from anon;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    revoke all on table public.clinic_profile from authenticated;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    grant select, insert, update on table public.clinic_profile to service_role;
  end if;
end
$$;
