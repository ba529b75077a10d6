"""The waitlist in an inbound call: when the time a caller wants is taken, Aida offers the
waitlist for it; joining is bound to the caller of the call (no tool argument names a patient),
and the wanted window is resolved in code by the time grammar."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from livekit.agents import AgentSession

from aida.agent.aida import Aida
from aida.agent.session import wire_timeline
from aida.agent.state import Caller, CallState
from aida.config import Settings
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from tests.agent.conftest import CALLER, OTHER, known_caller, local, make_state, said
from tests.scripted_llm import ScriptedLLM, call

TAKEN = (
    "Sorry, Wednesday, March 4 at 11 AM is already taken. The nearest openings are "
    "Wednesday, March 4 at 10 AM, 10:30 AM, or 11:30 AM. If none of those suit you, I can put "
    "you on the waitlist for Wednesday, March 4 at 11 AM."
)
JOINED = (
    "I've put you on the waitlist for Wednesday, March 4 at 11 AM. If that time opens up, "
    "we'll call you and hold it for you for 15 minutes."
)


@pytest.fixture
def reading_session(tools: ClinicContext, settings: Settings):  # type: ignore[no-untyped-def]
    """A session whose plain turns are read in code (the default with the local model)."""
    reading = settings.model_copy(update={"understand_in_code": True})

    @asynccontextmanager
    async def factory(
        script: list, caller: Caller | None
    ) -> AsyncIterator[tuple[AgentSession[CallState], ScriptedLLM]]:
        llm = ScriptedLLM(script)
        state = make_state(tools, caller)
        async with AgentSession[CallState](llm=llm, userdata=state) as session:
            wire_timeline(session, state)
            await session.start(Aida(reading, caller=caller, greet=False))
            yield session, llm

    return factory


async def test_taken_time_offers_the_waitlist_and_yes_joins_it_in_code(
    reading_session, store: Store, jane: str, wife: str
) -> None:
    async with reading_session([], known_caller()) as (session, llm):
        first = await session.run(user_input="Can I book Wednesday at 11?")
        assert said(first) == [TAKEN]
        second = await session.run(user_input="Yes please, put me on the waitlist.")
        assert said(second) == [JOINED]
        assert llm.requests == []  # both turns read in code
        state: CallState = session.userdata
    entries = await store.list_waitlist()
    assert len(entries) == 1
    entry = entries[0]
    # the caller of the call, never a number from the model; the exact time refused
    assert entry.patient_phone == CALLER and entry.status == "waiting"
    assert entry.window_start == local(4, 11).astimezone(dt.UTC)
    assert entry.updated_by == "call:test-call"
    joined = [e for e in state.timeline.of_type("tool_result") if e["name"] == "join_waitlist"]
    assert joined and joined[0]["ok"] is True
    audit = await store.list_audit(actor="call:test-call")
    assert "waitlist_join" in [a.action for a in audit]


async def test_the_model_joins_a_window_for_the_verified_caller(
    aida_session, store: Store, jane: str
) -> None:
    script = [call("join_waitlist", when="any Tuesday morning")]
    async with aida_session(script, caller=known_caller()) as (session, _):
        result = await session.run(user_input="Put me on the waitlist for any Tuesday morning.")
        assert said(result) == [
            "I've put you on the waitlist for any Tuesday between 9 AM and 12 PM. If that time "
            "opens up, we'll call you and hold it for you for 15 minutes."
        ]
    (entry,) = await store.list_waitlist()
    assert entry.patient_phone == CALLER and entry.weekly
    assert entry.daily_from == dt.time(9, 0) and entry.daily_until == dt.time(12, 0)
    assert entry.window_start == local(3, 9).astimezone(dt.UTC)  # Tuesday, March 3


async def test_joining_twice_is_one_entry(aida_session, store: Store, jane: str) -> None:
    script = [
        call("join_waitlist", when="Thursday at 3"),
        call("join_waitlist", when="Thursday at 3"),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="Waitlist me for Thursday at 3.")
        again = await session.run(user_input="Thursday at 3 on the waitlist, please.")
        assert said(again) == ["You're already on the waitlist for Thursday, March 5 at 3 PM."]
    assert len(await store.list_waitlist()) == 1


async def test_an_unverified_caller_is_not_put_on_anyones_waitlist(
    aida_session, store: Store, jane: str
) -> None:
    stranger = Caller(phone=CALLER, name=None, source="sip", on_file=True, verified=False)
    script = [call("join_waitlist", when="Thursday at 3")]
    async with aida_session(script, caller=stranger) as (session, _):
        result = await session.run(user_input="Put me on the waitlist for Thursday at 3.")
        assert said(result) and "date of birth" in said(result)[0]
    assert await store.list_waitlist() == []
    assert await store.list_waitlist(phone=OTHER) == []
