-- The waitlist: additive and idempotent, like every file here.
--
-- 1. Slot holds, on the calendar. A freed time kept for one waitlist patient is an appointment
--    row with status 'held' and hold_expires_at; the exclusion constraint now covers 'held' as
--    it covers 'booked', so nobody else can book or hold the time, whatever calls the database.
--    Accepting turns the same row into 'booked' (confirm_hold), one statement under the lock.
--    The constraint cannot read a clock (its predicate must be immutable), so a lapsed hold
--    blocks until released: hold_slot and release_expired_holds release lapsed ones by the
--    time the caller passes (the waitlist's injectable clock), under the booking lock, and
--    Aida's booking tools release them before they book.
-- 2. The entries and the offers made to them: Aida's own records, like the clinic profile.
--
-- New SQLSTATE: AI408 the hold lapsed or was released before it was accepted.

alter table public.appointments add column if not exists hold_expires_at timestamptz;

do $$
begin
  if not exists (select 1 from pg_catalog.pg_constraint
                 where conname = 'appointments_hold_has_expiry'
                   and conrelid = 'public.appointments'::regclass) then
    alter table public.appointments
      add constraint appointments_hold_has_expiry
      check (status is distinct from 'held' or hold_expires_at is not null);
  end if;
  -- Same name as before, so the earlier migrations (re-applied by hand) find it and skip it.
  if exists (select 1 from pg_catalog.pg_constraint
             where conname = 'appointments_no_overlap'
               and conrelid = 'public.appointments'::regclass
               and pg_catalog.pg_get_constraintdef(oid) not like '%held%') then
    alter table public.appointments drop constraint appointments_no_overlap;
  end if;
  if not exists (select 1 from pg_catalog.pg_constraint
                 where conname = 'appointments_no_overlap'
                   and conrelid = 'public.appointments'::regclass) then
    alter table public.appointments
      add constraint appointments_no_overlap
      exclude using gist (
        (coalesce(provider_id, '00000000-0000-0000-0000-000000000000'::uuid)) with =,
        tstzrange(start_time, end_time, '[)') with &&
      )
      where (status in ('booked', 'held'));
  end if;
end
$$;

-- A hold is not put into a closure either.
create or replace function public.appointments_not_in_closure() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_reason text;
begin
  if new.status in ('booked', 'held') then
    select c.reason into v_reason
      from public.closures c
     where c.start_time < new.end_time and c.end_time > new.start_time
     limit 1;
    if found then
      raise exception 'the clinic is closed then' using errcode = 'AI423',
        detail = coalesce(v_reason, '');
    end if;
  end if;
  return new;
end;
$$;

create index if not exists appointments_held_idx
  on public.appointments (hold_expires_at) where status = 'held';

-- Keep [p_start, p_end) for one patient until p_expires_at. Lapsed holds on the same calendar
-- at that time are released first (by p_now); a booked or held overlap raises 23P01.
create or replace function public.hold_slot(
  p_user_phone text,
  p_start timestamptz,
  p_end timestamptz,
  p_now timestamptz,
  p_expires_at timestamptz,
  p_meta jsonb default '{}'::jsonb,
  p_provider_id uuid default null,
  p_visit_type_id uuid default null
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.appointments;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('book:clinic', 0));

  if p_start is null or p_end is null or p_end <= p_start
     or p_now is null or p_expires_at is null or p_expires_at <= p_now then
    raise exception 'a hold must end after it starts and lapse later' using errcode = '22023';
  end if;
  if not exists (select 1 from public.users u where u.phone = p_user_phone) then
    raise exception 'patient not found' using errcode = 'AI410';
  end if;

  delete from public.appointments a
   where a.status = 'held' and a.hold_expires_at <= p_now
     and a.provider_id is not distinct from p_provider_id
     and a.start_time < p_end and a.end_time > p_start;

  insert into public.appointments
    (user_phone, start_time, end_time, status, meta, provider_id, visit_type_id, hold_expires_at)
  values (p_user_phone, p_start, p_end, 'held', coalesce(p_meta, '{}'::jsonb),
          p_provider_id, p_visit_type_id, p_expires_at)
  returning * into v_row;
  return pg_catalog.to_jsonb(v_row);
end;
$$;

-- The patient said yes: the held row becomes their booking, in one statement under the lock.
-- Already confirmed: returned as is. Lapsed by p_now, or released: AI408.
create or replace function public.confirm_hold(
  p_hold_id uuid,
  p_user_phone text,
  p_now timestamptz
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.appointments;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('book:clinic', 0));

  select a.* into v_row from public.appointments a where a.id = p_hold_id for update;
  if not found then
    raise exception 'the hold is gone' using errcode = 'AI408';
  end if;
  if v_row.user_phone is distinct from p_user_phone then
    raise exception 'appointment belongs to another patient' using errcode = 'AI403';
  end if;
  if v_row.status = 'booked' and v_row.meta ? 'held_until' then
    return pg_catalog.to_jsonb(v_row);
  end if;
  if v_row.status is distinct from 'held' or v_row.hold_expires_at <= p_now then
    raise exception 'the hold lapsed' using errcode = 'AI408';
  end if;

  update public.appointments
     set status = 'booked',
         meta = coalesce(meta, '{}'::jsonb)
                || pg_catalog.jsonb_build_object('held_until', v_row.hold_expires_at),
         hold_expires_at = null
   where id = v_row.id
  returning * into v_row;
  return pg_catalog.to_jsonb(v_row);
end;
$$;

-- Let a hold go (declined, withdrawn by staff); returns the row released, or null.
create or replace function public.release_hold(p_hold_id uuid) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.appointments;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('book:clinic', 0));
  delete from public.appointments a
   where a.id = p_hold_id and a.status = 'held'
  returning * into v_row;
  if not found then
    return null;
  end if;
  return pg_catalog.to_jsonb(v_row);
end;
$$;

-- Every hold lapsed by p_now, released; returns them (for the waitlist to offer onward).
create or replace function public.release_expired_holds(p_now timestamptz) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_rows jsonb;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('book:clinic', 0));
  with gone as (
    delete from public.appointments a
     where a.status = 'held' and a.hold_expires_at <= p_now
    returning a.*
  )
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(g) order by g.start_time, g.id),
                  '[]'::jsonb)
    into v_rows from gone g;
  return v_rows;
end;
$$;

create table if not exists public.waitlist_entries (
  id uuid primary key default gen_random_uuid(),
  patient_phone text not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  daily_from text,
  daily_until text,
  weekly boolean not null default false,
  description text not null,
  provider_id uuid,
  visit_type_id uuid,
  status text not null default 'waiting',
  created_at timestamptz not null default now(),
  updated_by text,
  note text,
  constraint waitlist_entries_status
    check (status in ('waiting', 'offered', 'booked', 'removed')),
  constraint waitlist_entries_window check (window_end > window_start)
);

create index if not exists waitlist_entries_status_idx
  on public.waitlist_entries (status, created_at, id);

create table if not exists public.waitlist_offers (
  id uuid primary key default gen_random_uuid(),
  entry_id uuid not null references public.waitlist_entries(id) on delete cascade,
  hold_id uuid not null,
  slot_start timestamptz not null,
  slot_end timestamptz not null,
  provider_id uuid,
  status text not null default 'offered',
  offered_at timestamptz not null,
  expires_at timestamptz not null,
  answered_at timestamptz,
  appointment_id uuid,
  constraint waitlist_offers_status
    check (status in ('offered', 'accepted', 'declined', 'expired', 'withdrawn'))
);

create index if not exists waitlist_offers_entry_idx
  on public.waitlist_offers (entry_id, slot_start);
create index if not exists waitlist_offers_open_idx
  on public.waitlist_offers (status, expires_at);

-- As for the other tables and functions: on Supabase only the service role may use them.
do $$
declare
  fn text;
begin
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    alter table public.waitlist_entries enable row level security;
    alter table public.waitlist_offers enable row level security;
    revoke all on table public.waitlist_entries, public.waitlist_offers from anon;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    revoke all on table public.waitlist_entries, public.waitlist_offers from authenticated;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete
      on table public.waitlist_entries, public.waitlist_offers to service_role;
  end if;
  foreach fn in array array[
    'public.hold_slot(text, timestamptz, timestamptz, timestamptz, timestamptz, jsonb, uuid, uuid)',
    'public.confirm_hold(uuid, text, timestamptz)',
    'public.release_hold(uuid)',
    'public.release_expired_holds(timestamptz)'
  ] loop
    execute pg_catalog.format('revoke execute on function %s from public', fn);
    if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
      execute pg_catalog.format('revoke execute on function %s from anon', fn);
    end if;
    if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
      execute pg_catalog.format('revoke execute on function %s from authenticated', fn);
    end if;
    if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
      execute pg_catalog.format('grant execute on function %s to service_role', fn);
    end if;
  end loop;
end
$$;
