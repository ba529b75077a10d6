"""One pass of the waitlist's offer calls: `aida waitlist run` (cron, like `aida reminders
run`; docs/waitlist.md).

A pass: holds lapsed by now are released and their times offered to the next match
(`service.sweep`); then every offer still held and not yet dialled is called through the
outbound dialer (aida.outbound.dialer), purpose "waitlist_offer", with the held row as the
call's appointment and the offer's id in its refs (ids only). Calls go out only within
REMINDER_CALL_HOURS (a hold made outside them lasts until they begin plus the hold time:
`service.hold_expiry`). A patient who opted out of calls is never dialled: their offer is let go
at once, to the next match. A line that is busy or not answered leaves the hold to lapse, which
passes the time on at the next pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aida.config import Settings
from aida.outbound import outcomes
from aida.outbound.dialer import OutboundCall, place_call
from aida.outbound.select import in_call_hours
from aida.scheduling.clock import Clock, SystemClock
from aida.store.models import OutboundPurpose
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from aida.waitlist import service

logger = logging.getLogger("aida.waitlist")

PURPOSE: OutboundPurpose = "waitlist_offer"
OFFER_REF = "waitlist_offer_id"
MAX_CALLS_PER_PASS = 50  # a bound on a pass whose offers keep passing on (opted-out patients)


@dataclass
class OfferPass:
    """What one pass did, in counts (no patient data: it is printed and logged)."""

    in_call_hours: bool
    lapsed_passed_on: int = 0
    placed: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "in_call_hours": self.in_call_hours,
            "lapsed_passed_on": self.lapsed_passed_on,
            "placed": self.placed,
        }


async def run_offers(store: Store, settings: Settings, clock: Clock | None = None) -> OfferPass:
    clock = clock or SystemClock()
    ctx = ClinicContext(store=store, settings=settings, clock=clock)
    report = OfferPass(in_call_hours=in_call_hours(settings, clock.now()))
    report.lapsed_passed_on = len(await service.sweep(ctx))
    if not report.in_call_hours:
        return report
    dialled = {
        str(a.refs.get(OFFER_REF))
        for a in await store.list_outbound_calls(purpose=PURPOSE, limit=1000)
        if a.refs.get(OFFER_REF)
    }
    for _ in range(MAX_CALLS_PER_PASS):
        now = clock.now()
        todo = [
            o
            for o in await store.list_waitlist_offers(status="offered")
            if o.expires_at > now and o.id not in dialled
        ]
        if not todo or not in_call_hours(settings, now):
            break
        offer = todo[0]
        dialled.add(offer.id)
        entry = await store.get_waitlist_entry(offer.entry_id)
        if entry is None:
            continue
        attempt = await place_call(
            OutboundCall(
                purpose=PURPOSE,
                phone=entry.patient_phone,
                appointment_id=offer.hold_id,
                refs={OFFER_REF: offer.id, "waitlist_entry_id": entry.id},
            ),
            store=store,
            settings=settings,
            clock=clock,
        )
        report.placed[attempt.outcome] = report.placed.get(attempt.outcome, 0) + 1
        if attempt.outcome == outcomes.OPTED_OUT:
            # never to be called: the time goes to the next match now, not in 15 minutes
            await service.decline(ctx, offer.id, actor=service.MATCHER, outcome="withdrawn")
    logger.info("waitlist offer pass: %s", report.as_dict())
    return report
