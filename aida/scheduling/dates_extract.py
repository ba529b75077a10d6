"""The parts of a normalised date or time phrase, pulled out one kind at a time.

`extract` removes what it recognises from the text (calendar dates first, then ranges within a
day, exact times, parts of the day, relative days, weekdays, months) so a later pattern cannot
read the same words again; what is left over is for `dates_resolve` to judge. Nothing here knows
today's date: turning the parts into days is resolution's job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from aida.errors import InvalidRequest
from aida.scheduling.dates_normalize import MONTH_RE, MONTHS, WEEKDAY_RE, WEEKDAYS
from aida.scheduling.speech import clock_time

NOT_UNDERSTOOD = "Sorry, I didn't catch the day or time; could you say it like 'Tuesday at 10 AM'?"

# A clock time as it appears inside ranges: "2", "2:30", "2 pm", "noon".
_T = r"(?:\d{1,2}(?::\d{2})?(?:\s*(?:am|pm))?|noon|midday|midnight)"


@dataclass
class Parts:
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
    # Where in the text each recognised part was, as (start, end) character offsets: the text is
    # blanked, not shortened, as parts are taken, so a reader can find the time phrases in a
    # whole sentence with this grammar instead of a second vocabulary (aida.agent.dialogue.times).
    spans: list[tuple[int, int]] = field(default_factory=list)
    ambiguity_prefix: str = ""  # said before the readings: "The 5th is a Thursday, not ..."

    def take(self, pattern: str) -> list[re.Match[str]]:
        """All matches of `pattern`, removed from the text so later patterns cannot reuse them."""
        regex = re.compile(pattern)
        found = list(regex.finditer(self.text))
        if found:
            self.text = regex.sub(lambda m: " " * len(m.group(0)), self.text)
            self.spans.extend(m.span() for m in found)
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


def extract(text: str) -> Parts:
    p = Parts(text)
    if p.take(r"\b(?:as soon as possible|asap|soonest|earliest|(?:first|1st|next) available|"
              r"any ?time|whenever|(?:first|1st) thing)\b"):  # fmt: skip
        p.asap = True

    # calendar dates first: "December 3 in the afternoon" must not read as 3 PM
    for m in p.take(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"):
        p.dates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in p.take(rf"\b({MONTH_RE})\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)"
                    r"(?:\s+(\d{4})\b)?"):  # fmt: skip
        year = int(m.group(3)) if m.group(3) else None
        p.dates.append((year, MONTHS[m.group(1)], int(m.group(2))))
    for m in p.take(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})\b"
                    r"(?:\s+(\d{4})\b)?"):  # fmt: skip
        year = int(m.group(3)) if m.group(3) else None
        p.dates.append((year, MONTHS[m.group(2)], int(m.group(1))))
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
        p.times.append(from_minutes(to_minutes(t) - 15) if t.hour else dt.time(23, 45))
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
    for m in p.take(rf"\b(?:(this|next|coming|upcoming|following)\s+)?({WEEKDAY_RE})s?\b"
                    r"(\s+after\s+next)?"):  # fmt: skip
        modifier = m.group(1)
        if m.group(3):
            modifier = "after next"
        p.weekdays.append((WEEKDAYS[m.group(2)], modifier))
    for m in p.take(r"\b(this|next|following|coming)\s+(week|month)\b"):
        offset = 0 if m.group(1) == "this" else 1
        (p.week_offset if m.group(2) == "week" else p.month_offset).append(offset)

    # "may" is a month only where it cannot be the verb
    for m in p.take(rf"\b(?:in\s+)?({MONTH_RE})\b(?:\s+(\d{{4}})\b)?"):
        if m.group(1) == "may" and not m.group(0).startswith("in") and not m.group(2):
            continue
        p.months.append((MONTHS[m.group(1)], int(m.group(2)) if m.group(2) else None))

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
        at = re.search(rf"(?<!\S){re.escape(lone)}(?!\S)", p.text)
        if at is not None:
            p.spans.append(at.span())
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


def to_minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def from_minutes(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)
