"""The dialogue in code (aida.agent.dialogue): each phrase class of issue 21 read right or left
to the model, the claims guard on a real session, and the request made before identity carried
out after it with no model request."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from livekit.agents import AgentSession

from aida.agent.aida import Aida
from aida.agent.dialogue import Facts, Frame, read_turn
from aida.agent.dialogue.guard import SAFE, Known, check, check_reply
from aida.agent.dialogue.lexicon import answer_to_readback, plain_answer, says_goodbye
from aida.agent.dialogue.times import find_times
from aida.agent.session import wire_timeline
from aida.agent.state import Caller, CallState
from aida.config import Settings
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from tests.agent.conftest import CALLER, booked, known_caller, local, make_state, said
from tests.scripted_llm import ScriptedLLM, call, say

VERIFIED = Facts(verified=True, said_birth_date=True, identity_question="Who is calling?")
BOOK_PENDING = Facts(
    True, True, "?", proposal_tool="book_appointment", proposal_args={"start": "2026-03-04T10:00"}
)


def read(text: str, frame: Frame | None = None, facts: Facts = VERIFIED):  # type: ignore[no-untyped-def]
    return read_turn(text, frame or Frame(turn=1), facts)


# --- only a plain yes or no answers a read-back ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "sure, what about Thursday?",
        "ok let me check my calendar first",
        "yes but make it the afternoon",
        "sure, but could we do a bit later",
        "okay, hang on, is that the Wednesday?",
        "yeah maybe, let me ask my husband",
    ],
)
def test_a_hedged_answer_to_a_read_back_is_no_answer(text: str) -> None:
    reading = read(text, facts=BOOK_PENDING)
    assert reading is None or reading.answer is None
    assert plain_answer(text) is None
    assert answer_to_readback(text) is None  # the write tool, called again, reads it back again


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Yes, please book it.", "yes"),
        ("mm-hmm", "yes"),
        ("that's right", "yes"),
        ("no, Wednesday is bad for me", "no"),
        ("nope", "no"),
        ("Yes, Thursday's right.", None),
    ],
)
def test_a_plain_answer_is_read(text: str, answer: str | None) -> None:
    assert plain_answer(text) == answer


def test_yes_naming_the_read_backs_own_day_is_a_yes() -> None:
    facts = Facts(
        True, True, "?", proposal_tool="book_appointment",
        proposal_args={"start": "2026-03-05T10:00:00-05:00"},
    )  # fmt: skip
    reading = read("Yes, Thursday's right.", facts=facts)
    assert reading is not None and reading.answer == "yes"
    assert read("Yes, Friday's right.", facts=facts) is None  # another day: the model's


# --- goodbye only when the whole turn is closing words --------------------------------------------


@pytest.mark.parametrize(
    ("text", "closes"),
    [
        ("no that's all, thanks, bye", True),
        ("alright, you have a good one", True),
        ("that's it? that's all you have?", False),
        ("ok I'll just stop by", False),
        ("no that's it, oh wait, do you take blue cross?", False),
        ("great, thank you", False),
    ],
)
def test_goodbye_only_when_the_turn_is_closing_words(text: str, closes: bool) -> None:
    assert says_goodbye(text) is closes
    reading = read(text)
    assert (reading is not None and reading.tool == "end_call") is closes


def test_thanks_alone_is_not_a_goodbye() -> None:
    reading = read("great, thank you")
    assert reading is not None and reading.rule == "anything_else" and reading.tool is None


# --- somebody else: only when their appointment is asked about ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "can I book with Dr. Kim, and what are his hours",
        "my husband told me to call, can I book friday at 11",
        "I'm booking for myself, my wife said you had openings tuesday",
    ],
)
def test_a_third_party_mentioned_is_not_refused(text: str) -> None:
    reading = read(text)
    assert reading is None or reading.rule != "another_patient"


@pytest.mark.parametrize(
    "text",
    [
        "when is my husband's appointment",
        "can I book my son in for friday",
        "I'm calling for my mother, she wants her appointment moved",
        "it's for my 3 year old, tuesday at 9",
    ],
)
def test_a_third_partys_appointment_is_refused(text: str) -> None:
    reading = read(text)
    assert reading is not None and reading.rule == "another_patient"


# --- negations, two requests, preferences ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I'd prefer not to come in the morning",
        "tomorrow, just not in the morning",
        "I can't make wednesday, could we do friday instead",
        "I don't want mornings, afternoons only",
    ],
)
def test_a_negation_goes_to_the_model(text: str) -> None:
    assert read(text, Frame(turn=1, task="book")) is None


@pytest.mark.parametrize(
    "text",
    [
        "can you book me tuesday at 2 and also cancel the one on the 13th",
        "cancel the one on the 13th, and what time is my wednesday one",
        "book me thursday at 10 and what's your address",
    ],
)
def test_two_requests_in_one_turn_go_to_the_model(text: str) -> None:
    assert read(text) is None


def test_a_preference_is_read_back_before_it_is_stored() -> None:
    frame = Frame(turn=1)
    asked = read("can you note that I prefer afternoons", frame)
    assert asked is not None and asked.tool is None
    assert asked.say == "Shall I note that you prefer afternoons?"
    frame.apply(asked.updates)
    frame.turn = 2
    stored = read("yes please", frame)
    assert stored is not None and stored.tool == "remember_preference"
    assert stored.args == {"topic": "time_of_day", "preference": "afternoons"}
    frame.turn = 3  # it lasts one turn: a later yes is not about it
    assert read("yes please", frame) is None


def test_the_provider_is_kept_on_a_slot_search() -> None:
    reading = read("whenever dr kim is free on thursday")
    assert reading is not None and reading.tool == "find_available_slots"
    assert reading.args["provider"] == "Dr. Kim"


# --- one time grammar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("do you have anything in two weeks", "in 2 weeks"),
        ("anything after 3 tomorrow", "after 3 tomorrow"),
        ("before noon on friday would be ideal", "before noon on friday"),
        ("what's the first available", "1st available"),
        ("wednesday the eleventh, maybe ten thirty", "wednesday the 11th maybe 10:30"),
        # the grammar reads "a week from <day>" as that day after the coming one
        ("a week from thursday around ten", "thursday after next around 10"),
        ("what's your first opening after 3 tomorrow", "1st available after 3 tomorrow"),
    ],
)
def test_time_phrases_come_from_the_date_grammar(text: str, phrase: str) -> None:
    found = find_times(text)
    assert not found.unreadable and [s.text for s in found.spans] == [phrase]


@pytest.mark.parametrize(
    "text",
    ["tuesday at 9, or a bit later", "friday, same time"],
)
def test_times_the_grammar_cannot_take_apart_are_left(text: str) -> None:
    assert find_times(text).one is None
    assert read(text, Frame(turn=1, task="book")) is None


# --- sticky states last one turn; reading is pure -------------------------------------------------


def test_what_aida_asked_lasts_one_turn() -> None:
    frame = Frame(turn=1)
    frame.after_tool("book_appointment", {"start": "wednesday at 10"}, False,
                     {"error": "which_visit_type"})  # fmt: skip
    frame.turn = 2
    answer = read("a physical", frame)
    assert answer is not None and answer.rule == "visit_type"
    frame.turn = 3
    assert read("a physical", frame) is None


def test_reading_a_turn_twice_changes_nothing() -> None:
    frame = Frame(turn=1)
    facts = Facts(False, False, "Who is calling?")
    first = read("I'd like to book thursday at nine", frame, facts)
    again = read("I'd like to book thursday at nine", frame, facts)
    assert first == again and first is not None
    assert frame == Frame(turn=1)  # proposed updates only, applied by the agent
    assert first.updates["awaiting_identity"][0] == "book_appointment"


# --- the claims guard -----------------------------------------------------------------------------


def test_the_guard_rules() -> None:
    wed10 = dt.datetime(2026, 3, 4, 10, 0)
    none = Known(times=frozenset({wed10}))
    assert (
        check("Great! I've booked your appointment for Wednesday at 10 AM.", none).rule == "claim"
    )
    assert check(
        "You're booked for Wednesday at 10 AM.", Known(frozenset({wed10}), frozenset({"book"}))
    ).ok
    assert check("Okay, I haven't booked anything.", none).ok
    assert check("I'll be there on Friday at 9 AM.", none).rule == "caller_voice"
    assert check("Your birthday is September 17, 2021.", none).rule == "time"
    assert check("We're open from 8 AM to 5 PM on Friday.", none).rule == "clinic_fact"
    assert check("Wednesday at 10 AM is free.", none).ok
    assert check("Thursday at 2 PM is free.", none).rule == "time"
    reply = check_reply("Sure. Your appointment has been cancelled. Anything else?", none)
    assert reply.rule == "claim" and reply.said == ["Sure.", SAFE["claim"]]


@pytest.fixture
def code_session(tools: ClinicContext, settings: Settings):  # type: ignore[no-untyped-def]
    def factory(script: list, *, in_code: bool = True):  # type: ignore[no-untyped-def,type-arg]
        reading = settings.model_copy(update={"understand_in_code": in_code})

        @asynccontextmanager
        async def run(
            caller: Caller | None,
        ) -> AsyncIterator[tuple[AgentSession[CallState], ScriptedLLM]]:
            llm = ScriptedLLM(script)
            state = make_state(tools, caller)
            async with AgentSession[CallState](llm=llm, userdata=state) as session:
                wire_timeline(session, state)
                await session.start(Aida(reading, caller=caller, greet=False))
                yield session, llm

        return run

    return factory


async def test_a_model_claiming_a_booking_that_did_not_happen_is_blocked(
    code_session, store: Store, jane: str
) -> None:
    script = [say("Great! I've booked your appointment for Monday at 9:30 AM. See you then!")]
    async with code_session(script, in_code=False)(known_caller()) as (session, llm):
        result = await session.run(user_input="Hi, I'd like to come in sometime soon.")
        state: CallState = session.userdata
    # what came before the claim was said as it streamed; the claim and the rest never are
    assert said(result) == ["Great! " + SAFE["claim"]]
    assert [e["rule"] for e in state.timeline.of_type("reply_blocked")] == ["claim"]
    assert len(llm.requests) == 1
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_a_reply_streamed_a_word_at_a_time_keeps_its_spaces_and_is_checked(
    tools: ClinicContext,
) -> None:
    """A cloud model streams a word per chunk, its space after it (the OpenAI double does,
    found on the cloud path): the guard once glued them ("You'rebooked") and missed the claim."""
    from aida.agent.dialogue import route

    async def streamed(text: str) -> AsyncIterator[str]:
        for word in text.split(" "):
            yield word + " "

    state = make_state(tools, known_caller())
    plain = [p async for p in route.guarded(streamed("Sure. Which day works for you?"), state, [])]
    assert "".join(plain).strip() == "Sure. Which day works for you?"
    claim = streamed("Great. You're booked for Monday.")
    assert [p async for p in route.guarded(claim, state, [])] == ["Great.", " " + SAFE["claim"]]


async def test_a_model_in_the_callers_voice_is_blocked(code_session, jane: str) -> None:
    script = [say("I'll be there on Friday at 9 AM.")]
    async with code_session(script, in_code=False)(known_caller()) as (session, _):
        result = await session.run(user_input="Can you do Friday?")
    assert said(result) == [SAFE["caller_voice"]]


async def test_a_request_before_identity_is_done_after_it_with_no_model_request(
    code_session, store: Store, jane: str
) -> None:
    await store.book(CALLER, local(6, 11).astimezone(dt.UTC), local(6, 11, 30).astimezone(dt.UTC))
    hinted = Caller(phone=CALLER, name=None, source="sip", on_file=True)
    async with code_session([])(hinted) as (session, llm):
        first = await session.run(
            user_input="hi, I'd like to cancel my appointment on friday the sixth"
        )
        assert "full name and date of birth" in said(first)[0]
        second = await session.run(user_input="sure, Jane Doe, March 3rd, 1985")
        assert said(second) == ["Shall I cancel your appointment on Friday, March 6 at 11 AM?"]
        third = await session.run(user_input="yes")
        assert "cancel" in said(third)[0].lower()
    assert llm.requests == []
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_after_a_models_tool_refused_for_identity_the_request_resumes(
    code_session, store: Store, jane: str
) -> None:
    """The model went straight to the tool, which refused; once the caller is verified the
    request is carried out by code, not handed back to the model for free text."""
    hinted = Caller(phone=CALLER, name=None, source="sip", on_file=True)
    script = [
        call("book_appointment", start="Thursday at 9"),
        call("identify_caller", full_name="Jane Doe", date_of_birth="1985-03-03"),
    ]
    async with code_session(script, in_code=False)(hinted) as (session, llm):
        await session.run(user_input="Book me Thursday at nine.")
        second = await session.run(user_input="It's Jane Doe, born March third 1985.")
    assert said(second) == ["Shall I book Thursday, March 5 at 9 AM?"]
    assert len(llm.requests) == 2


# --- the policy carries the request; the model only fills it in ----------------------------------


def test_one_of_the_times_offered_is_picked_by_its_place() -> None:
    frame = Frame(turn=2)
    frame.after_tool(
        "find_available_slots",
        {"when": "tomorrow after 3"},
        True,
        {"slots": [{"start": "2026-03-03T15:00:00-05:00"}, {"start": "2026-03-03T16:30:00-05:00"}]},
    )
    frame.turn = 3
    first = read("I'll take the first one", frame)
    assert first is not None and first.tool == "book_appointment"
    assert first.args == {"start": "2026-03-03T15:00:00-05:00"}
    last = read("the last one please", frame)
    assert last is not None and last.args["start"] == "2026-03-03T16:30:00-05:00"
    assert read("not the first one", frame) is None  # a negation: the model's
    frame.turn = 5  # offered three turns ago: no longer what "the first one" means
    assert read("I'll take the first one", frame) is None


def test_a_leaning_yes_naming_another_day_is_no_yes_to_the_read_back() -> None:
    from aida.agent.confirmation import Confirmations

    confirmations = Confirmations()
    key = ("cancel", "appt-wed")
    confirmations.propose(
        key, "Shall I cancel ...?", "cancel_appointment", {"which": "2026-03-04T10:00:00-05:00"}
    )
    confirmations.caller_spoke("yes cancel the 13th")
    assert confirmations.step(key) == "propose"  # read back again, never written
    confirmations.caller_spoke("yes, Wednesday is right")
    assert confirmations.step(key) == "write"


def test_a_count_is_not_a_clock_time() -> None:
    wed10 = dt.datetime(2026, 3, 4, 10, 0)
    assert check(
        "You have one appointment: Wednesday, March 4 at 10 AM.", Known(frozenset({wed10}))
    ).ok
    assert check("I will call identify_caller to confirm.", Known()).rule == "internal"


async def test_a_request_code_can_name_is_the_models_to_fill_in(
    code_session, store: Store, jane: str
) -> None:
    """ "I can't make Wednesday, could we do Friday instead, same time?": a negation, so not read
    in code, but code names the request (a move); the model must call that tool, and "same
    time" is the time of the appointment moved."""
    await store.book(CALLER, local(4, 10).astimezone(dt.UTC), local(4, 10, 30).astimezone(dt.UTC))
    script = [call("reschedule_appointment", which="wednesday", new_start="friday, same time")]
    async with code_session(script)(known_caller()) as (session, llm):
        result = await session.run(
            user_input="so I can't make wednesday anymore, could we do friday instead, same time?"
        )
    assert llm.requests[0].tool_choice == {
        "type": "function",
        "function": {"name": "reschedule_appointment"},
    }
    assert said(result) == [
        "Shall I move your appointment from Wednesday, March 4 at 10 AM to Friday, March 6 at "
        "10 AM?"
    ]


async def test_after_the_model_verified_the_caller_it_must_carry_the_request_out(
    code_session, jane: str
) -> None:
    """The caller was verified in a turn that also asked for something code cannot read; the
    model's step is a tool call (tool_choice required), never free text, and a call that does
    not carry a request out (end_call here) is dropped: Aida asks again."""
    from aida.agent.aida import ASK_AGAIN

    hinted = Caller(phone=CALLER, name=None, source="sip", on_file=True)
    script = [call("end_call")]  # the name and date of birth were read in code
    async with code_session(script)(hinted) as (session, llm):
        result = await session.run(
            user_input="It's Jane Doe, born March 3rd 1985, so about that thing we talked about"
        )
        state: CallState = session.userdata
    assert len(llm.requests) == 1 and llm.requests[0].tool_choice == "required"
    assert said(result)[-1].endswith(ASK_AGAIN)
    assert "confirmed" in " ".join(said(result))
    assert [e["rule"] for e in state.timeline.of_type("reply_blocked")] == ["tool"]
    assert state.closing is False  # never hung up


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("I can't make wednesday anymore, could we do friday instead?", "reschedule_appointment"),
        ("I'd like Tuesday the 10th at 2 in the afternoon", "book_appointment"),
        ("I need to cancel the one on the 13th", "cancel_appointment"),
        # a negation or a question with a time in it is no booking: the model chooses
        ("turns out I won't be needing my appointment next monday after all", None),
        ("I'm coming in on wednesday, where do I go?", None),
        ("cancel the 13th, and what time is my wednesday one?", None),  # two requests
    ],
)  # fmt: skip
def test_the_request_code_names_for_the_model(text: str, tool: str | None) -> None:
    from aida.agent.dialogue.policy import resume_tool

    assert resume_tool(text, 2026) == tool


# --- a request outside the hours, and "the last one" after it (issue 21b) ------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("could you do thursday at 6 pm after my shift", "thursday at 6 pm"),
        ("friday at 8 in the morning before school", "friday at 8 in the morning"),
    ],
)
def test_why_a_caller_wants_a_clock_time_does_not_change_it(text: str, phrase: str) -> None:
    times = find_times(text)
    assert not times.unreadable and times.one is not None and times.one.text == phrase
    # with no clock time, "after work" is a range the grammar cannot take: the model's
    assert find_times("could you do thursday after my shift").unreadable


def _refused_outside_hours(turn: int) -> Frame:
    frame = Frame(turn=turn)
    frame.after_tool(
        "book_appointment",
        {"start": "thursday at 6 pm"},
        False,
        {
            "error": "invalid_request",
            "message": "That's outside our hours: ..., and the last appointment starts at 4:30 PM.",
            "reason": "outside_hours",
            "last_start": "2026-03-05T16:30:00-05:00",
        },
    )
    frame.turn = turn + 1
    return frame


def test_the_last_one_after_an_outside_hours_refusal_is_the_last_start_named() -> None:
    frame = _refused_outside_hours(2)
    for text in ("fine, the latest one that thursday", "alright the last one then"):
        reading = read(text, frame)
        assert reading is not None and reading.rule == "pick"
        assert reading.tool == "book_appointment"
        assert reading.args == {"start": "2026-03-05T16:30:00-05:00"}
    clock = read("4:30 then", frame)  # the day refused is the day being talked about
    assert clock is not None and clock.args["start"] == "Thursday March 5 at 4:30"
    # only the last start was named: no first one, no other day, no other clock time
    for text in ("the first one then", "the last one on friday", "the last one at 5"):
        assert read(text, frame) is None
    frame.turn = 5  # refused three turns ago
    assert read("alright the last one then", frame) is None


async def test_identity_and_a_request_after_hours_are_read_in_code_then_the_last_start(
    code_session, store: Store, jane: str
) -> None:
    """Name, date of birth and a booking at 6 PM "after my shift" in one turn: verified and tried
    in code (refused by the hours, which name the last start); "the latest one" books it. The
    flaky local-model run of after_hours left both turns to the model."""
    hinted = Caller(phone=CALLER, name=None, source="sip", on_file=True)
    async with code_session([])(hinted) as (session, llm):
        first = await session.run(
            user_input="hello this is jane doe, born march third 1985, could you put me in "
            "thursday at six pm after my shift"
        )
        assert any("outside our hours" in s and "4:30 PM" in s for s in said(first))
        second = await session.run(user_input="okay then the latest one that thursday")
        assert said(second) == ["Shall I book Thursday, March 5 at 4:30 PM?"]
        third = await session.run(user_input="yes")
        assert "Thursday, March 5 at 4:30 PM" in said(third)[-1]
    assert llm.requests == []
    assert [a.start_time for a in booked(await store.list_appointments(phone=CALLER))] == [
        local(5, 16, 30).astimezone(dt.UTC)
    ]


async def test_a_date_of_birth_in_number_words_verifies_in_code(
    code_session, store: Store, jane: str
) -> None:
    """ "three three eighty five" (3/3/85 read aloud) is her date of birth, taken out of the turn
    before it is read, so it is neither a time nor asked again."""
    await store.book(CALLER, local(6, 11).astimezone(dt.UTC), local(6, 11, 30).astimezone(dt.UTC))
    hinted = Caller(phone=CALLER, name=None, source="sip", on_file=True)
    async with code_session([])(hinted) as (session, llm):
        first = await session.run(user_input="what appointments do I have")
        assert "full name and date of birth" in said(first)[0]
        second = await session.run(user_input="jane doe, three three eighty five")
        assert any("Friday, March 6 at 11 AM" in s for s in said(second))
    assert llm.requests == []


@pytest.mark.parametrize(
    "text", ["hey when am i meant to come in again", "when am i scheduled to come back"]
)
def test_asking_when_one_is_due_in_is_a_listing(text: str) -> None:
    reading = read(text)
    assert reading is not None and reading.tool == "list_appointments"
    other = read("when am i going to get a call back")  # no appointment asked about
    assert other is None or other.tool != "list_appointments"


@pytest.mark.parametrize(
    "text", ["im coming in on thursday, where should i park", "can i leave my car out front"]
)
def test_where_to_leave_the_car_is_a_clinic_question(text: str) -> None:
    facts = Facts(True, True, "?", clinic_answers=True)
    reading = read(text, facts=facts)
    assert reading is not None and reading.tool == "clinic_info"


async def test_a_move_to_another_day_at_the_same_time_is_read_in_code(
    code_session, store: Store, jane: str
) -> None:
    """ "same time" keeps the clock time of the appointment moved: the day is read in code, the
    clock time put in by the move tool from the calendar."""
    await store.book(CALLER, local(5, 11).astimezone(dt.UTC), local(5, 11, 30).astimezone(dt.UTC))
    async with code_session([])(known_caller()) as (session, llm):
        result = await session.run(
            user_input="could you shift my thursday appointment to monday the ninth, same time"
        )
    assert any("Monday, March 9 at 11 AM" in s and s.endswith("?") for s in said(result))
    assert llm.requests == []
    # a clock time of its own besides "same time" is two answers: the model's
    assert read("move it to friday at 3, same time") is None


def test_a_misheard_date_of_birth_is_no_request_after_identity(tools: ClinicContext) -> None:
    from aida.agent.dialogue.route import only_identity

    state = make_state(tools, None)
    assert only_identity(state, "Hi, this is Jane Doe, data f- Birth March 3, 1985.")
    assert only_identity(state, "Sure, it's Jane Doe, March 3rd 1985")
    assert not only_identity(state, "Jane Doe, March 3rd 1985, can I book Friday at 10")
    assert not only_identity(state, "Jane Doe, data of birth March 3rd 1985, cancel it")
