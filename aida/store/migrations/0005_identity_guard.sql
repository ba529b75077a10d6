-- Identity, part two (additive): pending registrations, attempts reserved atomically and counted
-- per target and per origin, call records that name the number presented without creating a
-- patient for it.

-- A patient registered from an unproven hint (caller ID, the web form): staff confirm it. Until
-- then it grants nothing beyond what the registering call itself booked.
alter table users add column registration_pending integer not null default 0;

-- identity_failures.phone is the key counted: a patient's phone (the target), or an origin
-- ("sip:<number>", "ip:<hash>", "lk:<identity>"). `attempt` ties the rows of one attempt
-- together (released on success); `weight` is how many distinct guesses it held.
alter table identity_failures add column attempt text;
alter table identity_failures add column weight integer not null default 1;
create index if not exists identity_failures_attempt_idx on identity_failures (attempt);

-- The number the line or the web form presented, kept on the record; `user_phone` is set only
-- when the caller proved to be that patient (or registered in the call).
alter table call_summaries add column presented_phone text;
alter table call_summaries add column caller_verified integer;
