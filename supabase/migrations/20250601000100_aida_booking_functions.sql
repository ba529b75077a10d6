-- Aida's calendar writes, as SQL functions so asyncpg and PostgREST RPC share one implementation.
--
-- Every function takes the same transaction-scoped advisory lock before touching appointments:
-- without it, racing inserts deadlock while checking the exclusion constraint (measured: a round
-- of 50 took 45 s). The exclusion constraint stays the last line of defence (SQLSTATE 23P01).
--
-- Errors a caller can act on use custom SQLSTATEs:
--   AI404 appointment not found, AI403 it belongs to another patient,
--   AI409 appointment not booked (already cancelled or moved), AI410 patient not found.
-- A row is returned as `to_jsonb(row)`.

create or replace function public.book_appointment(
  p_user_phone text,
  p_start timestamptz,
  p_end timestamptz,
  p_meta jsonb default '{}'::jsonb
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

  -- The same caller asking again (a retry, a repeated tool call) gets the booking they have.
  select a.* into v_row
    from public.appointments a
   where a.user_phone = p_user_phone and a.start_time = p_start and a.status = 'booked'
   limit 1;
  if found then
    return pg_catalog.jsonb_build_object('appointment', pg_catalog.to_jsonb(v_row), 'created', false);
  end if;

  insert into public.appointments (user_phone, start_time, end_time, status, meta)
  values (p_user_phone, p_start, p_end, 'booked', coalesce(p_meta, '{}'::jsonb))
  returning * into v_row;
  return pg_catalog.jsonb_build_object('appointment', pg_catalog.to_jsonb(v_row), 'created', true);
end;
$$;

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
    insert into public.appointments (user_phone, start_time, end_time, status, meta)
    values (p_user_phone, p_start, p_end, 'booked', v_meta)
    returning * into v_new;
  else
    -- Hold the new slot first (23P01 here aborts everything), then release the old one.
    insert into public.appointments (user_phone, start_time, end_time, status, meta)
    values (p_user_phone, p_start, p_end, 'booked', v_meta)
    returning * into v_new;
  end if;

  update public.appointments
     set status = 'cancelled',
         meta = coalesce(meta, '{}'::jsonb)
                || pg_catalog.jsonb_build_object('rescheduled_to', v_new.id,
                                                 'cancelled_at', pg_catalog.now())
   where id = v_old.id;

  return pg_catalog.to_jsonb(v_new);
end;
$$;

create or replace function public.cancel_appointment(
  p_appointment_id uuid,
  p_user_phone text
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.appointments;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('book:clinic', 0));

  select a.* into v_row from public.appointments a where a.id = p_appointment_id for update;
  if not found then
    raise exception 'appointment not found' using errcode = 'AI404';
  end if;
  if v_row.user_phone is distinct from p_user_phone then
    raise exception 'appointment belongs to another patient' using errcode = 'AI403';
  end if;
  if v_row.status = 'cancelled' then
    return pg_catalog.to_jsonb(v_row);
  end if;

  update public.appointments
     set status = 'cancelled',
         meta = coalesce(meta, '{}'::jsonb)
                || pg_catalog.jsonb_build_object('cancelled_at', pg_catalog.now())
   where id = v_row.id
  returning * into v_row;
  return pg_catalog.to_jsonb(v_row);
end;
$$;

create or replace function public.merge_user_preferences(
  p_phone text,
  p_preferences jsonb
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_user public.users;
begin
  if p_preferences is null or pg_catalog.jsonb_typeof(p_preferences) <> 'object' then
    raise exception 'preferences must be a JSON object' using errcode = '22023';
  end if;
  update public.users
     set preferences = coalesce(preferences, '{}'::jsonb) || p_preferences
   where phone = p_phone
  returning * into v_user;
  if not found then
    raise exception 'patient not found' using errcode = 'AI410';
  end if;
  return pg_catalog.to_jsonb(v_user);
end;
$$;

-- Only the backend may call these: never the public, anon or authenticated roles (Supabase's
-- default privileges grant them EXECUTE on every new function in public). The roles exist only
-- on Supabase, hence the checks.
do $$
declare
  fn text;
begin
  foreach fn in array array[
    'public.book_appointment(text, timestamptz, timestamptz, jsonb)',
    'public.reschedule_appointment(uuid, text, timestamptz, timestamptz)',
    'public.cancel_appointment(uuid, text)',
    'public.merge_user_preferences(text, jsonb)'
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
