"""The waitlist: patients waiting for a time that was taken, and the freed slot held for the first
one who matches (docs/waitlist.md).

- `wanted`: the caller's words for the time they want, through the one time grammar
  (`aida.scheduling.dates.resolve_when`), and whether a freed slot matches an entry.
- `service`: joining, the freed slot's hold and offer (first match by `created_at`), accepting
  (the hold becomes the booking in one store call), declining and lapsing (the next match).
- `offer`: what the offer call says and how the patient's answer is read.
"""
