"""end_call and transfer_to_staff through the real entrypoint, against a LiveKit server API
faked at its HTTP boundary (Twirp over aiohttp on 127.0.0.1): what reaches the server is
asserted exactly, and so is every sentence the caller hears."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from livekit import api, rtc
from pydantic import SecretStr

from aida.agent.handoff import (
    CALLBACK_INSTEAD,
    GOODBYE,
    NO_CALLBACK_NUMBER,
    TRANSFERRING,
    goodbye,
)
from aida.agent.prompts import build_instructions
from aida.agent.session import LiveCall
from aida.agent.verification import LOCKED
from aida.calls.notes import TRANSFER_OUTCOMES
from aida.config import Settings
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, make_state, said
from tests.agent.fake_livekit import API_KEY, API_SECRET, FakeLiveKit
from tests.agent.test_entrypoint import mock_room, published, start
from tests.scripted_llm import call, say

TRANSFER = "livekit.SIP/TransferSIPParticipant"
DELETE_ROOM = "livekit.RoomService/DeleteRoom"
STAFF_LINE = "(202) 555-0100"


@pytest.fixture
async def livekit() -> AsyncIterator[FakeLiveKit]:
    server = FakeLiveKit()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def lk_settings(settings: Settings, livekit: FakeLiveKit) -> Settings:
    return settings.model_copy(
        update={
            "livekit_url": livekit.url,
            "livekit_api_key": API_KEY,
            "livekit_api_secret": SecretStr(API_SECRET),
            "staff_transfer_number": STAFF_LINE,
        }
    )


def phone_room() -> Any:
    return mock_room(rtc.ParticipantKind.PARTICIPANT_KIND_SIP, {"sip.phoneNumber": CALLER})


def action_items(live: LiveCall) -> list[dict[str, Any]]:
    """The action items recorded so far: the timeline is the call's record."""
    return [e["item"] for e in live.state.timeline.of_type("action_item")]


def transfers(live: LiveCall) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in e.items() if k in ("status", "to", "why", "error")}
        for e in live.state.timeline.of_type("transfer")
    ]


def spoken(live: LiveCall) -> list[str]:
    """What Aida has said so far (her transcript lines on the timeline)."""
    return [
        e["text"] for e in live.state.timeline.of_type("transcript") if e["role"] == "assistant"
    ]


async def closed(live: LiveCall) -> None:
    """Until the session has closed by itself (end_call shuts it down after the goodbye)."""
    for _ in range(500):
        if live.state.ended_at is not None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the session did not close")


async def finish(live: LiveCall) -> None:
    await live.session.aclose()
    await live.aclose()


async def test_a_phone_caller_is_transferred_after_aida_says_so(
    lk_settings: Settings, store: Store, clock: Any, livekit: FakeLiveKit
) -> None:
    livekit.answer(
        TRANSFER,
        api.TransferSIPParticipantResponse(
            transfer_id="TR_1", status=api.SIPTransferStatus.STS_TRANSFER_SUCCESSFUL
        ),
    )
    room = phone_room()
    script = [call("transfer_to_staff", reason="billing question")]
    live, llm = await start(room, lk_settings, store, clock, script)
    heard_by_then: list[str] = []
    livekit.on_request = lambda _: heard_by_then.extend(spoken(live))

    heard = said(await live.session.run(user_input="Can I talk to a real person please?"))
    assert heard == [TRANSFERRING]
    assert {"transfer_to_staff", "end_call"} <= set(llm.requests[0].tool_names)
    # Aida had said it (to the end) before the transfer was asked for
    assert heard_by_then[-1] == TRANSFERRING

    [request] = livekit.seen(TRANSFER)
    assert request.content_type == "application/protobuf"
    message = request.message
    assert message.participant_identity == "caller"  # the SIP participant of this call
    assert message.room_name == "call-room"
    assert message.transfer_to == "tel:+12025550100"
    # the token livekit-api signed: room admin of this room, allowed to move SIP calls
    assert request.claims.video.room_admin is True
    assert request.claims.video.room == "call-room"
    assert request.claims.sip.call is True

    assert transfers(live) == [
        {"status": "started", "to": "tel:+12025550100"},
        {"status": "transferred", "to": "tel:+12025550100"},
    ]
    assert action_items(live) == []  # a person has the caller: nothing left to do
    await finish(live)
    # the outcome reached the room like every event
    assert [e["status"] for e in published(room) if e["type"] == "transfer"] == [
        "started",
        "transferred",
    ]


@pytest.mark.parametrize("how", ["twirp error", "failed status"])
async def test_a_failed_transfer_becomes_a_callback_in_the_record(
    lk_settings: Settings, store: Store, clock: Any, livekit: FakeLiveKit, tmp_path: Any, how: str
) -> None:
    from aida.calls.finalize import call_end_hook
    from aida.store.factory import open_store

    if how == "twirp error":
        livekit.answer(
            TRANSFER,
            status=503,
            error={
                "code": "unavailable",
                "msg": "transfer failed",
                "meta": {"sip_status_code": "486", "sip_status": "Busy Here"},
            },
        )
        code = "unavailable"
    else:
        livekit.answer(
            TRANSFER,
            api.TransferSIPParticipantResponse(
                status=api.SIPTransferStatus.STS_TRANSFER_FAILED,
                reason=api.SIPTransferReason.STR_REJECTED,
            ),
        )
        code = "STR_REJECTED"
    settings = lk_settings.model_copy(update={"outbox_dir": tmp_path / "outbox"})
    hook = call_end_hook(settings, store_factory=lambda: open_store(settings), llms=[])
    room = phone_room()
    script = [call("transfer_to_staff", reason="billing question")]
    live, _ = await start(room, settings, store, clock, script, on_end=[hook])

    heard = said(await live.session.run(user_input="I want to speak to someone."))
    # never a claim that it worked: what happened instead, in so many words
    assert heard == [TRANSFERRING, CALLBACK_INSTEAD["failed"]]
    assert len(livekit.seen(TRANSFER)) == 1
    assert transfers(live) == [
        {"status": "started", "to": "tel:+12025550100"},
        {"status": "failed", "to": "tel:+12025550100", "error": code},
    ]
    [item] = action_items(live)
    assert item["kind"] == "callback" and "billing question" in item["reason"]
    await finish(live)

    record = await store.get_call_summary(live.state.call_id)
    assert record is not None and record.timeline is not None
    assert [e["status"] for e in record.timeline if e["type"] == "transfer"] == [
        "started",
        "failed",
    ]
    assert record.action_items is not None
    assert any("speak with a person" in i["text"] for i in record.action_items)
    # no model was given: the note written from the timeline says how the transfer ended
    assert record.summary_text is not None
    assert TRANSFER_OUTCOMES["failed"] in record.summary_text


async def test_a_web_caller_gets_a_callback_and_is_told_so(
    lk_settings: Settings, store: Store, clock: Any, livekit: FakeLiveKit, jane: str
) -> None:
    room = mock_room(metadata=json.dumps({"phone": CALLER}))  # a browser, not a phone line
    script = [call("transfer_to_staff", reason="wants a person")]
    live, _ = await start(room, lk_settings, store, clock, script)
    heard = said(await live.session.run(user_input="Put me through to the front desk."))
    assert heard == [CALLBACK_INSTEAD["web_call"]]
    assert livekit.requests == []
    assert transfers(live) == [{"status": "not_possible", "why": "web_call"}]
    assert [i["kind"] for i in action_items(live)] == ["callback"]
    await finish(live)


async def test_without_a_number_on_the_line_aida_promises_no_callback(
    lk_settings: Settings, store: Store, clock: Any, livekit: FakeLiveKit
) -> None:
    live, _ = await start(
        mock_room(), lk_settings, store, clock, [call("transfer_to_staff", reason="")]
    )
    heard = said(await live.session.run(user_input="A human, please."))
    assert heard == [NO_CALLBACK_NUMBER["web_call"]]
    assert "call you back" not in heard[0]
    assert livekit.requests == []
    await finish(live)


async def test_no_transfer_number_configured_means_a_callback(
    lk_settings: Settings, store: Store, clock: Any, livekit: FakeLiveKit
) -> None:
    settings = lk_settings.model_copy(update={"staff_transfer_number": None})
    live, _ = await start(
        phone_room(), settings, store, clock, [call("transfer_to_staff", reason="x")]
    )
    heard = said(await live.session.run(user_input="Can I talk to someone?"))
    assert heard == [CALLBACK_INSTEAD["no_number"]]
    assert livekit.requests == []
    assert transfers(live) == [{"status": "not_possible", "why": "no_number"}]
    await finish(live)


async def test_end_call_says_goodbye_then_hangs_up_and_closes(
    lk_settings: Settings, store: Store, clock: Any, livekit: FakeLiveKit
) -> None:
    livekit.answer(DELETE_ROOM, api.DeleteRoomResponse())
    room = phone_room()
    live, _ = await start(room, lk_settings, store, clock, [call("end_call")])
    heard_by_then: list[str] = []
    livekit.on_request = lambda _: heard_by_then.extend(spoken(live))
    heard = said(await live.session.run(user_input="That's all, thanks, bye!"))
    assert heard == [GOODBYE.format(clinic="Riverside Family Clinic")]

    await closed(live)
    assert heard_by_then[-1] == heard[0]  # the room went only once the goodbye was out
    [deleted] = livekit.seen(DELETE_ROOM)
    assert deleted.message.room == "call-room"
    assert deleted.claims.video.room_create is True
    events = live.state.timeline.events
    types = [e["type"] for e in events]
    assert "call_closing" in types and types[-1] == "call_ended"
    goodbye = next(e["seq"] for e in events if e.get("text") == heard[0])
    # the session closed on its own, after the goodbye was out
    assert goodbye < next(e["seq"] for e in events if e["type"] == "call_ended")
    await live.aclose()


async def test_end_call_without_livekit_credentials_still_closes(
    settings: Settings, store: Store, clock: Any
) -> None:
    live, _ = await start(mock_room(), settings, store, clock, [call("end_call")])
    heard = said(await live.session.run(user_input="Bye."))
    assert heard == [GOODBYE.format(clinic="Riverside Family Clinic")]
    await closed(live)
    await live.aclose()


async def test_a_goodbye_read_in_code_says_goodbye_and_hangs_up(
    lk_settings: Settings, store: Store, clock: Any, livekit: FakeLiveKit
) -> None:
    # a plain goodbye is answered without the model (aida.agent.understand), through end_call
    livekit.answer(DELETE_ROOM, api.DeleteRoomResponse())
    settings = lk_settings.model_copy(update={"understand_in_code": True})
    live, llm = await start(phone_room(), settings, store, clock, [])
    heard = said(await live.session.run(user_input="No, that's all. Thank you, goodbye."))
    assert heard == [GOODBYE.format(clinic="Riverside Family Clinic")]
    assert llm.requests == []
    await closed(live)
    assert [r.message.room for r in livekit.seen(DELETE_ROOM)] == ["call-room"]
    assert [e["name"] for e in live.state.timeline.of_type("tool_call")] == ["end_call"]
    assert live.state.timeline.of_type("call_closing") != []
    await live.aclose()


def test_the_goodbye_names_only_a_verified_caller(tools: Any, settings: Settings) -> None:
    from aida.agent.state import Caller

    hint = Caller(phone=CALLER, name="Jane Doe", source="sip", on_file=True)
    state = make_state(tools, hint)
    anonymous = "Thank you for calling Riverside Family Clinic. Goodbye!"
    assert goodbye(state, settings) == anonymous  # caller ID is no proof of a name
    hint.verified = True
    assert (
        goodbye(state, settings) == "Thank you for calling Riverside Family Clinic, Jane. Goodbye!"
    )
    assert goodbye(make_state(tools, None), settings) == anonymous


async def test_a_locked_out_caller_is_offered_a_person(aida_session, jane: str) -> None:
    from aida.agent.state import Caller

    hint = Caller(phone=CALLER, name="Jane Doe", source="sip", on_file=True)
    wrong = [
        call("identify_caller", full_name="Jane Doe", date_of_birth=f"{d} January 1990")
        for d in (1, 2, 3)
    ]
    async with aida_session([*wrong, say("ok")], caller=hint) as (session, llm):
        for attempt in ("one", "two", "three"):
            heard = said(await session.run(user_input=f"try {attempt}"))
        assert heard == [LOCKED]
        assert "put you through to a member of our staff" in LOCKED
        assert {"transfer_to_staff", "end_call"} <= set(llm.requests[0].tool_names)


def test_the_prompt_explains_both_tools(settings: Settings) -> None:
    text = build_instructions(settings)
    assert "call transfer_to_staff" in text
    assert "call end_call" in text


def test_the_transfer_number_is_checked_when_settings_load() -> None:
    from pydantic import ValidationError

    def build(value: str) -> Settings:
        return Settings(_env_file=None, staff_transfer_number=value)  # type: ignore[call-arg]

    assert build("(202) 555-0100").staff_transfer_uri == "tel:+12025550100"
    assert build("sip:frontdesk@pbx.example.com").staff_transfer_uri == (
        "sip:frontdesk@pbx.example.com"
    )
    assert Settings(_env_file=None).staff_transfer_uri is None  # type: ignore[call-arg]
    with pytest.raises(ValidationError) as err:
        build("12345")
    assert "STAFF_TRANSFER_NUMBER must be a phone number" in str(err.value)
    assert "12345" not in str(err.value)


async def test_a_repeated_transfer_request_sends_one_transfer(
    lk_settings: Settings, store: Store, clock: Any, livekit: FakeLiveKit
) -> None:
    livekit.answer(TRANSFER, api.TransferSIPParticipantResponse())  # an older server: empty
    twice = [call("transfer_to_staff", reason="a"), call("transfer_to_staff", reason="a")]
    live, _ = await start(phone_room(), lk_settings, store, clock, [twice])
    heard = said(await live.session.run(user_input="A person please, a person!"))
    assert heard == [TRANSFERRING]
    assert len(livekit.seen(TRANSFER)) == 1
    assert [t["status"] for t in transfers(live)] == ["started", "transferred"]
    await finish(live)


def test_the_goodbye_on_a_call_aida_placed_does_not_thank_for_calling(
    tools: Any, settings: Settings
) -> None:
    from aida.agent.state import Caller
    from aida.outbound.call import OutboundJob

    patient = Caller(phone=CALLER, name="Jane Doe", source="sip", on_file=True)
    state = make_state(tools, patient)
    state.outbound = OutboundJob(purpose="reminder", attempt_id="a1")
    assert goodbye(state, settings) == "Thank you, and goodbye from Riverside Family Clinic!"
    patient.verified = True
    assert goodbye(state, settings) == "Thank you, Jane. Goodbye from Riverside Family Clinic!"
