"""Keypad (DTMF) entry of the date of birth and the phone number on a phone call
(aida/agent/keypad.py), against the real agent in-process (SQLite, the code reader on, no model
request): the keys arrive as LiveKit delivers them, `sip_dtmf_received` events with an
`rtc.SipDTMF` emitted by a real `rtc.Room`, and go through the same verification as spoken
details: the same counting, the same lockout, one failure per distinct date typed."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import pytest
from livekit import rtc
from livekit.agents import AgentSession

from aida.agent.aida import Aida
from aida.agent.keypad import NAME_TOO, PHONE_NOTED, UNREADABLE, Keypad, entry_kind
from aida.agent.room_events import caller_safe
from aida.agent.session import wire_timeline
from aida.agent.state import Caller, CallState
from aida.agent.verification import ASK_AGAIN_KEYPAD, KEYPAD_DATE, LOCKED
from aida.config import Settings
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from tests.agent.conftest import CALLER, local, make_state
from tests.scripted_llm import ScriptedLLM, say

EVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CONFIRMED = "Thank you, Jane Doe, you're confirmed."
HOW = "Thanks. How can I help?"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # The whole code reader, as with the local model: a keypad call needs no model request.
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path}/t.db",
        default_timezone="America/New_York",
        clinic_name="Riverside Family Clinic",
        providers="local",
        understand_in_code=True,
        thinking_filler="off",
    )


def _participant(identity: str) -> Any:
    participant = create_autospec(rtc.RemoteParticipant, instance=True)
    participant.identity = identity
    return participant


class Line:
    """A phone call's room: a real `rtc.Room`, emitting what LiveKit emits for each key."""

    def __init__(self, session: AgentSession[CallState], keypad: Keypad) -> None:
        self.room = rtc.Room()
        self.session = session
        self.keypad = keypad
        self.caller = _participant("sip_caller")
        self.room.on("sip_dtmf_received", keypad.on_dtmf)

    async def keys(self, keys: str, participant: Any = None, wait: float = 0.0) -> list[str]:
        """Press `keys` on the caller's phone (then wait `wait` seconds); what Aida said."""
        before = len(self.session.history.items)
        for key in keys:
            code = {"*": 10, "#": 11}.get(key, int(key) if key.isdigit() else 0)
            ev = rtc.SipDTMF(code=code, digit=key, participant=participant or self.caller)
            self.room.emit("sip_dtmf_received", ev)
        await asyncio.sleep(wait)
        await self.keypad.drain()
        for _ in range(50):  # a spoken sentence lands in the history once it has played out
            speech = self.session.current_speech
            if speech is None:
                break
            await speech.wait_for_playout()
        return [
            i.text_content or ""
            for i in self.session.history.items[before:]
            if i.type == "message" and i.role == "assistant"
        ]


@pytest.fixture
def phone_call(tools: ClinicContext, settings: Settings):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def factory(
        caller: Caller | None, *, pause: float = 30.0, script: list | None = None
    ) -> AsyncIterator[tuple[AgentSession[CallState], Line]]:
        state = make_state(tools, caller, (f"sip:{caller.phone}",) if caller else ())
        state.sip_call, state.participant_identity = True, "sip_caller"
        llm = ScriptedLLM(script or [])
        async with AgentSession[CallState](llm=llm, userdata=state) as session:
            wire_timeline(session, state)
            await session.start(Aida(settings, caller=caller, greet=False))
            yield session, Line(session, Keypad(session, state, settings, pause=pause))
        # the keys are read in code; only a turn the reader leaves (a bare "It's Jane Doe.")
        # is the model's
        assert len(llm.requests) == len(script or [])

    return factory


def line_id(verified: bool = False) -> Caller:
    return Caller(phone=CALLER, name=None, source="sip", on_file=False, verified=verified)


def said(result: Any) -> list[str]:
    return [
        e.item.text_content or ""
        for e in result.events
        if e.type == "message" and e.item.role == "assistant"
    ]


async def _janes_appointment(store: Store) -> None:
    await store.book(
        CALLER, local(4, 10).astimezone(dt.UTC), local(4, 10, 30).astimezone(dt.UTC), {}
    )


def test_entries_are_read_by_their_length() -> None:
    assert entry_kind("03031985") == "date_of_birth"
    assert entry_kind("2025550143") == entry_kind("12025550143") == "phone"
    assert entry_kind("0303198503041985") == "dates_of_birth"
    assert entry_kind("0303") == entry_kind("") == "unreadable"


async def test_a_typed_date_after_a_misheard_one_verifies_and_the_request_goes_on(
    phone_call, store: Store, jane: str, caplog: pytest.LogCaptureFixture
) -> None:
    await _janes_appointment(store)
    caplog.set_level(logging.INFO)
    async with phone_call(line_id()) as (session, line):
        said(await session.run(user_input="What appointments do I have?"))
        # speech-to-text wrote the wrong year: refused, counted, and the keypad offered
        refused = said(await session.run(user_input="This is Jane Doe, born March 3rd 1984."))
        assert refused == [ASK_AGAIN_KEYPAD[0].format(date=KEYPAD_DATE)]
        heard = await line.keys("03031985#")
        state: CallState = session.userdata
    assert state.verified_caller is not None and state.verified_caller.phone == CALLER
    # the request that waited is carried out at once, as after a spoken date of birth
    assert heard == ["You have one appointment: Wednesday, March 4 at 10 AM."]
    assert await store.count_identity_failures(CALLER, EVER) == 0  # cleared once verified
    # the typed digits are in no log line and nowhere the room sees
    room = json.dumps([caller_safe(e) for e in state.timeline.events])
    logs = " ".join(r.getMessage() for r in caplog.records)
    for digits in ("03031985", "03/03/1985", "1985-03-03"):
        assert digits not in room and digits not in logs
    assert [(e["entry"], e["keys"]) for e in state.timeline.of_type("keypad")] == [
        ("date_of_birth", 8)
    ]
    assert state.timeline.of_type("understood")[-2]["rule"] == "keypad"


async def test_a_wrong_typed_date_is_a_counted_failure_like_a_spoken_one(
    phone_call, store: Store, jane: str
) -> None:
    async with phone_call(line_id()) as (session, line):
        await session.run(user_input="This is Jane Doe, born March 3rd 1984.")
        heard = await line.keys("03041985#")
        state: CallState = session.userdata
    assert state.verified_caller is None
    assert len(heard) == 1 and heard[0].startswith("I still couldn't confirm them")
    assert await store.count_identity_failures(CALLER, EVER) == 2  # one spoken, one typed


async def test_attack_many_typed_dates_in_one_call_are_counted_failures_then_locked(
    phone_call, store: Store, jane: str
) -> None:
    """A keypad spray: date after date, each ended with the pound key. Each distinct date is a
    counted failure; the call is locked after the limit, and the right date then verifies
    nobody."""
    async with phone_call(line_id(), script=[say(HOW)]) as (session, line):
        await session.run(user_input="It's Jane Doe.")  # the model answers
        heard = []
        for day in range(1, 11):
            heard += await line.keys(f"01{day:02d}1985#")
        after = await line.keys("03031985#")
        state: CallState = session.userdata
    assert state.verified_caller is None
    assert after == [LOCKED] and heard[-1] == LOCKED
    assert await store.count_identity_failures(CALLER, EVER) == 3  # checked three times only
    reasons = [e["reason"] for e in state.timeline.of_type("identity_refused")]
    assert reasons[:3] == ["no_match"] * 3 and set(reasons[3:]) == {"call_limit"}


async def test_attack_a_year_of_dates_in_one_entry_is_one_failure_per_date(
    phone_call, store: Store, jane: str
) -> None:
    day, keys = dt.date(1985, 1, 1), []
    while day.year == 1985:
        keys.append(day.strftime("%m%d%Y"))
        day += dt.timedelta(days=1)
    async with phone_call(line_id(), script=[say(HOW)]) as (session, line):
        await session.run(user_input="It's Jane Doe.")  # the model answers
        heard = await line.keys("".join(keys) + "#")
        state: CallState = session.userdata
    assert state.verified_caller is None and heard == [LOCKED]
    assert await store.count_identity_failures(CALLER, EVER) == 365
    assert state.timeline.of_type("identity_refused")[-1]["reason"] == "several_names_or_dates"
    assert state.timeline.of_type("keypad")[-1] == {
        **state.timeline.of_type("keypad")[-1], "entry": "dates_of_birth", "keys": 365 * 8,
    }  # fmt: skip


async def test_the_same_typed_date_twice_counts_once(phone_call, store: Store, jane: str) -> None:
    async with phone_call(line_id(), script=[say(HOW)]) as (session, line):
        await session.run(user_input="It's Jane Doe.")  # the model answers
        await line.keys("01011985#")
        await line.keys("01011985#")
    assert await store.count_identity_failures(CALLER, EVER) == 1


async def test_keys_of_others_are_ignored_star_starts_again_and_a_pause_ends_an_entry(
    phone_call, store: Store, jane: str
) -> None:
    async with phone_call(line_id(), pause=0.05, script=[say(HOW)]) as (session, line):
        await session.run(user_input="It's Jane Doe.")  # the model answers
        # a key sent by somebody else in the room (another participant, a server SDK)
        assert await line.keys("03031985#", participant=_participant("someone")) == []
        # a slip, started again with the star key, then a pause instead of the pound key
        heard = await line.keys("0909*03031985", wait=0.3)
        state: CallState = session.userdata
    assert state.verified_caller is not None, heard


async def test_an_unreadable_entry_is_asked_again_and_not_counted(
    phone_call, store: Store, jane: str
) -> None:
    async with phone_call(line_id()) as (_, line):
        heard = await line.keys("0303#")
    parts = "two for the month, two for the day and four for the year"
    assert heard == [UNREADABLE.format(parts=parts)]
    assert await store.count_identity_failures(CALLER, EVER) == 0


async def test_without_caller_id_the_number_and_the_date_are_typed_and_the_name_said(
    phone_call, store: Store, jane: str
) -> None:
    async with phone_call(None) as (session, line):
        assert await line.keys("2025550143#") == [PHONE_NOTED]
        assert await line.keys("03031985#") == [NAME_TOO]
        heard = said(await session.run(user_input="Jane Doe."))
        state: CallState = session.userdata
    assert state.verified_caller is not None and state.verified_caller.phone == CALLER
    assert heard[0].startswith(CONFIRMED)


async def test_the_entrypoint_listens_to_a_phone_callers_keys_only(
    settings: Settings, store: Store, clock: Any, jane: str
) -> None:
    from tests.agent.test_entrypoint import mock_room, start

    sip = mock_room(rtc.ParticipantKind.PARTICIPANT_KIND_SIP, {"sip.phoneNumber": CALLER})
    live, _ = await start(sip, settings, store, clock, [])
    listeners = [c.args[1] for c in sip.on.call_args_list if c.args[0] == "sip_dtmf_received"]
    assert live.keypad is not None and live.keypad.on_dtmf in listeners
    await live.session.run(user_input="This is Jane Doe, born March 3rd 1984.")
    caller = next(iter(sip.remote_participants.values()))
    for key in "03031985#":  # as rtc.Room delivers a SIP participant's key
        live.keypad.on_dtmf(rtc.SipDTMF(code=0, digit=key, participant=caller))
    await live.keypad.drain()
    assert live.state.verified_caller is not None
    await live.session.aclose()
    await live.aclose()

    web = mock_room()
    live, _ = await start(web, settings, store, clock, [])
    assert live.keypad is None
    listeners = [c.args[1] for c in web.on.call_args_list if c.args[0] == "sip_dtmf_received"]
    assert not [f for f in listeners if isinstance(getattr(f, "__self__", None), Keypad)]
    await live.session.aclose()
    await live.aclose()
