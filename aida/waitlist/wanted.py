"""What time a waitlist patient wants, resolved in code, and whether a freed slot fits it.

The words go through the project's one time grammar (`resolve_when`): "Thursday at 3" is an
exact time (a window one slot long), "next week in the morning" a window with a time of day.
"Any Tuesday morning" / "every Friday afternoon" is the same grammar's reading of "Tuesday
morning", repeated weekly: the entry keeps the first such window and matches that weekday and
time of day in any later week. Nothing here parses a time itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from aida.errors import InvalidRequest
from aida.scheduling.dates import resolve_when
from aida.scheduling.hours import DAY_NAMES, ClinicHours
from aida.scheduling.speech import clock_time, to_local
from aida.store.models import WaitlistEntry

# "any Tuesday", "every Tuesday", "any given Tuesday", "on any Tuesday": the weekly form. The
# weekday itself is the grammar's to read, so only the repeating word is taken off here.
_REPEATING = re.compile(r"^\s*(?:on\s+)?(?:any|every|each)(?:\s+given)?\s+", re.IGNORECASE)
_PLURAL_DAY = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Wanted:
    window_start: dt.datetime
    window_end: dt.datetime
    daily: tuple[dt.time, dt.time] | None
    weekly: bool
    description: str


def resolve_wanted(words: str, now: dt.datetime, hours: ClinicHours) -> Wanted:
    """The caller's words for the wanted time; `InvalidRequest`/`AmbiguousTime` as the grammar
    raises them (asked about, never guessed)."""
    text = " ".join((words or "").split())
    weekly = False
    stripped = _REPEATING.sub("", text)
    if stripped != text:
        weekly = True
    # "Tuesdays in the morning", "on Tuesday mornings": the repeating plural
    plural = _PLURAL_DAY.sub(lambda m: m.group(1), stripped)
    plural = re.sub(r"\b(morning|afternoon|evening)s\b", r"\1", plural, flags=re.IGNORECASE)
    if plural != stripped:
        weekly = True
    res = resolve_when(plural, now, hours)
    tz = hours.tz
    start, end = res.start, res.end
    local_start, local_end = to_local(start, tz), to_local(end, tz)
    if weekly:
        if local_start.date() != (local_end - dt.timedelta(microseconds=1)).date():
            raise InvalidRequest("Which day of the week would you like, and what time of day?")
        daily = res.daily or (
            local_start.time().replace(tzinfo=None),
            local_end.time().replace(tzinfo=None),
        )
        if daily[1] <= daily[0]:  # a window running to midnight
            daily = (daily[0], dt.time(23, 59))
        day_name = DAY_NAMES[local_start.weekday()]
        description = f"any {day_name} between {clock_time(daily[0])} and {clock_time(daily[1])}"
        return Wanted(start, end, daily, True, description)
    return Wanted(start, end, res.daily, False, res.description)


def admits(entry: WaitlistEntry, start: dt.datetime, tz: dt.tzinfo) -> bool:
    """Whether a freed slot starting at `start` is what the entry waits for."""
    if start < entry.window_start:
        return False
    local = start.astimezone(tz)
    wall = local.time().replace(tzinfo=None)
    if entry.weekly:
        first = entry.window_start.astimezone(tz)
        if local.weekday() != first.weekday():
            return False
        lo = entry.daily_from or first.time().replace(tzinfo=None)
        hi = entry.daily_until or entry.window_end.astimezone(tz).time().replace(tzinfo=None)
        return lo <= wall < hi
    if start >= entry.window_end:
        return False
    if entry.daily_from is not None and entry.daily_until is not None:
        return entry.daily_from <= wall < entry.daily_until
    return True
