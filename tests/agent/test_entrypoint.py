"""The real entrypoint body (`run_call`) and its `on_session_end` (`write_call_record`) in a fake
job with a mock room: the session starts, the caller is recognised, the timeline reaches the room on
`aida.timeline` in order, the call is recorded, and every log line carries the call."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from unittest.mock import AsyncMock, create_autospec

import pytest
from livekit import rtc
from livekit.agents import JobContext
from livekit.agents.testing import fake_job_context
from pydantic import SecretStr

from aida.agent.providers import Providers
from aida.agent.room_events import caller_safe
from aida.agent.session import LiveCall, loggable_room, run_call, write_call_record
from aida.agent.timeline import TIMELINE_TOPIC
from aida.calls.appointments import appointments_in_call, callback_requests
from aida.config import Settings
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, booked, local
from tests.scripted_llm import ScriptedLLM, call, say


def mock_room(
    participant_kind: int = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD,
    attributes: dict[str, str] | None = None,
    metadata: str = "",
) -> Any:
    """livekit's console mock room, built fresh per test (theirs is cached process-wide)."""
    room = create_autospec(rtc.Room, instance=True)
    room.local_participant = create_autospec(rtc.LocalParticipant, instance=True)
    room.local_participant.sid = ""
    room.local_participant.identity = "agent"
    room._info = create_autospec(rtc.room.proto_room.RoomInfo, instance=True)
    room.isconnected.return_value = True
    room.name = "call-room"
    room.metadata = ""
    room.num_participants = 2
    room.num_publishers = 2
    room.connection_state = rtc.ConnectionState.CONN_CONNECTED
    room.departure_timeout = 0
    room.empty_timeout = 0
    room.sid = AsyncMock(return_value="RM_test")
    user = create_autospec(rtc.RemoteParticipant, instance=True)
    user.identity = "caller"
    user.sid = "PA_caller"
    user.kind = participant_kind
    user.attributes = attributes or {}
    user.metadata = metadata
    user.state = rtc.ParticipantState.PARTICIPANT_STATE_ACTIVE
    user.track_publications = {}
    room.remote_participants = {user.sid: user}
    return room


def published(room: Any) -> list[dict[str, Any]]:
    events = []
    for c in room.local_participant.publish_data.await_args_list:
        if c.kwargs.get("topic") == TIMELINE_TOPIC:
            assert c.kwargs.get("reliable") is True
            events.append(json.loads(c.args[0]))
    return events


def first_said(live: LiveCall) -> str:
    return next(e["text"] for e in live.state.timeline.events if e["type"] == "transcript")


async def start_in(
    job: JobContext,
    settings: Settings,
    store: Store,
    clock: Any,
    script: list,
    on_end: list | None = None,
) -> tuple[LiveCall, ScriptedLLM]:
    llm = ScriptedLLM(script)
    live = await run_call(
        job,
        settings=settings,
        store=store,
        clock=clock,
        providers=Providers(llm=llm, description={"llm": [{"provider": "tests"}]}),
        on_end=on_end,
    )
    # let the greeting finish, as a caller would before speaking
    speech = live.session.current_speech
    if speech is not None:
        await speech.wait_for_playout()
    return live, llm


async def start(
    room: Any,
    settings: Settings,
    store: Store,
    clock: Any,
    script: list,
    job_metadata: str = "",
    on_end: list | None = None,
) -> tuple[LiveCall, ScriptedLLM]:
    with fake_job_context(room=room, job_metadata=job_metadata) as job:
        return await start_in(job, settings, store, clock, script, on_end)


async def test_sip_call_books_and_streams_the_timeline(
    settings: Settings, store: Store, clock: Any, jane: str
) -> None:
    room = mock_room(rtc.ParticipantKind.PARTICIPANT_KIND_SIP, {"sip.phoneNumber": "+12025550143"})
    start_iso = local(4, 9).isoformat()
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth="March 3rd 1985"),
        call("book_appointment", start=start_iso, reason="flu shot"),
        call("book_appointment", start=start_iso, reason="flu shot"),
    ]
    live, llm = await start(room, settings, store, clock, script)
    state = live.state
    assert state.caller is not None and state.caller.phone == CALLER
    assert state.caller.source == "sip" and state.caller.name == "Jane Doe"
    assert state.caller.verified is False  # caller ID is a hint
    # the greeting is a fixed sentence: no model request, and no name before verification
    assert llm.requests == []
    assert first_said(live) == (
        "Hello, this is Aida at Riverside Family Clinic. How can I help you today?"
    )

    said = "Jane Doe, March 3rd 1985. Book me Wednesday at 9 for a flu shot."
    await live.session.run(user_input=said)
    await live.session.run(user_input="Yes, please.")
    await live.session.aclose()
    await live.aclose()

    events = published(room)
    # what the room may see of everything recorded, in order (aida.agent.room_events)
    shown = [e for e in map(caller_safe, state.timeline.events) if e is not None]
    assert events == shown
    assert {e["type"] for e in state.timeline.events} - {e["type"] for e in events} == {
        "caller_identified"
    }
    assert all("on_file" not in e and "verified" not in e for e in events)
    events = state.timeline.events  # the record keeps them all
    assert {e["call_id"] for e in events} == {state.call_id}
    assert all(e["v"] == 1 and e["ts"] and isinstance(e["t_ms"], int) for e in events)
    types = [e["type"] for e in events]
    assert types[0] == "call_started" and types[-1] == "call_ended"
    assert events[0]["caller_id"] == "sip" and events[0]["identified"] is True
    assert CALLER not in json.dumps(events)  # no raw phone number in the stream

    transcript = [(e["role"], e["text"]) for e in events if e["type"] == "transcript"]
    assert transcript[0][0] == "assistant"  # the greeting
    assert ("user", said) in transcript
    assert transcript[-3:] == [
        ("assistant", "Shall I book Wednesday, March 4 at 9 AM?"),
        ("user", "Yes, please."),
        ("assistant", "You're booked for Wednesday, March 4 at 9 AM."),
    ]

    assert [e["name"] for e in events if e["type"] == "tool_call"] == [
        "identify_caller",
        "book_appointment",
        "book_appointment",
    ]
    tool_call = [e for e in events if e["type"] == "tool_call"][-1]
    tool_result = [e for e in events if e["type"] == "tool_result"][-1]
    assert tool_call["name"] == "book_appointment"
    assert tool_call["args"] == {"start": start_iso, "reason": "flu shot"}
    assert tool_result["tool_call_id"] == tool_call["tool_call_id"]
    assert tool_result["ok"] is True and tool_result["duration_ms"] >= 0
    assert tool_result["result"]["appointment"]["spoken"] == "Wednesday, March 4 at 9 AM"
    # the tool ran between the caller's yes and Aida's answer
    user_seq = [e["seq"] for e in events if e["type"] == "transcript" and e["role"] == "user"][-1]
    answer_seq = max(e["seq"] for e in events if e["type"] == "transcript")
    assert user_seq < tool_call["seq"] < tool_result["seq"] < answer_seq

    # the built-in transcription stream stays on alongside the timeline
    lp = room.local_participant
    text_topics = {c.kwargs.get("topic") for c in lp.stream_text.call_args_list}
    text_topics |= {c.kwargs.get("topic") for c in lp.send_text.call_args_list}
    assert "lk.transcription" in text_topics, lp.method_calls[:20]

    assert len(booked(await store.list_appointments(phone=CALLER))) == 1
    assert appointments_in_call(state.timeline.events)[0]["action"] == "booked"
    assert any(u.get("model") == "gpt-4o-mini" for u in state.usage)  # the double's model
    assert state.ended_at is not None


async def test_web_call_with_token_metadata(
    settings: Settings, store: Store, clock: Any, jane: str
) -> None:
    room = mock_room(metadata=json.dumps({"phone": "(202) 555-0143"}))
    live, _ = await start(room, settings, store, clock, [])
    assert live.state.caller is not None and live.state.caller.source == "token"
    await live.session.aclose()
    await live.aclose()


async def test_dispatch_metadata_and_unknown_number(
    settings: Settings, store: Store, clock: Any
) -> None:
    room = mock_room()
    live, llm = await start(
        room,
        settings,
        store,
        clock,
        [say("Hello!")],
        job_metadata=json.dumps({"phone": "+12025550177"}),
    )
    await live.session.run(user_input="Hi.")
    caller = live.state.caller
    assert caller is not None and caller.phone == "+12025550177" and not caller.on_file
    assert "caller ID number is known but is not proof" in llm.requests[0].instructions
    await live.session.aclose()
    await live.aclose()


async def test_no_caller_id_means_aida_asks(settings: Settings, store: Store, clock: Any) -> None:
    room = mock_room(rtc.ParticipantKind.PARTICIPANT_KIND_SIP, {"sip.phoneNumber": "anonymous"})
    live, llm = await start(room, settings, store, clock, [say("What's your number?")])
    await live.session.run(user_input="Hi.")
    assert live.state.caller is None
    assert "no caller ID" in llm.requests[0].instructions
    await live.session.aclose()
    await live.aclose()
    assert "caller_id" not in published(room)[0]  # the room is told nothing about the line
    assert live.state.timeline.events[0]["caller_id"] == "none"


async def test_a_failed_publish_does_not_stop_the_stream(
    settings: Settings, store: Store, clock: Any
) -> None:
    room = mock_room()
    room.local_participant.publish_data.side_effect = [RuntimeError("dc closed")] + [None] * 100
    live, _ = await start(room, settings, store, clock, [])
    await live.session.aclose()
    await live.aclose()
    sent = published(room)
    assert len(sent) == len(live.state.timeline.events)  # attempted every one, in order
    assert live.publisher is not None and live.publisher.failed == 1
    assert [e["seq"] for e in sent] == list(range(1, len(sent) + 1))


async def test_on_session_end_records_the_whole_call(
    settings: Settings, store: Store, clock: Any, jane: str, tmp_path: Any
) -> None:
    """Wired like agent.py: LiveKit closes the session, then calls `write_call_record`
    (on_session_end), and the after-call record is built from the timeline and LiveKit's session
    report."""
    from aida.calls.finalize import call_end_hook
    from aida.store.factory import open_store

    seen: list[LiveCall] = []

    async def spy(call: LiveCall) -> None:
        seen.append(call)
        assert call.state.timeline.events[-1]["type"] == "call_ended"
        assert call.report is not None and call.report.room == "call-room"
        said = [i.text_content for i in call.report.chat_history.items if i.type == "message"]
        assert "And I have a billing question." in said

    settings = settings.model_copy(update={"outbox_dir": tmp_path / "outbox"})
    room = mock_room(rtc.ParticipantKind.PARTICIPANT_KIND_SIP, {"sip.phoneNumber": CALLER})
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth="3/3/1985"),
        call("book_appointment", start=local(4, 9).isoformat()),
        # the caller's plain "Yes." repeats the call in code: no model request
        call("request_callback", reason="question about a bill"),
    ]
    hook = call_end_hook(settings, store_factory=lambda: open_store(settings), llms=[])
    with fake_job_context(room=room) as job:
        live, _ = await start_in(job, settings, store, clock, script, on_end=[spy, hook])
        await live.session.run(user_input="Jane Doe, March 3rd 1985. Wednesday at 9.")
        await live.session.run(user_input="Yes.")
        await live.session.run(user_input="And I have a billing question.")
        # LiveKit's job shutdown: close the session, then on_session_end, once
        await live.session.aclose()
        await write_call_record(job)
        await write_call_record(job)  # a second call finds nothing to do: the hooks ran once

    assert len(seen) == 1
    state = live.state
    assert state.end_reason is not None and state.timeline.events[-1]["type"] == "call_ended"
    assert callback_requests(state.timeline.events)[0]["text"] == (
        "Call the patient back: question about a bill"
    )
    summary = await store.get_call_summary(state.call_id)
    assert summary is not None
    assert summary.user_phone == CALLER
    assert summary.timeline == state.timeline.events
    assert [a["action"] for a in summary.appointments_in_call or []] == ["booked"]
    assert summary.action_items and "bill" in summary.action_items[0]["text"]


async def test_info_logs_show_the_flow_without_phone_numbers_or_words(
    settings: Settings, store: Store, clock: Any, jane: str, caplog: Any
) -> None:
    caplog.set_level(logging.INFO)
    room = mock_room(rtc.ParticipantKind.PARTICIPANT_KIND_SIP, {"sip.phoneNumber": CALLER})
    # SIP dispatch rules can name the room after the caller's number
    room.name = f"call-_{CALLER}_Xk3j"
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth="March 3rd 1985"),
        call("book_appointment", start=local(4, 9).isoformat(), reason="sore knee"),
    ]
    with fake_job_context(room=room) as job:
        # What LiveKit's job runner does first: its filter on the root handlers (caplog's here)
        # adds `job.log_context_fields` to every record of this job.
        job._on_setup()
        try:
            live, _ = await start_in(job, settings, store, clock, script)
            await live.session.run(user_input="My knee hurts, book Wednesday at nine please")
            await live.session.aclose()
            await write_call_record(job)
        finally:
            await job._on_cleanup()

    assert job.log_context_fields == {"call_id": live.state.call_id, "room": "call-_•••_Xk3j"}
    info = [r for r in caplog.records if r.levelno >= logging.INFO]
    text = "\n".join(r.getMessage() for r in info)
    assert "tool book_appointment started" in text
    assert re.search(r"tool book_appointment ok in \d+ ms", text)
    assert "call started: caller id sip, on file" in text
    assert "call ended: " in text
    for secret in ("5550143", "knee", "Hello Jane", "Shall I book", "nine please", "1985"):
        assert secret not in text, secret
    # every line of the call, Aida's and LiveKit's, names the call and its room
    assert {r.name.split(".")[0] for r in info} >= {"aida", "livekit"}
    for record in info:
        fields = (getattr(record, "call_id", None), getattr(record, "room", None))
        assert fields == (live.state.call_id, "call-_•••_Xk3j"), (record.name, record.msg)


@pytest.mark.parametrize(
    ("name", "logged"),
    [
        ("call-_+12025550143_Xk3j", "call-_•••_Xk3j"),
        ("sip-2025550143", "sip-•••"),
        ("call (202) 555-0143", "call •••"),
        ("aida-3f2c9e1b-0a7d-4c55", "aida-3f2c9e1b-0a7d-4c55"),
        ("web-1733212800", "web-•••"),
    ],
)
def test_a_room_named_after_a_number_is_logged_masked(name: str, logged: str) -> None:
    assert loggable_room(name) == logged


async def test_portal_assertion_verifies_a_web_caller(
    settings: Settings, store: Store, clock: Any, jane: str
) -> None:
    secret = "portal-secret-for-tests-0123456789abcdef"
    settings = settings.model_copy(update={"portal_identity_secret": SecretStr(secret)})
    signed = marker(secret)
    room = mock_room()
    live, llm = await start(
        room, settings, store, clock, [say("How can I help?")],
        job_metadata=json.dumps({"phone": CALLER, "portal": signed}),
    )  # fmt: skip
    assert first_said(live) == (
        "Hello Jane, this is Aida at Riverside Family Clinic. How can I help you today?"
    )
    await live.session.run(user_input="Hi.")
    caller = live.state.caller
    assert caller is not None and caller.source == "portal" and caller.verified
    assert "confirmed as the patient Jane Doe" in llm.requests[0].instructions
    await live.session.aclose()
    await live.aclose()
    assert "verified" not in published(room)[0]
    assert live.state.timeline.events[0]["verified"] is True


def marker(secret: str, room: str = "call-room", **kw: Any) -> str:
    """The room marker the API hands the worker for a patient the portal vouched for."""
    import datetime as dt

    from aida.portal import PortalIdentity, sign_room_marker

    return sign_room_marker(
        PortalIdentity(CALLER, "Jane Doe"),
        secret,
        room=room,
        lifetime=kw.get("lifetime", dt.timedelta(minutes=10)),
        now=kw.get("now"),
    )


@pytest.mark.parametrize(
    "which", ["forged", "expired", "another room", "a raw assertion", "no secret configured"]
)
async def test_a_bad_portal_marker_leaves_the_phone_a_hint(
    settings: Settings, store: Store, clock: Any, jane: str, which: str
) -> None:
    import datetime as dt

    from aida.portal import sign_patient_assertion

    secret = "portal-secret-for-tests-0123456789abcdef"
    signed = {
        "forged": lambda: marker("another-secret-0123456789abcdefgh"),
        "expired": lambda: marker(secret, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)),
        "another room": lambda: marker(secret, room="aida-someone-elses"),
        # the portal's own assertion is no longer forwarded, nor believed if it is
        "a raw assertion": lambda: sign_patient_assertion(CALLER, secret),
        "no secret configured": lambda: marker(secret),
    }[which]()
    if which != "no secret configured":
        settings = settings.model_copy(update={"portal_identity_secret": SecretStr(secret)})
    room = mock_room()
    live, _ = await start(
        room, settings, store, clock, [],
        job_metadata=json.dumps({"phone": CALLER, "portal": signed, "assertion": signed}),
    )  # fmt: skip
    caller = live.state.caller
    assert caller is not None and caller.source == "token" and not caller.verified
    await live.session.aclose()
    await live.aclose()


def test_agent_py_records_calls_on_livekit_session_end() -> None:
    """The worker registers `write_call_record` as LiveKit's on_session_end, with time for the
    record."""
    import agent  # builds the AgentServer; models load only in prewarm
    from aida.calls.finalize import RECORD_BUDGET_SECONDS

    # where AgentServer.rtc_session keeps them (livekit-agents 1.8)
    assert agent.server._session_end_fnc is write_call_record
    assert agent.server._session_end_timeout > RECORD_BUDGET_SECONDS
