"""Times as Aida says them and as clients display them, always in the clinic's zone.

The spoken forms avoid anything a TTS voice reads badly: no leading zeros, no ":00" on the hour,
no ISO punctuation. A naive datetime is taken to be clinic-local wall time already, so a value
that never met a timezone is not shifted by a guess.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def to_local(when: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """`when` as an aware datetime in `tz` (naive input is read as local wall time)."""
    if when.tzinfo is None:
        return when.replace(tzinfo=tz)
    return when.astimezone(tz)


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def clock_time(t: dt.time) -> str:
    """A wall-clock time as spoken: "9 AM", "10:30 AM", "12 PM", "12 AM"."""
    hour12 = t.hour % 12 or 12
    meridiem = "AM" if t.hour < 12 else "PM"
    if t.minute == 0:
        return f"{hour12} {meridiem}"
    return f"{hour12}:{t.minute:02d} {meridiem}"


def spoken_time(when: dt.datetime, tz: ZoneInfo) -> str:
    """ "10:30 AM" in the clinic's zone."""
    return clock_time(to_local(when, tz).time())


def day_text(day: dt.date, *, with_year: bool = False) -> str:
    """ "Tuesday, December 1" (", 2027" appended when asked)."""
    text = f"{day:%A}, {day:%B} {day.day}"
    if with_year:
        text += f", {day.year}"
    return text


def spoken_date(when: dt.datetime | dt.date, tz: ZoneInfo, *, with_year: bool = False) -> str:
    """ "Tuesday, December 1" for the clinic-local date of `when`."""
    if isinstance(when, dt.datetime):
        when = to_local(when, tz).date()
    return day_text(when, with_year=with_year)


def spoken_datetime(when: dt.datetime, tz: ZoneInfo, *, with_year: bool = False) -> str:
    """ "Tuesday, December 1 at 10:30 AM" in the clinic's zone."""
    local = to_local(when, tz)
    return f"{day_text(local.date(), with_year=with_year)} at {clock_time(local.time())}"


def spoken_starts(starts: list[dt.datetime], tz: ZoneInfo, conjunction: str = "or") -> str:
    """Several times, in order, each day said once: "Wednesday, March 4 at 10 AM, 10:30 AM,
    or 11:30 AM" rather than the day before every time (shorter to hear, easier to follow)."""
    days: list[tuple[dt.date, list[str]]] = []
    for when in sorted(to_local(s, tz) for s in starts):
        if days and days[-1][0] == when.date():
            days[-1][1].append(clock_time(when.time()))
        else:
            days.append((when.date(), [clock_time(when.time())]))
    if len(days) == 1:
        day, times = days[0]
        return f"{day_text(day)} at {_joined(times, conjunction)}"
    parts = [f"{day_text(day)} at {_joined(times, conjunction)}" for day, times in days]
    return _joined(parts, conjunction, sep=", " if all(len(t) == 1 for _, t in days) else "; ")


def _joined(items: list[str], conjunction: str, sep: str = ", ") -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {conjunction} {items[1]}"
    return sep.join(items[:-1]) + f"{sep.strip()} {conjunction} {items[-1]}"


def local_iso(when: dt.datetime, tz: ZoneInfo) -> str:
    """ISO 8601 with the clinic's offset, e.g. "2026-12-01T10:00:00-05:00"."""
    return to_local(when, tz).isoformat(timespec="seconds")
