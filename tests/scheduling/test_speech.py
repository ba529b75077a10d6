import datetime as dt

import pytest

from aida.scheduling.speech import (
    clock_time,
    local_iso,
    ordinal,
    spoken_date,
    spoken_datetime,
    spoken_time,
)
from tests.scheduling.helpers import NY, SYDNEY, utc


@pytest.mark.parametrize(
    ("hour", "minute", "spoken"),
    [
        (0, 0, "12 AM"),
        (0, 30, "12:30 AM"),
        (9, 0, "9 AM"),
        (10, 30, "10:30 AM"),
        (12, 0, "12 PM"),
        (12, 15, "12:15 PM"),
        (13, 5, "1:05 PM"),
        (23, 45, "11:45 PM"),
    ],
)
def test_clock_time(hour: int, minute: int, spoken: str) -> None:
    assert clock_time(dt.time(hour, minute)) == spoken


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")],
)  # fmt: skip
def test_ordinal(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_spoken_forms_use_the_clinic_zone() -> None:
    when = utc("2026-12-01 15:30")  # 10:30 in New York (EST)
    assert spoken_datetime(when, NY) == "Tuesday, December 1 at 10:30 AM"
    assert spoken_date(when, NY) == "Tuesday, December 1"
    assert spoken_time(when, NY) == "10:30 AM"
    # the same instant is already Wednesday morning in Sydney
    assert spoken_datetime(when, SYDNEY) == "Wednesday, December 2 at 2:30 AM"
    assert spoken_date(when, NY, with_year=True) == "Tuesday, December 1, 2026"


def test_local_iso_carries_the_offset_of_the_day() -> None:
    assert local_iso(utc("2026-12-01 15:00"), NY) == "2026-12-01T10:00:00-05:00"
    assert local_iso(utc("2026-07-01 14:00"), NY) == "2026-07-01T10:00:00-04:00"
    # a naive value is taken as clinic-local, not shifted
    assert local_iso(dt.datetime(2026, 7, 1, 10, 0), NY) == "2026-07-01T10:00:00-04:00"
