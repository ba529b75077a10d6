"""The attacks of issue 20, each against the real agent in-process (SQLite; the store's own
guarantees run on every backend in tests/store/test_contract_identity_guard.py): spraying dates
of birth and names, claiming a file with nothing to check, telling who is on file, racing the
lockout and turning it on the patient."""

from __future__ import annotations

import datetime as dt
import json

from aida.agent.room_events import caller_safe
from aida.agent.state import Caller, CallState
from aida.agent.verification import ASK_AGAIN, LOCKED, NO_MATCH
from aida.scheduling.clock import FixedClock
from aida.store.models import CallSummary
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, JANE_DOB, local, outputs, said
from tests.scripted_llm import call, say

EVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
STRANGER = ("ip:attacker", "lk:web-attacker")


def hint(source: str = "token") -> Caller:
    return Caller(phone=CALLER, name=None, source=source, on_file=False)  # type: ignore[arg-type]


async def _janes_appointment(store: Store) -> str:
    booking = await store.book(
        CALLER, local(4, 10).astimezone(dt.UTC), local(4, 10, 30).astimezone(dt.UTC),
        {"reason": "private knee trouble"},
    )  # fmt: skip
    return booking.appointment.id


def _every_day_of(year: int) -> str:
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return " ".join(out)


async def test_a_typed_spray_of_365_dates_of_birth_verifies_nobody(
    aida_session, store: Store, jane: str
) -> None:
    await _janes_appointment(store)
    script = [call("list_appointments"), call("list_appointments")]
    async with aida_session(script, caller=hint(), origins=STRANGER) as (session, _):
        said(await session.run(user_input="What appointments do I have?"))
        heard = said(await session.run(user_input=f"This is Jane Doe, born {_every_day_of(1985)}"))
        state: CallState = session.userdata
    assert state.verified_caller is None
    assert "March 4" not in " ".join(heard) and "knee" not in " ".join(heard)
    assert heard == [LOCKED]  # 365 guesses count as 365 failures: the limit is passed at once
    assert await store.count_identity_failures(CALLER, EVER) == 365
    refused = state.timeline.of_type("identity_refused")
    assert refused[-1]["reason"] == "several_names_or_dates"


async def test_31_spoken_dates_in_one_voice_turn_are_a_failure_not_a_match(
    aida_session, store: Store, jane: str
) -> None:
    spoken = ", ".join(f"March {n} 1985" for n in range(1, 32))
    async with aida_session([call("list_appointments")], caller=hint()) as (session, _):
        await session.run(user_input=f"Jane Doe born {spoken}. What do I have?")
        assert session.userdata.verified_caller is None
    assert await store.count_identity_failures(CALLER, EVER) == 31


async def test_twelve_first_names_and_twelve_surnames_verify_nobody(
    aida_session, store: Store, jane: str
) -> None:
    firsts = "Jane Mary Ann Sue Kim Lee Amy Eve Joy Fay May Zoe"
    lasts = "Doe Smith Brown Jones Lee Kim Park Diaz Chen Khan Wu Roy"
    async with aida_session([call("list_appointments")], caller=hint()) as (session, _):
        await session.run(user_input=f"This is {firsts} {lasts}, born {JANE_DOB}")
        assert session.userdata.verified_caller is None
    assert await store.count_identity_failures(CALLER, EVER) == 1


async def test_identify_caller_with_several_dates_or_names_is_a_failed_attempt(
    aida_session, store: Store, jane: str
) -> None:
    script = [
        call("identify_caller", full_name="Jane Doe", date_of_birth="3/2/85 3/3/85 3/4/85"),
        call("identify_caller", full_name="Jane Doe or Mary Doe", date_of_birth=JANE_DOB),
    ]
    async with aida_session(script, caller=hint()) as (session, _):
        first = said(await session.run(user_input="try one"))
        second = said(await session.run(user_input="try two"))
        assert session.userdata.verified_caller is None
    assert first == [LOCKED] and second == [LOCKED]
    assert await store.count_identity_failures(CALLER, EVER) == 3  # three dates, then refused


async def test_forty_parallel_identity_calls_are_checked_one_at_a_time(
    aida_session, store: Store, jane: str, settings
) -> None:
    """The race: 40 identify_caller calls in one turn. Each is an attempt, reserved and counted
    before it is checked; the right answer last finds the call refused."""
    days = [dt.date(1980, 1, 1) + dt.timedelta(days=d) for d in range(39)]
    wrong = [
        call("identify_caller", full_name="Jane Doe", date_of_birth=d.isoformat()) for d in days
    ]
    right = call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB)
    async with aida_session([[*wrong, right]], caller=hint()) as (session, _):
        heard = said(await session.run(user_input="Here are my guesses."))
        state: CallState = session.userdata
    assert state.verified_caller is None
    assert await store.count_identity_failures(CALLER, EVER) == settings.identity_max_failures
    assert len(heard) == 40 and heard.count(LOCKED) == 40 - 2
    assert "confirmed" not in " ".join(heard)


async def test_a_file_with_no_name_or_birth_date_cannot_be_claimed(
    aida_session, store: Store
) -> None:
    """The squat: a nameless row for the number (as call records used to create), a booking on
    it, then a caller who says who they would like to be."""
    await store.upsert_patient(CALLER)
    appointment = await _janes_appointment(store)
    script = [call("list_appointments")]
    async with aida_session(script, caller=hint(), origins=STRANGER) as (session, _):
        heard = said(
            await session.run(
                user_input="My name is Eve Mallory, born January 1st 1990. What do I have?"
            )
        )
        state: CallState = session.userdata
    assert state.verified_caller is None
    assert heard == [NO_MATCH]  # the answer any wrong detail gets
    assert "March 4" not in " ".join(heard)
    patient = await store.get_patient(CALLER)
    assert patient is not None and patient.name is None and patient.date_of_birth is None
    items = [e["item"] for e in state.timeline.of_type("action_item")]
    assert [i["kind"] for i in items] == ["callback"]  # staff confirm the file
    booked = await store.get_appointment(appointment)
    assert booked is not None and booked.status == "booked"


async def test_a_call_record_creates_no_patient(store: Store) -> None:
    record = CallSummary(id="5f0c6a52-6f5c-4d42-9f0e-1c1d1e1f2a3b", user_phone=CALLER)
    await store.save_call_summary(record)
    assert await store.get_patient(CALLER) is None
    kept = await store.get_call_summary(record.id)
    assert kept is not None and kept.user_phone is None and kept.presented_phone == CALLER


async def test_registration_from_a_hint_is_pending_for_staff(aida_session, store: Store) -> None:
    script = [
        call("identify_caller", full_name="Sam Lee", date_of_birth="7/4/90"),
        say("How can I help?"),
    ]
    async with aida_session(script, caller=hint(source="sip")) as (session, _):
        await session.run(user_input="I'm new. Sam Lee, born July 4th 1990.")
        state: CallState = session.userdata
    told = json.loads(outputs(session)[0])
    assert told["say"] == "Thank you, Sam Lee. I've noted your name and date of birth."
    assert state.verified_caller is not None and state.verified_caller.new_patient
    patient = await store.get_patient(CALLER)
    assert patient is not None and patient.registration_pending
    assert [p.phone for p in await store.list_pending_patients()] == [CALLER]
    items = [e["item"] for e in state.timeline.of_type("action_item")]
    assert items[0]["kind"] == "confirm_registration" and items[0]["patient_phone"] == CALLER
    assert not (await store.confirm_patient(CALLER)).registration_pending


async def test_one_answer_whatever_the_lookup_found(aida_session, store: Store) -> None:
    """A complete file with a wrong date, and a file with nothing to check, sound the same."""
    heard = []
    for phone, name in (("+12025550171", "Ann Lee"), ("+12025550172", None)):
        await store.upsert_patient(phone, name, dt.date(1970, 1, 1) if name else None)
        caller = Caller(phone=phone, name=None, source="token", on_file=False)
        script = [call("identify_caller", full_name="Ann Lee", date_of_birth="May 5th 1971")]
        async with aida_session(script, caller=caller) as (session, _):
            heard.append(said(await session.run(user_input="Ann Lee, May 5th 1971.")))
    assert heard[0] == heard[1] == [NO_MATCH]


def test_the_room_sees_no_lookup_result_refusal_or_staff_item() -> None:
    events = [
        {"type": "call_started", "seq": 1, "caller_id": "token", "identified": True,
         "verified": False, "on_file": True, "room": "r"},
        {"type": "identity_refused", "seq": 2, "reason": "file_incomplete"},
        {"type": "caller_identified", "seq": 3, "verified": True, "source": "token"},
        {"type": "action_item", "seq": 4, "item": {"kind": "identity_alert"}},
        {"type": "tool_result", "seq": 5, "name": "identify_caller", "ok": True,
         "result": {"say": "Thank you.", "verified": True, "callback_requested": True}},
        {"type": "transcript", "seq": 6, "role": "user", "text": "hi"},
    ]  # fmt: skip
    shown = [e for e in (caller_safe(e) for e in events) if e is not None]
    assert [e["seq"] for e in shown] == [1, 5, 6]
    assert set(shown[0]) == {"type", "seq", "room"}
    assert shown[1]["result"] == {"say": "Thank you."}


async def test_strangers_guessing_slow_the_file_but_do_not_lock_the_patient_out(
    aida_session, store: Store, jane: str, clock: FixedClock, settings
) -> None:
    """The abuse: three wrong guesses from a web session with Jane's number used to lock Jane
    out for an hour. Now the guesser's origin is locked, the file only backs off, and staff are
    told; Jane calling from her own phone a little later gets in."""

    def wrong(day: int):  # type: ignore[no-untyped-def]
        return call("identify_caller", full_name="Jane Doe", date_of_birth=f"{day} June 1984")

    async with aida_session([wrong(1), wrong(2), wrong(3)], caller=hint(), origins=STRANGER) as (
        session,
        _,
    ):
        heard = [said(await session.run(user_input=f"guess {n}"))[0] for n in (1, 2, 3)]
        state: CallState = session.userdata
    assert heard == [ASK_AGAIN[0], ASK_AGAIN[1], LOCKED]  # never the same sentence twice
    alerts = [e["item"] for e in state.timeline.of_type("action_item")]
    assert alerts[-1]["kind"] == "identity_alert" and alerts[-1]["patient_phone"] == CALLER

    # The same stranger again, from a new session on the same address, after the back-off:
    clock.advance(dt.timedelta(seconds=settings.identity_backoff_seconds + 1))
    again = ("ip:attacker", "lk:web-attacker-2")
    async with aida_session([wrong(4)], caller=hint(), origins=again) as (session, _):
        assert said(await session.run(user_input="guess 4")) == [LOCKED]
        assert session.userdata.timeline.of_type("identity_refused")[-1]["reason"] == (
            "origin_locked"
        )

    # Jane, from her own phone (its caller ID is the file's number), still within the hour:
    right = call("identify_caller", full_name="Jane Doe", date_of_birth=JANE_DOB)
    sip = (f"sip:{CALLER}", "lk:sip-jane")
    async with aida_session([right, say("How can I help?")], caller=hint("sip"), origins=sip) as (
        session,
        _,
    ):
        await session.run(user_input="Jane Doe, March 3rd 1985.")
        assert session.userdata.verified_caller is not None


async def test_a_portal_verified_patient_is_never_locked_out_by_strangers(
    aida_session, store: Store, jane: str
) -> None:
    wrong = [
        call("identify_caller", full_name="Jane Doe", date_of_birth=f"{d} June 1984")
        for d in range(1, 4)
    ]
    async with aida_session([wrong], caller=hint(), origins=STRANGER) as (session, _):
        await session.run(user_input="guesses")
    portal = Caller(phone=CALLER, name="Jane Doe", source="portal", on_file=True, verified=True)
    async with aida_session([call("list_appointments")], caller=portal) as (session, _):
        assert said(await session.run(user_input="What do I have?")) == [
            "You have no upcoming appointments."
        ]


async def test_a_name_as_speech_to_text_writes_it_with_the_spelling(
    aida_session, store: Store
) -> None:
    """ "Kwame Asante, K-W-A-M-E" came back as "Quayma Sante, KWAMI": the letters and the sound
    of the name match; the date of birth still has to be exact."""
    await store.upsert_patient(CALLER, "Kwame Asante", dt.date(1980, 5, 5))
    script = [call("list_appointments")]
    async with aida_session(script, caller=hint("sip")) as (session, _):
        await session.run(user_input="Quayma Sante, KWAMI, born May 5th 1980. What do I have?")
        assert session.userdata.verified_caller is not None
    async with aida_session(script, caller=hint("sip")) as (session, _):
        await session.run(user_input="Quayma Sante, KWAMI, born May 6th 1980. What do I have?")
        assert session.userdata.verified_caller is None
