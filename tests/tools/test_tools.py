"""The tools against a real SQLite store and a fixed clock: what a caller would hear and get."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.errors import (
    AppointmentNotFound,
    InvalidPhone,
    InvalidRequest,
    NotYourAppointment,
    PatientNotFound,
    SlotTaken,
)
from aida.tools.book_appointment import book_appointment
from aida.tools.cancel_appointment import cancel_appointment
from aida.tools.find_available_slots import find_available_slots
from aida.tools.find_patient import find_patient
from aida.tools.list_appointments import list_appointments
from aida.tools.register_patient import register_patient
from aida.tools.remember_preference import remember_preference
from aida.tools.reschedule_appointment import reschedule_appointment
from tests.tools.conftest import JANE, MARCUS, TZ


async def test_book_resolves_words_in_the_clinic_timezone(ctx):
    result = await book_appointment(ctx, "(202) 555-0143", "tomorrow at 3pm", reason="checkup")
    appt = result.data["appointment"]
    assert appt["start"] == "2026-12-01T15:00:00-05:00"
    assert appt["end"] == "2026-12-01T15:30:00-05:00"
    assert result.data["created"] is True
    assert "Tuesday" in result.say and "December 1" in result.say
    stored = await ctx.store.get_appointment(appt["id"])
    assert stored.user_phone == JANE
    assert stored.start_time == dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC)
    assert stored.meta["reason"] == "checkup"


async def test_booking_twice_returns_the_same_appointment(ctx):
    first = await book_appointment(ctx, JANE, "2026-12-02T10:00")
    again = await book_appointment(ctx, JANE, "December 2nd at 10am")
    assert again.data["appointment"]["id"] == first.data["appointment"]["id"]
    assert again.data["created"] is False
    assert "already" in again.say
    assert len(await ctx.store.list_appointments(phone=JANE)) == 1


async def test_taken_slot_offers_the_nearest_free_alternatives(ctx):
    await book_appointment(ctx, MARCUS, "2026-12-02T10:00")
    with pytest.raises(SlotTaken) as err:
        await book_appointment(ctx, JANE, "2026-12-02T10:00")
    alternatives = err.value.alternatives
    assert len(alternatives) == 3
    assert "2026-12-02T10:00:00-05:00" not in [a["start"] for a in alternatives]
    starts = [a["start"] for a in alternatives]
    assert {"2026-12-02T09:30:00-05:00", "2026-12-02T10:30:00-05:00"} <= set(starts)
    assert starts == sorted(starts)  # offered in the order of the day
    # the day is said once, then the times
    assert err.value.message.count("Wednesday, December 2") == 2  # the taken one, the openings
    assert "9:30 AM, 10:30 AM" in err.value.message or "9:30 AM, or 10:30 AM" in err.value.message
    assert await ctx.store.list_appointments(phone=JANE) == []


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ("2026-11-27T10:00", "past"),  # last Friday
        ("tomorrow at 7pm", ""),  # after closing
        ("Saturday at 10", ""),  # closed on weekends
        ("tomorrow afternoon", "exact time"),  # a window is not a booking
    ],
)
async def test_invalid_booking_times_are_refused_with_a_reason(ctx, when, fragment):
    with pytest.raises(InvalidRequest) as err:
        await book_appointment(ctx, JANE, when)
    assert fragment in err.value.message
    assert err.value.message.endswith((".", "?"))
    assert await ctx.store.list_appointments(phone=JANE) == []


async def test_unknown_caller_must_give_a_name_before_booking(ctx):
    stranger = "+13125550112"
    with pytest.raises(PatientNotFound):
        await book_appointment(ctx, stranger, "tomorrow at 10")
    result = await book_appointment(ctx, stranger, "tomorrow at 10", name="  Amelia   Ortiz ")
    assert result.data["created"]
    assert (await ctx.store.get_patient(stranger)).name == "Amelia Ortiz"


async def test_cancel_only_your_own_appointment(ctx):
    mine = (await book_appointment(ctx, JANE, "tomorrow at 10")).data["appointment"]
    with pytest.raises(NotYourAppointment):
        await cancel_appointment(ctx, MARCUS, mine["id"])
    assert (await ctx.store.get_appointment(mine["id"])).status == "booked"
    result = await cancel_appointment(ctx, JANE, mine["id"])
    assert result.data["appointment"]["status"] == "cancelled"
    assert "cancelled" in result.say
    again = await cancel_appointment(ctx, JANE, mine["id"])
    assert again.data["cancelled_now"] is False


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
async def test_cancel_unknown_appointment(ctx, bad_id):
    with pytest.raises(AppointmentNotFound):
        await cancel_appointment(ctx, JANE, bad_id)


async def test_reschedule_moves_and_a_taken_target_keeps_the_original(ctx):
    mine = (await book_appointment(ctx, JANE, "tomorrow at 10")).data["appointment"]
    await book_appointment(ctx, MARCUS, "tomorrow at 11")
    with pytest.raises(SlotTaken) as err:
        await reschedule_appointment(ctx, JANE, mine["id"], "tomorrow at 11")
    assert err.value.alternatives
    assert (await ctx.store.get_appointment(mine["id"])).status == "booked"

    moved = await reschedule_appointment(ctx, JANE, mine["id"], "Friday at 9")
    assert moved.data["appointment"]["start"] == "2026-12-04T09:00:00-05:00"
    assert moved.data["previous"]["start"] == "2026-12-01T10:00:00-05:00"
    upcoming = await ctx.store.list_appointments(phone=JANE)
    assert [a.start_time.astimezone(TZ).hour for a in upcoming] == [9]
    assert (await ctx.store.get_appointment(mine["id"])).status == "cancelled"


async def test_reschedule_someone_elses_appointment_is_refused(ctx):
    theirs = (await book_appointment(ctx, MARCUS, "tomorrow at 10")).data["appointment"]
    with pytest.raises(NotYourAppointment):
        await reschedule_appointment(ctx, JANE, theirs["id"], "Friday at 9")
    assert (await ctx.store.get_appointment(theirs["id"])).status == "booked"


async def test_list_shows_only_the_callers_upcoming_appointments(ctx):
    await book_appointment(ctx, JANE, "tomorrow at 10")
    await book_appointment(ctx, JANE, "Friday at 2pm")
    await book_appointment(ctx, MARCUS, "tomorrow at 11")
    result = await list_appointments(ctx, JANE)
    assert [a["start"] for a in result.data["appointments"]] == [
        "2026-12-01T10:00:00-05:00",
        "2026-12-04T14:00:00-05:00",
    ]
    assert result.say.startswith("You have 2 appointments")
    assert (
        await list_appointments(ctx, "+16175550166")
    ).say == "You have no upcoming appointments."


async def test_find_slots_gives_a_few_spread_choices(ctx):
    result = await find_available_slots(ctx, JANE, "next week", limit=5)
    slots = result.data["slots"]
    assert 1 < len(slots) <= 5
    days = {s["start"][:10] for s in slots}
    assert len(days) >= 3  # spread over the week, not five in a row on Monday morning
    assert all(s["start"] >= "2026-12-07" and s["start"] < "2026-12-12" for s in slots)
    assert slots[0]["spoken"] in result.say


async def test_find_slots_keeps_to_the_time_of_day_asked_for(ctx):
    result = await find_available_slots(ctx, JANE, "next week in the morning", limit=5)
    hours = [int(s["start"][11:13]) for s in result.data["slots"]]
    assert hours and all(9 <= h < 12 for h in hours)


async def test_find_slots_for_an_exact_taken_time_offers_neighbours(ctx):
    await book_appointment(ctx, MARCUS, "tomorrow at 10")
    taken = await find_available_slots(ctx, JANE, "tomorrow at 10")
    assert taken.data["requested_time_free"] is False
    assert "2026-12-01T10:00:00-05:00" not in [s["start"] for s in taken.data["slots"]]
    free = await find_available_slots(ctx, JANE, "tomorrow at 2pm")
    assert free.data["requested_time_free"] is True
    assert free.data["slots"][0]["start"] == "2026-12-01T14:00:00-05:00"


async def test_patients_and_preferences(ctx):
    assert (await find_patient(ctx, JANE)).data["patient"]["name"] == "Jane Doe"
    assert (await find_patient(ctx, "+16175550166")).data["found"] is False
    with pytest.raises(InvalidPhone):
        await find_patient(ctx, "12")
    with pytest.raises(InvalidRequest):
        await register_patient(ctx, "+16175550166", "   ")
    await register_patient(ctx, "+16175550166", "Samuel Okafor")
    await remember_preference(ctx, JANE, {"Time of day": "mornings"})
    result = await remember_preference(ctx, JANE, {"doctor": "Dr. Patel"})
    assert result.data["preferences"] == {"time_of_day": "mornings", "doctor": "Dr. Patel"}
