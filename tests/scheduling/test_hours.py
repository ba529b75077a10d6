import datetime as dt
import itertools

import pytest

from aida.config import Settings
from aida.errors import InvalidRequest
from aida.scheduling.hours import ClinicHours, days_text
from tests.scheduling.helpers import NY, SYDNEY, assert_speakable, at, clinic, utc


def local_times(hours: ClinicHours, day: dt.date) -> list[str]:
    return [s.astimezone(hours.tz).strftime("%H:%M") for s in hours.slot_starts(day)]


DAY = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30",
       "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30"]  # fmt: skip


@pytest.mark.parametrize(
    ("tz", "day", "first_utc"),
    [
        # New York, spring forward on Sunday 2026-03-08
        (NY, "2026-03-06", "2026-03-06 14:00"),
        (NY, "2026-03-09", "2026-03-09 13:00"),
        # New York, fall back on Sunday 2026-11-01
        (NY, "2026-10-30", "2026-10-30 13:00"),
        (NY, "2026-11-02", "2026-11-02 14:00"),
        # Sydney (southern hemisphere): summer time ends 2026-04-05, starts 2026-10-04
        (SYDNEY, "2026-04-03", "2026-04-02 22:00"),
        (SYDNEY, "2026-04-06", "2026-04-05 23:00"),
        (SYDNEY, "2026-10-02", "2026-10-01 23:00"),
        (SYDNEY, "2026-10-05", "2026-10-04 22:00"),
    ],
)
def test_slots_keep_local_times_across_dst(tz, day: str, first_utc: str) -> None:
    hours = clinic(tz)
    date = dt.date.fromisoformat(day)
    starts = hours.slot_starts(date)
    assert starts[0] == utc(first_utc)
    assert local_times(hours, date) == DAY
    assert all(s.tzinfo == dt.UTC for s in starts)
    assert all(b - a == dt.timedelta(minutes=30) for a, b in itertools.pairwise(starts))


@pytest.mark.parametrize("tz", [NY, SYDNEY])
@pytest.mark.parametrize("week_of", ["2026-03-02", "2026-03-09", "2026-03-30", "2026-04-06",
                                     "2026-09-28", "2026-10-26", "2026-11-02"])  # fmt: skip
def test_transition_weeks_give_the_same_local_grid_every_open_day(tz, week_of: str) -> None:
    hours = clinic(tz)
    monday = dt.date.fromisoformat(week_of)
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        assert local_times(hours, day) == (DAY if offset < 5 else [])


def test_a_clinic_open_through_the_night_skips_the_gap_and_offers_the_repeated_hour_once() -> None:
    hours = clinic(NY, weekdays=frozenset(range(7)), open=dt.time(1, 0), close=dt.time(4, 0))
    spring = hours.slot_starts(dt.date(2026, 3, 8))  # 2:00-3:00 does not exist
    assert local_times(hours, dt.date(2026, 3, 8)) == ["01:00", "01:30", "03:00", "03:30"]
    assert spring[1] + dt.timedelta(minutes=30) == spring[2]  # 1:30 EST ends as 3:00 EDT begins
    autumn = hours.slot_starts(dt.date(2026, 11, 1))  # 1:00-2:00 happens twice
    assert local_times(hours, dt.date(2026, 11, 1)) == ["01:00", "01:30", "02:00", "02:30",
                                                        "03:00", "03:30"]  # fmt: skip
    assert autumn == sorted(set(autumn))
    assert autumn[0] == utc("2026-11-01 05:00")  # the first 1:00, still daylight time


NOW = at("2026-03-10 10:15")  # a Tuesday morning


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (at("2026-03-10 10:00"), "past"),
        (at("2026-03-10 10:15"), "past"),  # starting right now is too late too
        (at("2026-03-09 15:00"), "past"),
        (at("2026-06-09 10:00"), "beyond_horizon"),  # 91 days on
        (at("2026-03-14 10:00"), "closed_day"),  # Saturday
        (at("2026-03-15 10:00"), "closed_day"),  # Sunday
        (at("2026-03-11 08:30"), "outside_hours"),
        (at("2026-03-11 17:00"), "outside_hours"),
        (at("2026-03-11 16:45"), "outside_hours"),  # would end after closing
        (at("2026-03-11 20:00"), "outside_hours"),
        (at("2026-03-11 10:15"), "off_grid"),
        (at("2026-03-11 10:00") + dt.timedelta(seconds=1), "off_grid"),
    ],
)
def test_check_bookable_refuses_with_a_speakable_reason(start: dt.datetime, reason: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        clinic().check_bookable(start, NOW)
    assert err.value.details["reason"] == reason
    assert_speakable(err.value.message)


def test_check_bookable_messages_say_what_to_do() -> None:
    hours = clinic()
    with pytest.raises(InvalidRequest, match="closest times are 10 AM and 10:30 AM"):
        hours.check_bookable(at("2026-03-11 10:15"), NOW)
    with pytest.raises(InvalidRequest, match=r"open 9 AM to 5 PM.*last appointment starts at 4:30"):
        hours.check_bookable(at("2026-03-11 17:00"), NOW)
    with pytest.raises(InvalidRequest, match="closed on Saturdays; we're open Monday to Friday"):
        hours.check_bookable(at("2026-03-14 10:00"), NOW)
    with pytest.raises(InvalidRequest, match="up to 90 days ahead"):
        hours.check_bookable(at("2026-06-09 10:00"), NOW)


@pytest.mark.parametrize(
    ("start", "expected_utc"),
    [
        (at("2026-03-10 10:30"), "2026-03-10 14:30"),  # later today, after spring forward
        (at("2026-03-11 09:00"), "2026-03-11 13:00"),
        (at("2026-03-11 16:30"), "2026-03-11 20:30"),  # the last slot of the day
        (at("2026-06-08 16:30"), "2026-06-08 20:30"),  # the last day of the horizon
        (utc("2026-03-11 13:00"), "2026-03-11 13:00"),  # given in UTC
        (dt.datetime(2026, 3, 11, 9, 0), "2026-03-11 13:00"),  # naive = clinic-local
    ],
)
def test_check_bookable_accepts_grid_times_and_returns_utc(start, expected_utc: str) -> None:
    begin, end = clinic().check_bookable(start, NOW)
    assert begin == utc(expected_utc)
    assert end - begin == dt.timedelta(minutes=30)
    assert begin.tzinfo == dt.UTC


def test_last_start_follows_slot_length() -> None:
    assert clinic().last_start == dt.time(16, 30)
    # 9:00 + 9 x 45 min = 15:45; a tenth slot would run 16:30 to 17:15, past closing
    assert clinic(slot_minutes=45).last_start == dt.time(15, 45)
    assert clinic(slot_minutes=45).slot_starts(dt.date(2026, 3, 11))[-1] == utc("2026-03-11 19:45")


def test_from_settings_reads_the_clinic_configuration() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        default_timezone="Australia/Sydney",
        clinic_days="mon,wed,sat",  # type: ignore[arg-type]
        clinic_open=dt.time(8, 0),
        clinic_close=dt.time(12, 0),
        slot_minutes=20,
        booking_horizon_days=30,
    )
    hours = ClinicHours.from_settings(settings)
    assert hours == ClinicHours(
        tz=SYDNEY,
        weekdays=frozenset({0, 2, 5}),
        open=dt.time(8, 0),
        close=dt.time(12, 0),
        slot_minutes=20,
        horizon_days=30,
    )
    assert len(hours.slot_starts(dt.date(2026, 3, 14))) == 12  # a Saturday, 8:00 to 11:40


def test_the_defaults_match_the_brief() -> None:
    hours = ClinicHours.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert hours.tz == NY
    assert hours.weekdays == frozenset(range(5))
    assert (hours.open, hours.close, hours.slot_minutes) == (dt.time(9), dt.time(17), 30)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weekdays": frozenset()},
        {"weekdays": frozenset({7})},
        {"open": dt.time(17), "close": dt.time(9)},
        {"slot_minutes": 0},
        {"horizon_days": 0},
        {"open": dt.time(9), "close": dt.time(9, 20), "slot_minutes": 30},
    ],
)
def test_impossible_hours_are_rejected(kwargs) -> None:
    with pytest.raises(ValueError):
        clinic(**kwargs)


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ({0, 1, 2, 3, 4}, "Monday to Friday"),
        ({0, 2, 4}, "Monday, Wednesday and Friday"),
        ({5, 6}, "Saturday and Sunday"),
        ({3}, "Thursday"),
        ({0, 1, 2, 3, 4, 5, 6}, "Monday to Sunday"),
    ],
)
def test_days_text(days: set[int], text: str) -> None:
    assert days_text(frozenset(days)) == text
