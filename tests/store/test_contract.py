"""The core of the calendar contract (patients, booking, cancelling, moving, listing), run against
SQLite, a real PostgreSQL, Supabase over PostgREST onto that PostgreSQL's own SQL functions, and
the clinic's EHR over FHIR (the `store` fixture, tests/store/conftest.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from aida.errors import (
    AppointmentNotFound,
    InvalidRequest,
    NotYourAppointment,
    PatientNotFound,
    SlotTaken,
)
from aida.store import failures
from aida.store.protocol import CalendarStore, Store

UTC = dt.UTC
T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York
SLOT = dt.timedelta(minutes=30)
ANN, BOB = "+15550000001", "+15550000002"

pytestmark = pytest.mark.calendar


def at(slots: float) -> dt.datetime:
    return T0 + slots * SLOT


async def patients(store: Store) -> None:
    await store.upsert_patient(ANN, "Ann Lee")
    await store.upsert_patient(BOB, "Bob Roy")


async def test_satisfies_protocol(store: Store) -> None:
    assert isinstance(store, Store) and isinstance(store, CalendarStore)
    assert store.backend in ("sqlite", "postgres", "supabase", "fhir+sqlite")
    await store.ping()


async def test_migrate_twice_keeps_data(store: Store) -> None:
    await patients(store)
    booked = await store.book(ANN, at(0), at(1))
    await store.migrate()
    await store.migrate()
    assert await store.get_appointment(booked.appointment.id) == booked.appointment


# --- patients ---


async def test_upsert_patient_never_clears_a_name(store: Store) -> None:
    assert await store.get_patient(ANN) is None
    created = await store.upsert_patient(ANN)
    assert (created.phone, created.name, created.preferences) == (ANN, None, {})
    assert (await store.upsert_patient(ANN, "  Ann   Lee ")).name == "Ann Lee"
    assert (await store.upsert_patient(ANN)).name == "Ann Lee"
    assert (await store.upsert_patient(ANN, "   ")).name == "Ann Lee"
    assert (await store.upsert_patient(ANN, "Ann Li")).name == "Ann Li"
    assert (await store.get_patient(ANN)).name == "Ann Li"


async def test_merge_preferences_is_shallow_and_needs_a_patient(store: Store) -> None:
    await patients(store)
    await store.merge_preferences(ANN, {"language": "es", "reminders": {"sms": True}})
    merged = await store.merge_preferences(ANN, {"reminders": {"call": True}, "doctor": "Kim"})
    assert merged.preferences == {"language": "es", "reminders": {"call": True}, "doctor": "Kim"}
    assert (await store.get_patient(ANN)).preferences == merged.preferences
    assert (await store.get_patient(ANN)).name == "Ann Lee"
    with pytest.raises(PatientNotFound):
        await store.merge_preferences("+15559999999", {"language": "en"})
    with pytest.raises(InvalidRequest):
        await store.merge_preferences(ANN, ["not", "an", "object"])  # type: ignore[arg-type]


# --- booking ---


async def test_book_returns_the_row_in_utc(store: Store) -> None:
    await patients(store)
    result = await store.book(ANN, at(0), at(1), {"reason": "checkup"})
    appt = result.appointment
    assert result.created is True
    assert uuid.UUID(appt.id)
    assert (appt.user_phone, appt.status, appt.meta) == (ANN, "booked", {"reason": "checkup"})
    assert (appt.start_time, appt.end_time) == (at(0), at(1))
    assert appt.start_time.utcoffset() == dt.timedelta(0)
    assert await store.get_appointment(appt.id) == appt


async def test_an_offset_time_comes_back_as_the_same_instant(store: Store) -> None:
    await patients(store)
    plus2 = dt.timezone(dt.timedelta(hours=2))
    start = dt.datetime(2030, 1, 7, 17, 0, tzinfo=plus2)  # 15:00 UTC
    appt = (await store.book(ANN, start, start + SLOT)).appointment
    stored = await store.get_appointment(appt.id)
    assert stored.start_time == start and stored.start_time.tzinfo is not None
    assert stored.start_time.astimezone(UTC).hour == 15
    assert stored.start_time.utcoffset() == dt.timedelta(0)
    # and it clashes with the same instant written in UTC
    with pytest.raises(SlotTaken):
        await store.book(BOB, at(0), at(1))
    # windows given in another offset select by instant too
    window = await store.list_appointments(start=start - SLOT, end=start + dt.timedelta(minutes=1))
    assert [a.id for a in window] == [appt.id]


async def test_naive_and_backwards_times_are_refused(store: Store) -> None:
    await patients(store)
    with pytest.raises(InvalidRequest):
        await store.book(ANN, dt.datetime(2030, 1, 7, 10), dt.datetime(2030, 1, 7, 10, 30))
    with pytest.raises(InvalidRequest):
        await store.book(ANN, at(1), at(0))
    with pytest.raises(InvalidRequest):
        await store.book(ANN, at(1), at(1))
    assert await store.list_appointments(status=None) == []


async def test_booking_needs_a_known_patient(store: Store) -> None:
    with pytest.raises(PatientNotFound):
        await store.book(ANN, at(0), at(1))
    assert await store.list_appointments(status=None) == []


async def test_booking_again_returns_the_same_appointment(store: Store) -> None:
    await patients(store)
    first = await store.book(ANN, at(0), at(1))
    again = await store.book(ANN, at(0), at(1))
    assert again.created is False
    assert again.appointment == first.appointment
    assert len(await store.list_appointments(status=None)) == 1


async def test_overlaps_are_slot_taken_whoever_books(store: Store) -> None:
    await patients(store)
    await store.book(ANN, at(0), at(1))
    for phone, start in [(BOB, at(0)), (BOB, at(0.5)), (BOB, at(-0.5)), (ANN, at(0.5))]:
        with pytest.raises(SlotTaken):
            await store.book(phone, start, start + SLOT)
    # a longer booking that swallows the slot
    with pytest.raises(SlotTaken):
        await store.book(BOB, at(-1), at(2))
    assert len(await store.list_appointments(status=None)) == 1


async def test_back_to_back_slots_are_fine(store: Store) -> None:
    await patients(store)
    await store.book(ANN, at(0), at(1))
    before = await store.book(BOB, at(-1), at(0))
    after = await store.book(BOB, at(1), at(2))
    assert before.created and after.created
    assert [a.start_time for a in await store.list_appointments()] == [at(-1), at(0), at(1)]


async def test_a_cancelled_slot_can_be_booked_again(store: Store) -> None:
    await patients(store)
    first = (await store.book(ANN, at(0), at(1))).appointment
    await store.cancel(first.id, ANN)
    second = await store.book(BOB, at(0), at(1))
    assert second.created and second.appointment.id != first.id
    # and the original owner re-booking the same start is now a new appointment, not a no-op
    with pytest.raises(SlotTaken):
        await store.book(ANN, at(0), at(1))


# --- cancel ---


async def test_cancel_is_idempotent(store: Store) -> None:
    await patients(store)
    appt = (await store.book(ANN, at(0), at(1), {"reason": "flu"})).appointment
    cancelled = await store.cancel(appt.id, ANN)
    assert cancelled.status == "cancelled" and cancelled.id == appt.id
    assert cancelled.meta["reason"] == "flu"
    again = await store.cancel(appt.id, ANN)
    assert again == cancelled
    assert (await store.get_appointment(appt.id)).status == "cancelled"
    assert await store.list_appointments(ANN) == []


async def test_cancel_checks_the_owner_and_the_id(store: Store) -> None:
    await patients(store)
    appt = (await store.book(ANN, at(0), at(1))).appointment
    with pytest.raises(NotYourAppointment):
        await store.cancel(appt.id, BOB)
    with pytest.raises(AppointmentNotFound):
        await store.cancel(str(uuid.uuid4()), ANN)
    with pytest.raises(AppointmentNotFound):
        await store.cancel("not-an-id", ANN)
    assert (await store.get_appointment(appt.id)).status == "booked"
    assert await store.get_appointment(str(uuid.uuid4())) is None
    assert await store.get_appointment("not-an-id") is None


# --- reschedule ---


async def test_reschedule_moves_the_appointment(store: Store) -> None:
    await patients(store)
    old = (await store.book(ANN, at(0), at(1), {"reason": "flu"})).appointment
    new = await store.reschedule(old.id, ANN, at(4), at(5))
    assert new.id != old.id
    assert (new.start_time, new.end_time, new.status) == (at(4), at(5), "booked")
    assert new.meta["rescheduled_from"] == old.id and new.meta["reason"] == "flu"
    moved = await store.get_appointment(old.id)
    assert moved.status == "cancelled" and moved.meta["rescheduled_to"] == new.id
    assert [a.id for a in await store.list_appointments(ANN)] == [new.id]
    # the old slot is free again
    assert (await store.book(BOB, at(0), at(1))).created


async def test_reschedule_repeated_returns_the_same_new_appointment(store: Store) -> None:
    await patients(store)
    old = (await store.book(ANN, at(0), at(1))).appointment
    new = await store.reschedule(old.id, ANN, at(4), at(5))
    assert await store.reschedule(old.id, ANN, at(4), at(5)) == new
    assert len(await store.list_appointments(status=None)) == 2
    # a different time for an appointment that has already moved is refused
    with pytest.raises(InvalidRequest) as refused:
        await store.reschedule(old.id, ANN, at(6), at(7))
    assert str(refused.value) == str(failures.not_booked())


async def test_failed_reschedule_leaves_the_original_booked(store: Store) -> None:
    await patients(store)
    mine = (await store.book(ANN, at(0), at(1))).appointment
    await store.book(BOB, at(4), at(5))
    with pytest.raises(SlotTaken):
        await store.reschedule(mine.id, ANN, at(4), at(5))
    with pytest.raises(SlotTaken):
        await store.reschedule(mine.id, ANN, at(4.5), at(5.5))
    assert await store.get_appointment(mine.id) == mine
    assert len(await store.list_appointments(status=None)) == 2


async def test_reschedule_into_an_overlapping_own_slot(store: Store) -> None:
    await patients(store)
    old = (await store.book(ANN, at(0), at(1))).appointment
    new = await store.reschedule(old.id, ANN, at(0.5), at(1.5))
    assert (new.start_time, new.end_time) == (at(0.5), at(1.5))
    assert (await store.get_appointment(old.id)).status == "cancelled"
    # to the time it already has: nothing changes
    assert await store.reschedule(new.id, ANN, at(0.5), at(1.5)) == new


async def test_reschedule_checks_owner_id_and_status(store: Store) -> None:
    await patients(store)
    appt = (await store.book(ANN, at(0), at(1))).appointment
    with pytest.raises(NotYourAppointment):
        await store.reschedule(appt.id, BOB, at(4), at(5))
    with pytest.raises(AppointmentNotFound):
        await store.reschedule(str(uuid.uuid4()), ANN, at(4), at(5))
    with pytest.raises(AppointmentNotFound):
        await store.reschedule("42", ANN, at(4), at(5))
    await store.cancel(appt.id, ANN)
    with pytest.raises(InvalidRequest):
        await store.reschedule(appt.id, ANN, at(4), at(5))
    assert await store.list_appointments(status="booked") == []


# --- listing ---


async def test_list_appointments_filters(store: Store) -> None:
    await patients(store)
    a = (await store.book(ANN, at(2), at(3))).appointment
    b = (await store.book(BOB, at(0), at(1))).appointment
    c = (await store.book(ANN, at(6), at(8))).appointment
    gone = (await store.book(BOB, at(10), at(11))).appointment
    await store.cancel(gone.id, BOB)

    ids = lambda appts: [x.id for x in appts]  # noqa: E731
    assert ids(await store.list_appointments()) == [b.id, a.id, c.id]
    assert ids(await store.list_appointments(ANN)) == [a.id, c.id]
    assert ids(await store.list_appointments(status=None)) == [b.id, a.id, c.id, gone.id]
    assert ids(await store.list_appointments(status="cancelled")) == [gone.id]
    # overlap semantics, [start, end): touching the edge is outside
    assert ids(await store.list_appointments(start=at(1), end=at(2))) == []
    assert ids(await store.list_appointments(start=at(2.5), end=at(7))) == [a.id, c.id]
    assert ids(await store.list_appointments(start=at(7))) == [c.id]
    assert ids(await store.list_appointments(end=at(2.1))) == [b.id, a.id]
    assert ids(await store.list_appointments(BOB, start=at(0), end=at(20), status=None)) == [
        b.id,
        gone.id,
    ]
