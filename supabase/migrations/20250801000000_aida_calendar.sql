-- The calendar a real clinic runs: closures, providers and visit types. Additive and idempotent,
-- like every file here: the brief's tables keep their columns, appointments gain two nullable
-- ones, and a clinic without providers books exactly as before.
--
-- New SQLSTATEs (besides those in the booking functions file): AI423 the time falls in a
-- closure, AI422 a visit type names a provider that does not exist.

-- A time the clinic takes no appointments. all_day: the clinic's whole local day(s), stored as
-- the instants they begin and end.
create table if not exists public.closures (
  id uuid primary key default gen_random_uuid(),
  start_time timestamptz not null,
  end_time timestamptz not null,
  reason text,
  all_day boolean not null default false,
  created_at timestamptz not null default now(),
  constraint closures_valid_range check (end_time > start_time)
);

create index if not exists closures_start_idx on public.closures (start_time, end_time);

-- Someone patients book with; hours is the configured text ("Mon-Fri 09:00-17:00"), null for
-- the clinic's own hours.
create table if not exists public.providers (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  hours text
);

create unique index if not exists providers_name_key on public.providers (lower(name));

-- A kind of visit, its length, and who may see it (provider ids; empty: anyone).
create table if not exists public.visit_types (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  minutes integer not null,
  provider_ids jsonb not null default '[]'::jsonb,
  constraint visit_types_minutes check (minutes between 5 and 480)
);

create unique index if not exists visit_types_name_key on public.visit_types (lower(name));

alter table public.appointments
  add column if not exists provider_id uuid references public.providers(id),
  add column if not exists visit_type_id uuid references public.visit_types(id);

-- Double booking stays impossible, now per provider. A plain `provider_id with =` would let any
-- number of provider-less rows overlap (NULL = NULL is not true, so they never conflict); the
-- nil uuid stands in for "no provider", which keeps the one shared calendar of a clinic without
-- providers. Keyed by a uuid with `=` in a GiST index needs btree_gist (trusted, so the database
-- owner may create it; on Supabase it goes in the extensions schema).
do $$
begin
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'btree_gist') then
    if exists (select 1 from pg_catalog.pg_namespace where nspname = 'extensions') then
      create extension btree_gist with schema extensions;
    else
      create extension btree_gist;
    end if;
  end if;
  -- Same name as before, so the first migration (re-applied by hand) finds it and skips it.
  if exists (select 1 from pg_catalog.pg_constraint
             where conname = 'appointments_no_overlap'
               and conrelid = 'public.appointments'::regclass
               and pg_catalog.pg_get_constraintdef(oid) not like '%provider_id%') then
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
      where (status = 'booked');
  end if;
end
$$;

-- Nothing is booked into a closure, whatever calls the database (SQLSTATE AI423). Only new rows
-- are checked: a closure added later leaves existing appointments for staff to move, and
-- cancelling one must still work. Closures are added under the booking lock (see the stores), so
-- a booking and a closure cannot slip past each other.
create or replace function public.appointments_not_in_closure() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_reason text;
begin
  if new.status = 'booked' then
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

drop trigger if exists appointments_not_in_closure on public.appointments;
create trigger appointments_not_in_closure
  before insert on public.appointments
  for each row execute function public.appointments_not_in_closure();

create index if not exists appointments_provider_booked_start_idx
  on public.appointments (provider_id, start_time, end_time) where status = 'booked';

-- Booking with a provider and a visit type. A new name rather than an overload of
-- book_appointment: PostgREST cannot choose between overloads that both accept the same named
-- arguments (PGRST203), and book_appointment's signature is what existing callers use.
create or replace function public.book_provider_appointment(
  p_user_phone text,
  p_start timestamptz,
  p_end timestamptz,
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

  if p_start is null or p_end is null or p_end <= p_start then
    raise exception 'an appointment must end after it starts' using errcode = '22023';
  end if;
  if not exists (select 1 from public.users u where u.phone = p_user_phone) then
    raise exception 'patient not found' using errcode = 'AI410';
  end if;
  if p_provider_id is not null
     and not exists (select 1 from public.providers p where p.id = p_provider_id) then
    raise exception 'provider not found' using errcode = '22023';
  end if;
  if p_visit_type_id is not null
     and not exists (select 1 from public.visit_types v where v.id = p_visit_type_id) then
    raise exception 'visit type not found' using errcode = '22023';
  end if;

  -- The same caller asking again (a retry, a repeated tool call) gets the booking they have.
  select a.* into v_row
    from public.appointments a
   where a.user_phone = p_user_phone and a.start_time = p_start and a.status = 'booked'
   limit 1;
  if found then
    return pg_catalog.jsonb_build_object('appointment', pg_catalog.to_jsonb(v_row), 'created', false);
  end if;

  insert into public.appointments
    (user_phone, start_time, end_time, status, meta, provider_id, visit_type_id)
  values (p_user_phone, p_start, p_end, 'booked', coalesce(p_meta, '{}'::jsonb),
          p_provider_id, p_visit_type_id)
  returning * into v_row;
  return pg_catalog.jsonb_build_object('appointment', pg_catalog.to_jsonb(v_row), 'created', true);
end;
$$;

-- The original entry point stays, same signature: a booking on the shared calendar.
create or replace function public.book_appointment(
  p_user_phone text,
  p_start timestamptz,
  p_end timestamptz,
  p_meta jsonb default '{}'::jsonb
) returns jsonb
language sql
set search_path = ''
as $$
  select public.book_provider_appointment(p_user_phone, p_start, p_end, p_meta, null, null);
$$;

-- A move keeps the appointment's provider and visit type.
create or replace function public.reschedule_appointment(
  p_appointment_id uuid,
  p_user_phone text,
  p_start timestamptz,
  p_end timestamptz
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_old public.appointments;
  v_new public.appointments;
  v_meta jsonb;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('book:clinic', 0));

  if p_start is null or p_end is null or p_end <= p_start then
    raise exception 'an appointment must end after it starts' using errcode = '22023';
  end if;

  select a.* into v_old from public.appointments a where a.id = p_appointment_id for update;
  if not found then
    raise exception 'appointment not found' using errcode = 'AI404';
  end if;
  if v_old.user_phone is distinct from p_user_phone then
    raise exception 'appointment belongs to another patient' using errcode = 'AI403';
  end if;

  if v_old.status is distinct from 'booked' then
    -- A repeated request for a move that already happened returns the appointment it made.
    if v_old.meta ? 'rescheduled_to' then
      select a.* into v_new
        from public.appointments a
       where a.id = (v_old.meta ->> 'rescheduled_to')::uuid and a.start_time = p_start;
      if found then
        return pg_catalog.to_jsonb(v_new);
      end if;
    end if;
    raise exception 'appointment is not booked' using errcode = 'AI409';
  end if;

  if v_old.start_time = p_start and v_old.end_time = p_end then
    return pg_catalog.to_jsonb(v_old);
  end if;

  v_meta := (coalesce(v_old.meta, '{}'::jsonb) - 'rescheduled_to' - 'rescheduled_from' - 'cancelled_at')
            || pg_catalog.jsonb_build_object('rescheduled_from', v_old.id);

  if tstzrange(v_old.start_time, v_old.end_time, '[)') && tstzrange(p_start, p_end, '[)') then
    -- The new slot overlaps the old one, so it cannot be held first; the single transaction
    -- still guarantees that a failed insert leaves the original booked.
    update public.appointments set status = 'cancelled' where id = v_old.id;
  end if;
  -- Otherwise the new slot is held first (23P01 or AI423 here aborts everything), then the old
  -- one released.
  insert into public.appointments
    (user_phone, start_time, end_time, status, meta, provider_id, visit_type_id)
  values (p_user_phone, p_start, p_end, 'booked', v_meta, v_old.provider_id, v_old.visit_type_id)
  returning * into v_new;

  update public.appointments
     set status = 'cancelled',
         meta = coalesce(meta, '{}'::jsonb)
                || pg_catalog.jsonb_build_object('rescheduled_to', v_new.id,
                                                 'cancelled_at', pg_catalog.now())
   where id = v_old.id;

  return pg_catalog.to_jsonb(v_new);
end;
$$;

-- Adding a closure under the booking lock, so no booking into it commits after it is added. It
-- returns the closure and the booked appointments it covers, which stay booked for staff to
-- move (the caller is told; nothing is cancelled behind a patient's back).
create or replace function public.add_closure(
  p_start timestamptz,
  p_end timestamptz,
  p_reason text default null,
  p_all_day boolean default false
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.closures;
  v_affected jsonb;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('book:clinic', 0));
  if p_start is null or p_end is null or p_end <= p_start then
    raise exception 'a closure must end after it starts' using errcode = '22023';
  end if;
  insert into public.closures (start_time, end_time, reason, all_day)
  values (p_start, p_end, p_reason, coalesce(p_all_day, false))
  returning * into v_row;
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(a) order by a.start_time), '[]'::jsonb)
    into v_affected
    from public.appointments a
   where a.status = 'booked' and a.start_time < p_end and a.end_time > p_start;
  return pg_catalog.jsonb_build_object('closure', pg_catalog.to_jsonb(v_row),
                                       'affected', v_affected);
end;
$$;

-- Configuring providers and visit types: create, or update the one with that name in any case
-- (one statement each, so PostgREST and asyncpg share it; the unique indexes are on lower(name),
-- which PostgREST's on_conflict cannot name).
create or replace function public.save_provider(p_name text, p_hours text default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.providers;
begin
  if p_name is null or pg_catalog.btrim(p_name) = '' then
    raise exception 'a provider needs a name' using errcode = '22023';
  end if;
  insert into public.providers (name, hours) values (p_name, p_hours)
  on conflict ((pg_catalog.lower(name))) do update set hours = excluded.hours
  returning * into v_row;
  return pg_catalog.to_jsonb(v_row);
end;
$$;

create or replace function public.save_visit_type(
  p_name text,
  p_minutes integer,
  p_provider_ids jsonb default '[]'::jsonb
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.visit_types;
begin
  if p_name is null or pg_catalog.btrim(p_name) = '' then
    raise exception 'a visit type needs a name' using errcode = '22023';
  end if;
  if pg_catalog.jsonb_typeof(coalesce(p_provider_ids, '[]'::jsonb)) <> 'array' then
    raise exception 'provider ids must be a list' using errcode = '22023';
  end if;
  if exists (select 1 from pg_catalog.jsonb_array_elements_text(coalesce(p_provider_ids, '[]'::jsonb)) e
              where not exists (select 1 from public.providers p where p.id::text = e)) then
    raise exception 'provider not found' using errcode = 'AI422';
  end if;
  insert into public.visit_types (name, minutes, provider_ids)
  values (p_name, p_minutes, coalesce(p_provider_ids, '[]'::jsonb))
  on conflict ((pg_catalog.lower(name))) do update
    set minutes = excluded.minutes, provider_ids = excluded.provider_ids
  returning * into v_row;
  return pg_catalog.to_jsonb(v_row);
end;
$$;

-- As for the other tables and functions: on Supabase only the service role may see or call these.
do $$
declare
  fn text;
begin
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    alter table public.closures enable row level security;
    alter table public.providers enable row level security;
    alter table public.visit_types enable row level security;
    revoke all on table public.closures, public.providers, public.visit_types from anon;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    revoke all on table public.closures, public.providers, public.visit_types from authenticated;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    grant select, insert, update, delete
      on table public.closures, public.providers, public.visit_types to service_role;
  end if;
  foreach fn in array array[
    'public.book_provider_appointment(text, timestamptz, timestamptz, jsonb, uuid, uuid)',
    'public.book_appointment(text, timestamptz, timestamptz, jsonb)',
    'public.reschedule_appointment(uuid, text, timestamptz, timestamptz)',
    'public.add_closure(timestamptz, timestamptz, text, boolean)',
    'public.save_provider(text, text)',
    'public.save_visit_type(text, integer, jsonb)'
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
