"""`aida waitlist run`'s pass: offers still held are dialled through the outbound dialer (the
exact dispatch metadata: ids only), once; a patient who opted out is never dialled and the time
goes to the next match at once; outside call hours nobody is called."""

from __future__ import annotations

import datetime as dt
import json

from aida.config import Settings
from aida.outbound import outcomes
from aida.outbound.consent import record_opt_out
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from aida.tools.cancel_appointment import cancel_appointment
from aida.waitlist import service
from aida.waitlist.calls import run_offers
from tests.agent.fake_livekit import FakeLiveKit
from tests.outbound.conftest import local

DISPATCH = "livekit.AgentDispatchService/CreateDispatch"
DIAL = "livekit.SIP/CreateSIPParticipant"
MARCUS, LENA = "+12025550178", "+12025550190"


async def _offered(store: Store, settings: Settings, clock: FixedClock, jane: str) -> None:
    ctx = ClinicContext(store=store, settings=settings, clock=clock)
    await store.upsert_patient(MARCUS, "Marcus Lee")
    await store.upsert_patient(LENA, "Lena Park")
    booked = await store.book(
        MARCUS, local(5, 15).astimezone(dt.UTC), local(5, 15, 30).astimezone(dt.UTC)
    )
    await service.join(ctx, jane, "Thursday afternoon", actor="test")
    clock.advance(dt.timedelta(seconds=30))
    await service.join(ctx, LENA, "Thursday at 3", actor="test")
    await cancel_appointment(ctx, MARCUS, booked.appointment.id)


async def test_a_pass_dials_each_held_offer_once(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    await _offered(store, settings, clock, jane)
    report = await run_offers(store, settings, clock)
    assert report.placed == {outcomes.ANSWERED: 1}
    (offer,) = await store.list_waitlist_offers(status="offered")
    metadata = json.loads(livekit.seen(DISPATCH)[0].message.metadata)
    assert metadata == {
        "direction": "outbound",
        "purpose": "waitlist_offer",
        "attempt_id": metadata["attempt_id"],
        "appointment_id": offer.hold_id,
        "waitlist_offer_id": offer.id,
        "waitlist_entry_id": offer.entry_id,
    }
    assert livekit.seen(DIAL)[0].message.sip_call_to == jane
    again = await run_offers(store, settings, clock)
    assert again.placed == {}  # dialled once, not at every pass
    assert len(livekit.seen(DIAL)) == 1


async def test_an_opted_out_patient_is_skipped_for_the_next(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    await record_opt_out(store, jane, clock.now())
    await _offered(store, settings, clock, jane)
    report = await run_offers(store, settings, clock)
    assert report.placed == {outcomes.OPTED_OUT: 1, outcomes.ANSWERED: 1}
    assert [r.message.sip_call_to for r in livekit.seen(DIAL)] == [LENA]
    held = await store.list_appointments(status="held")
    assert [a.user_phone for a in held] == [LENA]


async def test_outside_call_hours_nobody_is_called(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    await _offered(store, settings, clock, jane)
    night = FixedClock(local(2, 22))
    report = await run_offers(store, settings, night)
    assert not report.in_call_hours and report.placed == {}
    assert livekit.requests == []
