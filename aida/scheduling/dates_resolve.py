"""What a caller's day and time mean against now and the clinic's hours: `resolve_when`.

The rules are in `aida.scheduling.dates`, the module to import this from.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from aida.errors import AmbiguousTime, InvalidRequest
from aida.scheduling.dates_extract import NOT_UNDERSTOOD, Parts, extract, from_minutes, to_minutes
from aida.scheduling.dates_normalize import FILLER, NEGATIONS, WEEKDAYS, normalize
from aida.scheduling.hours import DAY_NAMES, ClinicHours, days_text, local_instant
from aida.scheduling.speech import clock_time, day_text, local_iso, ordinal, to_local

ONE_DAY = dt.timedelta(days=1)
ASAP = "the earliest available times"

_PARTS: dict[str, tuple[dt.time, dt.time]] = {
    "morning": (dt.time(5, 0), dt.time(12, 0)),
    "lunch": (dt.time(11, 30), dt.time(13, 30)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), dt.time(21, 0)),
}


@dataclass(frozen=True)
class Resolution:
    """An exact time, or a window to look for free slots in.

    `start`/`end` are aware, in the clinic's zone. For an exact time `end` is `start` plus one
    slot. A window may begin before now (this afternoon, asked at 2 PM); `free_slots` skips the
    past. A window spanning several days may carry `daily`, the time of day wanted on each day
    ("next week in the morning"); use `admits` to filter slots by it.
    """

    kind: Literal["exact", "window"]
    start: dt.datetime
    end: dt.datetime
    description: str
    daily: tuple[dt.time, dt.time] | None = field(default=None)

    def admits(self, when: dt.datetime) -> bool:
        """Whether a slot starting at `when` fits: inside [start, end) and within `daily`."""
        local = to_local(when, self.start.tzinfo)  # type: ignore[arg-type]
        # compared in UTC: within one zone Python compares wall times, ignoring DST folds
        if not _utc(self.start) <= _utc(local) < _utc(self.end):
            return False
        if self.daily is None:
            return True
        wall = local.time().replace(tzinfo=None)
        return self.daily[0] <= wall < self.daily[1]

    def to_dict(self) -> dict[str, Any]:
        tz = self.start.tzinfo
        out: dict[str, Any] = {
            "kind": self.kind,
            "start": local_iso(self.start, tz),  # type: ignore[arg-type]
            "end": local_iso(self.end, tz),  # type: ignore[arg-type]
            "description": self.description,
        }
        if self.daily is not None:
            out["daily"] = [self.daily[0].isoformat("minutes"), self.daily[1].isoformat("minutes")]
        return out


def _utc(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC)


class _Resolver:
    def __init__(self, now: dt.datetime, hours: ClinicHours) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.hours = hours
        self.tz = hours.tz
        self.now = now.astimezone(self.tz)
        self.today = self.now.date()

    # dates

    def still_ahead(self, day: dt.date) -> bool:
        """A day not yet over for booking: later than today, or today before closing time."""
        if day != self.today:
            return day > self.today
        return self.now < dt.datetime.combine(day, self.hours.close, tzinfo=self.tz)

    def day_text(self, day: dt.date) -> str:
        return day_text(day, with_year=day.year != self.today.year)

    def calendar_date(
        self, year: int | None, month: int | None, day: int, month_offset: int | None
    ) -> dt.date:
        if month is None:
            return self.nth_of_month(day, month_offset)
        if not 1 <= month <= 12 or day < 1:
            raise InvalidRequest("That date doesn't exist; could you check it?")
        if year is not None:
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise InvalidRequest(self.no_such_day(month, day, year)) from exc
        if day > calendar.monthrange(2024, month)[1]:  # 2024: a leap year allows February 29
            raise InvalidRequest(self.no_such_day(month, day, None))
        for y in (self.today.year, self.today.year + 1, self.today.year + 2, self.today.year + 3,
                  self.today.year + 4):  # fmt: skip
            try:
                candidate = dt.date(y, month, day)
            except ValueError:  # February 29 outside a leap year
                continue
            if self.still_ahead(candidate):
                return candidate
        raise InvalidRequest(self.no_such_day(month, day, None))

    @staticmethod
    def no_such_day(month: int, day: int, year: int | None) -> str:
        name = calendar.month_name[month] if 1 <= month <= 12 else "that month"
        when = f" {year}" if year else ""
        return f"There's no {name} {ordinal(day)}{when}; could you check the date?"

    def nth_of_month(self, day: int, month_offset: int | None) -> dt.date:
        if not 1 <= day <= 31:
            raise InvalidRequest(f"There's no {ordinal(day)} in a month; could you check the date?")
        year, month = self.today.year, self.today.month
        if month_offset:
            year, month = _add_months(year, month, month_offset)
        for _ in range(13):
            if day <= calendar.monthrange(year, month)[1]:
                candidate = dt.date(year, month, day)
                if self.still_ahead(candidate) or month_offset is not None:
                    return candidate
            if month_offset is not None and day > calendar.monthrange(year, month)[1]:
                raise InvalidRequest(
                    f"{calendar.month_name[month]} has no {ordinal(day)}; could you check the date?"
                )
            year, month = _add_months(year, month, 1)
        raise InvalidRequest(NOT_UNDERSTOOD)

    def weekday_date(self, weekday: int, modifier: str | None) -> dt.date:
        ahead = (weekday - self.today.weekday()) % 7
        if modifier in ("next", "following"):
            return _monday(self.today) + dt.timedelta(weeks=1, days=weekday)
        if modifier == "after next":  # the second one to come, today not counted
            return self.today + dt.timedelta(days=(ahead or 7) + 7)
        if modifier in ("this", "coming", "upcoming"):
            return self.today + dt.timedelta(days=ahead)
        return self.today + dt.timedelta(days=ahead or 7)

    def week_days(self, offset: int) -> tuple[dt.date, dt.date]:
        """The first and last open days still ahead in the week `offset` weeks from this one."""
        monday = _monday(self.today) + dt.timedelta(weeks=offset)
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        days = [d for d in days if self.hours.is_open_on(d) and self.still_ahead(d)]
        if not days:
            if offset == 0:
                raise InvalidRequest("We have no more open days this week; would next week work?")
            raise InvalidRequest("We have no open days that week; would another week work?")
        return days[0], days[-1]

    def month_days(self, year: int, month: int) -> tuple[dt.date, dt.date]:
        first = max(dt.date(year, month, 1), self.today)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        days = [d for d in days if self.hours.is_open_on(d) and self.still_ahead(d)]
        if not days:
            raise InvalidRequest("We have no open days left that month; would the next one work?")
        return days[0], days[-1]

    # times of day

    def part_window(self, name: str, modifier: str | None) -> tuple[dt.time, dt.time, str]:
        lo, hi = _PARTS[name]
        lo, hi = max(lo, self.hours.open), min(hi, self.hours.close)
        label = f"in the {name}" if name != "lunch" else "around lunchtime"
        if name == "evening" and lo >= hi:
            start = dt.datetime.combine(self.today, self.hours.close) - dt.timedelta(hours=2)
            lo, hi = max(start.time(), self.hours.open), self.hours.close
            label = f"late afternoon, as we close at {clock_time(self.hours.close)}"
            modifier = None
        if lo >= hi:
            raise InvalidRequest(
                f"We're not open in the {name}; our hours are {self.hours.hours_text()}."
            )
        if modifier in ("early", "late", "mid"):
            lo_min, hi_min = to_minutes(lo), to_minutes(hi)
            third = (hi_min - lo_min) // 3
            half = (hi_min - lo_min) // 2
            if modifier == "early":
                hi = from_minutes(lo_min + half)
            elif modifier == "late":
                lo = from_minutes(lo_min + half)
            else:
                lo, hi = from_minutes(lo_min + third), from_minutes(hi_min - third)
            label = f"{modifier} {name}" if modifier != "mid" else f"mid-{name}"
        return lo, hi, label

    def range_window(
        self, lo: dt.time | None, hi: dt.time | None, label: str
    ) -> tuple[dt.time, dt.time, str]:
        lo2 = max(lo or self.hours.open, self.hours.open)
        hi2 = min(hi or self.hours.close, self.hours.close)
        if lo2 >= hi2:
            raise InvalidRequest(f"That's outside our hours; we're open {self.hours.hours_text()}.")
        return lo2, hi2, label

    # results

    def exact(self, day: dt.date, at: dt.time) -> Resolution:
        local = local_instant(day, at, self.tz)
        if local is None:
            raise InvalidRequest(
                f"There's no {clock_time(at)} on {self.day_text(day)}, as the clocks change "
                "that night; could you pick another time?"
            )
        return Resolution(
            "exact", local, _after(local, self.hours.slot_length),
            f"{self.day_text(day)} at {clock_time(at)}",
        )  # fmt: skip

    def day_window(self, day: dt.date, daily: tuple[dt.time, dt.time, str] | None) -> Resolution:
        if not self.hours.is_open_on(day):
            raise InvalidRequest(
                f"We're closed on {self.day_text(day)}; "
                f"we're open {days_text(self.hours.weekdays)}."
            )
        lo, hi, label = daily or (self.hours.open, self.hours.close, "")
        start = dt.datetime.combine(day, lo, tzinfo=self.tz)
        end = dt.datetime.combine(day, hi, tzinfo=self.tz)
        text = self.day_text(day) + (f", {label}" if label else "")
        return self.checked(Resolution("window", start, end, text))

    def span_window(self, first: dt.date, last: dt.date, prefix: str,
                    daily: tuple[dt.time, dt.time, str] | None) -> Resolution:  # fmt: skip
        lo, hi, label = daily or (self.hours.open, self.hours.close, "")
        start = dt.datetime.combine(first, lo, tzinfo=self.tz)
        end = dt.datetime.combine(last, hi, tzinfo=self.tz)
        span = self.day_text(first)
        if first != last:
            span += f" to {self.day_text(last)}"
        text = prefix if prefix == ASAP else f"{prefix}, {span}" if prefix else span
        if label.startswith("in the "):  # "in the morning" on each day: "mornings"
            label = label.removeprefix("in the ") + "s"
        if label:
            text += f", {label}"
        res = Resolution("window", start, end, text, (lo, hi) if daily else None)
        return self.checked(res)

    def checked(self, res: Resolution) -> Resolution:
        if res.end <= self.now:
            raise InvalidRequest("That time has already passed; would another day work?")
        if res.start.date() > self.hours.last_bookable_day(self.now):
            raise InvalidRequest(
                f"{res.description[0].upper()}{res.description[1:]} is too far ahead; "
                f"we book up to {self.hours.horizon_days} days out."
            )
        return res


def _after(local: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """`local` plus elapsed time (aware arithmetic in one zone is wall-clock arithmetic)."""
    return (local.astimezone(dt.UTC) + delta).astimezone(local.tzinfo)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _iso(text: str, r: _Resolver) -> Resolution | None:
    """ISO 8601: a naive time is clinic-local; one with an offset is converted to the clinic."""
    s = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                        r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?", s):  # fmt: skip
        return None
    try:
        if len(s) == 10:
            return r.day_window(dt.date.fromisoformat(s), None)
        value = dt.datetime.fromisoformat(s.replace("z", "Z"))
    except ValueError as exc:
        raise InvalidRequest("That date doesn't exist; could you check it?") from exc
    if value.tzinfo is None:
        return r.exact(value.date(), value.time())
    local = value.astimezone(r.tz)
    return Resolution(
        "exact", local, _after(local, r.hours.slot_length),
        f"{r.day_text(local.date())} at {clock_time(local.time())}",
    )  # fmt: skip


def _options(resolutions: list[Resolution]) -> list[dict[str, Any]]:
    return [res.to_dict() for res in resolutions]


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def resolve_when(text: str, now: dt.datetime, hours: ClinicHours) -> Resolution:
    """Resolve what a caller said ("next Friday morning", "2026-12-01T10:00") against `now`.

    Returns an exact time or a window in the clinic's zone (rules in the module docstring);
    raises `AmbiguousTime` (with `details["options"]`, each a `Resolution.to_dict()` or, for
    competing times of day, a `{"description": ...}`) when there are several readings, and
    `InvalidRequest` when it cannot be understood or the window is unusable.
    """
    r = _Resolver(now, hours)
    if not text or not text.strip():
        raise InvalidRequest(NOT_UNDERSTOOD)
    iso = _iso(text, r)
    if iso is not None:
        return iso
    p = extract(normalize(text))
    leftover = p.text.split()
    if any(w in NEGATIONS for w in leftover):
        raise InvalidRequest("Which day and time would you like?")
    if not p.has_day and any(c.isdigit() for c in p.text):
        # numbers the grammar could not place: an absolute date in another format, or nothing
        fallback = _fallback_date(p.text, r)
        if fallback is None:
            raise InvalidRequest(NOT_UNDERSTOOD)
        p.dates.append((fallback.year, fallback.month, fallback.day))
    elif any(w not in FILLER for w in leftover):
        # a word we do not know may change the meaning ("the Monday after Easter"): ask
        raise InvalidRequest(NOT_UNDERSTOOD)
    if not (p.has_day or p.times or p.day_parts or p.ranges):
        raise InvalidRequest(NOT_UNDERSTOOD)

    at, daily = _time_of_day(p, r)
    days = _days(p, r)
    if not isinstance(days, list):
        return _combine(r, days, at, daily)

    readings: list[Resolution] = []
    error: InvalidRequest | None = None
    for day in sorted(set(days)):
        try:
            readings.append(_combine(r, day, at, daily))
        except InvalidRequest as exc:  # a closed or past reading is not worth offering
            error = exc  # the latest reading's reason: callers mostly mean the future
    if not readings:
        assert error is not None
        raise error
    raise AmbiguousTime(
        f"{p.ambiguity_prefix}Did you mean {_or([x.description for x in readings])}?",
        options=_options(readings),
    )


def _time_of_day(
    p: Parts, r: _Resolver
) -> tuple[dt.time | None, tuple[dt.time, dt.time, str] | None]:
    """The exact time said, or the daily window (start, end, spoken label), or neither."""
    times = sorted(set(p.times))
    if len(times) > 1:
        raise AmbiguousTime(
            f"Did you mean {_or([clock_time(t) for t in times])}?",
            options=[{"time": t.isoformat("minutes"), "description": clock_time(t)} for t in times],
        )
    parts = list(dict.fromkeys(p.day_parts))
    if len(parts) > 1 or len(p.ranges) > 1:
        names = [n for n, _ in parts] if len(parts) > 1 else [label for *_, label in p.ranges]
        raise AmbiguousTime(
            f"Did you mean {_or(names)}?", options=[{"description": n} for n in names]
        )
    at = times[0] if times else None
    if at is not None and p.ranges:
        raise AmbiguousTime(
            f"Did you mean {clock_time(at)} or {p.ranges[0][2]}?",
            options=[{"description": clock_time(at)}, {"description": p.ranges[0][2]}],
        )
    if at is not None:
        if parts:
            # "tomorrow morning at 7": the part settles am/pm that the bare-hour rule guessed
            lo, hi = _PARTS[parts[0][0]]
            flipped = dt.time((at.hour + 12) % 24, at.minute)
            if not lo <= at < hi and lo <= flipped < hi:
                at = flipped
        return at, None
    daily = r.part_window(*parts[0]) if parts else None
    if p.ranges:
        lo_r, hi_r, label = p.ranges[0]
        if daily is not None:
            lo_r = max(lo_r or daily[0], daily[0])
            hi_r = min(hi_r or daily[1], daily[1])
            label = f"{daily[2]}, {label}"
        daily = r.range_window(lo_r, hi_r, label)
    return None, daily


# A day: one date, a span (first, last, spoken prefix), or None when no day was said.
_Day = dt.date | tuple[dt.date, dt.date, str] | None


def _days(p: Parts, r: _Resolver) -> _Day | list[dt.date]:
    """The day(s) meant; a list when there are several readings to offer."""
    months = list(dict.fromkeys(p.months))
    if len(months) > 1:
        names = [calendar.month_name[m] for m, _ in months]
        raise AmbiguousTime(
            f"Did you mean {_or(names)}?", options=[{"description": n} for n in names]
        )
    if any(len(set(xs)) > 1 for xs in (p.week_offset, p.month_offset, p.day_offset)):
        raise InvalidRequest(NOT_UNDERSTOOD)
    weekdays = list(dict.fromkeys(p.weekdays))
    if len({w for w, _ in weekdays}) > 1:
        return [r.weekday_date(w, m) for w, m in weekdays]
    weekday = weekdays[0][0] if weekdays else None
    modifier = weekdays[0][1] if weekdays else None

    if p.ambiguous_numeric:
        if len(p.ambiguous_numeric) > 1 or p.dates:
            raise InvalidRequest(NOT_UNDERSTOOD)
        us, eu = p.ambiguous_numeric[0]
        readings = [r.calendar_date(*us, None), r.calendar_date(*eu, None)]
        matching = [d for d in readings if d.weekday() == weekday]
        if len(matching) == 1:
            return matching[0]
        return readings

    dates = list(dict.fromkeys(p.dates))
    if len(dates) > 1:
        return [r.calendar_date(y, mo, d, None) for y, mo, d in dates]
    date: dt.date | None = None
    said = ""
    if dates:
        month_offset = p.month_offset[0] if p.month_offset else None
        date = r.calendar_date(*dates[0], month_offset)
        said = f"{date:%B} {ordinal(date.day)}" if dates[0][1] else f"The {ordinal(date.day)}"
    elif p.rel_days:
        if len(set(p.rel_days)) > 1:
            return [r.today + dt.timedelta(days=d) for d in sorted(set(p.rel_days))]
        date = r.today + dt.timedelta(days=p.rel_days[0])
        said = {0: "Today", 1: "Tomorrow", 2: "The day after tomorrow"}[p.rel_days[0]]
    elif p.day_offset:
        date = r.today + dt.timedelta(days=p.day_offset[0])
        said = f"In {p.day_offset[0]} days it's"
    if date is not None:
        if p.week_offset and _monday(date) != _monday(r.today) + dt.timedelta(
            weeks=p.week_offset[0]
        ):
            raise InvalidRequest(
                f"{r.day_text(date)} isn't in the week you said; which day did you mean?"
            )
        if weekday is not None and date.weekday() != weekday:
            # never a silently wrong weekday: offer the date said and the weekday said
            article = "a " if dates else ""
            p.ambiguity_prefix = (
                f"{said} is {article}{DAY_NAMES[date.weekday()]}, not {article}"
                f"{DAY_NAMES[weekday]}. "
            ).replace("it's is ", "it's ")
            return _weekday_readings(r, date, weekday, floating=bool(dates and dates[0][1] is None))
        return date

    if weekday is not None:
        if p.week_offset:
            monday = r.today - dt.timedelta(days=r.today.weekday())
            date = monday + dt.timedelta(weeks=p.week_offset[0], days=weekday)
            if date < r.today:
                raise InvalidRequest(
                    f"{DAY_NAMES[weekday]} has already passed this week; "
                    f"would next {DAY_NAMES[weekday]} work?"
                )
            return date
        if p.months or p.month_offset:
            first, last, _ = _month_span(p, r)
            every = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
            every = [d for d in every if d.weekday() == weekday]
            if not every:
                raise InvalidRequest(
                    f"There's no {DAY_NAMES[weekday]} left that month; would another month work?"
                )
            p.ambiguity_prefix = f"There are several {DAY_NAMES[weekday]}s then. "
            return every if len(every) != 1 else every[0]
        return r.weekday_date(weekday, modifier)

    if p.week_offset:
        offset = p.week_offset[0]
        first, last = r.week_days(offset)
        prefix = {0: "this week", 1: "next week"}.get(offset, f"in {offset} weeks")
        return first, last, prefix
    if p.months or p.month_offset:
        return _month_span(p, r)
    if p.asap:
        return r.today, r.hours.last_bookable_day(r.now), ASAP
    return None


def _month_span(p: Parts, r: _Resolver) -> tuple[dt.date, dt.date, str]:
    if p.months:
        month, year = p.months[0]
        if year is None:
            year = r.today.year if month >= r.today.month else r.today.year + 1
    else:
        year, month = _add_months(r.today.year, r.today.month, p.month_offset[0])
    if (year, month) < (r.today.year, r.today.month):
        raise InvalidRequest("That month has already passed; would another one work?")
    first, last = r.month_days(year, month)
    return first, last, f"in {calendar.month_name[month]}"


def _weekday_readings(r: _Resolver, date: dt.date, weekday: int, floating: bool) -> list[dt.date]:
    """ "Friday the 5th" when the 5th is a Thursday: the 5th itself, the Friday nearest to it,
    and (for "the 5th" without a month) the next month whose 5th is a Friday."""
    nearest = date + dt.timedelta(days=(weekday - date.weekday() + 3) % 7 - 3)
    if nearest < r.today:
        nearest += dt.timedelta(weeks=1)
    readings = {date, nearest}
    if floating:
        year, month = date.year, date.month
        for _ in range(12):
            year, month = _add_months(year, month, 1)
            if date.day <= calendar.monthrange(year, month)[1]:
                later = dt.date(year, month, date.day)
                if later.weekday() == weekday:
                    if later <= r.hours.last_bookable_day(r.now):
                        readings.add(later)
                    break
    return sorted(readings)


def _combine(
    r: _Resolver, days: _Day, at: dt.time | None, daily: tuple[dt.time, dt.time, str] | None
) -> Resolution:
    if days is None:
        # no day said: the next open day on which that time (or part of the day) is still ahead
        day = r.today
        for _ in range(14):
            if r.hours.is_open_on(day):
                if at is not None:
                    local = local_instant(day, at, r.tz)
                    if local is not None and local > r.now:
                        return r.exact(day, at)
                else:
                    hi = daily[1] if daily else r.hours.close
                    if dt.datetime.combine(day, hi, tzinfo=r.tz) > r.now:
                        return r.day_window(day, daily)
            day += ONE_DAY
        raise InvalidRequest(NOT_UNDERSTOOD)
    if isinstance(days, tuple):
        first, last, prefix = days
        if at is not None:
            end = (dt.datetime.combine(first, at) + r.hours.slot_length).time()
            daily = (at, end, f"at {clock_time(at)}")
        return r.span_window(first, last, prefix, daily)
    if at is not None:
        return r.exact(days, at)
    return r.day_window(days, daily)


def _fallback_date(text: str, r: _Resolver) -> dt.date | None:
    """An absolute date in a form the grammar does not know, via dateparser (dates only: its
    handling of times, weekdays and "next" is what the grammar exists to avoid)."""
    if any(w in WEEKDAYS or w in ("next", "last", "ago") for w in text.split()):
        return None
    import dateparser  # slow to import; only needed for the rare fallback

    found = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": r.now.replace(tzinfo=None),
            "REQUIRE_PARTS": ["day", "month"],
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return found.date() if found else None
