"""Aida with visit types, providers and closures, driven by the scripted model: the visit type is
asked for when it matters, "with Dr. Patel" books Dr. Patel, a closed day gets its reason, and
the read-back names what will be booked. The clock stands at Monday, March 2, 2026, 8 AM."""

from __future__ import annotations

import datetime as dt
import json

from aida.calendar.closures import day_range
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, TZ, booked, known_caller, local, outputs, said
from tests.scripted_llm import call


async def configure(store: Store) -> dict[str, str]:
    patel = await store.save_provider("Dr. Patel", "Mon-Fri 09:00-17:00")
    kim = await store.save_provider("Dr. Kim", "Tue,Thu 08:00-12:00")
    physical = await store.save_visit_type("Physical", 60, [patel.id])
    await store.save_visit_type("Follow-up", 30)
    return {"patel": patel.id, "kim": kim.id, "physical": physical.id}


async def test_aida_asks_the_visit_type_then_books_its_length(
    aida_session, store: Store, jane: str
) -> None:
    ids = await configure(store)
    script = [
        call("book_appointment", start="Wednesday at 10"),
        call("book_appointment", start="Wednesday at 10", visit_type="a physical"),
    ]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        first = await session.run(user_input="Can I book Wednesday at ten?")
        assert said(first) == ["What kind of visit is it: a follow-up, or a physical?"]
        second = await session.run(user_input="A physical.")
        assert said(second) == [
            "Shall I book a physical with Dr. Patel on Wednesday, March 4 at 10 AM?"
        ]
        assert booked(await store.list_appointments(phone=CALLER)) == []
        third = await session.run(user_input="Yes, please.")
        # a plain yes repeats the call, visit type included, without asking the model
        assert llm.exhausted and len(llm.requests) == 2
        assert said(third) == [
            "You're booked for a physical with Dr. Patel on Wednesday, March 4 at 10 AM."
        ]
    (appt,) = booked(await store.list_appointments(phone=CALLER))
    assert (appt.start_time, appt.end_time) == (
        local(4, 10).astimezone(dt.UTC),
        local(4, 11).astimezone(dt.UTC),
    )
    assert (appt.provider_id, appt.visit_type_id) == (ids["patel"], ids["physical"])


async def test_with_dr_kim_finds_and_books_dr_kim(aida_session, store: Store, jane: str) -> None:
    ids = await configure(store)
    script = [
        call("find_available_slots", when="Tuesday morning", visit_type="follow-up",
             provider="Dr. Kim"),
        call("book_appointment", start="Tuesday at 8", visit_type="follow-up",
             provider="with Dr. Kim"),
    ]  # fmt: skip
    async with aida_session(script, caller=known_caller()) as (session, _):
        first = await session.run(user_input="Does Dr. Kim have a follow-up Tuesday morning?")
        (offer,) = said(first)
        assert offer.startswith("For a follow-up with Dr. Kim, I have Tuesday, March 3 at 9 AM")
        second = await session.run(user_input="Eight o'clock with Dr. Kim, please.")
        assert said(second) == [
            "Shall I book a follow-up with Dr. Kim on Tuesday, March 3 at 8 AM?"
        ]
        third = await session.run(user_input="Yes.")
        assert said(third) == [
            "You're booked for a follow-up with Dr. Kim on Tuesday, March 3 at 8 AM."
        ]
    (appt,) = booked(await store.list_appointments(phone=CALLER))
    assert appt.provider_id == ids["kim"]
    assert appt.end_time - appt.start_time == dt.timedelta(minutes=30)


async def test_a_closed_day_is_said_with_its_reason(aida_session, store: Store, jane: str) -> None:
    start, end = day_range(dt.date(2026, 3, 4), dt.date(2026, 3, 4), TZ)
    await store.add_closure(start, end, "staff training", all_day=True)
    script = [
        call("find_available_slots", when="Wednesday"),
        call("book_appointment", start="Wednesday at 10"),
    ]
    async with aida_session(script, caller=known_caller()) as (session, _):
        first = await session.run(user_input="Anything Wednesday?")
        (answer,) = said(first)
        assert answer.startswith(
            "We're closed on Wednesday, March 4 for staff training. The nearest openings are "
        )
        assert "March 4" not in answer.split("openings are", 1)[1]
        second = await session.run(user_input="Then book me Wednesday at ten anyway.")
        (refusal,) = said(second)
        assert refusal.startswith("We're closed on Wednesday, March 4 for staff training.")
        # the model gets the nearest openings as exact starts, to offer one
        seen = json.loads(outputs(session)[-1])
        assert seen["error"] == "clinic_closed" and len(seen["alternatives"]) == 3
        assert not any(a.startswith("2026-03-04") for a in seen["alternatives"])
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_an_hour_long_physical_moves_half_an_hour_later(
    aida_session, store: Store, jane: str
) -> None:
    ids = await configure(store)
    start = local(4, 10).astimezone(dt.UTC)
    await store.book(
        CALLER, start, start + dt.timedelta(hours=1), provider_id=ids["patel"],
        visit_type_id=ids["physical"],
    )  # fmt: skip
    script = [call("reschedule_appointment", new_start="Wednesday at 10:30")]
    async with aida_session(script, caller=known_caller()) as (session, _):
        first = await session.run(user_input="Can I come half an hour later on Wednesday?")
        assert said(first) == [
            "Shall I move your appointment from Wednesday, March 4 at 10 AM to "
            "Wednesday, March 4 at 10:30 AM?"
        ]
        await session.run(user_input="Yes please.")
    (appt,) = booked(await store.list_appointments(phone=CALLER))
    assert appt.start_time == local(4, 10, 30).astimezone(dt.UTC)
    assert appt.end_time - appt.start_time == dt.timedelta(hours=1)
    assert appt.provider_id == ids["patel"]
