"""Aida in conversation: a scripted model calls her tools, which really run against SQLite, and
the tests check what the caller hears as much as what the calendar ends as.

One scripted step is one model request. Tools speak their own sentences and ask the model for no
follow-up, so a turn that calls a tool costs one request (identify_caller, which leaves the next
step to the model, is the exception)."""

from __future__ import annotations

import datetime as dt
import json
import re

from aida.agent.prompts import build_instructions
from aida.agent.state import CallState
from aida.agent.verification import NO_MATCH_WITH_NUMBER
from aida.calls.appointments import appointments_in_call
from aida.store.protocol import Store
from tests.agent.conftest import (
    CALLER,
    JANE_DOB,
    OTHER,
    booked,
    known_caller,
    local,
    outputs,
    said,
)
from tests.scripted_llm import call, last_output, say


async def test_find_read_back_then_book(aida_session, store: Store, jane: str) -> None:
    script = [
        call("find_available_slots", when="Wednesday morning"),
        # the model picks the first slot it was offered, by its exact start
        lambda ctx: call("book_appointment", start=last_output(ctx)["slots"][0], reason="check-up"),
    ]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        first = await session.run(user_input="Can I come in Wednesday morning?")
        first.expect.next_event().is_function_call(name="find_available_slots")
        first.expect.next_event().is_function_call_output(is_error=False)
        first.expect.next_event().is_message(role="assistant")
        first.expect.no_more_events()
        assert said(first) == [
            "I have Wednesday, March 4 at 9 AM, 10 AM, or 11:30 AM. Which works best?"
        ]

        second = await session.run(user_input="The nine o'clock, please.")
        assert said(second) == ["Shall I book Wednesday, March 4 at 9 AM?"]
        assert booked(await store.list_appointments(phone=CALLER)) == []  # not before the yes

        third = await session.run(user_input="Yes, please book it.")
        assert said(third) == ["You're booked for Wednesday, March 4 at 9 AM."]
        state: CallState = session.userdata
        # one request per turn and no follow-ups; a plain yes repeats the call without one
        assert llm.exhausted and len(llm.requests) == 2
        third.expect.next_event().is_function_call(name="book_appointment")

    appts = booked(await store.list_appointments(phone=CALLER))
    assert [a.start_time for a in appts] == [local(4, 9).astimezone(dt.UTC)]
    assert appts[0].meta.get("reason") == "check-up"
    assert [c["action"] for c in appointments_in_call(state.timeline.events)] == ["booked"]


async def test_the_model_sees_a_compact_result(aida_session, jane: str) -> None:
    script = [call("find_available_slots", when="next week"), say("...")]
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="Anything next week?")
        out = outputs(session)[0]
    data = json.loads(out)
    assert list(data) == ["slots"] and len(data["slots"]) == 3
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d", s) for s in data["slots"])
    assert len(out) < 120  # what the model must evaluate on its next request


async def test_a_yes_with_more_in_it_goes_to_the_model(
    aida_session, store: Store, jane: str
) -> None:
    script = [
        call("book_appointment", start="Wednesday at 10"),
        call("book_appointment", start="Thursday at 10"),
    ]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        await session.run(user_input="Book me Wednesday at ten.")
        second = await session.run(user_input="Okay, Thursday at ten instead then.")
        assert llm.exhausted  # the model was asked: the caller changed the request
    assert said(second) == ["Shall I book Thursday, March 5 at 10 AM?"]
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_a_no_at_the_read_back_books_nothing(aida_session, store: Store, jane: str) -> None:
    start = local(4, 10).isoformat()
    script = [
        call("book_appointment", start="Wednesday at 10"),
        call("book_appointment", start=start),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="Book me Wednesday at ten.")
        second = await session.run(user_input="No, actually, not then.")
    assert said(second) == [
        "Okay, I haven't booked anything. Which day and time would you like instead?"
    ]
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_asking_again_after_booking_says_it_is_done(
    aida_session, store: Store, jane: str
) -> None:
    start = local(4, 10).isoformat()
    script = [call("book_appointment", start=start)] * 3
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="Wednesday at ten please.")
        await session.run(user_input="Yes.")
        third = await session.run(user_input="Great, yes, so I'm booked?")
    assert said(third) == ["You're all set for Wednesday, March 4 at 10 AM."]
    assert len(booked(await store.list_appointments(phone=CALLER))) == 1


async def test_slot_taken_then_nearest_alternative(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    taken = local(4, 11).isoformat()
    script = [
        call("book_appointment", start=taken),
        lambda ctx: call("book_appointment", start=last_output(ctx)["alternatives"][0]),
        lambda ctx: call("book_appointment", start=_awaiting(ctx)),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        first = await session.run(user_input="Book me Wednesday at 11.")
        assert said(first) == [
            "Sorry, Wednesday, March 4 at 11 AM is already taken. The nearest openings are "
            "Wednesday, March 4 at 10 AM, 10:30 AM, or 11:30 AM. If none of those suit you, I "
            "can put you on the waitlist for Wednesday, March 4 at 11 AM."
        ]
        await session.run(user_input="The first one then.")
        last = await session.run(user_input="Yes.")
        assert said(last) == ["You're booked for Wednesday, March 4 at 10 AM."]
        state: CallState = session.userdata

    appts = booked(await store.list_appointments(phone=CALLER))
    assert [a.start_time for a in appts] == [local(4, 10).astimezone(dt.UTC)]
    wifes = await store.get_appointment(wife)
    assert wifes is not None and wifes.status == "booked"  # untouched
    failed = state.timeline.of_type("tool_result")[0]
    assert failed["ok"] is False and failed["error"]["error"] == "slot_taken"


async def test_reschedule_by_the_callers_words(aida_session, store: Store, jane: str) -> None:
    original = await store.book(
        CALLER, local(4, 9).astimezone(dt.UTC), local(4, 9, 30).astimezone(dt.UTC)
    )
    move = call(
        "reschedule_appointment", which="my Wednesday appointment", new_start="Thursday at 2pm"
    )
    async with aida_session([move], caller=known_caller()) as (session, llm):
        first = await session.run(
            user_input="Can you move my Wednesday appointment to Thursday at 2?"
        )
        assert said(first) == [
            "Shall I move your appointment from Wednesday, March 4 at 9 AM to Thursday, March 5 "
            "at 2 PM?"
        ]
        second = await session.run(user_input="Yes, that's right.")
        assert said(second) == [
            "Done. Your appointment is moved from Wednesday, March 4 at 9 AM to Thursday, March 5 "
            "at 2 PM."
        ]
        state: CallState = session.userdata
    # no tool takes an appointment id: the model cannot invent one
    assert all("appointment_id" not in p for p in llm.requests[0].tool_parameters().values())
    appts = booked(await store.list_appointments(phone=CALLER))
    assert [a.start_time for a in appts] == [local(5, 14).astimezone(dt.UTC)]
    old = await store.get_appointment(original.appointment.id)
    assert old is not None and old.status == "cancelled"
    assert appointments_in_call(state.timeline.events)[0]["action"] == "rescheduled"


async def test_cancel_asks_which_when_there_are_several(
    aida_session, store: Store, jane: str
) -> None:
    for day, hour in ((6, 10), (9, 9)):
        await store.book(
            CALLER, local(day, hour).astimezone(dt.UTC), local(day, hour, 30).astimezone(dt.UTC)
        )
    script = [
        call("cancel_appointment"),
        call("cancel_appointment", which="the Friday one"),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        first = await session.run(user_input="I want to cancel my appointment.")
        assert said(first) == [
            "You have appointments on Friday, March 6 at 10 AM and Monday, March 9 at 9 AM. "
            "Which one do you mean?"
        ]
        second = await session.run(user_input="The Friday one.")
        assert said(second) == ["Shall I cancel your appointment on Friday, March 6 at 10 AM?"]
        third = await session.run(user_input="Yes please.")
        assert said(third) == ["Your appointment on Friday, March 6 at 10 AM is cancelled."]

    left = booked(await store.list_appointments(phone=CALLER))
    assert [a.start_time for a in left] == [local(9, 9).astimezone(dt.UTC)]


async def test_list_only_the_callers_upcoming(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    for day in (3, 9):
        await store.book(
            CALLER, local(day, 15).astimezone(dt.UTC), local(day, 15, 30).astimezone(dt.UTC)
        )
    async with aida_session([call("list_appointments")], caller=known_caller()) as (session, _):
        result = await session.run(user_input="When are my appointments?")
        result.expect.next_event().is_function_call(name="list_appointments", arguments={})
    assert said(result) == [
        "You have 2 appointments: Tuesday, March 3 at 3 PM and Monday, March 9 at 3 PM."
    ]
    assert "March 4" not in " ".join(said(result))  # the wife's


async def test_someone_elses_appointments_are_refused(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    """Jane, verified, asks about her wife's appointments and gives her number and birth date."""
    script = [
        # the model tries everything it can: switch identity, then act on the wife's appointment
        [
            call("identify_caller", full_name="Mary Doe", date_of_birth="7/7/1980", phone=OTHER),
            call("list_appointments"),
            call("cancel_appointment", which="Mary's appointment on Wednesday at 11"),
            call("reschedule_appointment", which="Wednesday at 11", new_start="Thursday at 9"),
        ],
    ]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        result = await session.run(
            user_input="Check my wife's appointments, Mary Doe, born 7/7/1980, 202 555 0188."
        )
        state: CallState = session.userdata
    heard = said(result)
    assert heard[0].startswith("I can only help with the appointments of the patient on this call")
    # the tools ran side by side: their sentences come in the order they finished
    assert sorted(heard[1:]) == ["You don't have any upcoming appointments with us."] * 2 + [
        "You have no upcoming appointments."
    ]
    # no tool but identify_caller even has a phone parameter the model could fill in
    tools_with_phone = [
        name for name, params in llm.requests[0].tool_parameters().items() if "phone" in params
    ]
    assert tools_with_phone == ["identify_caller"]
    assert state.caller is not None and state.caller.phone == CALLER  # unchanged
    wifes = await store.get_appointment(wife)
    assert wifes is not None and wifes.status == "booked"
    assert wifes.start_time == local(4, 11).astimezone(dt.UTC)
    everything = " ".join(heard + outputs(session))
    assert "March 4" not in everything and "private" not in everything and "Mary" not in everything
    assert state.timeline.of_type("identity_refused")[0]["reason"] == "different_phone"


async def test_identify_by_number_name_and_birth_date_then_no_switching(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    script = [
        call("list_appointments"),  # before identification: refused
        call("identify_caller", full_name="Mary Smith", date_of_birth=JANE_DOB, phone="2025550143"),
        call("identify_caller", full_name="jane doe", date_of_birth=JANE_DOB, phone="202 555 0143"),
        # once verified, the request that was refused is carried out by code (no model step);
        # then the model tries to switch patients
        call("identify_caller", full_name="Mary Doe", date_of_birth="7/7/1980", phone=OTHER),
    ]
    async with aida_session(script, caller=None) as (session, _):
        first = await session.run(user_input="What appointments do I have?")
        assert "phone number on your file" in said(first)[0]
        wrong = await session.run(user_input="It's 202 555 0143, Mary Smith, March 3rd 1985.")
        # No caller ID: the number may be what was wrong, and nothing says which part was
        assert said(wrong) == [NO_MATCH_WITH_NUMBER]
        right = await session.run(user_input="Sorry, Jane Doe.")
        assert said(right) == ["You have no upcoming appointments."]
        other = await session.run(user_input="And check Mary Doe's too.")
        assert said(other) == [
            "I can only help with the appointments of the patient on this call. The other person "
            "is welcome to call us themselves."
        ]
        state: CallState = session.userdata

    assert state.caller is not None and state.caller.phone == CALLER
    assert state.caller.source == "spoken" and state.caller.verified
    assert state.identify_failures == 1


def test_emergency_number_and_clinic_come_from_settings(settings) -> None:
    text = build_instructions(settings.model_copy(update={"emergency_number": "112"}))
    assert "hang up and call 112 now" in text
    assert "Riverside Family Clinic" in text
    # constant across days and callers: nothing in it changes with the date
    assert not re.search(r"20\d\d|Monday|March", text)


async def test_a_closed_day_is_refused_in_a_sentence(aida_session, store: Store, jane: str) -> None:
    script = [call("book_appointment", start=local(7, 10).isoformat())]  # a Saturday
    async with aida_session(script, caller=known_caller()) as (session, _):
        result = await session.run(user_input="Saturday at 10, please.")
        out = result.expect.next_event(type="function_call_output").event().item
    heard = said(result)
    assert len(heard) == 1 and "closed" in heard[0].lower() and len(heard[0]) < 200
    assert json.loads(out.output) == {"error": "invalid_request"}
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_current_time_comes_from_the_clock(aida_session, jane: str) -> None:
    async with aida_session([call("get_current_time")], caller=known_caller()) as (session, _):
        result = await session.run(user_input="What's the date today?")
    assert said(result) == ["It is Monday, March 2, 2026 at 8 AM."]


# --- helpers: what a model would read off the tool outputs -----------------------------------


def _awaiting(ctx) -> str:
    return last_output(ctx)["awaiting_confirmation"]


async def test_a_models_own_read_back_of_a_time_no_tool_gave_is_blocked(
    aida_session, store: Store, jane: str
) -> None:
    """The model read a time back in its own words, before any tool looked at it: the claims
    guard stops it (it may not be free, or not exist), and the tool's own read-back follows."""
    script = [
        say("I can book Wednesday, March 4, at 10 in the morning. Is that correct?"),
        call("book_appointment", start="Wednesday at 10am"),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        first = await session.run(user_input="A check-up on Wednesday at ten, please.")
        second = await session.run(user_input="Yes, please book it.")
        state: CallState = session.userdata
    assert "March 4" not in " ".join(said(first))
    assert [e["rule"] for e in state.timeline.of_type("reply_blocked")] == ["time"]
    assert said(second) == ["Shall I book Wednesday, March 4 at 10 AM?"]
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_a_yes_to_some_other_question_still_gets_the_read_back(
    aida_session, store: Store, jane: str
) -> None:
    script = [
        say("Is there anything else I can help with?"),
        call("book_appointment", start="Wednesday at 10am"),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="Hello.")
        second = await session.run(user_input="Yes, please book it.")
    assert said(second) == ["Shall I book Wednesday, March 4 at 10 AM?"]
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_one_caller_turn_seen_twice_counts_once(aida_session, jane: str) -> None:
    """Preemptive generation shows the model a turn's transcript before the final one arrives,
    as another message: a read-back's "next turn" must not be reached by that alone."""
    from livekit.agents.llm import ChatMessage

    async with aida_session([], caller=known_caller()) as (session, _):
        agent = session.current_agent
        agent._screen(ChatMessage(role="user", content=["Yes please"]))  # type: ignore[attr-defined]
        agent._screen(ChatMessage(role="user", content=["Yes, please."]))  # type: ignore[attr-defined]
        confirmations = session.userdata.confirmations
        lines = session.userdata.caller_lines
    assert confirmations.caller_turns == 1
    assert confirmations.last_caller_words == "Yes, please." and lines == ["Yes, please."]
