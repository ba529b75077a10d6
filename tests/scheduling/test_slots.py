import datetime as dt
import itertools

import pytest

from aida.scheduling.slots import Slot, free_slots, nearest_free, spread
from tests.scheduling.helpers import NY, SYDNEY, at, clinic, utc

TUESDAY = at("2026-03-10 10:15")


def local(slot: Slot, tz=NY) -> str:
    return slot.start.astimezone(tz).strftime("%a %H:%M")


def booking(start: str, minutes: int = 30, tz=NY) -> tuple[dt.datetime, dt.datetime]:
    begin = at(start, tz)
    return begin, begin + dt.timedelta(minutes=minutes)


def test_free_slots_over_a_spring_forward_week() -> None:
    hours = clinic()
    now = at("2026-03-06 18:00")  # Friday evening before the change
    slots = free_slots(hours, at("2026-03-07 00:00"), at("2026-03-14 00:00"), [], now)
    assert len(slots) == 5 * 16
    assert {local(s)[4:] for s in slots} == {f"{h:02d}:{m:02d}" for h in range(9, 17)
                                             for m in (0, 30)}  # fmt: skip
    assert slots[0].start == utc("2026-03-09 13:00")  # Monday 9:00 EDT
    assert slots == sorted(slots)
    assert all(s.end - s.start == dt.timedelta(minutes=30) for s in slots)


def test_free_slots_over_a_fall_back_week_in_sydney() -> None:
    hours = clinic(SYDNEY)
    now = at("2026-04-03 12:00", SYDNEY)  # Friday noon; summer time ends on Sunday
    slots = free_slots(hours, now, at("2026-04-07 00:00", SYDNEY), [], now)
    # the 12:00 slot starts right now, which is too late to book (as in check_bookable)
    assert [local(s, SYDNEY) for s in slots[:2]] == ["Fri 12:30", "Fri 13:00"]
    monday = [s for s in slots if local(s, SYDNEY).startswith("Mon")]
    assert len(monday) == 16
    assert monday[0].start == utc("2026-04-05 23:00")  # 9:00 AEST (+10)
    assert slots[0].start == utc("2026-04-03 01:30")  # 12:30 AEDT (+11)


def test_every_free_slot_is_bookable() -> None:
    hours = clinic(SYDNEY)
    now = at("2026-09-30 08:00", SYDNEY)
    slots = free_slots(hours, now, now + dt.timedelta(days=10), [], now)
    assert slots
    for slot in slots:
        assert hours.check_bookable(slot.start, now) == (slot.start, slot.end)


def test_booked_time_is_not_free_and_bookings_are_half_open() -> None:
    hours = clinic()
    booked = [
        booking("2026-03-11 10:00"),  # exactly one slot
        booking("2026-03-11 13:15"),  # off the grid: blocks 13:00 and 13:30
        booking("2026-03-11 15:00", 60),  # two slots
    ]
    slots = free_slots(hours, at("2026-03-11 09:00"), at("2026-03-11 17:00"), booked, TUESDAY)
    times = [local(s)[4:] for s in slots]
    assert "10:00" not in times and "09:30" in times and "10:30" in times  # adjacent stay free
    assert "13:00" not in times and "13:30" not in times and "12:30" in times and "14:00" in times
    assert "15:00" not in times and "15:30" not in times and "16:00" in times
    assert len(times) == 16 - 5


def test_bookings_may_be_given_in_utc_or_overlap_each_other() -> None:
    hours = clinic()
    booked = [
        (utc("2026-03-11 13:00"), utc("2026-03-11 14:00")),  # 9:00-10:00 local
        booking("2026-03-11 09:30", 90),  # overlaps the first: 9:30-11:00
    ]
    slots = free_slots(hours, at("2026-03-11 09:00"), at("2026-03-11 12:00"), booked, TUESDAY)
    assert [local(s)[4:] for s in slots] == ["11:00", "11:30"]


def test_nothing_in_the_past_closed_or_beyond_the_horizon() -> None:
    hours = clinic()
    today = free_slots(hours, at("2026-03-10 00:00"), at("2026-03-11 00:00"), [], TUESDAY)
    assert local(today[0]) == "Tue 10:30"  # 10:15 now: 10:00 has started
    weekend = free_slots(hours, at("2026-03-14 00:00"), at("2026-03-16 00:00"), [], TUESDAY)
    assert weekend == []
    far = free_slots(hours, at("2026-06-01 00:00"), at("2026-07-01 00:00"), [], TUESDAY)
    assert far[-1].start.astimezone(NY).date() == dt.date(2026, 6, 8)  # today + 90 days
    assert free_slots(hours, at("2026-07-01 00:00"), at("2026-07-08 00:00"), [], TUESDAY) == []
    assert free_slots(hours, at("2026-03-01 00:00"), at("2026-03-09 00:00"), [], TUESDAY) == []


def test_window_keeps_slots_that_start_inside_it() -> None:
    slots = free_slots(clinic(), at("2026-03-11 12:00"), at("2026-03-11 13:00"), [], TUESDAY)
    assert [local(s)[4:] for s in slots] == ["12:00", "12:30"]


def week_of_slots() -> list[Slot]:
    return free_slots(clinic(), at("2026-03-16 00:00"), at("2026-03-21 00:00"), [], TUESDAY)


def test_spread_offers_different_days_alternating_morning_and_afternoon() -> None:
    picks = spread(week_of_slots(), 5, tz=NY)
    assert len(picks) == 5
    assert [local(p)[:3] for p in picks] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    parts = ["am" if p.start.astimezone(NY).hour < 12 else "pm" for p in picks]
    assert parts == ["am", "pm", "am", "pm", "am"]
    assert picks == sorted(picks)
    assert set(picks) <= set(week_of_slots())


def test_spread_with_few_days_adds_the_other_half_of_the_day() -> None:
    one_day = free_slots(clinic(), at("2026-03-11 00:00"), at("2026-03-12 00:00"), [], TUESDAY)
    picks = spread(one_day, 3, tz=NY)
    assert len(picks) == 3 and len(set(picks)) == 3
    hours_of_day = sorted(p.start.astimezone(NY).hour for p in picks)
    assert hours_of_day[0] < 12 <= hours_of_day[-1]
    # the third pick keeps away from the other two rather than sitting next to one
    gaps = [b.start - a.start for a, b in itertools.pairwise(picks)]
    assert min(gaps) >= dt.timedelta(hours=1)


def test_spread_edge_cases() -> None:
    slots = week_of_slots()
    assert spread([], 5, tz=NY) == []
    assert spread(slots, 0, tz=NY) == []
    assert spread(slots[:2], 5, tz=NY) == slots[:2]
    only_mornings = [s for s in slots if s.start.astimezone(NY).hour < 12]
    picks = spread(only_mornings, 3, tz=NY)
    assert [local(p)[:3] for p in picks] == ["Mon", "Tue", "Wed"]


def test_spread_judges_days_in_the_clinic_zone() -> None:
    # Sydney's 9-to-5 crosses UTC midnight; in its own zone these are five separate days
    now = at("2026-03-10 08:00", SYDNEY)
    slots = free_slots(clinic(SYDNEY), at("2026-03-16 00:00", SYDNEY),
                       at("2026-03-21 00:00", SYDNEY), [], now)  # fmt: skip
    picks = spread(slots, 5, tz=SYDNEY)
    assert len({p.start.astimezone(SYDNEY).date() for p in picks}) == 5


def test_spread_uses_the_zone_free_slots_carry() -> None:
    now = at("2026-03-10 08:00", SYDNEY)
    slots = free_slots(clinic(SYDNEY), at("2026-03-16 00:00", SYDNEY),
                       at("2026-03-21 00:00", SYDNEY), [], now)  # fmt: skip
    assert spread(slots, 5) == spread(slots, 5, tz=SYDNEY)
    bare = [Slot(s.start, s.end) for s in slots]  # built elsewhere, no zone: judged in UTC
    assert bare == slots
    assert spread(bare, 5) != spread(slots, 5)
    new_york = spread(week_of_slots(), 4)
    assert ["am" if p.start.astimezone(NY).hour < 12 else "pm" for p in new_york] == [
        "am", "pm", "am", "pm"
    ]  # fmt: skip


def test_nearest_free_around_a_taken_time() -> None:
    hours = clinic()
    booked = [booking("2026-03-11 10:00"), booking("2026-03-11 10:30")]
    near = nearest_free(hours, at("2026-03-11 10:00"), booked, TUESDAY, n=3)
    # nearest first; 9:00 and 11:00 are both an hour away, and the earlier wins the tie
    assert [local(s) for s in near] == ["Wed 09:30", "Wed 09:00", "Wed 11:00"]


def test_nearest_free_from_a_closed_day_and_with_a_full_week() -> None:
    hours = clinic()
    near = nearest_free(hours, at("2026-03-14 12:00"), [], TUESDAY, n=3)  # Saturday noon
    # closeness in time: Friday 4 PM (20 h before) beats Monday 9 AM (45 h after)
    assert [s.start.astimezone(NY).strftime("%a %d %H:%M") for s in near] == [
        "Fri 13 16:30",
        "Fri 13 16:00",
        "Fri 13 15:30",
    ]
    near = nearest_free(hours, at("2026-03-15 20:00"), [], TUESDAY, n=2)  # Sunday evening
    assert [s.start.astimezone(NY).strftime("%a %d %H:%M") for s in near] == [
        "Mon 16 09:00",
        "Mon 16 09:30",
    ]
    full = [booking("2026-03-10 00:00", 60 * 24 * 11)]  # booked solid until Saturday the 21st
    near = nearest_free(hours, at("2026-03-11 10:00"), full, TUESDAY, n=2)
    # nothing within a week of the 11th: the search widens to the horizon
    assert [s.start.astimezone(NY).strftime("%a %d %H:%M") for s in near] == [
        "Mon 23 09:00",
        "Mon 23 09:30",
    ]


@pytest.mark.parametrize("n", [1, 3, 5])
def test_nearest_free_never_offers_the_past(n: int) -> None:
    near = nearest_free(clinic(), at("2026-03-10 09:00"), [], TUESDAY, n=n)
    assert len(near) == n
    assert all(s.start > TUESDAY for s in near)
