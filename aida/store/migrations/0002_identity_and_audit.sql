-- Who the caller is, and who looked at what (additive). Dates are ISO text ('YYYY-MM-DD'), times
-- the same fixed-width UTC text as in 0001, JSON as JSON text.
--
-- SQLite has no "add column if not exists": this file runs once, recorded in schema_migrations;
-- a second process that raced to apply it finds it recorded and skips it (see _migrate).

alter table users add column date_of_birth text;

-- Failed identity checks, one row each, counted per phone over a window, so a caller cannot reset
-- the count by hanging up and calling again.
create table if not exists identity_failures (
  id integer primary key,
  phone text not null,
  failed_at text not null
);

create index if not exists identity_failures_phone_failed_at_idx
  on identity_failures (phone, failed_at);

-- Reads and changes of patient data by calls and staff. No foreign key on patient_phone: a staff
-- lookup of a number that is no patient's is audited too.
create table if not exists audit_log (
  id text primary key,
  at text not null,
  actor text not null,
  action text not null,
  patient_phone text,
  detail text not null default '{}'
);

create index if not exists audit_log_at_idx on audit_log (at desc);
create index if not exists audit_log_patient_phone_at_idx on audit_log (patient_phone, at desc);
create index if not exists audit_log_actor_at_idx on audit_log (actor, at desc);
