"""Matching a freed time to the waitlist, on SQLite, PostgreSQL and Supabase: a cancellation or a
move holds the time for the FIRST matching entry (by created), declining or lapsing passes it to
the next, accepting turns the hold into the booking. The clock is the injectable one."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aida.config import Settings
from aida.errors import HoldExpired, NotYourAppointment, SlotTaken
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from aida.tools.book_appointment import book_appointment
from aida.tools.cancel_appointment import cancel_appointment
from aida.tools.find_available_slots import find_available_slots
from aida.tools.reschedule_appointment import reschedule_appointment
from aida.waitlist import service

TZ = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # Monday, within call hours (09:00-19:00)
ANN, BOB, CAT, DAN = "+12025550101", "+12025550102", "+12025550103", "+12025550104"


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def ctx(store: Store, clock: FixedClock) -> ClinicContext:
    settings = Settings(_env_file=None, default_timezone="America/New_York")  # type: ignore[call-arg]
    return ClinicContext(store=store, settings=settings, clock=clock)


async def _setup(ctx: ClinicContext, clock: FixedClock) -> str:
    """Ann holds Thursday at 3; Bob (first), Cat and Dan wait, in that order."""
    for phone in (ANN, BOB, CAT, DAN):
        await ctx.store.upsert_patient(phone, f"Patient {phone[-3:]}")
    booked = await book_appointment(ctx, ANN, "Thursday at 3")
    for phone, words in (
        (DAN, "Friday at 3"),  # first on the list, but another time: never offered Thursday
        (BOB, "Thursday afternoon"),
        (CAT, "any Thursday between 2 and 4"),
    ):
        clock.advance(dt.timedelta(minutes=1))
        await service.join(ctx, phone, words, actor="test")
    return str(booked.data["appointment"]["id"])


def _tick(clock: FixedClock, minutes: float) -> None:
    clock.advance(dt.timedelta(minutes=minutes))


async def test_waitlist_cancellation_holds_the_slot_for_the_first_match(
    ctx: ClinicContext, clock: FixedClock
) -> None:
    appt = await _setup(ctx, clock)
    await cancel_appointment(ctx, ANN, appt)
    (offer,) = await ctx.store.list_waitlist_offers()
    bob = (await ctx.store.list_waitlist(phone=BOB))[0]
    assert offer.entry_id == bob.id and offer.status == "offered"
    assert offer.slot_start == local(5, 15).astimezone(dt.UTC)
    assert offer.expires_at == clock.now() + dt.timedelta(minutes=15)
    assert bob.status == "offered"
    # held: nobody else books it, and it is not offered as free
    with pytest.raises(SlotTaken):
        await book_appointment(ctx, DAN, "Thursday at 3")
    slots = await find_available_slots(ctx, DAN, "Thursday afternoon")
    assert local(5, 15).isoformat() not in [s["start"] for s in slots.data["slots"]]
    # accepted: the hold is Bob's booking, in one step
    booked = await service.accept(ctx, offer.id, BOB, actor="call:offer")
    assert booked.status == "booked" and booked.id == offer.hold_id and booked.user_phone == BOB
    assert (await ctx.store.list_waitlist(phone=BOB))[0].status == "booked"
    assert [a.user_phone for a in await ctx.store.list_appointments(start=local(5, 15))] == [BOB]
    actions = [a.action for a in await ctx.store.list_audit()]
    assert "waitlist_offer" in actions and "waitlist_accept" in actions


async def test_waitlist_decline_and_lapse_pass_the_slot_down_the_list(
    ctx: ClinicContext, clock: FixedClock
) -> None:
    appt = await _setup(ctx, clock)
    await cancel_appointment(ctx, ANN, appt)
    (first,) = await ctx.store.list_waitlist_offers()
    # Bob says no: Cat is next
    second = await service.decline(ctx, first.id, actor="call:offer")
    assert second is not None
    cat = (await ctx.store.list_waitlist(phone=CAT))[0]
    assert second.entry_id == cat.id
    assert (await ctx.store.list_waitlist(phone=BOB))[0].status == "waiting"
    # another patient's offer cannot be accepted by Bob
    with pytest.raises(NotYourAppointment):
        await service.accept(ctx, second.id, BOB, actor="call:x")
    # Cat does not answer: 14 minutes on it is still hers, at 15 it lapses
    _tick(clock, 14)
    assert await service.sweep(ctx) == []
    _tick(clock, 1)
    with pytest.raises(HoldExpired):
        await service.accept(ctx, second.id, CAT, actor="call:late")
    assert await service.sweep(ctx) == []  # Bob declined it and Dan wants Friday: nobody left
    statuses = {o.entry_id: o.status for o in await ctx.store.list_waitlist_offers()}
    assert sorted(statuses.values()) == ["declined", "expired"]
    # the time is free again for anyone
    assert (await book_appointment(ctx, DAN, "Thursday at 3")).data["created"]


async def test_waitlist_lapsed_hold_goes_to_the_next_match_by_the_sweep(
    ctx: ClinicContext, clock: FixedClock
) -> None:
    appt = await _setup(ctx, clock)
    await cancel_appointment(ctx, ANN, appt)
    _tick(clock, 15)
    (nxt,) = await service.sweep(ctx)
    cat = (await ctx.store.list_waitlist(phone=CAT))[0]
    assert nxt.entry_id == cat.id and nxt.expires_at == clock.now() + dt.timedelta(minutes=15)
    held = await ctx.store.list_appointments(start=local(5, 15), status="held")
    assert [a.user_phone for a in held] == [CAT]
    booked = await service.accept(ctx, nxt.id, CAT, actor="call:offer")
    assert booked.user_phone == CAT and booked.status == "booked"


async def test_waitlist_a_move_frees_the_old_time(ctx: ClinicContext, clock: FixedClock) -> None:
    appt = await _setup(ctx, clock)
    await reschedule_appointment(ctx, ANN, appt, "Friday at 10")
    (offer,) = await ctx.store.list_waitlist_offers()
    assert offer.slot_start == local(5, 15).astimezone(dt.UTC)
    assert offer.entry_id == (await ctx.store.list_waitlist(phone=BOB))[0].id


async def test_waitlist_two_matchers_racing_make_one_offer(
    ctx: ClinicContext, clock: FixedClock
) -> None:
    """Two processes offering the same freed time at once: one hold, one offer."""
    await _setup(ctx, clock)
    start, end = local(5, 16).astimezone(dt.UTC), local(5, 16, 30).astimezone(dt.UTC)
    results = await asyncio.gather(
        *[service.offer_freed(ctx, start, end) for _ in range(8)], return_exceptions=True
    )
    made = [r for r in results if r is not None]
    assert not [r for r in made if isinstance(r, BaseException)]
    assert len(made) == 1
    held = await ctx.store.list_appointments(start=start, end=end, status="held")
    assert len(held) == 1


async def test_waitlist_hold_made_outside_call_hours_lasts_until_the_first_call_can_go_out(
    ctx: ClinicContext, clock: FixedClock
) -> None:
    """Freed at 7:30 PM (after REMINDER_CALL_HOURS 09:00-19:00): the hold runs to the next
    morning's 9:00 plus 15 minutes, so Bob is called before the time can pass to Cat; the
    calendar's constraint keeps it from everyone meanwhile."""
    clock.advance(local(2, 19, 30) - clock.now())
    appt = await _setup(ctx, clock)
    await cancel_appointment(ctx, ANN, appt)
    (offer,) = await ctx.store.list_waitlist_offers()
    assert offer.expires_at == local(3, 9, 15).astimezone(dt.UTC)
    clock.advance(local(3, 9, 14) - clock.now())  # overnight and into call hours: still Bob's
    assert await service.sweep(ctx) == []
    with pytest.raises(SlotTaken):
        await book_appointment(ctx, DAN, "Thursday at 3")
    clock.advance(dt.timedelta(minutes=1))  # the hold time past call hours' start: the next match's
    (nxt,) = await service.sweep(ctx)
    assert nxt.entry_id == (await ctx.store.list_waitlist(phone=CAT))[0].id
    assert nxt.expires_at == clock.now() + dt.timedelta(minutes=15)  # in hours: plain hold
