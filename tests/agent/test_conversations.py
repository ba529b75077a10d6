"""Aida in conversation: a scripted model calls her tools, which really run against SQLite."""

from __future__ import annotations

import datetime as dt
import json
import re

from aida.agent.prompts import build_instructions
from aida.agent.state import CallState
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, JANE_DOB, OTHER, booked, known_caller, local, outputs
from tests.scripted_llm import call, last_output, say, tool_outputs


async def test_book_after_finding_a_slot(aida_session, store: Store, jane: str) -> None:
    script = [
        call("find_available_slots", when="Wednesday morning"),
        say("I have Wednesday at 9 AM, 9:30 or 10. Which works?"),
        # the model books the first slot it was offered, by its exact start
        lambda ctx: call("book_appointment", start=_offered(ctx)[0], reason="check-up"),
        say("You're booked for Wednesday, March 4 at 9 AM."),
    ]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        first = await session.run(user_input="Can I come in Wednesday morning?")
        first.expect.next_event().is_function_call(name="find_available_slots")
        slots = json.loads(
            first.expect.next_event().is_function_call_output(is_error=False).event().item.output
        )
        assert slots["slots"][0]["spoken"] == "Wednesday, March 4 at 9 AM"
        first.expect.next_event().is_message(role="assistant")
        first.expect.no_more_events()

        second = await session.run(user_input="Yes, 9 AM on Wednesday, please.")
        second.expect.next_event().is_function_call(name="book_appointment")
        second.expect.next_event().is_function_call_output(is_error=False)
        second.expect.next_event().is_message(role="assistant")
        second.expect.no_more_events()
        state: CallState = session.userdata
        assert llm.exhausted

    appts = booked(await store.list_appointments(phone=CALLER))
    assert [a.start_time for a in appts] == [local(4, 9).astimezone(dt.UTC)]
    assert appts[0].meta.get("reason") == "check-up"
    assert [c["action"] for c in state.appointments_in_call] == ["booked"]
    names = [e["name"] for e in state.timeline.of_type("tool_result")]
    assert names == ["find_available_slots", "book_appointment"]


async def test_slot_taken_then_nearest_alternative(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    taken = local(4, 11).isoformat()
    script = [
        call("book_appointment", start=taken),
        say("Sorry, 11 is taken. The nearest openings are 10:30 or 11:30."),
        lambda ctx: call("book_appointment", start=_alternatives(ctx)[0]),
        say("Done, you're booked."),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        first = await session.run(user_input="Book me Wednesday at 11, I confirm.")
        first.expect.next_event().is_function_call(name="book_appointment")
        error = first.expect.next_event().is_function_call_output(is_error=True).event().item
        assert "already taken" in error.output
        assert "nearest openings" in error.output
        assert "Wednesday, March 4 at 10:30 AM" in error.output  # nearest, spoken
        await session.run(user_input="The first one then.")
        state: CallState = session.userdata

    appts = booked(await store.list_appointments(phone=CALLER))
    assert len(appts) == 1
    assert abs(appts[0].start_time - local(4, 11).astimezone(dt.UTC)) <= dt.timedelta(hours=1)
    assert appts[0].start_time != local(4, 11).astimezone(dt.UTC)
    wifes = await store.get_appointment(wife)
    assert wifes is not None and wifes.status == "booked"  # untouched
    failed = state.timeline.of_type("tool_result")[0]
    assert failed["ok"] is False and failed["error"]["error"] == "slot_taken"
    assert failed["error"]["alternatives"]


async def test_reschedule_moves_the_one_appointment(aida_session, store: Store, jane: str) -> None:
    original = await store.book(
        CALLER, local(4, 9).astimezone(dt.UTC), local(4, 9, 30).astimezone(dt.UTC)
    )
    new_start = local(5, 14).isoformat()
    script = [
        call("list_appointments"),
        say("You have Wednesday at 9 AM. When would you like instead?"),
        lambda ctx: call(
            "reschedule_appointment",
            appointment_id=_first_appointment_id(ctx),
            new_start=new_start,
        ),
        say("Moved to Thursday at 2 PM."),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="I need to move my appointment.")
        result = await session.run(user_input="Thursday March 5 at 2 PM. Yes, that's right.")
        result.expect.next_event().is_function_call(name="reschedule_appointment")
        out = result.expect.next_event().is_function_call_output(is_error=False).event().item
        assert json.loads(out.output)["moved"] is True
        state: CallState = session.userdata

    appts = booked(await store.list_appointments(phone=CALLER))
    assert [a.start_time for a in appts] == [local(5, 14).astimezone(dt.UTC)]
    old = await store.get_appointment(original.appointment.id)
    assert old is not None and old.status == "cancelled"
    assert state.appointments_in_call[0]["action"] == "rescheduled"


async def test_cancel(aida_session, store: Store, jane: str) -> None:
    booking = await store.book(
        CALLER, local(6, 10).astimezone(dt.UTC), local(6, 10, 30).astimezone(dt.UTC)
    )
    script = [
        call("list_appointments"),
        say("You have Friday, March 6 at 10 AM. Cancel that one?"),
        lambda ctx: call("cancel_appointment", appointment_id=_first_appointment_id(ctx)),
        say("It's cancelled."),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="I want to cancel my appointment.")
        result = await session.run(user_input="Yes, cancel Friday at 10.")
        result.expect.next_event().is_function_call(name="cancel_appointment")
        result.expect.next_event().is_function_call_output(is_error=False)
        result.expect.next_event().is_message(role="assistant")

    appt = await store.get_appointment(booking.appointment.id)
    assert appt is not None and appt.status == "cancelled"


async def test_list_only_the_callers_upcoming(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    for day in (3, 9):
        await store.book(
            CALLER, local(day, 15).astimezone(dt.UTC), local(day, 15, 30).astimezone(dt.UTC)
        )
    script = [call("list_appointments"), say("You have two appointments.")]
    async with aida_session(script, caller=known_caller()) as (session, _):
        result = await session.run(user_input="When are my appointments?")
        result.expect.next_event().is_function_call(name="list_appointments", arguments={})
        out = json.loads(
            result.expect.next_event().is_function_call_output(is_error=False).event().item.output
        )
    assert [a["spoken"] for a in out["appointments"]] == [
        "Tuesday, March 3 at 3 PM",
        "Monday, March 9 at 3 PM",
    ]
    assert wife not in json.dumps(out)


async def test_someone_elses_appointments_are_refused(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    """Jane, known by caller ID, asks about her wife's appointments and gives her number."""
    script = [
        # the model tries everything it can: switch identity, then act on the wife's appointment
        call(
            "identify_caller",
            full_name="Mary Doe",
            date_of_birth="July 7th 1980",
            phone="(202) 555-0188",
        ),
        call("list_appointments"),
        call("cancel_appointment", appointment_id=wife),
        call("reschedule_appointment", appointment_id=wife, new_start=local(5, 9).isoformat()),
        say("I can only help with your own appointments; Mary is welcome to call us herself."),
    ]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        result = await session.run(
            user_input="Check my wife's appointments, her number is 202 555 0188, Mary Doe."
        )
        result.expect.next_event().is_function_call(name="identify_caller")
        refusal = result.expect.next_event().is_function_call_output(is_error=True).event().item
        assert "only help with the appointments of the patient on this call" in refusal.output
        seen = outputs(session)
        state: CallState = session.userdata

    # no tool but identify_caller even has a phone parameter the model could fill in
    tools_with_phone = [
        name for name, params in llm.requests[0].tool_parameters().items() if "phone" in params
    ]
    assert tools_with_phone == ["identify_caller"]
    assert state.caller is not None and state.caller.phone == CALLER  # unchanged
    wifes = await store.get_appointment(wife)
    assert (
        wifes is not None
        and wifes.status == "booked"
        and wifes.start_time == local(4, 11).astimezone(dt.UTC)
    )
    everything_said = " ".join(seen)
    assert "March 4 at 11" not in everything_said  # the wife's appointment time
    assert "private" not in everything_said  # her visit reason
    assert "Mary" not in everything_said
    assert json.loads(seen[1])["appointments"] == []  # Jane's own list: empty
    assert "isn't on your record" in seen[2] and "isn't on your record" in seen[3]
    assert state.timeline.of_type("identity_refused")[0]["reason"] == "different_phone"


async def test_identify_by_number_name_and_birth_date_then_no_switching(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    script = [
        call("list_appointments"),  # before identification: refused
        say("First, what's the number on your file, your full name and date of birth?"),
        # a wrong name, the right one, then a switch to another patient (refused)
        call("identify_caller", full_name="Mary Smith", date_of_birth=JANE_DOB, phone="2025550143"),
        call("identify_caller", full_name="jane doe", date_of_birth=JANE_DOB, phone="202 555 0143"),
        call("identify_caller", full_name="Mary Doe", date_of_birth="7/7/1980", phone=OTHER),
        call("list_appointments"),
        say("Thanks Jane. You have no upcoming appointments."),
    ]
    async with aida_session(script, caller=None) as (session, _):
        first = await session.run(user_input="What appointments do I have?")
        first.expect.next_event().is_function_call(name="list_appointments")
        out = first.expect.next_event().is_function_call_output(is_error=True).event().item
        assert "phone number on your file" in out.output
        await session.run(
            user_input="It's 202 555 0143, Jane Doe, March 3rd 1985. Also check Mary Doe's."
        )
        seen = outputs(session)
        state: CallState = session.userdata

    assert "couldn't confirm those details" in seen[1]
    assert "Jane Doe" not in seen[1]  # a mismatch never reveals the name on file
    assert json.loads(seen[2])["verified"] is True
    assert "only help with the appointments of the patient on this call" in seen[3]
    assert state.caller is not None and state.caller.phone == CALLER
    assert state.caller.source == "spoken"
    assert json.loads(seen[4])["appointments"] == []
    assert state.identify_failures == 1


def test_emergency_number_and_clinic_come_from_settings(settings) -> None:
    text = build_instructions(settings.model_copy(update={"emergency_number": "112"}))
    assert "hang up and call 112 now" in text
    assert "Riverside Family Clinic" in text
    # constant across days and callers: nothing in it changes with the date
    assert not re.search(r"20\d\d|Monday|March", text)


async def test_recovers_from_a_tool_error(aida_session, store: Store, jane: str) -> None:
    script = [
        call("book_appointment", start=local(7, 10).isoformat()),  # a Saturday: closed
        call("find_available_slots", when=local(9, 9).date().isoformat()),
        lambda ctx: call("book_appointment", start=_offered(ctx)[0]),
        say("We're closed Saturdays, so I booked Monday at 9 AM."),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        result = await session.run(user_input="Saturday at 10, please. Yes, confirmed.")
        result.expect.next_event().is_function_call(name="book_appointment")
        error = result.expect.next_event().is_function_call_output(is_error=True).event().item
        assert "closed" in error.output.lower()
        assert len(error.output) < 200  # one short speakable sentence or two
        result.expect.next_event().is_function_call(name="find_available_slots")
        result.expect.next_event().is_function_call_output(is_error=False)
        result.expect.next_event().is_function_call(name="book_appointment")
        result.expect.next_event().is_function_call_output(is_error=False)
        result.expect.next_event().is_message(role="assistant")
    appts = booked(await store.list_appointments(phone=CALLER))
    assert [a.start_time for a in appts] == [local(9, 9).astimezone(dt.UTC)]


async def test_current_time_comes_from_the_clock(aida_session, jane: str) -> None:
    script = [call("get_current_time"), say("It's Monday.")]
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="What's the date today?")
        out = json.loads(outputs(session)[0])
    assert out["say"] == "It is Monday, March 2, 2026 at 8 AM."


# --- helpers: what a model would read off the tool outputs -----------------------------------


def _offered(ctx) -> list[str]:
    return [s["start"] for s in last_output(ctx)["slots"]]


def _alternatives(ctx) -> list[str]:
    message = last_output(ctx)["error"]
    return re.findall(r"\d{4}-\d\d-\d\dT[\d:]+[+-]\d\d:\d\d", message)


def _first_appointment_id(ctx) -> str:
    for out in reversed(tool_outputs(ctx)):
        data = json.loads(out.output) if not out.is_error else {}
        if data.get("appointments"):
            return data["appointments"][0]["id"]
    raise AssertionError("no appointment listed")
