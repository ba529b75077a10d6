"""The clinic's opening hours and the slot grid, in its own IANA timezone.

Slots are laid out on local wall-clock time (9:00, 9:30, ... every open day) and only then
converted to UTC, so a DST change moves the UTC instants, never the local times a caller hears:
9:00 in New York is 14:00 UTC in winter and 13:00 UTC in summer. A local time that does not exist
(the spring-forward gap) is skipped; one that happens twice (fall back) is offered once, at its
first occurrence.

`check_bookable` and `ClinicHours.slot_starts` share one definition of the grid, so any start
`free_slots` offers is accepted and anything else is refused with a sentence Aida can say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aida.errors import InvalidRequest
from aida.scheduling.speech import clock_time, to_local

if TYPE_CHECKING:
    from aida.config import Settings

UTC = dt.UTC
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def days_text(weekdays: frozenset[int]) -> str:
    """ "Monday to Friday", or "Monday, Wednesday and Friday" when the days are not a run."""
    days = sorted(weekdays)
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    names = [DAY_NAMES[d] for d in days]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def local_instant(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime | None:
    """`day` at wall time `at` in `tz` (first occurrence when repeated); None inside a DST gap."""
    local = dt.datetime.combine(day, at, tzinfo=tz)
    # A wall time in the spring-forward gap does not survive the round trip through UTC.
    back = local.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local


@dataclass(frozen=True)
class ClinicHours:
    tz: ZoneInfo
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    open: dt.time = dt.time(9, 0)
    close: dt.time = dt.time(17, 0)
    slot_minutes: int = 30
    horizon_days: int = 90
    # How long one appointment lasts, when it is not one slot (a 60-minute visit type): starts
    # stay every `slot_minutes`, and the last one leaves room for the whole visit.
    length_minutes: int | None = None

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("weekdays must be a non-empty set of numbers 0 (Monday) to 6")
        if self.close <= self.open:
            raise ValueError("closing time must be after opening time")
        if self.slot_minutes <= 0 or self.horizon_days < 1:
            raise ValueError("slot_minutes and horizon_days must be positive")
        if self.length_minutes is not None and self.length_minutes <= 0:
            raise ValueError("length_minutes must be positive")
        if self._minutes(self.open) + self.visit_minutes > self._minutes(self.close):
            raise ValueError("the opening hours are shorter than one slot")

    @classmethod
    def from_settings(cls, settings: Settings) -> ClinicHours:
        return cls(
            tz=settings.tz,
            weekdays=settings.open_weekdays,
            open=settings.clinic_open,
            close=settings.clinic_close,
            slot_minutes=settings.slot_minutes,
            horizon_days=settings.booking_horizon_days,
        )

    # --- the grid ---

    @property
    def visit_minutes(self) -> int:
        return self.length_minutes or self.slot_minutes

    @property
    def slot_length(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.visit_minutes)

    @property
    def last_start(self) -> dt.time:
        """The wall time of the last slot of a day (4:30 PM for 9-to-5 with 30-minute slots)."""
        minutes = self._minutes(self.open)
        span = self._minutes(self.close) - minutes
        minutes += (span - self.visit_minutes) // self.slot_minutes * self.slot_minutes
        return dt.time(minutes // 60, minutes % 60)

    def is_open_on(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays

    def opening(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """Opening and closing instants of `day`, aware in the clinic zone; None when closed."""
        if not self.is_open_on(day):
            return None
        start = dt.datetime.combine(day, self.open, tzinfo=self.tz)
        end = dt.datetime.combine(day, self.close, tzinfo=self.tz)
        return start, end

    def slot_starts(self, day: dt.date) -> list[dt.datetime]:
        """Every slot start of a local `day`, as aware UTC, in order (empty when closed)."""
        if not self.is_open_on(day):
            return []
        starts: list[dt.datetime] = []
        minute = self._minutes(self.open)
        last = self._minutes(self.last_start)
        while minute <= last:
            local = local_instant(day, dt.time(minute // 60, minute % 60), self.tz)
            if local is not None:
                start = local.astimezone(UTC)
                if not starts or start > starts[-1]:
                    starts.append(start)
            minute += self.slot_minutes
        return starts

    def next_open_day(self, after: dt.date) -> dt.date:
        """The first open day strictly after `after`."""
        day = after + dt.timedelta(days=1)
        while not self.is_open_on(day):
            day += dt.timedelta(days=1)
        return day

    def last_bookable_day(self, now: dt.datetime) -> dt.date:
        """The booking horizon: the last local date that may be booked, counted from today."""
        return to_local(now, self.tz).date() + dt.timedelta(days=self.horizon_days)

    def hours_text(self) -> str:
        """ "9 AM to 5 PM"."""
        return f"{clock_time(self.open)} to {clock_time(self.close)}"

    # --- the rules ---

    def check_bookable(
        self, start: dt.datetime, now: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        """Validate a wanted start; return its [start, end) as aware UTC.

        A naive `start` is read as clinic-local wall time. Raises `InvalidRequest` with one
        speakable sentence: in the past, beyond the booking horizon, clinic closed that day,
        outside hours, or not on the slot grid.
        """
        local = to_local(start, self.tz)
        start_utc = local.astimezone(UTC)
        if start_utc <= now:
            raise InvalidRequest(
                "That time is in the past; please choose a later one.", reason="past"
            )
        if local.date() > self.last_bookable_day(now):
            raise InvalidRequest(
                f"We can only book up to {self.horizon_days} days ahead.", reason="beyond_horizon"
            )
        day = local.date()
        if not self.is_open_on(day):
            raise InvalidRequest(
                f"The clinic is closed on {DAY_NAMES[day.weekday()]}s; "
                f"we're open {days_text(self.weekdays)}.",
                reason="closed_day",
            )
        starts = self.slot_starts(day)
        if start_utc in starts:
            return start_utc, start_utc + self.slot_length
        wall = local.time().replace(tzinfo=None)
        if wall < self.open or wall > self.last_start:
            # the last start the sentence names, as an instant: "the last one then" books it
            last = to_local(starts[-1], self.tz).isoformat(timespec="seconds") if starts else None
            raise InvalidRequest(
                f"That's outside our hours: we're open {self.hours_text()}, "
                f"and the last appointment starts at {clock_time(self.last_start)}.",
                reason="outside_hours",
                last_start=last,
            )
        later = [s for s in starts if s > start_utc]
        earlier = [s for s in starts if s < start_utc]
        near = [clock_time(to_local(s, self.tz).time()) for s in (earlier[-1:] + later[:1])]
        raise InvalidRequest(
            f"Appointments start every {self.slot_minutes} minutes, "
            f"so the closest times are {' and '.join(near)}.",
            reason="off_grid",
        )

    @staticmethod
    def _minutes(t: dt.time) -> int:
        return t.hour * 60 + t.minute
