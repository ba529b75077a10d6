"""The tools around closures, providers and visit types, against a real SQLite store and a fixed
clock: what a caller hears, and what ends up in the book."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.calendar.closures import day_range
from aida.errors import ClinicClosed, InvalidRequest, SlotTaken, UnknownProvider, WhichVisitType
from aida.scheduling.clock import FixedClock
from aida.tools.base import ClinicContext
from aida.tools.book_appointment import book_appointment
from aida.tools.find_available_slots import find_available_slots
from aida.tools.reschedule_appointment import reschedule_appointment
from tests.tools.conftest import JANE, MARCUS, TZ

# Thursday 19 November 2026, 8 AM: "next Thursday" is Thanksgiving, 26 November.
BEFORE_THANKSGIVING = dt.datetime(2026, 11, 19, 8, 0, tzinfo=TZ)
THANKSGIVING = dt.date(2026, 11, 26)
LEE = "+12025550199"


@pytest.fixture
async def clinic(ctx: ClinicContext) -> ClinicContext:
    """The same store a week before Thanksgiving, with the day closed."""
    start, end = day_range(THANKSGIVING, THANKSGIVING, TZ)
    await ctx.store.add_closure(start, end, "Thanksgiving", all_day=True)
    return ClinicContext(
        store=ctx.store, settings=ctx.settings, clock=FixedClock(BEFORE_THANKSGIVING)
    )


@pytest.fixture
async def doctors(ctx: ClinicContext) -> ClinicContext:
    """Dr. Patel (weekdays 9 to 5) does physicals (60 min); anyone does follow-ups (30 min);
    Dr. Kim works Tuesday and Thursday mornings, from 8."""
    store = ctx.store
    patel = await store.save_provider("Dr. Patel", "Mon-Fri 09:00-17:00")
    await store.save_provider("Dr. Kim", "Tue,Thu 08:00-12:00")
    await store.save_visit_type("Physical", 60, [patel.id])
    await store.save_visit_type("Follow-up", 30)
    await store.upsert_patient(LEE, "Lee Park")
    return ctx


def days_of(result) -> set[dt.date]:  # type: ignore[no-untyped-def]
    return {dt.datetime.fromisoformat(s["start"]).date() for s in result.data["slots"]}


# --- closures ---


async def test_thanksgiving_is_not_offered(clinic: ClinicContext) -> None:
    result = await find_available_slots(clinic, when="next week", limit=10)
    assert result.data["slots"] and THANKSGIVING not in days_of(result)
    whole = await find_available_slots(clinic, when="Thursday", limit=10)
    assert THANKSGIVING not in days_of(whole)


async def test_next_thursday_when_it_is_a_closure_gets_a_clear_answer(
    clinic: ClinicContext,
) -> None:
    result = await find_available_slots(clinic, when="next Thursday", limit=3)
    assert result.say.startswith(
        "We're closed on Thursday, November 26 for Thanksgiving. The nearest openings are "
    )
    assert result.data["closed"] == {
        "reason": "Thanksgiving",
        "spoken": "on Thursday, November 26 for Thanksgiving",
    }
    assert len(result.data["slots"]) == 3 and THANKSGIVING not in days_of(result)
    exact = await find_available_slots(clinic, when="next Thursday at 10")
    assert exact.say.startswith("We're closed on Thursday, November 26 for Thanksgiving.")
    assert exact.data["requested_time_free"] is False


async def test_booking_into_a_closure_is_refused_with_the_reason_and_openings(
    clinic: ClinicContext,
) -> None:
    with pytest.raises(ClinicClosed) as caught:
        await book_appointment(clinic, JANE, "next Thursday at 10")
    err = caught.value
    # the nearest openings in time order, the day said once, as a taken slot's are
    assert err.message == (
        "We're closed on Thursday, November 26 for Thanksgiving. The nearest openings are "
        "Wednesday, November 25 at 3:30 PM, 4 PM, or 4:30 PM."
    )
    openings = err.details["alternatives"]
    assert [o["start"] for o in openings] == [
        "2026-11-25T15:30:00-05:00",
        "2026-11-25T16:00:00-05:00",
        "2026-11-25T16:30:00-05:00",
    ]
    assert all(dt.datetime.fromisoformat(o["start"]).date() != THANKSGIVING for o in openings)
    assert await clinic.store.list_appointments() == []


async def test_moving_into_a_closure_is_refused_and_the_original_stays(
    clinic: ClinicContext,
) -> None:
    booked = await book_appointment(clinic, JANE, "Tuesday at 10")
    appt_id = booked.data["appointment"]["id"]
    with pytest.raises(ClinicClosed):
        await reschedule_appointment(clinic, JANE, appt_id, "next Thursday at 9")
    (still,) = await clinic.store.list_appointments(phone=JANE)
    assert still.id == appt_id and still.status == "booked"


async def test_the_next_opening_after_a_taken_slot_skips_the_closure(
    clinic: ClinicContext,
) -> None:
    # Wednesday's last slot is taken; the day after is closed: the nearest are Wednesday's
    # afternoon, never Thanksgiving, said in time order with the day once.
    await book_appointment(clinic, MARCUS, "Wednesday November 25 at 4:30pm")
    with pytest.raises(SlotTaken) as caught:
        await book_appointment(clinic, JANE, "Wednesday November 25 at 4:30pm")
    starts = [a["start"] for a in caught.value.alternatives]
    assert starts == [
        "2026-11-25T15:00:00-05:00",
        "2026-11-25T15:30:00-05:00",
        "2026-11-25T16:00:00-05:00",
    ]
    assert str(caught.value).endswith(
        "The nearest openings are Wednesday, November 25 at 3 PM, 3:30 PM, or 4 PM."
    )
    far = await find_available_slots(clinic, when="Thursday at 4pm")
    assert all(not s["start"].startswith("2026-11-26") for s in far.data["slots"])


# --- providers and visit types ---


async def test_with_several_visit_types_aida_asks_which(doctors: ClinicContext) -> None:
    with pytest.raises(WhichVisitType) as caught:
        await find_available_slots(doctors, when="tomorrow")
    assert caught.value.message == "What kind of visit is it: a follow-up, or a physical?"
    with pytest.raises(WhichVisitType):
        await book_appointment(doctors, JANE, "tomorrow at 10")
    assert await doctors.store.list_appointments() == []


async def test_a_physical_is_an_hour_with_dr_patel(doctors: ClinicContext) -> None:
    found = await find_available_slots(doctors, when="tomorrow", visit_type="a physical")
    assert found.say.startswith("For a physical with Dr. Patel, I have Tuesday, December 1 at 9 AM")
    assert found.data["visit_type"] == "Physical"
    for slot in found.data["slots"]:
        start, end = (dt.datetime.fromisoformat(slot[k]) for k in ("start", "end"))
        assert end - start == dt.timedelta(hours=1) and slot["provider"] == "Dr. Patel"
        assert end.time() <= dt.time(17, 0)

    result = await book_appointment(doctors, JANE, "tomorrow at 10", visit_type="physical")
    assert (
        result.say == "You're booked for a physical with Dr. Patel on Tuesday, December 1 at 10 AM."
    )
    view = result.data["appointment"]
    assert (view["start"], view["end"]) == (
        "2026-12-01T10:00:00-05:00",
        "2026-12-01T11:00:00-05:00",
    )
    assert (view["provider"], view["visit_type"]) == ("Dr. Patel", "Physical")
    (stored,) = await doctors.store.list_appointments(phone=JANE)
    providers = {p.name: p.id for p in await doctors.store.list_providers()}
    assert stored.provider_id == providers["Dr. Patel"] and stored.visit_type_id is not None


async def test_with_dr_kim_in_her_hours_only(doctors: ClinicContext) -> None:
    early = await book_appointment(
        doctors, JANE, "tomorrow at 8am", visit_type="follow up", provider="with Dr. Kim"
    )
    assert early.say == "You're booked for a follow-up with Dr. Kim on Tuesday, December 1 at 8 AM."
    with pytest.raises(InvalidRequest) as caught:
        await book_appointment(
            doctors, MARCUS, "Wednesday at 10", visit_type="follow-up", provider="Dr. Kim"
        )
    assert caught.value.message == "Dr. Kim sees patients Tuesday and Thursday, 8 AM to 12 PM."
    with pytest.raises(UnknownProvider, match=r"Dr\. Patel does"):
        await book_appointment(doctors, MARCUS, "tomorrow at 9", "Marcus", None, "physical", "Kim")
    with pytest.raises(UnknownProvider, match=r"Our providers are Dr\. Kim and Dr\. Patel"):
        await book_appointment(doctors, MARCUS, "tomorrow at 9", None, None, "follow-up", "Smith")


async def test_one_time_two_providers_then_it_is_taken(doctors: ClinicContext) -> None:
    first = await book_appointment(doctors, JANE, "tomorrow at 10", visit_type="follow-up")
    second = await book_appointment(doctors, MARCUS, "tomorrow at 10", visit_type="follow-up")
    who = {first.data["appointment"]["provider"], second.data["appointment"]["provider"]}
    assert who == {"Dr. Kim", "Dr. Patel"}
    assert "with Dr." in second.say
    with pytest.raises(SlotTaken) as caught:
        await book_appointment(doctors, LEE, "tomorrow at 10", visit_type="follow-up")
    assert "2026-12-01T10:00:00-05:00" not in [a["start"] for a in caught.value.alternatives]
    # an hour-long physical cannot start where Dr. Patel's half hour is in the way
    with pytest.raises(SlotTaken):
        await book_appointment(doctors, LEE, "tomorrow at 9:30", visit_type="physical")
    assert len(await doctors.store.list_appointments()) == 2


async def test_a_move_keeps_the_provider_and_the_length(doctors: ClinicContext) -> None:
    booked = await book_appointment(doctors, JANE, "tomorrow at 10", visit_type="physical")
    moved = await reschedule_appointment(
        doctors, JANE, booked.data["appointment"]["id"], "Wednesday at 2pm"
    )
    view = moved.data["appointment"]
    assert (view["start"], view["end"]) == (
        "2026-12-02T14:00:00-05:00",
        "2026-12-02T15:00:00-05:00",
    )
    (stored,) = await doctors.store.list_appointments(phone=JANE)
    assert stored.provider_id is not None and stored.visit_type_id is not None
    with pytest.raises(InvalidRequest, match="last appointment starts at 4 PM"):
        await reschedule_appointment(doctors, JANE, stored.id, "Thursday at 4:30pm")
