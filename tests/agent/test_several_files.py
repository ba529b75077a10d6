"""Several patient files on one phone number (a family phone, in the clinic's EHR over FHIR):
the caller's name and date of birth choose the file, never the first one, and the booking goes
on the file they proved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aida.agent.identity import CallerId
from aida.agent.prompts import caller_context, greeting
from aida.agent.session import initial_caller, outbound_agent
from aida.agent.state import Caller, CallState
from aida.config import Settings
from aida.errors import NotYourAppointment, PatientNotFound, SlotTaken
from aida.outbound.call import OutboundJob
from aida.store.fhir import FhirCalendar
from aida.store.fhir import resources as fr
from aida.store.protocol import Store
from aida.store.split import SplitStore
from aida.tools.base import ClinicContext
from aida.tools.cancel_appointment import cancel_appointment
from aida.tools.list_appointments import list_appointments
from aida.tools.reschedule_appointment import reschedule_appointment
from tests.agent.conftest import CALLER, booked, local, make_state, outputs, said
from tests.scripted_llm import call

pytestmark = pytest.mark.fhir


@pytest.fixture
async def store(fhir_store: SplitStore) -> Store:
    """The calendar in the EHR (sekmet-fhir), Aida's records on SQLite."""
    return fhir_store


async def family(store: Store) -> dict[str, Any]:
    """Two files the clinic's staff made in the EHR on one number: the mother's first."""
    calendar = store.calendar  # type: ignore[attr-defined]
    assert isinstance(calendar, FhirCalendar)
    made = {}
    for name, birth in (("Ann Lee", "1980-04-02"), ("Sam Lee", "2012-09-01")):
        made[name] = await calendar.client.create(
            {
                "resourceType": "Patient",
                "name": [{"text": name}],
                "birthDate": birth,
                "telecom": [{"system": "phone", "value": CALLER}],
            }
        )
    return made


def line() -> Caller:
    return Caller(phone=CALLER, name=None, source="sip", on_file=True)


async def test_the_younger_file_is_chosen_by_name_and_birth_date_and_booked_on(
    aida_session, store: Store
) -> None:
    files = await family(store)
    assert (await store.patients_for(CALLER))[0].name == "Ann Lee"  # the first on file
    async with aida_session([call("book_appointment", start="Wednesday at 10")], caller=line()) as (
        session,
        _,
    ):
        first = await session.run(
            user_input="Hi, this is Sam Lee, date of birth September 1st, 2012. "
            "I'd like a check-up on Wednesday at ten."
        )
        assert said(first) == ["Shall I book Wednesday, March 4 at 10 AM?"]
        second = await session.run(user_input="Yes please.")
        assert said(second) == ["You're booked for Wednesday, March 4 at 10 AM."]
        state: CallState = session.userdata
    assert state.verified_caller is not None
    assert state.caller is not None and state.caller.name == "Sam Lee"
    assert state.caller.file_id == files["Sam Lee"]["id"]
    [appointment] = booked(await store.list_appointments(phone=CALLER))
    resource = await store.calendar.client.read("Appointment", appointment.id)  # type: ignore[attr-defined]
    assert fr.actor_id(resource, "Patient") == files["Sam Lee"]["id"]


async def test_a_name_from_one_file_and_a_birth_date_from_another_prove_neither(
    aida_session, store: Store
) -> None:
    await family(store)
    async with aida_session([call("book_appointment", start="Wednesday at 10")], caller=line()) as (
        session,
        _,
    ):
        heard = said(
            await session.run(
                user_input="This is Ann Lee, date of birth September 1st, 2012. "
                "I'd like a check-up on Wednesday at ten."
            )
        )
        state: CallState = session.userdata
    assert state.verified_caller is None
    assert "couldn't confirm" in " ".join(heard)
    assert state.timeline.of_type("identity_refused")[0]["reason"] == "no_match"
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_the_store_books_only_on_a_file_of_that_number(store: Store) -> None:
    files = await family(store)
    start = dt.datetime(2030, 1, 7, 15, 0, tzinfo=dt.UTC)
    end = start + dt.timedelta(minutes=30)
    other = await store.upsert_patient("+15550000002", "Bo Roy")
    assert other.file_id is not None
    with pytest.raises(PatientNotFound):
        await store.book(CALLER, start, end, patient_file=other.file_id)
    made = await store.book(CALLER, start, end, patient_file=files["Sam Lee"]["id"])
    resource = await store.calendar.client.read("Appointment", made.appointment.id)  # type: ignore[attr-defined]
    assert fr.actor_id(resource, "Patient") == files["Sam Lee"]["id"]
    # the mother booking the same time is another patient: the time is taken, not a repeat
    with pytest.raises(SlotTaken):
        await store.book(CALLER, start, end, patient_file=files["Ann Lee"]["id"])


# --- listing, moving and cancelling act on the verified file only (issue 23b) ---

SAM = "Hi, this is Sam Lee, date of birth September 1st, 2012. "


async def family_booked(store: Store) -> dict[str, Any]:
    """The family's files, each with an appointment: Ann's Thursday at 9, Sam's Friday at 11."""
    files = await family(store)
    out: dict[str, Any] = {"files": files}
    for name, at in (("Ann Lee", local(5, 9)), ("Sam Lee", local(6, 11))):
        made = await store.book(
            CALLER, at, at + dt.timedelta(minutes=30), patient_file=files[name]["id"]
        )
        out[name] = made.appointment
    return out


async def test_a_verified_child_hears_only_their_own_appointments(
    aida_session, store: Store
) -> None:
    seeded = await family_booked(store)
    async with aida_session([call("list_appointments")], caller=line()) as (session, _):
        heard = said(await session.run(user_input=SAM + "What appointments do I have?"))
        state: CallState = session.userdata
    assert state.caller is not None and state.caller.file_id == seeded["files"]["Sam Lee"]["id"]
    assert heard == ["You have one appointment: Friday, March 6 at 11 AM."]
    assert "March 5" not in " ".join(heard + outputs(session))  # the mother's, never heard


async def test_the_mothers_appointment_cannot_be_cancelled_or_moved_by_the_child(
    aida_session, store: Store
) -> None:
    seeded = await family_booked(store)
    script = [
        call("cancel_appointment", which="Thursday at 9"),
        call("reschedule_appointment", which="Thursday at 9", new_start="Monday at 2"),
    ]
    async with aida_session(script, caller=line()) as (session, _):
        first = said(await session.run(user_input=SAM + "Cancel the Thursday at nine one."))
        second = said(await session.run(user_input="Then move Thursday at nine to Monday at 2."))
    expected = (
        "I don't see an appointment then. Your upcoming appointment is Friday, March 6 at 11 AM."
    )
    assert first == [expected]
    assert second == [expected]
    # nothing written: both stay booked where they were
    ann = await store.get_appointment(seeded["Ann Lee"].id)
    assert ann is not None and ann.status == "booked" and ann.start_time == local(5, 9)
    assert sorted(a.id for a in booked(await store.list_appointments(phone=CALLER))) == sorted(
        [seeded["Ann Lee"].id, seeded["Sam Lee"].id]
    )


async def test_the_tools_and_the_store_refuse_another_file_of_the_number(
    tools: ClinicContext, store: Store
) -> None:
    seeded = await family_booked(store)
    sam, ann = seeded["files"]["Sam Lee"]["id"], seeded["Ann Lee"]
    mine = await list_appointments(tools, CALLER, patient_file=sam)
    assert [a["id"] for a in mine.data["appointments"]] == [seeded["Sam Lee"].id]
    with pytest.raises(NotYourAppointment) as refused:
        await cancel_appointment(tools, CALLER, ann.id, patient_file=sam)
    assert refused.value.message == "That appointment isn't on your record, so I can't change it."
    with pytest.raises(NotYourAppointment):
        await reschedule_appointment(tools, CALLER, ann.id, "Monday at 2", patient_file=sam)
    # the store itself, past the tools
    with pytest.raises(NotYourAppointment):
        await store.cancel(ann.id, CALLER, patient_file=sam)
    end = local(9, 14) + dt.timedelta(minutes=30)
    with pytest.raises(NotYourAppointment):
        await store.reschedule(ann.id, CALLER, local(9, 14), end, patient_file=sam)
    still = await store.get_appointment(ann.id)
    assert still is not None and still.status == "booked" and still.start_time == local(5, 9)
    assert [a.start_time for a in booked(await store.list_appointments(phone=CALLER))] == [
        local(5, 9),
        local(6, 11),
    ]
    # the file's own appointment is theirs to cancel
    done = await cancel_appointment(tools, CALLER, seeded["Sam Lee"].id, patient_file=sam)
    assert done.say == "Your appointment on Friday, March 6 at 11 AM is cancelled."


async def test_before_verification_a_family_phone_names_nobody(
    tools: ClinicContext, store: Store, settings: Settings
) -> None:
    files = await family(store)
    hint = await initial_caller(tools, CallerId(phone=CALLER, source="sip"))
    assert hint is not None and hint.name is None and not hint.verified and hint.on_file
    assert (
        greeting(settings, hint)
        == "Hello, this is Aida at Riverside Family Clinic. How can I help you today?"
    )
    assert "Lee" not in caller_context(hint)
    # a portal's signed name picks the one file it names, and no name picks none
    portal = await initial_caller(tools, CallerId(phone=CALLER, source="portal", name="Sam Lee"))
    assert portal is not None and portal.verified and portal.file_id == files["Sam Lee"]["id"]
    nameless = await initial_caller(tools, CallerId(phone=CALLER, source="portal"))
    assert nameless is not None and not nameless.verified and nameless.name is None


async def test_a_reminder_on_a_family_phone_names_the_appointments_own_file(
    tools: ClinicContext, store: Store, settings: Settings
) -> None:
    seeded = await family_booked(store)
    hint = await initial_caller(tools, CallerId(phone=CALLER, source="sip"))
    state = make_state(tools, hint)
    for who in ("Ann Lee", "Sam Lee"):
        job = OutboundJob("reminder", "attempt-1", appointment_id=seeded[who].id)
        agent = await outbound_agent(state, settings, job, listen_for_silence=False)
        assert agent._name == who  # type: ignore[attr-defined]
