-- Outbound calls (aida/outbound): additive. Every call record says which way it went, and each
-- call Aida places is one row of outbound_calls, written before the number is dialled and
-- updated with its outcome. No foreign keys to appointments or users: with the calendar in an
-- EHR (the split store) those rows live there, and these are Aida's own. Times are the same
-- fixed-width UTC text as in 0001.

alter table call_summaries add column direction text;

create table if not exists outbound_calls (
  id text primary key,
  purpose text not null,
  phone text not null,
  appointment_id text,
  refs text not null default '{}' check (json_valid(refs) and json_type(refs) = 'object'),
  room_name text,
  outcome text not null,
  error text,
  call_id text,
  started_at text not null,
  updated_at text
);
create index if not exists outbound_calls_appointment_idx on outbound_calls (appointment_id, purpose);
create index if not exists outbound_calls_phone_idx on outbound_calls (phone, started_at);
