"""Outbound reminder calls through the real entrypoint (`run_call` with the agent dispatch's
metadata), text in and out, the scripted LLM never asked: nothing is said before a person
answers; the opening names whom for, the day and the time, never the visit reason; the menu
works by voice and keypad; cancelling and moving ask the date of birth first and go through the
usual tools; "don't call me" is kept; a wrong number hears nothing more; a voicemail hears only
the clinic's name and call-back number. Every call leaves its record, with its direction."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import pytest
from livekit import rtc
from livekit.agents.testing import fake_job_context

from aida.agent.outbound import OutboundAida
from aida.agent.session import LiveCall, write_call_record
from aida.calendar.profile import ProfileEdits, save_edits
from aida.calls.finalize import call_end_hook
from aida.config import Settings
from aida.outbound import call as script
from aida.outbound import outcomes
from aida.outbound.consent import is_opted_out
from aida.store.factory import open_store
from aida.store.models import OutboundAttempt
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, local
from tests.agent.test_entrypoint import mock_room, start_in

REASON = "knee pain"  # the visit reason on file: never said on a reminder call
CLINIC_LINE = "(202) 555-0100"
OPENING = (
    "Hello, this is Aida from Riverside Family Clinic with a reminder for Jane about an "
    "appointment on Tuesday, March 3 at 2 PM. Press or say 1 to confirm, 2 to cancel, 3 to "
    "change the time."
)


@pytest.fixture
def outbound_settings(settings: Settings, tmp_path: Any) -> Settings:
    # the whole reader in code, as with the local model: the identity turn is read there too
    return settings.model_copy(
        update={"understand_in_code": True, "outbox_dir": tmp_path / "outbox"}
    )


@pytest.fixture
async def reminder(store: Store, jane: str) -> OutboundAttempt:
    booking = await store.book(
        jane,
        local(3, 14).astimezone(dt.UTC),
        local(3, 14, 30).astimezone(dt.UTC),
        {"reason": REASON},
    )
    await save_edits(store, ProfileEdits(phone=CLINIC_LINE), "cli")
    attempt = OutboundAttempt(
        purpose="reminder",
        phone=jane,
        appointment_id=booking.appointment.id,
        outcome="answered",
        room_name="outbound-reminder-x",
    )
    await store.save_outbound_call(attempt)
    return attempt


def metadata(attempt: OutboundAttempt) -> str:
    return json.dumps(
        {
            "direction": "outbound",
            "purpose": "reminder",
            "attempt_id": attempt.id,
            "appointment_id": attempt.appointment_id,
        }
    )


def aida_said(live: LiveCall) -> list[str]:
    return [
        e["text"]
        for e in live.state.timeline.of_type("transcript")
        if e["role"] == "assistant" and e["text"]
    ]


class Call:
    """One outbound call in a fake job: `await call.turn("Hello?")`, then `await call.end()`."""

    def __init__(self, settings: Settings, store: Store, clock: Any, attempt: OutboundAttempt):
        self.settings, self.store, self.clock, self.attempt = settings, store, clock, attempt
        self.room = mock_room(rtc.ParticipantKind.PARTICIPANT_KIND_SIP, {"sip.phoneNumber": CALLER})

    async def __aenter__(self) -> Call:
        self._job_cm = fake_job_context(room=self.room, job_metadata=metadata(self.attempt))
        self.job = self._job_cm.__enter__()
        hook = call_end_hook(
            self.settings, store_factory=lambda: open_store(self.settings), llms=[]
        )
        self.live, self.llm = await start_in(
            self.job, self.settings, self.store, self.clock, [], on_end=[hook]
        )
        return self

    async def until(self, done: Any, seconds: float = 3.0) -> None:
        """Wait for `done()` (what a keypad press or a silence sets off has no run to await)."""
        for _ in range(int(seconds / 0.02)):
            if done():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("timed out")

    async def turn(self, text: str) -> None:
        await self.live.session.run(user_input=text)

    async def end(self) -> None:
        await self.live.session.aclose()
        await write_call_record(self.job)

    async def __aexit__(self, *exc: Any) -> None:
        self._job_cm.__exit__(*exc)

    @property
    def agent(self) -> OutboundAida:
        agent = self.live.session.current_agent
        assert isinstance(agent, OutboundAida)
        return agent

    async def outcome(self) -> str:
        rows = await self.store.list_outbound_calls(appointment_id=self.attempt.appointment_id)
        (row,) = [r for r in rows if r.id == self.attempt.id]
        return row.outcome


@pytest.fixture
def outbound_call(outbound_settings: Settings, store: Store, clock: Any, reminder: Any):  # type: ignore[no-untyped-def]
    return Call(outbound_settings, store, clock, reminder)


async def test_outbound_confirm_by_voice_and_the_record(outbound_call: Call, store: Store) -> None:
    async with outbound_call as c:
        # nothing said before a person answers
        assert aida_said(c.live) == []
        await c.turn("Hello?")
        assert aida_said(c.live) == [OPENING]
        await c.turn("Yes, I'll be there.")
        assert aida_said(c.live)[-1] == script.CONFIRMED
        await c.end()
    assert await c.outcome() == outcomes.CONFIRMED
    assert c.llm.requests == []
    said = " ".join(aida_said(c.live))
    assert REASON not in said and "knee" not in said
    summary = await store.get_call_summary(c.live.state.call_id)
    assert summary is not None and summary.direction == "outbound"
    assert summary.transcript and summary.timeline
    started = next(e for e in summary.timeline if e["type"] == "call_started")
    assert (started["direction"], started["purpose"]) == ("outbound", "reminder")
    rows = await store.list_outbound_calls(appointment_id=c.attempt.appointment_id)
    assert rows[0].call_id == c.live.state.call_id


async def test_outbound_confirm_by_keypad(outbound_call: Call) -> None:
    async with outbound_call as c:
        await c.turn("Hi, this is Jane.")
        assert aida_said(c.live) == [OPENING]
        # a digit pressed in another phase is not an answer
        c.agent.phase, phase = "answer", c.agent.phase
        c.agent.on_dtmf("1")
        c.agent.phase = phase
        c.agent.on_dtmf("1")  # LiveKit's sip_dtmf_received
        await c.until(lambda: script.CONFIRMED in aida_said(c.live))
        await c.end()
    assert await c.outcome() == outcomes.CONFIRMED
    dtmf = c.live.state.timeline.of_type("dtmf")
    assert [e["used"] for e in dtmf] == [False, True]


async def test_outbound_cancel_asks_the_date_of_birth_first(
    outbound_call: Call, store: Store
) -> None:
    async with outbound_call as c:
        await c.turn("Hello")
        await c.turn("2")
        assert aida_said(c.live)[-1] == script.ASK_IDENTITY_CANCEL
        # nothing changed yet: a reminder call reaches a number, not a proven person
        appointment = await store.get_appointment(c.attempt.appointment_id or "")
        assert appointment is not None and appointment.status == "booked"
        await c.turn("Jane Doe, March 3rd 1985")
        assert aida_said(c.live)[-1].startswith("Shall I cancel")
        await c.turn("Yes.")
        assert "cancelled" in aida_said(c.live)[-1].lower()
        await c.end()
    appointment = await store.get_appointment(c.attempt.appointment_id or "")
    assert appointment is not None and appointment.status == "cancelled"
    assert await c.outcome() == outcomes.CANCELLED
    assert c.llm.requests == []


async def test_outbound_cancel_refused_to_a_wrong_date_of_birth(
    outbound_call: Call, store: Store
) -> None:
    async with outbound_call as c:
        await c.turn("Hello")
        await c.turn("I need to cancel")
        await c.turn("Jane Doe, January 1st 1990")
        assert not aida_said(c.live)[-1].startswith("Shall I cancel")
        await c.end()
    appointment = await store.get_appointment(c.attempt.appointment_id or "")
    assert appointment is not None and appointment.status == "booked"
    assert await c.outcome() == outcomes.HANDED_OVER


async def test_outbound_move_after_the_date_of_birth(outbound_call: Call, store: Store) -> None:
    async with outbound_call as c:
        await c.turn("Hello?")
        await c.turn("Can I change the time?")
        assert aida_said(c.live)[-1] == script.ASK_IDENTITY_MOVE
        await c.turn("Jane Doe, March 3rd 1985")
        assert aida_said(c.live)[-1] == script.WHICH_NEW_TIME
        await c.turn("Thursday at 10")
        assert aida_said(c.live)[-1].startswith("Shall I move")
        await c.turn("Yes please")
        await c.end()
    mine = await store.list_appointments(phone=CALLER)
    assert [a.start_time for a in mine] == [local(5, 10).astimezone(dt.UTC)]
    assert await c.outcome() == outcomes.RESCHEDULED


async def test_outbound_dont_call_me_is_kept(outbound_call: Call, store: Store) -> None:
    async with outbound_call as c:
        await c.turn("Hello?")
        await c.turn("Please don't call me again.")
        assert aida_said(c.live)[-1] == script.OPTED_OUT
        await c.end()
    assert await is_opted_out(store, CALLER)
    assert await c.outcome() == outcomes.OPTED_OUT


async def test_outbound_wrong_person_hears_nothing_more(outbound_call: Call) -> None:
    async with outbound_call as c:
        await c.turn("Hello?")
        await c.turn("Sorry, wrong number.")
        await c.end()
    assert aida_said(c.live) == [OPENING, script.WRONG_PERSON]
    assert await c.outcome() == outcomes.WRONG_PERSON


async def test_outbound_voicemail_greeting_gets_no_phi(outbound_call: Call) -> None:
    async with outbound_call as c:
        await c.turn(
            "Hi, you've reached Jane. I can't come to the phone right now, please leave a "
            "message after the tone."
        )
        await c.end()
    message = (
        "Hello, this is Aida from Riverside Family Clinic, calling with a message for a patient "
        f"of ours. Please call us back at {CLINIC_LINE}. Thank you, goodbye!"
    )
    assert aida_said(c.live) == [message]
    for words in ("Jane", "March", "Tuesday", "2 PM", "knee", "appointment"):
        assert words not in message
    assert await c.outcome() == outcomes.VOICEMAIL


async def test_outbound_silence_is_a_voicemail(
    outbound_call: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(script, "SILENCE_IS_MACHINE_S", 0.05)
    async with outbound_call as c:
        await c.until(lambda: bool(aida_said(c.live)))
        await c.end()
    assert aida_said(c.live) == [script.voicemail_message(c.settings, CLINIC_LINE)]
    assert await c.outcome() == outcomes.VOICEMAIL


async def test_outbound_unclear_twice_ends_politely(outbound_call: Call) -> None:
    async with outbound_call as c:
        await c.turn("Hello?")
        await c.turn("What?")
        assert aida_said(c.live)[-1] == script.MENU_AGAIN
        await c.turn("Hmm, let me think")
        await c.end()
    assert aida_said(c.live)[-1] == script.no_answer_ending(CLINIC_LINE)
    assert await c.outcome() == outcomes.NO_RESPONSE


async def test_outbound_not_this_numbers_appointment_is_not_described(
    outbound_settings: Settings, store: Store, clock: Any, jane: str, wife: str
) -> None:
    # the dispatch names another patient's appointment: nothing about it is said
    attempt = OutboundAttempt(purpose="reminder", phone=CALLER, appointment_id=wife)
    async with Call(outbound_settings, store, clock, attempt) as c:
        await c.turn("Hello?")
        await c.end()
    assert aida_said(c.live) == [script.NOTHING_TO_REMIND.format(clinic="Riverside Family Clinic")]
    assert await c.outcome() == outcomes.NOT_NEEDED
