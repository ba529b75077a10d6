"""What a caller means by "next Friday morning", in the clinic's zone, relative to an injected now.

A small hand-written grammar covers what callers and the model actually say; `dateparser` is
only a fallback for absolute dates the grammar does not know, because libraries are known to get
weekday names, "next" and 12 am/pm wrong. Anything with two readings raises `AmbiguousTime`
with the readings as options; anything not understood raises `InvalidRequest`. Nothing is ever
silently resolved to another weekday than the one the caller named.

The rules (each also said back in `Resolution.description`, which always names the date, so the
agent confirms it with the caller):

- Weeks run Monday to Sunday.
- A bare weekday ("Monday") is the next such day after today, never today itself ("today" says
  that); "this Monday" is the soonest Monday counting today.
- "next Friday" is the Friday of next week. On a weekend that is the coming Friday; from Monday
  to Friday it is the one after the coming Friday (8 to 11 days away). "Friday after next" is
  the second Friday to come. (Clinics differ here; saying the date back settles it.)
- "Friday the 5th" when the 5th is not a Friday raises `AmbiguousTime` naming both readings.
- "the 5th" is the next 5th from today (next month once this month's has passed);
  "December 3rd" without a year is the next December 3rd.
- A bare hour 1 to 7 without am/pm is afternoon ("at 3" is 3 PM), 8 to 11 is morning, 12 is
  noon; "12 am" is midnight and "12 pm" noon; "15:00" and "09:30" are read as 24-hour times.
- A time with no day is the next time the clinic is open at that hour (today if still ahead).
- Parts of the day: morning until 12, afternoon 12 to 17, evening 17 to 21, each cut to the
  opening hours. When the clinic closes by 17:00, "evening" is clamped to its last two hours
  and the description says so ("late afternoon, as we close at 5 PM"), so an evening person
  hears the latest times rather than a refusal.
- A bare day is that day's opening hours; "next week" is its open days (Monday to Friday by
  default); "in two weeks" is the open days of the week two weeks from today; "in 3 days" is
  that day; "next month" is the month's open days.
- "after 3", "before 11", "between 2 and 4" are windows within a day.
- "5/6" is May 6 or June 5; when both are possible, both are offered. "Monday in April" offers
  each Monday of April. "Monday or Tuesday", "at 3 or 4" offer both.
- A word the grammar does not know raises `InvalidRequest` rather than being skipped, since it
  may change the meaning ("the Monday after Easter" is not "Monday").

Exact times are returned as understood: whether one can be booked (past, hours, grid, horizon)
is `ClinicHours.check_bookable`'s decision. Windows are checked here, since an empty window
would otherwise be answered by silence: a closed day, a window outside the opening hours, one
already over, or one beyond the booking horizon raise `InvalidRequest`.
"""

from aida.scheduling.dates_extract import NOT_UNDERSTOOD
from aida.scheduling.dates_resolve import ASAP, Resolution, resolve_when

__all__ = ["ASAP", "NOT_UNDERSTOOD", "Resolution", "resolve_when"]
