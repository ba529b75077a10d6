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

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from aida.errors import AmbiguousTime, InvalidRequest
from aida.scheduling.hours import DAY_NAMES, ClinicHours, days_text, local_instant
from aida.scheduling.speech import clock_time, day_text, local_iso, ordinal, to_local

ONE_DAY = dt.timedelta(days=1)
ASAP = "the earliest available times"
NOT_UNDERSTOOD = "Sorry, I didn't catch the day or time; could you say it like 'Tuesday at 10 AM'?"


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


# --- vocabulary ---

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"), ("tuesday", "tues", "tue"), ("wednesday", "wed"),
            ("thursday", "thurs", "thur", "thu"), ("friday", "fri"), ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}  # fmt: skip
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_ORD_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_ORD_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
              "sixteenth", "seventeenth", "eighteenth", "nineteenth"]  # fmt: skip
_ORD_TENS = {"twentieth": 20, "thirtieth": 30}
_FILLER_WORDS = """
    a an the on at in of for to by around about approximately roughly ish please maybe perhaps
    sometime some time any day or so how what is it would could can i we you me my do does have
    has there anything something appointment appointments slot slots available free open book
    like want wanted prefer preferably possible if works work good fine best be come in see
    doctor then okay ok yes yeah um uh well just and also again that this one date
    thanks thank great sure perfect sounds suit suits convenient earlier later early late next
    week weeks sometimes on ideally hopefully really either"""
_FILLER = frozenset(_FILLER_WORDS.split())
_NEGATIONS = {"not", "no", "except", "but", "isn't", "can't", "cannot", "won't", "don't", "never"}

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
# A clock time as it appears inside ranges: "2", "2:30", "2 pm", "noon".
_T = r"(?:\d{1,2}(?::\d{2})?(?:\s*(?:am|pm))?|noon|midday|midnight)"

_PARTS: dict[str, tuple[dt.time, dt.time]] = {
    "morning": (dt.time(5, 0), dt.time(12, 0)),
    "lunch": (dt.time(11, 30), dt.time(13, 30)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), dt.time(21, 0)),
}


def _ordinal_words(m: re.Match[str]) -> str:
    tens, unit = m.group(1), m.group(2)
    return ordinal(_TENS[tens] + _ORD_UNITS.index(unit) + 1)


def _normalize(text: str) -> str:
    t = text.lower().replace("’", "'").replace("—", " ").replace("–", "-")
    t = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", t)
    t = re.sub(r"[,;!?]|\.(?!\d)", " ", t)
    t = re.sub(r"(?<=\d)(am|pm)\b", r" \1", t)
    t = re.sub(r"\b(twenty|thirty|forty|fifty)[\s-]?(" + "|".join(_ORD_UNITS) + r")\b",
               _ordinal_words, t)  # fmt: skip
    t = re.sub(r"\b(" + "|".join(_ORD_UNITS + _ORD_TEENS) + r")\b",
               lambda m: ordinal((_ORD_UNITS + _ORD_TEENS).index(m.group(1)) + 1), t)  # fmt: skip
    t = re.sub(r"\b(twentieth|thirtieth)\b", lambda m: ordinal(_ORD_TENS[m.group(1)]), t)
    t = re.sub(r"\b(twenty|thirty|forty|fifty)[\s-](" + "|".join(_UNITS) + r")\b",
               lambda m: str(_TENS[m.group(1)] + _UNITS.index(m.group(2)) + 1), t)  # fmt: skip
    t = re.sub(r"\b(" + "|".join(_UNITS + _TEENS) + r")\b",
               lambda m: str((_UNITS + _TEENS).index(m.group(1)) + 1), t)  # fmt: skip
    t = re.sub(r"\b(twenty|thirty|forty|fifty)\b", lambda m: str(_TENS[m.group(1)]), t)
    # Spoken clock times: "ten thirty", "three fifteen", "nine oh five", "three o'clock".
    t = re.sub(r"\b(\d{1,2}) (15|30|45)\b(?! (?:minute|min|day|week|month)s?\b)", r"\1:\2", t)
    t = re.sub(r"\b(\d{1,2}) (?:oh|o) (\d)\b", r"\1:0\2", t)
    t = re.sub(r"\b(\d{1,2})\s*o'?\s?clock\b", r"at \1", t)
    t = re.sub(r"\b(?:a couple of|a couple|couple of)\b", "2", t)
    t = re.sub(r"\b(?:a|an)\s+(day|week|month|fortnight)\b", r"1 \1", t)
    t = re.sub(r"\b(\d+)\s+fortnights?\b", lambda m: f"{2 * int(m.group(1))} weeks", t)
    t = re.sub(r"\bfortnight\b", "2 weeks", t)
    t = re.sub(r"\btonight\b", "today evening", t)
    t = re.sub(r"\bthis (morning|afternoon|evening)\b", r"today \1", t)
    t = re.sub(r"\b(\d{1,2})\s+(noon|midnight)\b", r"\2", t)
    return re.sub(r"\s+", " ", t).strip()


# --- the parse: components pulled out of the text one kind at a time ---


@dataclass
class _Parts:
    text: str
    times: list[dt.time] = field(default_factory=list)
    ranges: list[tuple[dt.time | None, dt.time | None, str]] = field(default_factory=list)
    day_parts: list[tuple[str, str | None]] = field(default_factory=list)
    rel_days: list[int] = field(default_factory=list)
    weekdays: list[tuple[int, str | None]] = field(default_factory=list)
    week_offset: list[int] = field(default_factory=list)
    month_offset: list[int] = field(default_factory=list)
    day_offset: list[int] = field(default_factory=list)
    # (year, month, day) where month None means "the Nth" of a month to be found
    dates: list[tuple[int | None, int | None, int]] = field(default_factory=list)
    ambiguous_numeric: list[tuple[tuple[int | None, int, int], tuple[int | None, int, int]]] = (
        field(default_factory=list)
    )
    months: list[tuple[int, int | None]] = field(default_factory=list)
    asap: bool = False
    ambiguity_prefix: str = ""  # said before the readings: "The 5th is a Thursday, not ..."

    def take(self, pattern: str) -> list[re.Match[str]]:
        """All matches of `pattern`, removed from the text so later patterns cannot reuse them."""
        regex = re.compile(pattern)
        found = list(regex.finditer(self.text))
        if found:
            self.text = regex.sub(" ", self.text)
        return found

    @property
    def has_day(self) -> bool:
        return bool(
            self.rel_days or self.weekdays or self.week_offset or self.month_offset
            or self.day_offset or self.dates or self.ambiguous_numeric or self.months or self.asap
        )  # fmt: skip


def _clock(hour: int, minute: int, meridiem: str | None) -> dt.time:
    """A wall time from an hour as said; bare hours follow the clinic rule (1-7 pm, 8-11 am)."""
    if minute > 59:
        raise InvalidRequest(NOT_UNDERSTOOD)
    if meridiem in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise InvalidRequest(NOT_UNDERSTOOD)
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif meridiem == "24h":
        if hour > 23:
            raise InvalidRequest(NOT_UNDERSTOOD)
    else:
        if hour > 23:
            raise InvalidRequest(NOT_UNDERSTOOD)
        if 1 <= hour <= 7:
            hour += 12
    return dt.time(hour, minute)


def _time_token(token: str, meridiem: str | None = None) -> tuple[dt.time, bool]:
    """Parse one `_T` token; returns the time and whether am/pm (or a name) fixed it."""
    token = token.strip()
    if token in ("noon", "midday"):
        return dt.time(12, 0), True
    if token == "midnight":
        return dt.time(0, 0), True
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", token)
    if not m:
        raise InvalidRequest(NOT_UNDERSTOOD)
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    said = m.group(3) or meridiem
    if said:
        return _clock(hour, minute, said), True
    if m.group(2) and (hour >= 13 or hour == 0 or m.group(1).startswith("0")):
        return _clock(hour, minute, "24h"), True
    return _clock(hour, minute, None), False


def _extract(text: str) -> _Parts:
    p = _Parts(text)
    if p.take(r"\b(?:as soon as possible|asap|soonest|earliest|(?:first|1st|next) available|"
              r"any ?time|whenever|(?:first|1st) thing)\b"):  # fmt: skip
        p.asap = True

    # calendar dates first: "December 3 in the afternoon" must not read as 3 PM
    for m in p.take(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"):
        p.dates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in p.take(rf"\b({_MONTH_RE})\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)"
                    r"(?:\s+(\d{4})\b)?"):  # fmt: skip
        year = int(m.group(3)) if m.group(3) else None
        p.dates.append((year, _MONTHS[m.group(1)], int(m.group(2))))
    for m in p.take(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\b"
                    r"(?:\s+(\d{4})\b)?"):  # fmt: skip
        year = int(m.group(3)) if m.group(3) else None
        p.dates.append((year, _MONTHS[m.group(2)], int(m.group(1))))
    for m in p.take(r"\b(\d{1,2})(?:/(\d{1,2})(?:/(\d{2,4}))?|\.(\d{1,2})\.(\d{2,4}))\b"):
        a, b = int(m.group(1)), int(m.group(2) or m.group(4))
        year = _year(m.group(3) or m.group(5))
        us, eu = (year, a, b), (year, b, a)
        if a == b or b > 12:
            p.dates.append(us)
        elif a > 12:
            p.dates.append(eu)
        else:
            p.ambiguous_numeric.append((us, eu))
    for m in p.take(r"\b(\d{1,2})(?:st|nd|rd|th)\b(?:\s+of\s+(this|next)\s+month)?"):
        if m.group(2):
            p.month_offset.append(0 if m.group(2) == "this" else 1)
        p.dates.append((None, None, int(m.group(1))))
    # ranges within a day, before single times so "between 2 and 4" is not two times
    for m in p.take(rf"\b(?:between|from)\s+({_T})\s+(?:and|to|until|till|-)\s+({_T})\b"):
        p.ranges.append(_range(m.group(1), m.group(2)))
    for m in p.take(rf"\b(after|before|from|until|till|by)\s+({_T})(?=\s|$)"):
        # "by 3" means "no later than 3"
        t, _ = _time_token(m.group(2))
        word = m.group(1)
        if word in ("after", "from"):
            p.ranges.append((t, None, f"after {clock_time(t)}"))
        else:
            p.ranges.append((None, t, f"before {clock_time(t)}"))

    # exact times
    for m in p.take(r"\b(noon|midday|midnight)\b"):
        p.times.append(_time_token(m.group(1))[0])
    for m in p.take(r"\b(half|quarter)\s+past\s+(\d{1,2})(?:\s*(am|pm))?\b"):
        minute = 30 if m.group(1) == "half" else 15
        p.times.append(_clock(int(m.group(2)), minute, m.group(3)))
    for m in p.take(r"\bquarter\s+to\s+(\d{1,2})(?:\s*(am|pm))?\b"):
        t = _clock(int(m.group(1)), 0, m.group(2))
        p.times.append(_time(_minutes(t) - 15) if t.hour else dt.time(23, 45))
    for m in p.take(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b"):
        p.times.append(_clock(int(m.group(1)), int(m.group(2) or 0), m.group(3)))
    for m in p.take(r"\b(\d{1,2})(?::(\d{2}))?\s+(?:in the\s+)?"
                    r"(morning|afternoon|evening|at night)\b"):  # fmt: skip
        meridiem = "am" if m.group(3) == "morning" else "pm"
        p.times.append(_clock(int(m.group(1)), int(m.group(2) or 0), meridiem))
    for m in p.take(r"(?<![\d/:-])\b(\d{1,2}):(\d{2})\b(?![/:-]\d)"):
        p.times.append(_time_token(m.group(0))[0])
    for m in p.take(r"\b(?:at|@|around|about)\s+(\d{1,2})\b"
                    r"(?!\s*(?:st|nd|rd|th|/|-|day|week|month))"):  # fmt: skip
        p.times.append(_clock(int(m.group(1)), 0, None))

    # parts of the day
    for m in p.take(r"\b(?:(early|late|mid)\s*-?\s*)?(?:in the\s+)?"
                    r"(morning|afternoon|evening|night|lunch(?:time)?)s?\b"):  # fmt: skip
        name = {"night": "evening", "lunchtime": "lunch"}.get(m.group(2), m.group(2))
        p.day_parts.append((name, m.group(1)))

    # days relative to today
    if p.take(r"\b(?:the\s+)?day after tomorrow\b"):
        p.rel_days.append(2)
    for m in p.take(r"\b(today|tomorrow|tmrw|tmr)\b"):
        p.rel_days.append(0 if m.group(1) == "today" else 1)
    for m in p.take(r"\b(?:in\s+(\d{1,3})|(\d{1,3})\s+"
                    r"(?=(?:day|week|month)s?\s+from\s+(?:now|today)))"
                    r"\s*(day|week|month)s?(?:\s+from\s+(?:now|today))?\b"):  # fmt: skip
        n = int(m.group(1) or m.group(2))
        {"day": p.day_offset, "week": p.week_offset, "month": p.month_offset}[m.group(3)].append(n)
    if p.take(r"\b(?:the\s+)?week after next\b"):
        p.week_offset.append(2)

    # weekdays, before "next week" so "Monday next week" keeps both halves
    for m in p.take(rf"\b(?:(this|next|coming|upcoming|following)\s+)?({_WEEKDAY_RE})s?\b"
                    r"(\s+after\s+next)?"):  # fmt: skip
        modifier = m.group(1)
        if m.group(3):
            modifier = "after next"
        p.weekdays.append((_WEEKDAYS[m.group(2)], modifier))
    for m in p.take(r"\b(this|next|following|coming)\s+(week|month)\b"):
        offset = 0 if m.group(1) == "this" else 1
        (p.week_offset if m.group(2) == "week" else p.month_offset).append(offset)

    # "may" is a month only where it cannot be the verb
    for m in p.take(rf"\b(?:in\s+)?({_MONTH_RE})\b(?:\s+(\d{{4}})\b)?"):
        if m.group(1) == "may" and not m.group(0).startswith("in") and not m.group(2):
            continue
        p.months.append((_MONTHS[m.group(1)], int(m.group(2)) if m.group(2) else None))

    # A lone hour left next to a day ("Monday 10") is a time. Other numbers next to a day are
    # not understood; without a day they are left for the dateparser fallback to try.
    leftovers = p.text.split()
    numbers = [w for w in leftovers if any(c.isdigit() for c in w)]
    if numbers and p.has_day:
        lone = numbers[0]
        if len(numbers) > 1 or p.times or not lone.isdigit() or int(lone) > 23:
            raise InvalidRequest(NOT_UNDERSTOOD)
        p.times.append(_clock(int(lone), 0, None))
        leftovers.remove(lone)
    p.text = " ".join(leftovers)
    return p


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _range(first: str, second: str) -> tuple[dt.time, dt.time, str]:
    """ "2 to 4 pm": a meridiem said once applies to both ends when that keeps them in order."""
    end, _ = _time_token(second)
    m = re.search(r"(am|pm)", second)
    start, start_fixed = _time_token(first)
    if not start_fixed and m:
        same, _ = _time_token(first, m.group(1))
        if same < end:
            start = same
    if not start < end:
        raise InvalidRequest("That time range ends before it starts; could you say it again?")
    return start, end, f"between {clock_time(start)} and {clock_time(end)}"


# --- the resolution ---


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
            lo_min, hi_min = _minutes(lo), _minutes(hi)
            third = (hi_min - lo_min) // 3
            half = (hi_min - lo_min) // 2
            if modifier == "early":
                hi = _time(lo_min + half)
            elif modifier == "late":
                lo = _time(lo_min + half)
            else:
                lo, hi = _time(lo_min + third), _time(hi_min - third)
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


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


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
    p = _extract(_normalize(text))
    leftover = p.text.split()
    if any(w in _NEGATIONS for w in leftover):
        raise InvalidRequest("Which day and time would you like?")
    if not p.has_day and any(c.isdigit() for c in p.text):
        # numbers the grammar could not place: an absolute date in another format, or nothing
        fallback = _fallback_date(p.text, r)
        if fallback is None:
            raise InvalidRequest(NOT_UNDERSTOOD)
        p.dates.append((fallback.year, fallback.month, fallback.day))
    elif any(w not in _FILLER for w in leftover):
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
    p: _Parts, r: _Resolver
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


def _days(p: _Parts, r: _Resolver) -> _Day | list[dt.date]:
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


def _month_span(p: _Parts, r: _Resolver) -> tuple[dt.date, dt.date, str]:
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
    if any(w in _WEEKDAYS or w in ("next", "last", "ago") for w in text.split()):
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
