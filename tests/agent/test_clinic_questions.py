"""Questions about the clinic are answered from the clinic's profile for the call, and only from
it (aida.agent.dialogue.clinic); the claims guard lets a model say a clinic fact exactly when the
profile gives it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from livekit.agents import AgentSession

from aida.agent.aida import Aida
from aida.agent.dialogue import clinic
from aida.agent.dialogue.guard import SAFE, Known, check
from aida.agent.dialogue.route import load_profile
from aida.agent.session import wire_timeline
from aida.agent.state import Caller, CallState
from aida.calendar.profile import ProfileEdits, build_profile
from aida.config import Settings
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from tests.agent.conftest import CALLER, make_state, said
from tests.scripted_llm import ScriptedLLM, call, say

EDITS = {
    "address": "12 Main St, Springfield",
    "hours": {"sat": "09:00-12:00"},
    "parking": "Free lot behind the building",
    "insurance_accepted": ["Aetna", "Cigna", "Medicare"],
    "languages": ["English", "Spanish"],
    "facts": {"wifi": "Ask the front desk for the password"},
}
TODAY = dt.date(2026, 3, 2)  # a Monday


def profile(settings: Settings, **edits: object):  # type: ignore[no-untyped-def]
    return build_profile(settings, ProfileEdits.model_validate(edits))


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("what time do you open on saturday?", "On Saturdays we're open 9 AM to 12 PM."),
        ("are you open on sundays", "We're closed on Sundays. Our hours are Monday to Friday, "
         "9 AM to 5 PM; Saturday, 9 AM to 12 PM."),
        ("what are your hours", "Our hours are Monday to Friday, 9 AM to 5 PM; Saturday, 9 AM to "
         "12 PM."),
        ("are you open tomorrow", "Tomorrow we're open 9 AM to 5 PM."),
        ("is there parking at your building", "About parking: Free lot behind the building."),
        ("what's your address", "We're at 12 Main St, Springfield."),
        ("do you take blue cross?", "The insurance we accept: Aetna, Cigna and Medicare."),
        ("do you speak spanish", "We speak English and Spanish."),
        ("what's the wifi password", "Ask the front desk for the password."),
        # configured by nobody: never filled in
        ("what should I bring to my visit", clinic.NOT_KNOWN),
        ("what's your phone number", clinic.NOT_KNOWN),
    ],
)  # fmt: skip
def test_answers_come_from_the_profile_only(settings: Settings, question: str, answer: str) -> None:
    assert clinic.answer(question, profile(settings, **EDITS), TODAY) == answer


def test_no_profile_and_no_topic_are_not_known(settings: Settings) -> None:
    assert clinic.answer("what are your hours", None) == clinic.NOT_KNOWN
    assert clinic.answer("tell me about the clinic", profile(settings, **EDITS)) == clinic.NOT_KNOWN


def test_the_guard_allows_a_clinic_fact_exactly_when_the_profile_gives_it(
    settings: Settings,
) -> None:
    given = Known(clinic_sentences=clinic.sentences(profile(settings, **EDITS), TODAY))
    bare = Known(clinic_sentences=clinic.sentences(profile(settings), TODAY))
    assert check("On Saturdays we're open 9 AM to 12 PM.", given).ok  # its days and hours too
    assert check("On Saturdays we're open 9 AM to 12 PM.", bare).rule == "clinic_fact"
    assert check("About parking: Free lot behind the building.", given).ok
    assert check("There's free street parking on Elm.", given).rule == "clinic_fact"
    assert check("We're open from 8 AM to 6 PM on Friday.", given).rule == "clinic_fact"
    assert check("I will call identify_caller to confirm.", given).rule == "internal"


@pytest.fixture
def clinic_session(tools: ClinicContext, settings: Settings, store: Store):  # type: ignore[no-untyped-def]
    def factory(script: list, *, in_code: bool = True, preload: bool = False):  # type: ignore[no-untyped-def,type-arg]
        reading = settings.model_copy(update={"understand_in_code": in_code})

        @asynccontextmanager
        async def run() -> AsyncIterator[tuple[AgentSession[CallState], ScriptedLLM]]:
            await store.save_clinic_profile(EDITS, "test")
            llm = ScriptedLLM(script)
            caller = Caller(phone=CALLER, name=None, source="sip", on_file=True)
            state = make_state(tools, caller)
            if preload:
                await load_profile(state)  # as a call does at its start
            async with AgentSession[CallState](llm=llm, userdata=state) as session:
                wire_timeline(session, state)
                await session.start(Aida(reading, caller=caller, greet=False))
                yield session, llm

        return run

    return factory


async def test_a_clinic_question_is_answered_in_code_from_the_profile(clinic_session) -> None:
    async with clinic_session([])() as (session, llm):
        hours = await session.run(user_input="hi, what time do you open on saturday?")
        parking = await session.run(user_input="and is there parking")
        bring = await session.run(user_input="what should I bring with me")
    assert said(hours) == ["On Saturdays we're open 9 AM to 12 PM."]
    assert said(parking) == ["About parking: Free lot behind the building."]
    assert said(bring) == [clinic.NOT_KNOWN]
    assert llm.requests == []


async def test_a_model_asks_the_clinic_info_tool(clinic_session) -> None:
    script = [call("clinic_info", question="do you take Cigna")]
    async with clinic_session(script, in_code=False)() as (session, llm):
        result = await session.run(user_input="Quick question, is Cigna something you take?")
    assert said(result) == ["The insurance we accept: Aetna, Cigna and Medicare."]
    assert len(llm.requests) == 1


async def test_a_model_stating_a_clinic_fact_is_checked_against_the_profile(clinic_session) -> None:
    script = [
        say("We're at 12 Main St, Springfield."),
        say("We're open until 8 PM on Fridays."),
    ]
    async with clinic_session(script, in_code=False, preload=True)() as (session, _):
        given = await session.run(user_input="Where are you guys?")
        invented = await session.run(user_input="How late are you open on Friday?")
        state: CallState = session.userdata
    assert said(given) == ["We're at 12 Main St, Springfield."]
    assert said(invented) == [SAFE["clinic_fact"]]
    assert [e["rule"] for e in state.timeline.of_type("reply_blocked")] == ["clinic_fact"]
