-- The calendar a real clinic runs (additive): closures, providers and visit types. Times are the
-- same fixed-width UTC text as in 0001, ids uuid text, lists JSON text.

-- A time the clinic takes no appointments. all_day: the clinic's whole local day(s).
create table if not exists closures (
  id text primary key,
  start_time text not null,
  end_time text not null,
  reason text,
  all_day integer not null default 0,
  created_at text not null,
  check (end_time > start_time)
);

create index if not exists closures_start_idx on closures (start_time, end_time);

-- Someone patients book with; hours is the configured text ("Mon-Fri 09:00-17:00"), null for
-- the clinic's own hours.
create table if not exists providers (
  id text primary key,
  name text not null unique collate nocase,
  hours text
);

-- A kind of visit, its length, and who may see it (a JSON list of provider ids; empty: anyone).
create table if not exists visit_types (
  id text primary key,
  name text not null unique collate nocase,
  minutes integer not null check (minutes between 5 and 480),
  provider_ids text not null default '[]'
);

alter table appointments add column provider_id text references providers(id);
alter table appointments add column visit_type_id text references visit_types(id);

-- Double booking stays impossible, now per provider: two booked rows clash only when they are
-- with the same provider. `is` treats two NULLs as equal, so every appointment without a provider
-- shares the one calendar a clinic without providers has always had.
drop trigger if exists appointments_no_overlap_insert;
drop trigger if exists appointments_no_overlap_update;

create trigger appointments_no_overlap_insert
before insert on appointments
when new.status = 'booked'
begin
  select raise(abort, 'slot_taken')
   where exists (select 1 from appointments a
                  where a.status = 'booked'
                    and a.provider_id is new.provider_id
                    and a.start_time < new.end_time
                    and a.end_time > new.start_time);
end;

create trigger appointments_no_overlap_update
before update of start_time, end_time, status, provider_id on appointments
when new.status = 'booked'
begin
  select raise(abort, 'slot_taken')
   where exists (select 1 from appointments a
                  where a.id <> new.id
                    and a.status = 'booked'
                    and a.provider_id is new.provider_id
                    and a.start_time < new.end_time
                    and a.end_time > new.start_time);
end;

-- Nothing is booked into a closure, whatever the code above does. Only new bookings are checked:
-- a closure added later leaves existing appointments for staff to move (the CLI and API list
-- them), and cancelling one of them must still work.
create trigger if not exists appointments_not_in_closure
before insert on appointments
when new.status = 'booked'
begin
  select raise(abort, 'clinic_closed')
   where exists (select 1 from closures c
                  where c.start_time < new.end_time
                    and c.end_time > new.start_time);
end;

create index if not exists appointments_provider_booked_start_idx
  on appointments (provider_id, start_time, end_time) where status = 'booked';
