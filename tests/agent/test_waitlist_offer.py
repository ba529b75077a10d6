"""The waitlist offer call through the real entrypoint (`run_call` with the dispatch's metadata),
text in and out, the scripted LLM never asked: the opening says the freed time and how long it
is held; a yes books it only after the patient's name and date of birth (the call reaches a
number, not a proven person), turning the hold into the booking; a no releases it to the next
match; a wrong date of birth books nothing; an offer that lapsed before anyone answered is not
made; a voicemail hears only the clinic's name and number."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from aida.agent.waitlist_offer import ASK_IDENTITY, DECLINED, NOT_NEEDED, WaitlistOfferAida
from aida.config import Settings
from aida.outbound import outcomes
from aida.store.models import OutboundAttempt, WaitlistOffer
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from aida.tools.cancel_appointment import cancel_appointment
from aida.waitlist import service
from tests.agent.conftest import CALLER, local
from tests.agent.test_outbound import Call, aida_said

MARCUS, LENA = "+12025550178", "+12025550190"
OPENING = (
    "Hello, this is Aida from Riverside Family Clinic, calling for Jane. An opening on "
    "Thursday, March 5 at 3 PM came up that you asked to be told about; it's held for you for "
    "15 minutes. Would you like it?"
)


@pytest.fixture
def offer_settings(settings: Settings, tmp_path: Any) -> Settings:
    return settings.model_copy(
        update={"understand_in_code": True, "outbox_dir": tmp_path / "outbox"}
    )


@pytest.fixture
async def offered(store: Store, jane: str, tools: ClinicContext, clock: Any) -> WaitlistOffer:
    """Marcus cancels Thursday at 3; Jane (first) and Lena wait for Thursday afternoons."""
    clock.advance(dt.timedelta(hours=2))  # 10 AM: within call hours, so the hold is 15 minutes
    await store.upsert_patient(MARCUS, "Marcus Lee", date_of_birth=dt.date(1979, 11, 20))
    await store.upsert_patient(LENA, "Lena Park", date_of_birth=dt.date(1990, 6, 14))
    booked = await store.book(
        MARCUS, local(5, 15).astimezone(dt.UTC), local(5, 15, 30).astimezone(dt.UTC)
    )
    await service.join(tools, jane, "Thursday afternoon", actor="test")
    clock.advance(dt.timedelta(minutes=1))
    await service.join(tools, LENA, "any Thursday", actor="test")
    await cancel_appointment(tools, MARCUS, booked.appointment.id)
    (offer,) = await store.list_waitlist_offers()
    return offer


class OfferCall(Call):
    def __init__(self, settings: Settings, store: Store, clock: Any, offer: WaitlistOffer):
        self.offer = offer
        attempt = OutboundAttempt(
            purpose="waitlist_offer",
            phone=CALLER,
            appointment_id=offer.hold_id,
            refs={"waitlist_offer_id": offer.id, "waitlist_entry_id": offer.entry_id},
            outcome="answered",
            room_name="outbound-waitlist_offer-x",
        )
        super().__init__(settings, store, clock, attempt)

    async def __aenter__(self) -> OfferCall:
        await self.store.save_outbound_call(self.attempt)
        await super().__aenter__()
        return self


def _metadata(attempt: OutboundAttempt) -> str:
    return json.dumps(
        {
            "direction": "outbound",
            "purpose": "waitlist_offer",
            "attempt_id": attempt.id,
            "appointment_id": attempt.appointment_id,
            **attempt.refs,
        }
    )


@pytest.fixture
def offer_call(
    offer_settings: Settings, store: Store, clock: Any, offered: WaitlistOffer, monkeypatch: Any
) -> OfferCall:
    import tests.agent.test_outbound as reminder_tests

    monkeypatch.setattr(reminder_tests, "metadata", _metadata)
    return OfferCall(offer_settings, store, clock, offered)


async def test_offer_yes_then_identity_books_the_held_slot(
    offer_call: OfferCall, store: Store
) -> None:
    async with offer_call as c:
        assert isinstance(c.live.session.current_agent, WaitlistOfferAida)
        assert aida_said(c.live) == []  # nothing before a person answers
        await c.turn("Hello?")
        assert aida_said(c.live) == [OPENING]
        await c.turn("Oh yes, I'll take it.")
        assert aida_said(c.live)[-1] == ASK_IDENTITY
        hold = await store.get_appointment(c.offer.hold_id)
        assert hold is not None and hold.status == "held"  # nothing booked before the proof
        await c.turn("Jane Doe, March 3rd 1985")
        assert aida_said(c.live)[-1] == (
            "You're booked for Thursday, March 5 at 3 PM. We look forward to seeing you."
        )
        await c.end()
    booked = await store.get_appointment(c.offer.hold_id)
    assert booked is not None and booked.status == "booked" and booked.user_phone == CALLER
    assert (await store.list_waitlist(phone=CALLER))[0].status == "booked"
    assert await c.outcome() == outcomes.ACCEPTED
    assert c.llm.requests == []
    summary = await store.get_call_summary(c.live.state.call_id)
    assert summary is not None and summary.appointments_in_call
    assert summary.appointments_in_call[0]["action"] == "booked"
    said = " ".join(aida_said(c.live))
    assert "Marcus" not in said and "Lena" not in said


async def test_offer_no_passes_the_time_to_the_next_match(
    offer_call: OfferCall, store: Store
) -> None:
    async with offer_call as c:
        await c.turn("Hi, Jane speaking.")
        await c.turn("No thanks, I can't make it then.")
        assert aida_said(c.live)[-1] == DECLINED
        await c.end()
    assert await c.outcome() == outcomes.DECLINED
    assert await store.get_appointment(c.offer.hold_id) is None  # released
    held = await store.list_appointments(status="held")
    assert [a.user_phone for a in held] == [LENA]  # the next on the list holds it now
    assert (await store.list_waitlist(phone=CALLER))[0].status == "waiting"


async def test_offer_wrong_birth_date_books_nothing(offer_call: OfferCall, store: Store) -> None:
    async with offer_call as c:
        await c.turn("Hello?")
        await c.turn("Yes please.")
        await c.turn("Jane Doe, July 4th 1970")
        assert "You're booked" not in " ".join(aida_said(c.live))
        await c.end()
    hold = await store.get_appointment(c.offer.hold_id)
    assert hold is not None and hold.status == "held"
    assert await store.list_appointments(phone=CALLER) == []


async def test_offer_lapsed_before_the_answer_is_not_made(
    offer_call: OfferCall, store: Store, clock: Any
) -> None:
    clock.advance(dt.timedelta(minutes=16))
    async with offer_call as c:
        await c.turn("Hello?")
        assert aida_said(c.live) == [NOT_NEEDED.format(clinic="Riverside Family Clinic")]
        await c.end()
    assert await c.outcome() == outcomes.NOT_NEEDED


async def test_offer_voicemail_hears_no_time(offer_call: OfferCall) -> None:
    async with offer_call as c:
        await c.turn(
            "Hi, you've reached Jane. I can't come to the phone right now, please leave a "
            "message after the tone."
        )
        await c.end()
    said = " ".join(aida_said(c.live))
    assert "Thursday" not in said and "3 PM" not in said and "Jane" not in said
    assert await c.outcome() == outcomes.VOICEMAIL
