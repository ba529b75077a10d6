-- Aida schema: the brief's three tables plus additive changes only, so an existing Supabase
-- project keeps working. Every statement is idempotent: the Supabase CLI and Aida's own
-- `migrate()` may both apply this file to the same database.

create table if not exists public.users (
  phone text primary key,
  name text,
  preferences jsonb default '{}'::jsonb
);

create table if not exists public.appointments (
  id uuid primary key default gen_random_uuid(),
  user_phone text references public.users(phone),
  start_time timestamptz not null,
  end_time timestamptz not null,
  status text default 'booked',
  meta jsonb default '{}'::jsonb
);

create table if not exists public.call_summaries (
  id uuid primary key default gen_random_uuid(),
  user_phone text references public.users(phone),
  summary_text text,
  preferences jsonb,
  appointments_in_call jsonb,
  cost_breakdown jsonb,
  timeline jsonb,
  transcript jsonb,
  created_at timestamptz default now()
);

-- After-call record: additive, nullable.
alter table public.call_summaries
  add column if not exists action_items jsonb,
  add column if not exists status text,
  add column if not exists room_name text,
  add column if not exists started_at timestamptz,
  add column if not exists ended_at timestamptz,
  add column if not exists duration_seconds double precision,
  add column if not exists end_reason text;

-- Double booking is impossible by construction: two booked appointments may not overlap.
-- '[)' keeps back-to-back slots legal; cancelled rows do not count, so a freed slot can be rebooked.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_constraint
                 where conname = 'appointments_valid_range'
                   and conrelid = 'public.appointments'::regclass) then
    alter table public.appointments
      add constraint appointments_valid_range check (end_time > start_time);
  end if;
  if not exists (select 1 from pg_catalog.pg_constraint
                 where conname = 'appointments_no_overlap'
                   and conrelid = 'public.appointments'::regclass) then
    alter table public.appointments
      add constraint appointments_no_overlap
      exclude using gist (tstzrange(start_time, end_time, '[)') with &&)
      where (status = 'booked');
  end if;
end
$$;

create index if not exists appointments_user_phone_start_idx
  on public.appointments (user_phone, start_time);
create index if not exists call_summaries_created_at_idx
  on public.call_summaries (created_at desc);
create index if not exists call_summaries_user_phone_created_at_idx
  on public.call_summaries (user_phone, created_at desc);

-- Supabase grants anon and authenticated every table in public by default; these rows are
-- patient data, so only the service role (which bypasses RLS) may read them. Plain PostgreSQL
-- has no anon role and the app connects as the owner, so RLS is left off there.
do $$
begin
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    alter table public.users enable row level security;
    alter table public.appointments enable row level security;
    alter table public.call_summaries enable row level security;
  end if;
end
$$;
