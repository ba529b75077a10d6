-- Outbound calls (aida/outbound): additive and idempotent, like every file here. Every call
-- record says which way it went ("inbound" | "outbound"; NULL on older rows: inbound), and each
-- call Aida places is one row of outbound_calls, written before the number is dialled (a crash
-- still counts against REMINDER_MAX_ATTEMPTS) and updated with its outcome. No foreign keys to
-- appointments or users: with the calendar in an EHR those rows live there.
alter table public.call_summaries add column if not exists direction text;

create table if not exists public.outbound_calls (
  id uuid primary key,
  purpose text not null,
  phone text not null,
  appointment_id text,
  refs jsonb not null default '{}'::jsonb check (jsonb_typeof(refs) = 'object'),
  room_name text,
  outcome text not null,
  error text,
  call_id uuid,
  started_at timestamptz not null,
  updated_at timestamptz
);
create index if not exists outbound_calls_appointment_idx
  on public.outbound_calls (appointment_id, purpose);
create index if not exists outbound_calls_phone_idx on public.outbound_calls (phone, started_at);

-- As for the other tables: on Supabase only the service role may use it.
do $$
begin
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    alter table public.outbound_calls enable row level security;
    revoke all on table public.outbound_calls from anon;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    revoke all on table public.outbound_calls from authenticated;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    grant select, insert, update on table public.outbound_calls to service_role;
  end if;
end
$$;
