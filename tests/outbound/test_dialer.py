"""The dialer against LiveKit's server API faked at its HTTP boundary: the exact requests
(room, agent dispatch with the job's metadata, SIP participant through the outbound trunk), and
what a trunk error, a busy line and no answer leave in the store."""

from __future__ import annotations

import json
from typing import Any

import pytest
from livekit import api

from aida.config import Settings
from aida.outbound import outcomes
from aida.outbound.consent import record_opt_out
from aida.outbound.dialer import AGENT_NAME, RING_SECONDS, OutboundCall, place_call
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store
from tests.agent.fake_livekit import FakeLiveKit
from tests.outbound.conftest import TRUNK, book, local

CREATE_ROOM = "livekit.RoomService/CreateRoom"
DISPATCH = "livekit.AgentDispatchService/CreateDispatch"
DIAL = "livekit.SIP/CreateSIPParticipant"
DELETE_ROOM = "livekit.RoomService/DeleteRoom"


def sip_error(code: int, status: str, twirp: str = "unavailable") -> dict[str, Any]:
    # how LiveKit answers a failed dial: a Twirp error with the SIP status in its meta
    return {
        "code": twirp,
        "msg": f"twirp error {twirp}: {status}",
        "meta": {"sip_status_code": str(code), "sip_status": status},
    }


async def reminder(store: Store, jane: str) -> OutboundCall:
    appointment = await book(store, jane, local(3, 14))
    return OutboundCall(purpose="reminder", phone=jane, appointment_id=appointment)


async def test_the_exact_requests_of_an_answered_call(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    call = await reminder(store, jane)
    livekit.answer(DIAL, api.SIPParticipantInfo(participant_id="PA_1", sip_call_id="SCL_1"))
    attempt = await place_call(call, store=store, settings=settings, clock=clock)

    assert [r.method for r in livekit.requests] == [CREATE_ROOM, DISPATCH, DIAL]
    room = livekit.seen(CREATE_ROOM)[0].message
    assert room == api.CreateRoomRequest(name=f"outbound-reminder-{call.id}", empty_timeout=60)
    dispatch = livekit.seen(DISPATCH)[0].message
    assert dispatch.agent_name == AGENT_NAME == "aida"
    assert dispatch.room == room.name
    assert json.loads(dispatch.metadata) == {
        "direction": "outbound",
        "purpose": "reminder",
        "attempt_id": call.id,
        "appointment_id": call.appointment_id,
    }
    dial = livekit.seen(DIAL)[0]
    expected = api.CreateSIPParticipantRequest(
        sip_trunk_id=TRUNK,
        sip_call_to=jane,
        room_name=room.name,
        participant_identity=f"sip-{call.id}",
        participant_name="Patient",
        wait_until_answered=True,
        play_dialtone=False,
    )
    expected.ringing_timeout.seconds = RING_SECONDS
    assert dial.message == expected
    assert dial.claims.sip.call is True  # the token grants placing a SIP call
    # no name, no time, no reason in anything sent: the number dialled is the only PHI
    for seen in livekit.requests:
        text = str(seen.message)
        assert "Jane" not in text and "knee" not in text

    assert attempt.outcome == outcomes.ANSWERED and attempt.error is None
    rows = await store.list_outbound_calls(appointment_id=call.appointment_id)
    assert [(r.id, r.outcome, r.room_name) for r in rows] == [(call.id, "answered", room.name)]
    assert rows[0].started_at == clock.now()


@pytest.mark.parametrize(
    ("code", "status", "outcome"),
    [
        (486, "Busy Here", outcomes.BUSY),
        (603, "Decline", outcomes.BUSY),
        (480, "Temporarily Unavailable", outcomes.NO_ANSWER),
        (408, "Request Timeout", outcomes.NO_ANSWER),
        (503, "Service Unavailable", outcomes.TRUNK_ERROR),
        (404, "Not Found", outcomes.TRUNK_ERROR),
    ],
)
async def test_the_lines_answer_is_the_outcome(
    settings: Settings,
    store: Store,
    clock: FixedClock,
    livekit: FakeLiveKit,
    jane: str,
    code: int,
    status: str,
    outcome: str,
) -> None:
    call = await reminder(store, jane)
    livekit.answer(DIAL, status=503 if code >= 500 else 400, error=sip_error(code, status))
    attempt = await place_call(call, store=store, settings=settings, clock=clock)
    assert attempt.outcome == outcome
    assert attempt.error == f"{code} {status}"
    # a call that did not connect leaves no room behind
    assert [r.method for r in livekit.requests] == [CREATE_ROOM, DISPATCH, DIAL, DELETE_ROOM]
    assert livekit.seen(DELETE_ROOM)[0].message.room == call.room_name
    rows = await store.list_outbound_calls(appointment_id=call.appointment_id)
    assert [(r.outcome, r.error) for r in rows] == [(outcome, f"{code} {status}")]


async def test_a_trunk_error_without_a_sip_status(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    call = await reminder(store, jane)
    livekit.answer(
        DIAL, status=404, error={"code": "not_found", "msg": "requested sip trunk does not exist"}
    )
    attempt = await place_call(call, store=store, settings=settings, clock=clock)
    assert (attempt.outcome, attempt.error) == (outcomes.TRUNK_ERROR, "not_found")


async def test_a_dispatch_refused_is_a_trunk_error_and_nothing_is_dialled(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    call = await reminder(store, jane)
    livekit.answer(DISPATCH, status=401, error={"code": "unauthenticated", "msg": "no"})
    attempt = await place_call(call, store=store, settings=settings, clock=clock)
    assert attempt.outcome == outcomes.TRUNK_ERROR
    assert [r.method for r in livekit.requests] == [CREATE_ROOM, DISPATCH, DELETE_ROOM]


async def test_an_opted_out_patient_is_never_dialled(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    await record_opt_out(store, jane, clock.now())
    for purpose in ("reminder", "waitlist_offer"):
        call = OutboundCall(purpose=purpose, phone=jane)  # type: ignore[arg-type]
        attempt = await place_call(call, store=store, settings=settings, clock=clock)
        assert attempt.outcome == outcomes.OPTED_OUT
    assert livekit.requests == []


async def test_without_a_trunk_nothing_is_dialled(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    bare = settings.model_copy(update={"sip_outbound_trunk_id": None})
    call = await reminder(store, jane)
    attempt = await place_call(call, store=store, settings=bare, clock=clock)
    assert (attempt.outcome, attempt.error) == (
        outcomes.NOT_CONFIGURED,
        "SIP_OUTBOUND_TRUNK_ID not set",
    )
    assert livekit.requests == []


async def test_a_waitlist_offer_carries_its_ids(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    call = OutboundCall(
        purpose="waitlist_offer", phone=jane, refs={"waitlist_entry_id": "w1", "hold_id": "h1"}
    )
    attempt = await place_call(call, store=store, settings=settings, clock=clock)
    assert attempt.outcome == outcomes.ANSWERED
    assert json.loads(livekit.seen(DISPATCH)[0].message.metadata) == {
        "direction": "outbound",
        "purpose": "waitlist_offer",
        "attempt_id": call.id,
        "waitlist_entry_id": "w1",
        "hold_id": "h1",
    }
    assert livekit.seen(CREATE_ROOM)[0].message.name == f"outbound-waitlist_offer-{call.id}"
