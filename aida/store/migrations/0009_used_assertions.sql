-- Portal assertion ids already used (aida/api/routes/session.py): each `jti` starts one session,
-- whichever API process it reaches, because the primary key refuses a second insert. Rows go
-- once the assertion has expired (five minutes at most after it was signed).
create table if not exists used_assertions (
  jti text primary key,
  expires_at text not null
);
create index if not exists used_assertions_expires_at_idx on used_assertions (expires_at);
