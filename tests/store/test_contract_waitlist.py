"""The Store contract for the waitlist, on SQLite, PostgreSQL and Supabase.

Slot holds live on the calendar half and the database guards them: a held slot cannot be booked
or held by anyone else (the no-overlap constraint covers 'held'), a hold lapses by the time the
caller passes (the injectable clock), and accepting turns the held row into the booking. Entries
and offers are Aida's own records, oldest first."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from aida.errors import ClinicClosed, HoldExpired, NotYourAppointment, SlotTaken
from aida.store.models import Appointment, WaitlistEntry, WaitlistOffer
from aida.store.protocol import Store
from tests.store.conftest import FHIR

ANN, BOB, CAT = "+12025550101", "+12025550102", "+12025550103"
NOW = dt.datetime(2030, 1, 7, 14, 0, tzinfo=dt.UTC)
T0 = dt.datetime(2030, 1, 8, 15, 0, tzinfo=dt.UTC)
SLOT = dt.timedelta(minutes=30)
HOLD = dt.timedelta(minutes=15)


async def _patients(store: Store, *phones: str) -> None:
    for phone in phones:
        await store.upsert_patient(phone, f"Patient {phone[-3:]}")


async def _hold(
    store: Store, phone: str, at: dt.datetime = NOW, start: dt.datetime = T0
) -> Appointment:
    return await store.hold_slot(
        phone, start, start + SLOT, now=at, expires_at=at + HOLD, meta={"waitlist_entry": "e1"}
    )


async def test_waitlist_hold_blocks_booking_and_other_holds(store: Store) -> None:
    await _patients(store, ANN, BOB, CAT)
    hold = await _hold(store, ANN)
    assert hold.status == "held" and hold.user_phone == ANN
    assert hold.hold_expires_at == NOW + HOLD
    # nobody else can book it, nor any time overlapping it, nor hold it
    with pytest.raises(SlotTaken):
        await store.book(BOB, T0, T0 + SLOT)
    with pytest.raises(SlotTaken):
        await store.book(BOB, T0 + dt.timedelta(minutes=15), T0 + dt.timedelta(minutes=45))
    with pytest.raises(SlotTaken):
        await _hold(store, CAT)
    # not even the holder books it around the hold: accepting is confirm_hold's
    with pytest.raises(SlotTaken):
        await store.book(ANN, T0, T0 + SLOT)
    # a held row is not a booking: the calendar's booked list leaves it out
    assert await store.list_appointments(start=T0, end=T0 + SLOT) == []
    held = await store.list_appointments(start=T0, end=T0 + SLOT, status="held")
    assert [a.id for a in held] == [hold.id]
    # the time next to it is free as ever
    assert (await store.book(BOB, T0 + SLOT, T0 + 2 * SLOT)).created


async def test_waitlist_accepting_turns_the_hold_into_the_booking(store: Store) -> None:
    await _patients(store, ANN, BOB)
    hold = await _hold(store, ANN)
    with pytest.raises(NotYourAppointment):
        await store.confirm_hold(hold.id, BOB, NOW + dt.timedelta(minutes=5))
    booked = await store.confirm_hold(hold.id, ANN, NOW + dt.timedelta(minutes=5))
    assert booked.id == hold.id and booked.status == "booked"
    assert booked.hold_expires_at is None and booked.meta["waitlist_entry"] == "e1"
    # repeating the yes returns the same booking, even after the hold would have lapsed
    again = await store.confirm_hold(hold.id, ANN, NOW + dt.timedelta(hours=2))
    assert again.id == hold.id and again.status == "booked"
    assert [a.id for a in await store.list_appointments(phone=ANN)] == [hold.id]
    # a booking now: the lapse sweep leaves it alone, and it still blocks the slot
    assert await store.release_expired_holds(NOW + dt.timedelta(days=1)) == []
    with pytest.raises(SlotTaken):
        await store.book(BOB, T0, T0 + SLOT)


async def test_waitlist_hold_expires_by_the_injected_clock(store: Store) -> None:
    await _patients(store, ANN, BOB, CAT)
    hold = await _hold(store, ANN)
    # 14 minutes on: still held, nothing to release
    assert await store.release_expired_holds(NOW + dt.timedelta(minutes=14)) == []
    with pytest.raises(SlotTaken):
        await store.book(BOB, T0, T0 + SLOT)
    # 15 minutes on it has lapsed: accepting now is refused
    with pytest.raises(HoldExpired):
        await store.confirm_hold(hold.id, ANN, NOW + HOLD)
    released = await store.release_expired_holds(NOW + HOLD)
    assert [a.id for a in released] == [hold.id]
    assert (await store.book(BOB, T0, T0 + SLOT)).created
    with pytest.raises(HoldExpired):
        await store.confirm_hold(hold.id, ANN, NOW + HOLD)


async def test_waitlist_a_lapsed_hold_gives_way_to_the_next_hold(store: Store) -> None:
    await _patients(store, ANN, BOB)
    first = await _hold(store, ANN)
    later = NOW + dt.timedelta(minutes=20)
    second = await _hold(store, BOB, at=later)  # the lapsed one is released in the same step
    assert second.user_phone == BOB and second.id != first.id
    held = await store.list_appointments(start=T0, end=T0 + SLOT, status="held")
    assert [a.id for a in held] == [second.id]
    with pytest.raises(HoldExpired):
        await store.confirm_hold(first.id, ANN, later)


async def test_waitlist_release_and_closure(store: Store) -> None:
    await _patients(store, ANN, BOB)
    hold = await _hold(store, ANN)
    released = await store.release_hold(hold.id)
    assert released is not None and released.id == hold.id
    assert await store.release_hold(hold.id) is None
    assert (await store.book(BOB, T0, T0 + SLOT)).created
    await store.add_closure(T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=1, hours=2))
    with pytest.raises(ClinicClosed):
        await _hold(store, ANN, start=T0 + dt.timedelta(days=1))


async def test_waitlist_twenty_patients_race_for_one_freed_slot(store: Store) -> None:
    """Two waitlist patients never get the same slot: of 20 concurrent holds one wins."""
    phones = [f"+1555600{i:04d}" for i in range(20)]
    await _patients(store, *phones)
    results = await asyncio.gather(*[_hold(store, p) for p in phones], return_exceptions=True)
    wins = [r for r in results if isinstance(r, Appointment)]
    assert len(wins) == 1
    assert sum(isinstance(r, SlotTaken) for r in results) == 19
    held = await store.list_appointments(start=T0, end=T0 + SLOT, status="held")
    assert [a.id for a in held] == [wins[0].id]


async def test_waitlist_entries_and_offers_round_trip(store: Store) -> None:
    await _patients(store, ANN, BOB)
    later = WaitlistEntry(
        patient_phone=BOB,
        window_start=T0,
        window_end=T0 + SLOT,
        description="Tuesday, January 8 at 10 AM",
        created_at=NOW + dt.timedelta(minutes=1),
        updated_by="call:c2",
    )
    first = WaitlistEntry(
        patient_phone=ANN,
        window_start=T0 - dt.timedelta(hours=1),
        window_end=T0 + dt.timedelta(hours=2),
        daily_from=dt.time(9, 0),
        daily_until=dt.time(12, 0),
        weekly=True,
        description="any Tuesday between 9 AM and 12 PM",
        created_at=NOW,
        updated_by="call:c1",
    )
    await store.save_waitlist_entry(later)
    saved = await store.save_waitlist_entry(first)
    assert saved == first
    assert [e.id for e in await store.list_waitlist()] == [first.id, later.id]
    assert [e.id for e in await store.list_waitlist(phone=BOB)] == [later.id]
    got = await store.get_waitlist_entry(first.id)
    assert got == first and got.daily_from == dt.time(9, 0) and got.weekly
    removed = await store.save_waitlist_entry(
        first.model_copy(
            update={"status": "removed", "note": "found a time", "updated_by": "staff:fd"}
        )
    )
    assert removed.status == "removed" and removed.note == "found a time"
    assert [e.id for e in await store.list_waitlist(status="waiting")] == [later.id]
    assert await store.get_waitlist_entry("not-a-uuid") is None

    hold = await _hold(store, BOB)
    offer = WaitlistOffer(
        entry_id=later.id,
        hold_id=hold.id,
        slot_start=T0,
        slot_end=T0 + SLOT,
        offered_at=NOW,
        expires_at=NOW + HOLD,
    )
    assert await store.save_waitlist_offer(offer) == offer
    done = offer.model_copy(
        update={"status": "accepted", "answered_at": NOW + HOLD / 3, "appointment_id": hold.id}
    )
    await store.save_waitlist_offer(done)
    assert await store.list_waitlist_offers(entry_id=later.id) == [done]
    assert await store.list_waitlist_offers(slot_start=T0) == [done]
    assert await store.list_waitlist_offers(status="offered") == []


@pytest.mark.parametrize("store", [FHIR], indirect=True)
async def test_waitlist_on_an_ehr_calendar_keeps_entries_but_holds_nothing(store: Store) -> None:
    """The EHR's calendar has no constraint a hold could join (docs/waitlist.md): refused, so
    nothing is ever offered that the EHR would not keep."""
    from aida.errors import InvalidRequest

    await _patients(store, ANN)
    entry = WaitlistEntry(
        patient_phone=ANN, window_start=T0, window_end=T0 + SLOT, description="x", created_at=NOW
    )
    await store.save_waitlist_entry(entry)
    assert [e.id for e in await store.list_waitlist()] == [entry.id]
    with pytest.raises(InvalidRequest):
        await _hold(store, ANN)
    assert await store.release_expired_holds(NOW) == []
