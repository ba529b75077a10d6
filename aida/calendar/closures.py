"""Closures in the clinic's own days: a date becomes the local day's [midnight, next midnight),
and a closure is said the way a caller hears it ("on Thursday, November 26 for Thanksgiving")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aida.errors import InvalidRequest
from aida.scheduling.speech import day_text, spoken_datetime, spoken_time, to_local
from aida.store.models import Closure


def day_range(first: dt.date, last: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The clinic-local days `first`..`last` (inclusive) as aware instants [start, end)."""
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start, end


def closure_window(
    tz: ZoneInfo,
    first: dt.date,
    last: dt.date | None = None,
    from_time: dt.time | None = None,
    to_time: dt.time | None = None,
) -> tuple[dt.datetime, dt.datetime, bool]:
    """[start, end) and whether it is whole days, from what staff give: a first and last day,
    and optionally a time on the first day from which, and on the last day until which."""
    last = last or first
    if last < first:
        raise InvalidRequest("The last day closed can't be before the first.")
    if from_time is None and to_time is None:
        start, end = day_range(first, last, tz)
        return start, end, True
    start = dt.datetime.combine(first, from_time or dt.time(0), tzinfo=tz)
    if to_time is None:
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    else:
        end = dt.datetime.combine(last, to_time, tzinfo=tz)
    if end <= start:
        raise InvalidRequest("A closure has to end after it starts.")
    return start, end, False


def local_days(closure: Closure, tz: ZoneInfo) -> tuple[dt.date, dt.date]:
    """The first and last local dates a closure touches."""
    first = to_local(closure.start_time, tz).date()
    last = to_local(closure.end_time - dt.timedelta(microseconds=1), tz).date()
    return first, last


def spoken_closure(closure: Closure, tz: ZoneInfo) -> str:
    """ "on Thursday, November 26 for Thanksgiving", "from Thursday, December 24 to Saturday,
    December 26", "on Friday, December 4 from 1 PM to 5 PM"."""
    if closure.all_day:
        first, last = local_days(closure, tz)
        when = (
            f"on {day_text(first)}"
            if first == last
            else f"from {day_text(first)} to {day_text(last)}"
        )
    else:
        start, end = to_local(closure.start_time, tz), to_local(closure.end_time, tz)
        if end.time() == dt.time(0) and end.date() == start.date() + dt.timedelta(days=1):
            when = f"on {day_text(start.date())} from {spoken_time(start, tz)}"
        elif start.date() == end.date():
            when = (
                f"on {day_text(start.date())} from {spoken_time(start, tz)} "
                f"to {spoken_time(end, tz)}"
            )
        else:
            when = f"from {spoken_datetime(start, tz)} to {spoken_datetime(end, tz)}"
    return f"{when} for {closure.reason}" if closure.reason else when


def covering(closures: list[Closure], start: dt.datetime, end: dt.datetime) -> Closure | None:
    """The first closure overlapping [start, end)."""
    return next((c for c in closures if c.start_time < end and c.end_time > start), None)
