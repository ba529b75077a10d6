-- Identity, part two: additive and idempotent, like every file here. Pending registrations,
-- identity attempts reserved and counted in one step (per target and per origin), and call
-- records that name the number presented without creating a patient for it.

-- A patient registered from an unproven hint (caller ID, the web form): staff confirm it. Until
-- then it grants nothing beyond what the registering call itself booked.
alter table public.users
  add column if not exists registration_pending boolean not null default false;

-- identity_failures.phone is the key counted: a patient's phone (the target), or an origin
-- ("sip:<number>", "ip:<hash>", "lk:<identity>"). `attempt` ties the rows of one attempt
-- together (released on success); `weight` is how many distinct guesses it held.
alter table public.identity_failures add column if not exists attempt text;
alter table public.identity_failures add column if not exists weight integer not null default 1;
create index if not exists identity_failures_attempt_idx on public.identity_failures (attempt);

alter table public.call_summaries add column if not exists presented_phone text;
alter table public.call_summaries add column if not exists caller_verified boolean;

-- Reserve one identity attempt: under a lock per key, what each key had failed since `p_since`
-- (before this attempt), then this attempt counted against every key. Check and count are one
-- step, so parallel attempts are counted one after another and none slips past the limit.
-- Returns [{"subject", "failures", "last_failed_at"}] (jsonb, one value, as PostgREST relays it).
create or replace function public.reserve_identity_attempt(
  p_attempt text,
  p_keys text[],
  p_at timestamptz,
  p_since timestamptz,
  p_weight integer default 1
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_keys text[];
  v_key text;
  v_counts jsonb;
begin
  select coalesce(pg_catalog.array_agg(distinct k order by k), '{}'::text[])
    into v_keys
    from pg_catalog.unnest(p_keys) as k
   where k is not null and k <> '';
  if pg_catalog.cardinality(v_keys) = 0 or p_weight is null or p_weight < 1 then
    raise exception 'an identity attempt needs a key and a positive weight' using errcode = '22023';
  end if;
  -- In a fixed order, so two attempts on overlapping keys cannot deadlock.
  foreach v_key in array v_keys loop
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aida.identity:' || v_key));
  end loop;
  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'subject', k,
           'failures', coalesce((select pg_catalog.sum(f.weight) from public.identity_failures f
                                  where f.phone = k and f.failed_at >= p_since), 0),
           'last_failed_at', (select pg_catalog.max(f.failed_at) from public.identity_failures f
                               where f.phone = k and f.failed_at >= p_since)
         ) order by k), '[]'::jsonb)
    into v_counts
    from pg_catalog.unnest(v_keys) as k;
  insert into public.identity_failures (phone, failed_at, attempt, weight)
  select k, p_at, p_attempt, p_weight from pg_catalog.unnest(v_keys) as k;
  return v_counts;
end;
$$;

do $$
declare
  fn text := 'public.reserve_identity_attempt(text, text[], timestamptz, timestamptz, integer)';
begin
  execute pg_catalog.format('revoke execute on function %s from public', fn);
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    execute pg_catalog.format('revoke execute on function %s from anon', fn);
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    execute pg_catalog.format('revoke execute on function %s from authenticated', fn);
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    execute pg_catalog.format('grant execute on function %s to service_role', fn);
    grant update on table public.users to service_role;
  end if;
end
$$;
