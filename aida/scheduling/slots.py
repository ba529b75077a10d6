"""Free slots: the grid of `ClinicHours` minus what is booked, and a few good ones to offer.

A caller on the phone can hold three to five choices in mind, not forty: `spread` picks a handful
on different days, alternating morning and afternoon; `nearest_free` finds what is closest to a
time that turned out to be taken.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from aida.scheduling.hours import UTC, ClinicHours
from aida.scheduling.speech import to_local

NOON = dt.time(12, 0)


@dataclass(frozen=True, order=True)
class Slot:
    start: dt.datetime  # aware UTC
    end: dt.datetime  # aware UTC
    # The clinic's zone, set by `free_slots`, so `spread` can tell days and mornings apart
    # without being told; not part of equality, ordering or hashing.
    tz: ZoneInfo | None = field(default=None, compare=False, repr=False)
    # Who is free then, when the clinic books by provider (None: the shared calendar). Not part
    # of equality either: a time is offered once, whoever takes it.
    provider_id: str | None = field(default=None, compare=False, repr=False)


def _utc(when: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return to_local(when, tz).astimezone(UTC)


class _Busy:
    """Booked intervals, merged and sorted, for fast overlap tests."""

    def __init__(self, booked: Iterable[tuple[dt.datetime, dt.datetime]], tz: ZoneInfo) -> None:
        merged: list[list[dt.datetime]] = []
        for start, end in sorted((_utc(s, tz), _utc(e, tz)) for s, e in booked):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        # Half-open intervals: the last merged interval starting before `end` is the only one
        # that can overlap, because merged intervals do not overlap each other.
        i = bisect.bisect_left(self._starts, end) - 1
        return i >= 0 and self._ends[i] > start


def free_slots(
    hours: ClinicHours,
    window_start: dt.datetime,
    window_end: dt.datetime,
    booked: Iterable[tuple[dt.datetime, dt.datetime]],
    now: dt.datetime,
) -> list[Slot]:
    """Every bookable, unbooked slot whose start lies in [window_start, window_end), in order.

    Bookable means in the future, within the booking horizon, on an open day and on the grid
    (the same rules as `ClinicHours.check_bookable`). Naive datetimes are clinic-local.
    """
    tz = hours.tz
    lo = max(_utc(window_start, tz), now)
    hi = _utc(window_end, tz)
    if lo >= hi:
        return []
    busy = _Busy(booked, tz)
    first_day = to_local(lo, tz).date()
    last_day = min(to_local(hi, tz).date(), hours.last_bookable_day(now))
    out: list[Slot] = []
    day = first_day
    while day <= last_day:
        for start in hours.slot_starts(day):
            if start <= now or start < lo or start >= hi:
                continue
            end = start + hours.slot_length
            if not busy.overlaps(start, end):
                out.append(Slot(start, end, tz))
        day += dt.timedelta(days=1)
    return out


def spread(slots: Sequence[Slot], n: int = 5, *, tz: ZoneInfo | None = None) -> list[Slot]:
    """A few well-spread choices: one per day on the earliest days, alternating morning and
    afternoon, then a second time of day on those days if more are needed. Returned in order.

    Days and "morning" are judged in `tz`, else in the zone the slots carry (`free_slots` sets
    the clinic's), else in UTC.
    """
    if n <= 0 or not slots:
        return []
    zone = tz or next((s.tz for s in slots if s.tz is not None), None) or ZoneInfo("UTC")
    by_day: dict[dt.date, list[Slot]] = {}
    for slot in sorted(set(slots)):
        by_day.setdefault(to_local(slot.start, zone).date(), []).append(slot)
    if not by_day:
        return []

    def part(slot: Slot) -> int:  # 0 morning, 1 afternoon or later
        return 0 if to_local(slot.start, zone).time() < NOON else 1

    chosen: list[Slot] = []
    days = sorted(by_day)[:n]
    for i, day in enumerate(days):
        options = by_day[day]
        wanted = i % 2
        pick = next((s for s in options if part(s) == wanted), options[0])
        chosen.append(pick)
    # Too few days: add the other half of each day, then whatever keeps picks furthest apart.
    for day in days:
        if len(chosen) >= n:
            break
        have = {part(s) for s in chosen if s in by_day[day]}
        other = next((s for s in by_day[day] if part(s) not in have), None)
        if other is not None:
            chosen.append(other)
    pool = [s for day in days for s in by_day[day] if s not in chosen]
    while len(chosen) < n and pool:
        # furthest from every pick so far; the earliest of equals (max keeps the first)
        best = max(pool, key=lambda s: min(abs(s.start - c.start) for c in chosen))
        chosen.append(best)
        pool.remove(best)
    return sorted(chosen)


def nearest_free(
    hours: ClinicHours,
    target: dt.datetime,
    booked: Iterable[tuple[dt.datetime, dt.datetime]],
    now: dt.datetime,
    n: int = 3,
) -> list[Slot]:
    """The `n` free slots closest in time to `target` (before or after), nearest first; of two
    equally near, the earlier first (so the alternatives to a taken 10:00 are 9:30, 10:30, 9:00).

    Looks a week either side first and widens to the whole horizon only when that is too few.
    """
    booked = list(booked)
    target_utc = _utc(target, hours.tz)
    week = dt.timedelta(days=7)
    candidates = free_slots(hours, target_utc - week, target_utc + week, booked, now)
    if len(candidates) < n:
        horizon_end = dt.datetime.combine(
            hours.last_bookable_day(now) + dt.timedelta(days=1), dt.time(0), tzinfo=hours.tz
        )
        candidates = free_slots(hours, now, horizon_end, booked, now)
    return sorted(candidates, key=lambda s: (abs(s.start - target_utc), s.start))[:n]
