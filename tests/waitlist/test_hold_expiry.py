"""The hold's clock: WAITLIST_HOLD_MINUTES run from when offer calls can first go out
(REMINDER_CALL_HOURS in the clinic's timezone), never past the slot's start."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aida.config import Settings
from aida.waitlist.service import calls_open_at, hold_expiry

TZ = ZoneInfo("America/New_York")
SETTINGS = Settings(_env_file=None, default_timezone="America/New_York")  # type: ignore[call-arg]
LATER = dt.datetime(2026, 3, 20, 9, 0, tzinfo=TZ)  # a slot far off


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


def test_within_call_hours_the_hold_runs_from_now() -> None:
    assert hold_expiry(SETTINGS, at(2, 10), LATER) == at(2, 10, 15)
    assert hold_expiry(SETTINGS, at(2, 9), LATER) == at(2, 9, 15)  # the first minute is in


def test_before_call_hours_the_hold_runs_from_their_start_that_day() -> None:
    assert calls_open_at(SETTINGS, at(2, 6, 40)) == at(2, 9)
    assert hold_expiry(SETTINGS, at(2, 6, 40), LATER) == at(2, 9, 15)


def test_after_call_hours_the_hold_runs_from_the_next_morning() -> None:
    assert hold_expiry(SETTINGS, at(2, 19), LATER) == at(3, 9, 15)  # 19:00 is out
    assert hold_expiry(SETTINGS, at(2, 23, 59), LATER) == at(3, 9, 15)


def test_the_clinic_timezone_decides_not_utc() -> None:
    # 13:30 UTC is 9:30 in New York (EDT from March 8): in hours; 12:30 UTC is 8:30: not yet
    assert hold_expiry(SETTINGS, dt.datetime(2026, 3, 9, 13, 30, tzinfo=dt.UTC), LATER) == (
        dt.datetime(2026, 3, 9, 13, 45, tzinfo=dt.UTC)
    )
    assert calls_open_at(SETTINGS, dt.datetime(2026, 3, 9, 12, 30, tzinfo=dt.UTC)) == at(9, 9)


def test_across_the_dst_change_the_local_start_is_kept() -> None:
    # Saturday March 7, 8 PM EST -> Sunday March 8, 9 AM EDT: 12 real hours, not 13
    opens = calls_open_at(SETTINGS, at(7, 20))
    assert opens == at(8, 9)
    assert opens.astimezone(dt.UTC) - at(7, 20).astimezone(dt.UTC) == dt.timedelta(hours=12)


def test_never_past_the_slot_start() -> None:
    slot = at(3, 9, 0)
    assert hold_expiry(SETTINGS, at(3, 8, 50), slot) == slot
    assert hold_expiry(SETTINGS, at(2, 20), at(3, 9, 10)) == at(3, 9, 10)
