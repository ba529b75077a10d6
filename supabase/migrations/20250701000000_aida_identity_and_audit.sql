-- Who the caller is, and who looked at what: additive and idempotent, like every file here.

-- What a caller is asked to prove who they are. Nullable: existing patients have none yet.
alter table public.users add column if not exists date_of_birth date;

-- Failed identity checks, one row each, counted per phone over a window, so a caller cannot reset
-- the count by hanging up and calling again.
create table if not exists public.identity_failures (
  id uuid primary key default gen_random_uuid(),
  phone text not null,
  failed_at timestamptz not null default now()
);

create index if not exists identity_failures_phone_failed_at_idx
  on public.identity_failures (phone, failed_at);

-- Reads and changes of patient data by calls ("call:<id>") and staff ("staff:<label>"). No
-- foreign key on patient_phone: a staff lookup of a number that is no patient's is audited too.
-- `detail` holds ids and counts, never transcript text.
create table if not exists public.audit_log (
  id uuid primary key default gen_random_uuid(),
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  patient_phone text,
  detail jsonb not null default '{}'::jsonb
);

create index if not exists audit_log_at_idx on public.audit_log (at desc);
create index if not exists audit_log_patient_phone_at_idx
  on public.audit_log (patient_phone, at desc);
create index if not exists audit_log_actor_at_idx on public.audit_log (actor, at desc);

-- As for the other tables: on Supabase only the service role may see these rows. Beyond RLS, anon
-- and authenticated lose their default grants, and the service role may append to the audit log
-- but not rewrite it (the owner, which aida's own migrate() connects as, still can).
do $$
begin
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    alter table public.identity_failures enable row level security;
    alter table public.audit_log enable row level security;
    revoke all on table public.identity_failures, public.audit_log from anon;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    revoke all on table public.identity_failures, public.audit_log from authenticated;
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    grant select, insert, delete on table public.identity_failures to service_role;
    revoke update, delete, truncate on table public.audit_log from service_role;
    grant select, insert on table public.audit_log to service_role;
  end if;
end
$$;
