"""Several patient files on one phone number (a family phone, in the clinic's EHR over FHIR):
the caller's name and date of birth choose the file, never the first one, and the booking goes
on the file they proved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aida.agent.state import Caller, CallState
from aida.errors import PatientNotFound, SlotTaken
from aida.store.fhir import FhirCalendar
from aida.store.fhir import resources as fr
from aida.store.protocol import Store
from aida.store.split import SplitStore
from tests.agent.conftest import CALLER, booked, said
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
