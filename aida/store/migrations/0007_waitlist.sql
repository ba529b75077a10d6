-- The waitlist (additive). Two parts:
--
-- 1. Slot holds, on the calendar: a freed time kept for one waitlist patient is an appointment
--    row with status 'held' and the instant its hold lapses. The no-overlap triggers now cover
--    'held' as they cover 'booked', so a held slot cannot be booked or held by anyone else,
--    whatever the code does; accepting the offer turns the same row into 'booked' in one
--    statement. A lapsed hold still blocks until it is released: the store releases lapsed
--    holds (by the waitlist's injectable clock, not the database's) before a booking or a
--    hold, under the same write lock.
-- 2. The entries and the offers made to them, Aida's own records (like the clinic profile).
-- Times are the same fixed-width UTC text as in 0001.

alter table appointments add column hold_expires_at text;

drop trigger if exists appointments_no_overlap_insert;
drop trigger if exists appointments_no_overlap_update;
drop trigger if exists appointments_not_in_closure;

create trigger appointments_no_overlap_insert
before insert on appointments
when new.status in ('booked', 'held')
begin
  select raise(abort, 'slot_taken')
   where exists (select 1 from appointments a
                  where a.status in ('booked', 'held')
                    and a.provider_id is new.provider_id
                    and a.start_time < new.end_time
                    and a.end_time > new.start_time);
end;

create trigger appointments_no_overlap_update
before update of start_time, end_time, status, provider_id on appointments
when new.status in ('booked', 'held')
begin
  select raise(abort, 'slot_taken')
   where exists (select 1 from appointments a
                  where a.id <> new.id
                    and a.status in ('booked', 'held')
                    and a.provider_id is new.provider_id
                    and a.start_time < new.end_time
                    and a.end_time > new.start_time);
end;

create trigger appointments_not_in_closure
before insert on appointments
when new.status in ('booked', 'held')
begin
  select raise(abort, 'clinic_closed')
   where exists (select 1 from closures c
                  where c.start_time < new.end_time
                    and c.end_time > new.start_time);
end;

-- A held row always says when it lapses.
create trigger appointments_hold_has_expiry
before insert on appointments
when new.status = 'held' and new.hold_expires_at is null
begin
  select raise(abort, 'hold_without_expiry');
end;

create index if not exists appointments_held_idx
  on appointments (hold_expires_at) where status = 'held';

create table if not exists waitlist_entries (
  id text primary key,
  patient_phone text not null,
  window_start text not null,
  window_end text not null,
  daily_from text,
  daily_until text,
  weekly integer not null default 0,
  description text not null,
  provider_id text,
  visit_type_id text,
  status text not null default 'waiting'
    check (status in ('waiting', 'offered', 'booked', 'removed')),
  created_at text not null,
  updated_by text,
  note text,
  check (window_end > window_start)
);

create index if not exists waitlist_entries_status_idx
  on waitlist_entries (status, created_at, id);

create table if not exists waitlist_offers (
  id text primary key,
  entry_id text not null references waitlist_entries(id) on delete cascade,
  hold_id text not null,
  slot_start text not null,
  slot_end text not null,
  provider_id text,
  status text not null default 'offered'
    check (status in ('offered', 'accepted', 'declined', 'expired', 'withdrawn')),
  offered_at text not null,
  expires_at text not null,
  answered_at text,
  appointment_id text
);

create index if not exists waitlist_offers_entry_idx on waitlist_offers (entry_id, slot_start);
create index if not exists waitlist_offers_open_idx on waitlist_offers (status, expires_at);
