"""Providers' working hours as staff type them, and the grid a visit's length gives."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.errors import InvalidRequest
from aida.scheduling.slots import free_slots
from aida.scheduling.working_hours import grid_for, normalize_hours, parse_hours
from tests.scheduling.helpers import assert_speakable, at, clinic


@pytest.mark.parametrize(
    ("spec", "days", "opens", "closes", "canonical"),
    [
        ("Mon-Fri 09:00-17:00", {0, 1, 2, 3, 4}, "09:00", "17:00", "Mon-Fri 09:00-17:00"),
        ("mon,wed,fri 8:30-12:30", {0, 2, 4}, "08:30", "12:30", "Mon,Wed,Fri 08:30-12:30"),
        ("Tue - Thu 13:00 - 18:00", {1, 2, 3}, "13:00", "18:00", "Tue-Thu 13:00-18:00"),
        ("Mon-Tue,Sat 10:00-14:00", {0, 1, 5}, "10:00", "14:00", "Mon-Tue,Sat 10:00-14:00"),
        ("sun 9:00-12:00", {6}, "09:00", "12:00", "Sun 09:00-12:00"),
    ],
)
def test_hours_parse_and_normalise(
    spec: str, days: set[int], opens: str, closes: str, canonical: str
) -> None:
    hours = parse_hours(spec)
    assert hours.weekdays == frozenset(days)
    assert (hours.open, hours.close) == (
        dt.time.fromisoformat(opens),
        dt.time.fromisoformat(closes),
    )
    assert hours.text() == canonical == normalize_hours(spec)
    assert parse_hours(canonical) == hours  # the stored text reads back the same


@pytest.mark.parametrize(
    "spec",
    ["weekdays 9 to 5", "Mon-Fri", "Fri-Mon 09:00-17:00", "Mon-Fri 17:00-09:00", "Xyz 9:00-10:00",
     "Mon 25:00-26:00", ""],
)  # fmt: skip
def test_bad_hours_get_a_sentence_saying_what_works(spec: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_hours(spec)
    assert_speakable(caught.value.message)


def test_no_hours_means_the_clinics() -> None:
    assert normalize_hours(None) is None and normalize_hours("  ") is None
    base = clinic()
    assert grid_for(base) is base and grid_for(base, None, 30) is base


def test_a_long_visit_starts_on_the_clinic_step_and_ends_by_closing() -> None:
    hour = grid_for(clinic(), "Mon-Fri 09:00-12:00", 60)
    monday = at("2026-03-09 00:00")
    starts = [s.astimezone(hour.tz).strftime("%H:%M") for s in hour.slot_starts(monday.date())]
    assert starts == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert hour.slot_length == dt.timedelta(minutes=60)
    start, end = hour.check_bookable(at("2026-03-09 11:00"), at("2026-03-02 08:00"))
    assert end - start == dt.timedelta(minutes=60)
    with pytest.raises(InvalidRequest, match="last appointment starts at 11 AM"):
        hour.check_bookable(at("2026-03-09 11:30"), at("2026-03-02 08:00"))
    # a 60-minute visit does not fit where only a 30-minute gap is free
    booked = [(at("2026-03-09 10:00"), at("2026-03-09 10:30"))]
    free = free_slots(hour, monday, monday + dt.timedelta(days=1), booked, at("2026-03-02 08:00"))
    assert [s.start.astimezone(hour.tz).strftime("%H:%M") for s in free] == [
        "09:00",
        "10:30",
        "11:00",
    ]


def test_hours_shorter_than_the_visit_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="don't fit"):
        grid_for(clinic(), "Mon 09:00-09:30", 60)
