"""The waitlist's moves, over the store: join, a freed slot's offer, accept, decline, lapse.

The database guards the calendar here as everywhere: an offer is a HELD appointment row, which
the no-overlap constraint covers like a booking, so a held slot cannot be booked by anyone else
and two waitlist patients can never hold the same time (the second `hold_slot` is refused with
`SlotTaken`, whoever races). Accepting is one store call that turns the held row into the
booking (`confirm_hold`). Expiry is by the injectable clock (`ClinicContext.now`), passed down
to the store; the database's own clock is never asked.

Order: a freed slot goes to the first matching entry by `created_at` (then id) that has not
already been offered that slot. Declined or lapsed, the hold is released and the next match is
offered it. Every change is audited under the actor who made it ("call:<id>", "staff:<label>",
"waitlist" for the matcher itself).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from aida.config import Settings
from aida.errors import (
    ClinicClosed,
    HoldExpired,
    InvalidRequest,
    NotYourAppointment,
    PatientNotFound,
    SlotTaken,
)
from aida.outbound.select import in_call_hours
from aida.store.models import Appointment, AuditEntry, WaitlistEntry, WaitlistOffer
from aida.tools.base import ClinicContext
from aida.waitlist.wanted import Wanted, admits, resolve_wanted

logger = logging.getLogger("aida.waitlist")

MATCHER = "waitlist"  # the audit actor of offers the matcher makes on its own


@dataclass(frozen=True)
class Joined:
    entry: WaitlistEntry
    created: bool  # False: the same wish was on the list already


def hold_length(ctx: ClinicContext) -> dt.timedelta:
    return dt.timedelta(minutes=ctx.settings.waitlist_hold_minutes)


def calls_open_at(settings: Settings, now: dt.datetime) -> dt.datetime:
    """The first moment at or after `now` within REMINDER_CALL_HOURS (the clinic's local day)."""
    if in_call_hours(settings, now):
        return now
    first, _ = settings.reminder_call_window
    local = now.astimezone(settings.tz)
    day = local.date() if local.time() < first else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, first, tzinfo=settings.tz).astimezone(now.tzinfo)


def hold_expiry(settings: Settings, now: dt.datetime, slot_start: dt.datetime) -> dt.datetime:
    """When a hold made at `now` lapses: WAITLIST_HOLD_MINUTES after offer calls can first go
    out, not after the slot came free. A time freed at 8 PM is held until the next morning's
    call hours plus the hold, so the first patient is called before it can pass on; never past
    the slot's own start."""
    hold = dt.timedelta(minutes=settings.waitlist_hold_minutes)
    return min(calls_open_at(settings, now) + hold, slot_start)


async def _audit(
    ctx: ClinicContext, actor: str, action: str, phone: str | None, **detail: object
) -> None:
    try:
        await ctx.store.record_audit(
            AuditEntry(at=ctx.now(), actor=actor, action=action, patient_phone=phone, detail=detail)
        )
    except Exception as exc:  # the change stands; the store said why it could not log it
        logger.warning("waitlist audit row not written (%s): %s", type(exc).__name__, action)


async def join(
    ctx: ClinicContext,
    phone: str,
    words: str,
    *,
    actor: str,
    provider_id: str | None = None,
    visit_type_id: str | None = None,
    wanted: Wanted | None = None,
) -> Joined:
    """Put the patient on the waitlist for the time in their words (resolved by the grammar).
    The same wish again (same window, same repetition) returns the entry they have."""
    if await ctx.store.get_patient(phone) is None:
        raise PatientNotFound("I need to find your record before I can add you to the waitlist.")
    wanted = wanted or resolve_wanted(words, ctx.now(), ctx.clinic_hours)
    if not wanted.weekly and wanted.window_end <= ctx.now():
        raise InvalidRequest("That time has already passed.")
    for entry in await ctx.store.list_waitlist(phone=phone):
        if (
            entry.status in ("waiting", "offered")
            and entry.window_start == wanted.window_start
            and entry.window_end == wanted.window_end
            and entry.weekly == wanted.weekly
            and entry.provider_id == provider_id
        ):
            return Joined(entry, created=False)
    entry = await ctx.store.save_waitlist_entry(
        WaitlistEntry(
            patient_phone=phone,
            window_start=wanted.window_start,
            window_end=wanted.window_end,
            daily_from=wanted.daily[0] if wanted.daily else None,
            daily_until=wanted.daily[1] if wanted.daily else None,
            weekly=wanted.weekly,
            description=wanted.description,
            provider_id=provider_id,
            visit_type_id=visit_type_id,
            created_at=ctx.now(),
            updated_by=actor,
        )
    )
    await _audit(ctx, actor, "waitlist_join", phone, entry_id=entry.id, weekly=entry.weekly)
    return Joined(entry, created=True)


def matches(ctx: ClinicContext, entry: WaitlistEntry, appt: Appointment) -> bool:
    if entry.provider_id is not None and entry.provider_id != appt.provider_id:
        return False
    return admits(entry, appt.start_time, ctx.clinic_hours.tz)


async def offer_freed(
    ctx: ClinicContext,
    start: dt.datetime,
    end: dt.datetime,
    provider_id: str | None = None,
    *,
    actor: str = MATCHER,
) -> WaitlistOffer | None:
    """A time came free: hold it for the first matching waiting entry not yet offered it, and
    record the offer. None when nobody matches, or the time is taken (booked or held) already."""
    now = ctx.now()
    if calls_open_at(ctx.settings, now) >= start:
        return None  # over before anyone could be called about it
    freed = Appointment(
        id="freed", user_phone="", start_time=start, end_time=end, provider_id=provider_id
    )
    already = {o.entry_id for o in await ctx.store.list_waitlist_offers(slot_start=start)}
    for entry in await ctx.store.list_waitlist(status="waiting"):
        if entry.id in already or not matches(ctx, entry, freed):
            continue
        expires = hold_expiry(ctx.settings, now, start)
        try:
            hold = await ctx.store.hold_slot(
                entry.patient_phone,
                start,
                end,
                now=now,
                expires_at=expires,
                meta={"waitlist_entry": entry.id},
                provider_id=provider_id,
                visit_type_id=entry.visit_type_id,
            )
        except (SlotTaken, ClinicClosed):
            return None  # somebody booked or holds it: not ours to offer
        except PatientNotFound:
            continue  # the patient's file is gone; the next one
        offer = await ctx.store.save_waitlist_offer(
            WaitlistOffer(
                entry_id=entry.id,
                hold_id=hold.id,
                slot_start=hold.start_time,
                slot_end=hold.end_time,
                provider_id=provider_id,
                offered_at=now,
                expires_at=expires,
            )
        )
        await ctx.store.save_waitlist_entry(entry.model_copy(update={"status": "offered"}))
        await _audit(
            ctx,
            actor,
            "waitlist_offer",
            entry.patient_phone,
            entry_id=entry.id,
            offer_id=offer.id,
            hold_id=hold.id,
        )
        return offer
    return None


async def on_freed(ctx: ClinicContext, appt: Appointment, *, actor: str) -> WaitlistOffer | None:
    """After a cancellation or a move: offer the old time to the waitlist. Never fails the
    change that freed it (the patient was told it is done); a failure is logged and the sweep
    (`sweep`) can still offer the time later."""
    try:
        return await offer_freed(ctx, appt.start_time, appt.end_time, appt.provider_id, actor=actor)
    except Exception as exc:
        logger.warning("waitlist: freed slot not offered (%s)", type(exc).__name__)
        return None


async def _offer_and_entry(
    ctx: ClinicContext, offer_id: str
) -> tuple[WaitlistOffer, WaitlistEntry]:
    offers = [o for o in await ctx.store.list_waitlist_offers() if o.id == offer_id]
    if not offers:
        raise HoldExpired("I'm sorry, that time is no longer held for you.")
    offer = offers[0]
    entry = await ctx.store.get_waitlist_entry(offer.entry_id)
    if entry is None:
        raise HoldExpired("I'm sorry, that time is no longer held for you.")
    return offer, entry


async def get_offer(ctx: ClinicContext, offer_id: str) -> tuple[WaitlistOffer, WaitlistEntry]:
    return await _offer_and_entry(ctx, offer_id)


async def accept(ctx: ClinicContext, offer_id: str, phone: str, *, actor: str) -> Appointment:
    """The patient said yes: the hold becomes their booking (one store call). A lapsed hold:
    `HoldExpired`; another patient's offer: `NotYourAppointment`."""
    offer, entry = await _offer_and_entry(ctx, offer_id)
    if entry.patient_phone != phone:
        raise NotYourAppointment("That offer isn't for this patient.")
    if offer.status == "accepted" and offer.appointment_id:
        appt = await ctx.store.get_appointment(offer.appointment_id)
        if appt is not None:
            return appt
    if offer.status != "offered":
        raise HoldExpired("I'm sorry, that time is no longer held for you.")
    try:
        appt = await ctx.store.confirm_hold(offer.hold_id, phone, ctx.now())
    except HoldExpired:
        await _close(ctx, offer, entry, "expired", actor=actor)
        raise
    now = ctx.now()
    await ctx.store.save_waitlist_offer(
        offer.model_copy(
            update={"status": "accepted", "answered_at": now, "appointment_id": appt.id}
        )
    )
    await ctx.store.save_waitlist_entry(
        entry.model_copy(update={"status": "booked", "updated_by": actor})
    )
    await _audit(
        ctx,
        actor,
        "waitlist_accept",
        phone,
        entry_id=entry.id,
        offer_id=offer.id,
        appointment_id=appt.id,
    )
    return appt


async def _close(
    ctx: ClinicContext,
    offer: WaitlistOffer,
    entry: WaitlistEntry,
    outcome: str,
    *,
    actor: str,
) -> None:
    await ctx.store.save_waitlist_offer(
        offer.model_copy(update={"status": outcome, "answered_at": ctx.now()})
    )
    if entry.status == "offered":
        await ctx.store.save_waitlist_entry(entry.model_copy(update={"status": "waiting"}))
    await _audit(
        ctx, actor, f"waitlist_{outcome}", entry.patient_phone, entry_id=entry.id, offer_id=offer.id
    )


async def decline(
    ctx: ClinicContext, offer_id: str, *, actor: str, outcome: str = "declined"
) -> WaitlistOffer | None:
    """The patient said no (or staff withdrew the offer): the hold is released and the time
    offered to the next match, whose offer is returned. The entry stays on the list for other
    times (staff remove it, or the patient asks to be taken off)."""
    offer, entry = await _offer_and_entry(ctx, offer_id)
    if offer.status != "offered":
        return None
    await ctx.store.release_hold(offer.hold_id)
    await _close(ctx, offer, entry, outcome, actor=actor)
    return await offer_freed(ctx, offer.slot_start, offer.slot_end, offer.provider_id)


async def sweep(ctx: ClinicContext) -> list[WaitlistOffer]:
    """Holds lapsed by now: released, their offers marked expired, and each time offered to the
    next match. Returns the new offers. Safe to run from several places at once: a second
    sweep's hold of the same time is refused by the database."""
    now = ctx.now()
    await ctx.store.release_expired_holds(now)
    made: list[WaitlistOffer] = []
    for offer in await ctx.store.list_waitlist_offers(status="offered"):
        if offer.expires_at > now:
            continue
        entry = await ctx.store.get_waitlist_entry(offer.entry_id)
        if entry is None:
            continue
        await _close(ctx, offer, entry, "expired", actor=MATCHER)
        nxt = await offer_freed(ctx, offer.slot_start, offer.slot_end, offer.provider_id)
        if nxt is not None:
            made.append(nxt)
    return made


async def open_offer_for(ctx: ClinicContext, phone: str) -> WaitlistOffer | None:
    """The patient's offer still held by now, if any (the offer call's subject)."""
    now = ctx.now()
    for entry in await ctx.store.list_waitlist(status="offered", phone=phone):
        for offer in await ctx.store.list_waitlist_offers(entry_id=entry.id, status="offered"):
            if offer.expires_at > now:
                return offer
    return None
