"""A provider's working hours as staff type them ("Mon-Fri 09:00-17:00", "Mon,Wed 8:30-12:30"),
and the slot grid they give: the clinic's grid (`ClinicHours`) with that provider's days and
hours and the visit's length.

One time range on a set of days: a provider with different hours on different days is not
expressible yet, and the parser says what it accepts rather than guessing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from aida.errors import InvalidRequest
from aida.scheduling.hours import ClinicHours

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EXAMPLE = '"Mon-Fri 09:00-17:00" or "Mon,Wed,Fri 08:30-12:30"'
_SPEC = re.compile(
    r"^\s*(?P<days>[a-z]{3}(?:\s*[-,]\s*[a-z]{3})*)\s+"
    r"(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WorkingHours:
    weekdays: frozenset[int]
    open: dt.time
    close: dt.time

    def text(self) -> str:
        """The canonical form stored in `providers.hours`."""
        return f"{_days_text(self.weekdays)} {self.open:%H:%M}-{self.close:%H:%M}"


def parse_hours(spec: str) -> WorkingHours:
    """Parse a working-hours text; `InvalidRequest` with an example when it is not one."""
    match = _SPEC.match(spec or "")
    if match is None:
        raise InvalidRequest(f"Working hours look like {EXAMPLE}.")
    weekdays: set[int] = set()
    for part in re.split(r"\s*,\s*", match["days"].lower()):
        first, _, last = (p.strip() for p in part.partition("-"))
        if first not in DAYS or (last and last not in DAYS):
            raise InvalidRequest(f"Days are written Mon, Tue, Wed, Thu, Fri, Sat, Sun: {EXAMPLE}.")
        lo, hi = DAYS.index(first), DAYS.index(last or first)
        if hi < lo:
            raise InvalidRequest(f"A run of days goes forward, like Mon-Fri: {EXAMPLE}.")
        weekdays.update(range(lo, hi + 1))
    opens, closes = _time(match["open"]), _time(match["close"])
    if closes <= opens:
        raise InvalidRequest("Working hours must end after they start.")
    return WorkingHours(frozenset(weekdays), opens, closes)


def normalize_hours(spec: str | None) -> str | None:
    """The canonical text for a spec (None stays None: the clinic's own hours)."""
    if spec is None or not spec.strip():
        return None
    return parse_hours(spec).text()


def grid_for(
    clinic: ClinicHours, hours: str | None = None, minutes: int | None = None
) -> ClinicHours:
    """The clinic's grid with a provider's hours (None: the clinic's) and a visit's length (None:
    one slot). Starts stay on the clinic's slot step, so times line up across providers."""
    changes: dict[str, object] = {}
    if hours:
        wh = parse_hours(hours)
        changes.update(weekdays=wh.weekdays, open=wh.open, close=wh.close)
    if minutes is not None and minutes != clinic.slot_minutes:
        changes["length_minutes"] = minutes
    if not changes:
        return clinic
    try:
        return dataclasses.replace(clinic, **changes)  # type: ignore[arg-type]
    except ValueError as exc:  # e.g. a visit longer than the working day
        raise InvalidRequest(f"Those hours don't fit that visit: {exc}.") from None


def _time(text: str) -> dt.time:
    hour, minute = (int(p) for p in text.split(":"))
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        raise InvalidRequest(f"Working hours need real times of day, not {text}.")
    return dt.time(23, 59) if hour == 24 else dt.time(hour, minute)


def _days_text(weekdays: frozenset[int]) -> str:
    days = sorted(weekdays)
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        name = DAYS[run[0]].title()
        parts.append(name if len(run) == 1 else f"{name}-{DAYS[run[-1]].title()}")
    return ",".join(parts)
