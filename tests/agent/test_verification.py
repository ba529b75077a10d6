"""A caller is who they prove to be: caller ID and the web form are hints; name and date of birth
(or a portal assertion) open the patient's records, and failures lock a number across calls."""

from __future__ import annotations

import datetime as dt
import json

from aida.agent.state import Caller, CallState
from aida.agent.verification import NO_MATCH
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, JANE_DOB, OTHER, booked, local, outputs, said
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
    script = [
        call("list_appointments"),
        call("identify_caller", full_name="Jane Doe", date_of_birth="January 1st 1990"),
        [
            call("cancel_appointment", which="my appointment"),
            call("reschedule_appointment", which="Wednesday", new_start="Thursday at 9"),
            call("book_appointment", start="Thursday at 10"),
        ],
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        heard = said(await session.run(user_input="What are my appointments?"))
        heard += said(await session.run(user_input="I'm Jane Doe, born January 1st 1990."))
        heard += said(await session.run(user_input="Just cancel my appointment."))
        seen = outputs(session)
        state: CallState = session.userdata

    everything = " ".join(heard + seen)
    assert "March 4" not in everything and "11 AM" not in everything and "private" not in everything
    assert mine.appointment.id not in everything
    assert "date of birth" in heard[0]
    assert "couldn't confirm those details" in heard[1]
    assert len(heard) == 5 and all("date of birth" in h for h in heard[2:])  # each write refused
    still = await store.get_appointment(mine.appointment.id)
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
        # identify_caller leaves the next step to the model: the waiting request
        call("list_appointments"),
    ]
    async with aida_session(script, caller=hint(source="sip")) as (session, _):
        result = await session.run(user_input="Jane Doe, March 3rd 1985. What do I have coming up?")
        seen = outputs(session)
        state: CallState = session.userdata
    assert json.loads(seen[0])["verified"] is True
    assert said(result) == ["You have one appointment: Tuesday, March 3 at 3 PM."]
    assert state.verified_caller is not None and state.verified_caller.source == "sip"
    assert state.timeline.of_type("caller_identified")[0]["verified"] is True


async def test_wrong_name_or_wrong_birth_date_get_the_same_answer(
    aida_session, store: Store, jane: str
) -> None:
    heard = []
    for wrong in (
        call("identify_caller", full_name="Mary Smith", date_of_birth=JANE_DOB),
        call("identify_caller", full_name="Jane Doe", date_of_birth="March 4th 1985"),
    ):
        async with aida_session([wrong], caller=hint()) as (session, _):
            heard += said(await session.run(user_input="It's me."))
    assert len(heard) == 2 and heard[0] == heard[1]  # nothing tells which identifier was wrong
    assert "Jane" not in heard[0] and "1985" not in heard[0]


async def test_failures_lock_the_number_across_calls_and_expire(
    aida_session, store: Store, jane: str, settings, clock: FixedClock
) -> None:
    assert settings.identity_max_failures == 3

    def wrong(day: int):  # type: ignore[no-untyped-def]
        return call("identify_caller", full_name="Jane Doe", date_of_birth=f"{day} January 1990")

    right = call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB)
    async with aida_session([wrong(1), wrong(1), wrong(2)], caller=hint()) as (session, _):
        await session.run(user_input="first try")
        await session.run(user_input="the same again")  # the same wrong answer counts once
        await session.run(user_input="second try")
    # a second call from the same number: one more failure locks it
    async with aida_session([wrong(3), right], caller=hint()) as (session, _):
        third = said(await session.run(user_input="third try"))
        fourth = said(await session.run(user_input="and now the right one"))
        assert session.userdata.verified_caller is None
    assert "can't confirm your identity" in third[0]
    assert "can't confirm your identity" in fourth[0]  # even the right answer, while locked

    clock.advance(dt.timedelta(minutes=settings.identity_lockout_minutes + 1))
    async with aida_session([right, say("How can I help?")], caller=hint()) as (session, _):
        await session.run(user_input="much later")
        assert session.userdata.verified_caller is not None


async def test_a_verified_caller_cannot_switch_to_another_patient(
    aida_session, store: Store, jane: str, wife: str
) -> None:
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB),
        [
            call("identify_caller", full_name="Mary Doe", date_of_birth="July 7 1980", phone=OTHER),
            call("cancel_appointment", which="Wednesday at 11"),
        ],
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        heard = said(
            await session.run(
                user_input="Jane Doe, 3/3/1985. Now cancel my wife Mary's, 202 555 0188."
            )
        )
        state: CallState = session.userdata
    assert heard[0].startswith("I can only help with the appointments of the patient on this call")
    assert heard[1] == "You don't have any upcoming appointments with us."
    assert state.verified_caller is not None and state.verified_caller.phone == CALLER
    wifes = await store.get_appointment(wife)
    assert wifes is not None and wifes.status == "booked"


async def test_new_patient_is_registered_with_name_and_date_of_birth(
    aida_session, store: Store
) -> None:
    script = [
        call("identify_caller", full_name="Sam Lee", date_of_birth="7/4/90", phone="2025550199"),
        call("book_appointment", start="Tuesday at 9"),
    ]
    async with aida_session(script, caller=None) as (session, _):
        first = await session.run(user_input="I'm new. Sam Lee, born July 4th 1990, 202 555 0199.")
        assert said(first) == ["Shall I book Tuesday, March 3 at 9 AM?"]
        second = await session.run(user_input="Yes please.")
        assert said(second) == ["You're booked for Tuesday, March 3 at 9 AM."]
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
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        heard = said(await session.run(user_input="Jane Doe, March 3rd 1985. My appointments?"))
        state: CallState = session.userdata
    assert state.verified_caller is None
    assert heard == [NO_MATCH]  # what any failed attempt hears: nothing says what the file lacks
    patient = await store.get_patient(CALLER)
    assert patient is not None and patient.date_of_birth is None  # a caller cannot set it
    items = [e["item"] for e in state.timeline.of_type("action_item")]
    assert items and items[0]["kind"] == "callback"


async def test_unreadable_birth_date_is_asked_again_not_counted(
    aida_session, store: Store, jane: str
) -> None:
    script = [call("identify_caller", full_name="Jane Doe", date_of_birth="the spring")]
    async with aida_session(script, caller=hint()) as (session, _):
        heard = said(await session.run(user_input="I was born in the spring."))
        assert session.userdata.identify_failures == 0
    assert "month, the day and the year" in heard[0]
    assert await store.count_identity_failures(CALLER, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) == 0


async def test_portal_verified_caller_needs_no_second_identifier(
    aida_session, store: Store, jane: str
) -> None:
    portal = Caller(phone=CALLER, name="Jane Doe", source="portal", on_file=True, verified=True)
    async with aida_session([call("list_appointments")], caller=portal) as (session, _):
        heard = said(await session.run(user_input="What's on my calendar?"))
    assert heard == ["You have no upcoming appointments."]


async def test_audit_rows_for_reads_and_writes_hold_no_speech(
    aida_session, store: Store, jane: str
) -> None:
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB),
        call("list_appointments"),
        call("book_appointment", start="Wednesday at 10", reason="knee"),
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        await session.run(user_input="Jane Doe, March 3rd 1985. My knee hurts, what do I have?")
        await session.run(user_input="Book Wednesday at ten.")
        await session.run(user_input="Yes.")
    rows = await store.list_audit(phone=CALLER)
    actions = sorted(r.action for r in rows)
    assert actions == [
        "book_appointment",
        "book_appointment",
        "identity_verified",
        "list_appointments",
    ]
    assert all(r.actor == "call:test-call" for r in rows)
    assert any(r.detail.get("appointment_id") for r in rows if r.action == "book_appointment")
    for row in rows:
        text = json.dumps(row.detail)
        assert "knee" not in text and "Jane" not in text and CALLER not in text


async def test_name_and_birth_date_in_the_callers_words_verify_a_direct_request(
    aida_session, store: Store, jane: str
) -> None:
    """A small model goes straight to booking: the caller already said who she is."""
    book = call("book_appointment", start="Wednesday at 10")
    async with aida_session([book], caller=hint(source="sip")) as (session, _):
        first = await session.run(
            user_input="Hi, this is Jane Doe, date of birth March third, nineteen eighty-five. "
            "I'd like a check-up on Wednesday at ten."
        )
        assert said(first) == ["Shall I book Wednesday, March 4 at 10 AM?"]
        second = await session.run(user_input="Yes please.")
        assert said(second) == ["You're booked for Wednesday, March 4 at 10 AM."]
        state: CallState = session.userdata
    assert state.verified_caller is not None
    assert state.timeline.of_type("caller_identified")[0]["via"] == "words"
    assert len(booked(await store.list_appointments(phone=CALLER))) == 1


async def test_a_wrong_birth_date_in_the_words_is_refused_and_counted_once(
    aida_session, store: Store, jane: str
) -> None:
    book = call("book_appointment", start="Wednesday at 10")
    identify = call("identify_caller", full_name="Jane Doe", date_of_birth="January 1st 1990")
    async with aida_session([book, identify, book], caller=hint()) as (session, _):
        first = await session.run(user_input="Jane Doe, born January 1st 1990. Wednesday at ten.")
        await session.run(user_input="I said Jane Doe, January 1st 1990.")
        await session.run(user_input="Just book it.")
        heard = said(first)
    assert "date of birth" in heard[0]
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert await store.count_identity_failures(CALLER, since) == 1  # one wrong date, one count
    assert booked(await store.list_appointments(phone=CALLER)) == []
