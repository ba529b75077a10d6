-- Portal assertion ids already used: additive and idempotent, like every file here. Each `jti`
-- starts one session, whichever API process it reaches: the primary key refuses a second insert.
-- Rows go once the assertion has expired (five minutes at most after it was signed).
create table if not exists public.used_assertions (
  jti text primary key,
  expires_at timestamptz not null
);
create index if not exists used_assertions_expires_at_idx on public.used_assertions (expires_at);

-- Take one assertion id: true the first time, false after (the unique constraint decides, so two
-- API processes racing with one assertion cannot both win); expired ids are forgotten first.
create or replace function public.take_assertion_id(
  p_jti text,
  p_expires timestamptz,
  p_now timestamptz
) returns boolean
language plpgsql
set search_path = ''
as $$
declare
  v_taken integer;
begin
  if p_jti is null or p_jti = '' or p_expires is null or p_now is null then
    raise exception 'an assertion id and its expiry are required' using errcode = '22023';
  end if;
  delete from public.used_assertions where expires_at < p_now;
  insert into public.used_assertions (jti, expires_at) values (p_jti, p_expires)
    on conflict (jti) do nothing;
  get diagnostics v_taken = row_count;
  return v_taken = 1;
end;
$$;

-- As for the other tables and functions: on Supabase only the service role may use them.
do $$
declare
  fn text := 'public.take_assertion_id(text, timestamptz, timestamptz)';
begin
  execute pg_catalog.format('revoke execute on function %s from public', fn);
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    alter table public.used_assertions enable row level security;
    revoke all on table public.used_assertions from anon;
    execute pg_catalog.format('revoke execute on function %s from anon', fn);
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    revoke all on table public.used_assertions from authenticated;
    execute pg_catalog.format('revoke execute on function %s from authenticated', fn);
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    grant select, insert, delete on table public.used_assertions to service_role;
    execute pg_catalog.format('grant execute on function %s to service_role', fn);
  end if;
end
$$;
