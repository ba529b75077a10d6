-- The clinic profile staff set (additive): one row, the JSON object of ProfileEdits
-- (aida/calendar/profile.py) — only the facts staff gave; everything else is derived from the
-- configuration at read time. Times are the same fixed-width UTC text as in 0001.

create table if not exists clinic_profile (
  id integer primary key check (id = 1),
  profile text not null default '{}' check (json_valid(profile) and json_type(profile) = 'object'),
  updated_at text not null,
  updated_by text not null
);
