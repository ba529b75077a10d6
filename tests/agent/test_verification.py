"""A caller is who they prove to be: caller ID and the web form are hints; name and date of birth
(or a portal assertion) open the patient's records, and failures lock a number across calls."""

from __future__ import annotations

import datetime as dt
import json

from aida.agent.state import Caller, CallState
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, JANE_DOB, OTHER, booked, local, outputs
from tests.scripted_llm import call, say


def hint(phone: str = CALLER, name: str | None = "Jane Doe", source: str = "token") -> Caller:
    """What a web form or caller ID presents: a number, not proof."""
    return Caller(phone=phone, name=name, source=source, on_file=name is not None)  # type: ignore[arg-type]


async def test_someone_elses_phone_on_the_web_form_reveals_and_changes_nothing(
    aida_session, store: Store, jane: str
) -> None:
    """The attack: a web session minted with Jane's phone by someone who is not Jane."""
    mine = await store.book(
        CALLER, local(4, 11).astimezone(dt.UTC), local(4, 11, 30).astimezone(dt.UTC),
        {"reason": "private"},
    )  # fmt: skip
    appt_id = mine.appointment.id
    script = [
        call("list_appointments"),
        say("First I need your full name and date of birth."),
        call("identify_caller", full_name="Jane Doe", date_of_birth="January 1st 1990"),
        call("cancel_appointment", appointment_id=appt_id),
        call("reschedule_appointment", appointment_id=appt_id, new_start=local(5, 9).isoformat()),
        call("book_appointment", start=local(5, 10).isoformat()),
        say("I couldn't confirm those details."),
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        await session.run(user_input="What are my appointments?")
        await session.run(user_input="I'm Jane Doe, born January 1st 1990. Cancel my appointment.")
        seen = outputs(session)
        state: CallState = session.userdata

    everything = " ".join(seen)
    assert "March 4" not in everything and "11 AM" not in everything and "private" not in everything
    assert appt_id not in everything.replace(f'"{appt_id}"', "")  # not echoed by any result
    assert "date of birth" in seen[0]
    assert "couldn't confirm those details" in seen[1]
    for refused in seen[2:]:
        assert "date of birth" in refused  # each write: refused, asks for the identifiers
    still = await store.get_appointment(appt_id)
    assert still is not None and still.status == "booked"
    assert still.start_time == mine.appointment.start_time
    assert len(booked(await store.list_appointments(phone=CALLER))) == 1
    assert state.verified_caller is None


async def test_name_and_date_of_birth_open_the_records(
    aida_session, store: Store, jane: str
) -> None:
    await store.book(CALLER, local(3, 15).astimezone(dt.UTC), local(3, 15, 30).astimezone(dt.UTC))
    script = [
        call("identify_caller", full_name="jane doe", date_of_birth="3/3/85"),
        call("list_appointments"),
        say("Thanks Jane, you have Tuesday at 3 PM."),
    ]
    async with aida_session(script, caller=hint(source="sip")) as (session, _):
        await session.run(user_input="Jane Doe, March 3rd 1985. What do I have coming up?")
        seen = outputs(session)
        state: CallState = session.userdata
    assert json.loads(seen[0])["verified"] is True
    listed = [a["spoken"] for a in json.loads(seen[1])["appointments"]]
    assert listed == ["Tuesday, March 3 at 3 PM"]
    assert state.verified_caller is not None and state.verified_caller.source == "sip"
    assert state.timeline.of_type("caller_identified")[0]["verified"] is True


async def test_wrong_name_or_wrong_birth_date_get_the_same_answer(
    aida_session, store: Store, jane: str
) -> None:
    script = [
        call("identify_caller", full_name="Mary Smith", date_of_birth=JANE_DOB),
        call("identify_caller", full_name="Jane Doe", date_of_birth="March 4th 1985"),
        say("..."),
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        await session.run(user_input="It's me.")
        seen = outputs(session)
    assert seen[0] == seen[1]  # nothing tells which identifier was wrong
    assert "Jane" not in seen[0] and "1985" not in seen[0]


async def test_failures_lock_the_number_across_calls_and_expire(
    aida_session, store: Store, jane: str, settings, clock: FixedClock
) -> None:
    assert settings.identity_max_failures == 3
    wrong = call("identify_caller", full_name="Jane Doe", date_of_birth="1 January 1990")
    async with aida_session([wrong, wrong, say("...")], caller=hint()) as (session, _):
        await session.run(user_input="first call")
    # a second call from the same number: one more failure locks it
    right = call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB)
    async with aida_session([wrong, right, say("...")], caller=hint()) as (session, _):
        await session.run(user_input="second call")
        seen = outputs(session)
        assert session.userdata.verified_caller is None
    assert "can't confirm your identity" in seen[0]
    assert "can't confirm your identity" in seen[1]  # even the right answer, while locked

    clock.advance(dt.timedelta(minutes=settings.identity_lockout_minutes + 1))
    async with aida_session([right, say("...")], caller=hint()) as (session, _):
        await session.run(user_input="much later")
        assert session.userdata.verified_caller is not None


async def test_a_verified_caller_cannot_switch_to_another_patient(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB),
        call("identify_caller", full_name="Mary Doe", date_of_birth="July 7 1980", phone=OTHER),
        call("cancel_appointment", appointment_id=wife),
        say("I can only help with your own appointments."),
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        await session.run(user_input="Jane Doe, 3/3/1985. Now cancel my wife Mary's, 202 555 0188.")
        seen = outputs(session)
        state: CallState = session.userdata
    assert "only help with the appointments of the patient on this call" in seen[1]
    assert "isn't on your record" in seen[2]
    assert state.verified_caller is not None and state.verified_caller.phone == CALLER
    wifes = await store.get_appointment(wife)
    assert wifes is not None and wifes.status == "booked"


async def test_new_patient_is_registered_with_name_and_date_of_birth(
    aida_session, store: Store
) -> None:
    script = [
        call("identify_caller", full_name="Sam Lee", date_of_birth="7/4/90", phone="2025550199"),
        call("book_appointment", start=local(3, 9).isoformat()),
        say("Welcome Sam, you're booked Tuesday at 9."),
    ]
    async with aida_session(script, caller=None) as (session, _):
        await session.run(user_input="I'm new. Sam Lee, born July 4th 1990, 202 555 0199.")
        state: CallState = session.userdata
    patient = await store.get_patient("+12025550199")
    assert patient is not None and patient.name == "Sam Lee"
    assert patient.date_of_birth == dt.date(1990, 7, 4)
    assert state.caller is not None and state.caller.new_patient and state.caller.verified
    assert len(booked(await store.list_appointments(phone="+12025550199"), "+12025550199")) == 1


async def test_a_file_without_a_birth_date_goes_to_staff(aida_session, store: Store) -> None:
    await store.upsert_patient(CALLER, "Jane Doe")  # from before dates of birth were kept
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB),
        call("list_appointments"),
        say("The staff will call you back."),
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        await session.run(user_input="Jane Doe, March 3rd 1985.")
        seen = outputs(session)
        state: CallState = session.userdata
    assert "call you back" in seen[0]
    assert "date of birth" in seen[1]  # still closed
    patient = await store.get_patient(CALLER)
    assert patient is not None and patient.date_of_birth is None  # a caller cannot set it
    items = [e["item"] for e in state.timeline.of_type("action_item")]
    assert items and items[0]["kind"] == "callback"


async def test_unreadable_birth_date_is_asked_again_not_counted(
    aida_session, store: Store, jane: str
) -> None:
    script = [call("identify_caller", full_name="Jane Doe", date_of_birth="the spring"), say("?")]
    async with aida_session(script, caller=hint()) as (session, _):
        await session.run(user_input="I was born in the spring.")
        seen = outputs(session)
        assert session.userdata.identify_failures == 0
    assert "month, the day and the year" in seen[0]
    assert await store.count_identity_failures(CALLER, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) == 0


async def test_portal_verified_caller_needs_no_second_identifier(
    aida_session, store: Store, jane: str
) -> None:
    portal = Caller(phone=CALLER, name="Jane Doe", source="portal", on_file=True, verified=True)
    script = [call("list_appointments"), say("You have no upcoming appointments.")]
    async with aida_session(script, caller=portal) as (session, _):
        await session.run(user_input="What's on my calendar?")
        seen = outputs(session)
    assert json.loads(seen[0])["appointments"] == []


async def test_audit_rows_for_reads_and_writes_hold_no_speech(
    aida_session, store: Store, jane: str
) -> None:
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB),
        call("list_appointments"),
        call("book_appointment", start=local(4, 10).isoformat()),
        say("Booked."),
    ]
    spoken = "Jane Doe, March 3rd 1985. Please book Wednesday at ten, my knee hurts."
    async with aida_session(script, caller=hint()) as (session, _):
        await session.run(user_input=spoken)
    rows = await store.list_audit(phone=CALLER)
    actions = sorted(r.action for r in rows)
    assert actions == ["book_appointment", "identity_verified", "list_appointments"]
    assert all(r.actor == "call:test-call" for r in rows)
    booking = next(r for r in rows if r.action == "book_appointment")
    assert booking.detail.get("appointment_id")
    for row in rows:
        text = json.dumps(row.detail)
        assert "knee" not in text and "Jane" not in text and CALLER not in text
