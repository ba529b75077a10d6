"""The Store contract for the clinic's calendar, on SQLite, a real PostgreSQL, Supabase over
PostgREST onto that PostgreSQL's own SQL functions, and the clinic's EHR over FHIR (the `store`
fixture, tests/store/conftest.py):
closures (the database refuses bookings into them), providers and visit types (configured by
name), and the no-overlap rule per provider, with no provider keeping today's one shared
calendar."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from aida.errors import ClinicClosed, InvalidRequest, SlotTaken
from aida.store.protocol import Store

UTC = dt.UTC
T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York
SLOT = dt.timedelta(minutes=30)
DAY = dt.timedelta(days=1)
ANN, BOB = "+15550000001", "+15550000002"

pytestmark = pytest.mark.calendar


def at(slots: float) -> dt.datetime:
    return T0 + slots * SLOT


async def patients(store: Store) -> None:
    await store.upsert_patient(ANN, "Ann Lee")
    await store.upsert_patient(BOB, "Bob Roy")


# --- closures ---


async def test_closures_round_trip_in_order(store: Store) -> None:
    later = await store.add_closure(T0 + 3 * DAY, T0 + 4 * DAY, "Staff day", all_day=True)
    first = await store.add_closure(at(0), at(4), "  Training   session ")
    assert uuid.UUID(first.closure.id) and first.affected == []
    c = first.closure
    assert (c.start_time, c.end_time, c.reason, c.all_day) == (
        at(0),
        at(4),
        "Training session",
        False,
    )
    assert c.start_time.utcoffset() == dt.timedelta(0)
    assert later.closure.all_day is True
    assert [x.id for x in await store.list_closures()] == [c.id, later.closure.id]
    # windows select by overlap, [start, end)
    assert [x.id for x in await store.list_closures(start=at(4))] == [later.closure.id]
    assert [x.id for x in await store.list_closures(end=at(1))] == [c.id]
    assert await store.list_closures(start=at(4), end=T0 + 3 * DAY) == []


async def test_a_closure_must_end_after_it_starts(store: Store) -> None:
    with pytest.raises(InvalidRequest):
        await store.add_closure(at(2), at(1), "backwards")
    with pytest.raises(InvalidRequest):
        await store.add_closure(dt.datetime(2030, 1, 7, 9), dt.datetime(2030, 1, 7, 17))
    assert await store.list_closures() == []


async def test_no_booking_into_a_closure_whoever_books(store: Store) -> None:
    await patients(store)
    await store.add_closure(at(0), at(2), "Thanksgiving")
    for start in (at(0), at(1), at(-0.5), at(1.5)):
        with pytest.raises(ClinicClosed):
            await store.book(ANN, start, start + SLOT)
    with pytest.raises(ClinicClosed):
        await store.book(BOB, at(-1), at(3))  # swallows the closure
    # back to back with it is fine, [start, end)
    assert (await store.book(ANN, at(-1), at(0))).created
    assert (await store.book(BOB, at(2), at(3))).created
    assert len(await store.list_appointments()) == 2


async def test_adding_a_closure_keeps_and_lists_what_is_booked_inside(store: Store) -> None:
    await patients(store)
    inside = (await store.book(ANN, at(1), at(2))).appointment
    await store.book(BOB, at(5), at(6))
    added = await store.add_closure(at(0), at(4), "Burst pipe")
    assert [a.id for a in added.affected] == [inside.id]
    assert (await store.get_appointment(inside.id)).status == "booked"
    # the patient can still cancel it; nobody can book into it again
    await store.cancel(inside.id, ANN)
    with pytest.raises(ClinicClosed):
        await store.book(ANN, at(1), at(2))


async def test_no_reschedule_into_a_closure_and_the_original_stays(store: Store) -> None:
    await patients(store)
    old = (await store.book(ANN, at(0), at(1))).appointment
    await store.add_closure(at(4), at(8), "Training")
    with pytest.raises(ClinicClosed):
        await store.reschedule(old.id, ANN, at(5), at(6))
    assert (await store.get_appointment(old.id)).status == "booked"
    assert [a.id for a in await store.list_appointments(ANN)] == [old.id]


async def test_reopening_removes_only_that_closure(store: Store) -> None:
    await patients(store)
    one = (await store.add_closure(at(0), at(2), "A")).closure
    two = (await store.add_closure(at(4), at(6), "B")).closure
    removed = await store.remove_closure(one.id)
    assert removed is not None and removed.id == one.id and removed.reason == "A"
    assert await store.remove_closure(one.id) is None
    assert await store.remove_closure(str(uuid.uuid4())) is None
    assert await store.remove_closure("not-an-id") is None
    assert [c.id for c in await store.list_closures()] == [two.id]
    assert (await store.book(ANN, at(0), at(1))).created  # open again


# --- providers and visit types ---


async def test_providers_are_saved_by_name_in_any_case(store: Store) -> None:
    assert await store.list_providers() == []
    patel = await store.save_provider("Dr.  Patel", "mon-fri 9:00-17:00")
    assert (patel.name, patel.hours) == ("Dr. Patel", "Mon-Fri 09:00-17:00")
    again = await store.save_provider("dr. patel", "Tue,Thu 08:00-12:00")
    assert again.id == patel.id and again.hours == "Tue,Thu 08:00-12:00"
    kim = await store.save_provider("Dr. Kim")
    assert kim.hours is None  # the clinic's own hours
    assert [p.name for p in await store.list_providers()] == ["Dr. Kim", "Dr. Patel"]


async def test_bad_provider_and_visit_type_input_is_refused(store: Store) -> None:
    with pytest.raises(InvalidRequest, match="Working hours look like"):
        await store.save_provider("Dr. Patel", "weekdays 9 to 5")
    with pytest.raises(InvalidRequest):
        await store.save_provider("   ")
    with pytest.raises(InvalidRequest):
        await store.save_visit_type("Physical", 0)
    with pytest.raises(InvalidRequest):
        await store.save_visit_type("Physical", 60, [str(uuid.uuid4())])  # no such provider
    with pytest.raises(InvalidRequest):
        await store.save_visit_type("Physical", 60, ["Dr. Patel"])  # a name is not an id
    assert await store.list_providers() == [] and await store.list_visit_types() == []


async def test_visit_types_name_their_providers(store: Store) -> None:
    patel = await store.save_provider("Dr. Patel")
    kim = await store.save_provider("Dr. Kim")
    physical = await store.save_visit_type("Physical", 60, [patel.id])
    follow_up = await store.save_visit_type("Follow-up", 30)
    assert (physical.minutes, physical.provider_ids) == (60, [patel.id])
    assert follow_up.provider_ids == []
    changed = await store.save_visit_type("PHYSICAL", 45, [patel.id, kim.id, patel.id])
    assert changed.id == physical.id
    assert (changed.name, changed.minutes, changed.provider_ids) == (
        "Physical",
        45,
        [patel.id, kim.id],
    )
    assert [(v.name, v.minutes) for v in await store.list_visit_types()] == [
        ("Follow-up", 30),
        ("Physical", 45),
    ]


async def test_double_booking_is_impossible_per_provider(store: Store) -> None:
    await patients(store)
    patel = await store.save_provider("Dr. Patel")
    kim = await store.save_provider("Dr. Kim")
    physical = await store.save_visit_type("Physical", 60, [patel.id])
    first = await store.book(
        ANN, at(0), at(2), {"reason": "annual"}, provider_id=patel.id, visit_type_id=physical.id
    )
    appt = first.appointment
    assert (appt.provider_id, appt.visit_type_id) == (patel.id, physical.id)
    assert await store.get_appointment(appt.id) == appt
    with pytest.raises(SlotTaken):
        await store.book(BOB, at(1), at(2), provider_id=patel.id)
    # the same time with another provider is another calendar
    other = await store.book(BOB, at(1), at(2), provider_id=kim.id)
    assert other.created and other.appointment.provider_id == kim.id
    # so is the shared calendar of bookings without a provider
    shared = await store.book(BOB, at(0), at(1))
    assert shared.created and shared.appointment.provider_id is None
    with pytest.raises(SlotTaken):
        await store.book(ANN, at(0.5), at(1.5))  # a second provider-less one overlapping it
    assert len(await store.list_appointments()) == 3


async def test_unknown_provider_or_visit_type_ids_are_refused(store: Store) -> None:
    await patients(store)
    with pytest.raises(InvalidRequest):
        await store.book(ANN, at(0), at(1), provider_id=str(uuid.uuid4()))
    with pytest.raises(InvalidRequest):
        await store.book(ANN, at(0), at(1), visit_type_id=str(uuid.uuid4()))
    with pytest.raises(InvalidRequest):
        await store.book(ANN, at(0), at(1), provider_id="Dr. Patel")
    assert await store.list_appointments(status=None) == []


async def test_a_move_keeps_the_provider_and_checks_their_calendar(store: Store) -> None:
    await patients(store)
    patel = await store.save_provider("Dr. Patel")
    kim = await store.save_provider("Dr. Kim")
    physical = await store.save_visit_type("Physical", 60)
    old = (
        await store.book(ANN, at(0), at(2), provider_id=patel.id, visit_type_id=physical.id)
    ).appointment
    await store.book(BOB, at(4), at(6), provider_id=kim.id)  # Kim's, not Patel's
    moved = await store.reschedule(old.id, ANN, at(4), at(6))
    assert (moved.provider_id, moved.visit_type_id) == (patel.id, physical.id)
    await store.book(BOB, at(8), at(10), provider_id=patel.id)
    with pytest.raises(SlotTaken):
        await store.reschedule(moved.id, ANN, at(9), at(11))
    assert (await store.get_appointment(moved.id)).status == "booked"
    # an overlapping nudge of one's own slot still works with a provider
    nudged = await store.reschedule(moved.id, ANN, at(5), at(7))
    assert nudged.provider_id == patel.id and nudged.meta["rescheduled_from"] == moved.id
