-- Aida on SQLite: the brief's tables with SQLite types. Times are UTC text in one fixed-width
-- format ('YYYY-MM-DDTHH:MM:SS.ffffffZ', written by aida.store.rows.to_db_time) so that text
-- comparison is time comparison; JSON columns hold JSON text.

create table if not exists users (
  phone text primary key,
  name text,
  preferences text not null default '{}'
);

create table if not exists appointments (
  id text primary key,
  user_phone text references users(phone),
  start_time text not null,
  end_time text not null,
  status text not null default 'booked',
  meta text not null default '{}',
  check (end_time > start_time)
);

create index if not exists appointments_booked_start_idx
  on appointments (start_time, end_time) where status = 'booked';
create index if not exists appointments_user_phone_start_idx
  on appointments (user_phone, start_time);

-- The last line of defence against double booking: whatever the code above it does, an
-- overlapping booked row cannot be written. '[)' semantics: back-to-back slots are allowed.
create trigger if not exists appointments_no_overlap_insert
before insert on appointments
when new.status = 'booked'
begin
  select raise(abort, 'slot_taken')
   where exists (select 1 from appointments a
                  where a.status = 'booked'
                    and a.start_time < new.end_time
                    and a.end_time > new.start_time);
end;

create trigger if not exists appointments_no_overlap_update
before update of start_time, end_time, status on appointments
when new.status = 'booked'
begin
  select raise(abort, 'slot_taken')
   where exists (select 1 from appointments a
                  where a.id <> new.id
                    and a.status = 'booked'
                    and a.start_time < new.end_time
                    and a.end_time > new.start_time);
end;

create table if not exists call_summaries (
  id text primary key,
  user_phone text references users(phone),
  summary_text text,
  preferences text,
  appointments_in_call text,
  cost_breakdown text,
  timeline text,
  transcript text,
  created_at text not null,
  action_items text,
  status text,
  room_name text,
  started_at text,
  ended_at text,
  duration_seconds real,
  end_reason text
);

create index if not exists call_summaries_created_at_idx
  on call_summaries (created_at desc);
create index if not exists call_summaries_user_phone_created_at_idx
  on call_summaries (user_phone, created_at desc);
