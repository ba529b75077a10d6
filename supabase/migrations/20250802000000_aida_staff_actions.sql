-- Staff work on a call's action items: additive and idempotent, like every file here.
-- An item is the call record's action_items[item_index]; a row here means staff marked it done,
-- with who ("staff:<key label>") and when. No row: the item is still open.
create table if not exists public.action_items_done (
  call_id uuid not null references public.call_summaries(id) on delete cascade,
  item_index integer not null check (item_index >= 0),
  done_at timestamptz not null default now(),
  done_by text not null,
  primary key (call_id, item_index)
);

-- How many of a call's action items nobody has marked done. A function of the row type, so
-- PostgREST offers it as a computed field that can be selected and ordered by (the calls list
-- puts calls with open items first), and the PostgreSQL backend orders by the same expression.
create or replace function public.open_action_items(public.call_summaries)
returns integer
language sql
stable
set search_path = ''
as $$
  select greatest(
    0,
    (case when pg_catalog.jsonb_typeof($1.action_items) = 'array'
          then pg_catalog.jsonb_array_length($1.action_items) else 0 end)
    - (select pg_catalog.count(*)::integer
         from public.action_items_done d
        where d.call_id = $1.id)
  );
$$;

create or replace function public.has_open_action_items(public.call_summaries)
returns boolean
language sql
stable
set search_path = ''
as $$
  select public.open_action_items($1) > 0;
$$;

-- Mark one item done, once: a repeat (a double click, a second tab) keeps and returns the first
-- mark. The call and the item must exist (AI414 otherwise), so no mark points at nothing.
create or replace function public.mark_action_item_done(
  p_call_id uuid,
  p_item_index integer,
  p_done_by text,
  p_done_at timestamptz
) returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_items jsonb;
  v_row public.action_items_done;
begin
  select s.action_items into v_items from public.call_summaries s where s.id = p_call_id;
  if not found
     or p_item_index is null
     or p_item_index < 0
     or pg_catalog.jsonb_typeof(v_items) is distinct from 'array'
     or p_item_index >= pg_catalog.jsonb_array_length(v_items) then
    raise exception 'no such action item' using errcode = 'AI414';
  end if;
  insert into public.action_items_done (call_id, item_index, done_by, done_at)
  values (p_call_id, p_item_index, p_done_by, coalesce(p_done_at, pg_catalog.now()))
  on conflict (call_id, item_index) do nothing;
  select d.* into v_row
    from public.action_items_done d
   where d.call_id = p_call_id and d.item_index = p_item_index;
  return pg_catalog.to_jsonb(v_row);
end;
$$;

-- As for the other tables and functions: on Supabase only the service role may use these.
do $$
declare
  fn text;
begin
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    alter table public.action_items_done enable row level security;
    revoke all on table public.action_items_done from anon;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    revoke all on table public.action_items_done from authenticated;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    grant select, insert, delete on table public.action_items_done to service_role;
  end if;
  foreach fn in array array[
    'public.mark_action_item_done(uuid, integer, text, timestamptz)',
    'public.open_action_items(public.call_summaries)',
    'public.has_open_action_items(public.call_summaries)'
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
