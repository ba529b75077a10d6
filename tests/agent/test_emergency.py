"""The emergency guard: code, not the model, answers a caller who describes an emergency.

The scripted model is told to book anyway; the guard must keep it from being asked at all."""

from __future__ import annotations

import asyncio

import pytest

from aida.agent.state import CallState
from aida.calls.appointments import callback_requests
from aida.safety import CATEGORIES
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, booked, known_caller, local, said
from tests.scripted_llm import call, say

CHEST_PAIN = "I have crushing chest pain and my left arm is numb."
SAFETY_NET = (
    "If this is an emergency, please hang up and call 911. "
    "If not, I can help you with an appointment."
)
# One caller turn per category of aida/safety/signs.py, as a caller would type or say it.
EVERY_CATEGORY = {
    "chest_pain": CHEST_PAIN,
    "breathing": "I can't breathe.",
    "choking": "My son is choking on a grape.",
    "stroke": "My mom's face is drooping on one side.",
    "bleeding": "I'm bleeding a lot and it won't stop.",
    "unconscious": "My husband collapsed in the kitchen.",
    "overdose_poisoning": "My toddler swallowed a button battery.",
    "allergic_reaction": "My throat is closing up after I ate peanuts.",
    "seizure": "My son is having a seizure.",
    "head_injury": "He hit his head and now he's vomiting and confused.",
    "burns": "My husband was electrocuted at work.",
    "infant": "My three week old has a fever.",
    "sepsis": "He has a fever and a rash that doesn't fade under a glass.",
    "pregnancy": "I'm 32 weeks pregnant and the baby stopped moving.",
    "declared": "This is an emergency.",
    "self_harm": "I want to kill myself.",
}


def _words(result) -> str:  # type: ignore[no-untyped-def]
    """What Aida said in one turn, as one line (a typed turn joins its segments)."""
    return " ".join(" ".join(said(result)).split())


def _said(session) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        i.text_content or ""
        for i in session.history.items
        if i.type == "message" and i.role == "assistant"
    ]


async def test_emergency_is_answered_by_code_and_nothing_is_booked(
    aida_session, store: Store, jane: str
) -> None:
    # a model that ignores the safety rule and books
    script = [call("book_appointment", start=local(2, 10).isoformat()), say("You're booked.")]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        result = await session.run(user_input=CHEST_PAIN)
        message = result.expect.next_event().is_message(role="assistant").event().item
        result.expect.no_more_events()
        state: CallState = session.userdata
        history_roles = [i.role for i in session.history.items if i.type == "message"]

    assert "911" in (message.text_content or "")
    assert "hang up" in (message.text_content or "").lower()
    assert llm.requests == []  # the model was never asked for this turn
    assert state.timeline.of_type("tool_call") == []
    assert booked(await store.list_appointments(phone=CALLER)) == []
    assert history_roles == ["user", "assistant"]  # the caller's words stay in the call
    emergency = state.timeline.of_type("emergency")
    assert [(e["kind"], e["category"]) for e in emergency] == [("medical", "chest_pain")]
    items = [e["item"] for e in state.timeline.of_type("action_item")]
    assert items and items[0]["urgent"] and items[0]["kind"] == "emergency"


async def test_nothing_is_offered_until_the_caller_calls_it_off(
    aida_session, store: Store, jane: str
) -> None:
    start = local(4, 10).isoformat()
    book = call("book_appointment", start=start)
    async with aida_session([book], caller=known_caller()) as (session, llm):
        await session.run(user_input=CHEST_PAIN)
        # while the emergency is open the model is not asked: a fixed reminder answers
        second = await session.run(user_input="Can you book me Wednesday at 10 anyway?")
        assert said(second) == [
            "Please call 911 now, or go to the nearest emergency room. If this is not an "
            "emergency, tell me, and I can help you with an appointment."
        ]
        assert llm.requests == []
        assert booked(await store.list_appointments(phone=CALLER)) == []

        third = await session.run(
            user_input="No no, it's not an emergency, that was last year. Wednesday at 10 please."
        )
        assert said(third) == ["Shall I book Wednesday, March 4 at 10 AM?"]
        fourth = await session.run(user_input="Yes.")
        assert said(fourth) == ["You're booked for Wednesday, March 4 at 10 AM."]
        state: CallState = session.userdata
        assert llm.exhausted

    assert len(booked(await store.list_appointments(phone=CALLER))) == 1
    assert state.emergency is None
    assert len(state.timeline.of_type("emergency_cleared")) == 1
    assert len(state.timeline.of_type("emergency")) == 1  # recorded once, not per turn


async def test_a_write_already_under_way_refuses_once_an_emergency_is_open(
    aida_session, store: Store, jane: str
) -> None:
    """Defence in depth: the model is never asked during an emergency, but a tool call already
    on its way when one opens (a preemptive generation, say) still writes nothing."""
    from aida.safety import detect_emergency

    def during_the_emergency(ctx):  # type: ignore[no-untyped-def]
        state.emergency = detect_emergency(CHEST_PAIN)
        return call("book_appointment", start=local(4, 10).isoformat())

    async with aida_session([during_the_emergency], caller=known_caller()) as (session, _):
        state: CallState = session.userdata
        result = await session.run(user_input="Wednesday at 10, please.")
        assert said(result) == [
            "I can't book, move or cancel appointments while this may be an emergency. "
            "Please hang up and call 911 now."
        ]
    assert booked(await store.list_appointments(phone=CALLER)) == []


async def test_self_harm_gets_the_crisis_line(aida_session, settings, jane: str) -> None:
    async with aida_session([say("unused")], caller=known_caller()) as (session, llm):
        await session.run(user_input="honestly i dont want to live anymore i want to end my life")
        said = " ".join(_said(session))
        state: CallState = session.userdata
    assert settings.crisis_line in said and "988" in said
    assert llm.requests == []
    assert state.timeline.of_type("emergency")[0]["kind"] == "self_harm"


async def test_ordinary_turns_reach_the_model(aida_session, jane: str) -> None:
    script = [say("Your chest X-ray results are with the doctor; shall I ask for a callback?")]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        await session.run(user_input="I'm calling about my chest x-ray results.")
        state: CallState = session.userdata
    assert len(llm.requests) == 1
    assert state.emergency is None and state.timeline.of_type("emergency") == []


async def test_the_call_record_lists_the_urgent_item_first(aida_session, jane: str) -> None:
    script = [call("request_callback", reason="billing question")]
    async with aida_session(script, caller=known_caller()) as (session, _):
        await session.run(user_input="Can someone call me about my bill?")
        await session.run(user_input="Wait, I can't breathe properly, my throat is closing up.")
        events = list(session.userdata.timeline.events)
    items = callback_requests(events)
    assert [i["kind"] for i in items] == ["emergency", "callback"]
    assert items[0]["urgent"] is True
    assert "allergic" in items[0]["text"] or "breathing" in items[0]["text"]


def test_every_category_is_tried_in_the_agent() -> None:
    assert set(EVERY_CATEGORY) == set(CATEGORIES)


@pytest.mark.parametrize(("category", "text"), sorted(EVERY_CATEGORY.items()))
async def test_each_category_is_answered_by_code_and_nothing_is_booked(
    aida_session, store: Store, jane: str, category: str, text: str
) -> None:
    # a model that ignores the safety rule and books
    script = [call("book_appointment", start=local(2, 10).isoformat()), say("You're booked.")]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        result = await session.run(user_input=f"{text} Can you book me in at 10?")
        spoken = " ".join(said(result))
        state: CallState = session.userdata
    assert llm.requests == []
    assert "911" in spoken
    if category == "self_harm":
        assert "988" in spoken
    assert state.timeline.of_type("tool_call") == []
    assert booked(await store.list_appointments(phone=CALLER)) == []
    assert [e["category"] for e in state.timeline.of_type("emergency")] == [category]
    assert state.emergency is not None


async def test_a_possible_sign_gets_the_safety_net_and_the_booking_goes_on(
    aida_session, store: Store, jane: str
) -> None:
    script = [call("book_appointment", start=local(4, 10).isoformat())]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        first = await session.run(
            user_input="I had some chest pain yesterday. Can you book me Wednesday at 10?"
        )
        assert _words(first) == f"{SAFETY_NET} Shall I book Wednesday, March 4 at 10 AM?"
        second = await session.run(user_input="Yes.")
        assert said(second) == ["You're booked for Wednesday, March 4 at 10 AM."]
        state: CallState = session.userdata
        assert llm.exhausted

    assert len(booked(await store.list_appointments(phone=CALLER))) == 1
    assert state.emergency is None and state.timeline.of_type("emergency") == []
    possible = state.timeline.of_type("emergency_possible")
    assert [(e["kind"], e["category"], e["tier"]) for e in possible] == [
        ("medical", "chest_pain", "possible")
    ]
    items = callback_requests(state.timeline.events)
    assert [(i["kind"], i.get("urgent", False)) for i in items] == [("emergency_possible", False)]


async def test_the_safety_net_is_said_once_a_call(aida_session, jane: str) -> None:
    script = [say("Of course. What day suits you?"), say("Let me look.")]
    async with aida_session(script, caller=known_caller()) as (session, _):
        first = await session.run(user_input="My heart was racing earlier, can I see someone?")
        second = await session.run(
            user_input="My heart was racing again last night. Any day is fine."
        )
        state: CallState = session.userdata
    assert _words(first) == f"{SAFETY_NET} Of course. What day suits you?"
    assert _words(second) == "Let me look."
    assert len(state.timeline.of_type("emergency_possible")) == 2  # both on the timeline
    assert len([i for i in callback_requests(state.timeline.events)]) == 1


async def test_a_passive_wish_to_be_dead_gets_the_crisis_line_and_the_call_goes_on(
    aida_session, settings, jane: str
) -> None:
    script = [say("I'm here to help. Which day would you like?")]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        result = await session.run(
            user_input="Honestly I'm so tired of being alive. Anyway, can I see the doctor?"
        )
        state: CallState = session.userdata
    spoken = _words(result)
    crisis, _, answer = spoken.partition("call 911. ")
    assert settings.crisis_line in crisis and "suicide and crisis line" in crisis
    assert answer == "I'm here to help. Which day would you like?"
    assert len(llm.requests) == 1 and state.emergency is None
    items = callback_requests(state.timeline.events)
    assert items[0]["kind"] == "emergency_possible" and items[0]["urgent"] is True


async def test_an_overdose_with_self_harm_names_both_numbers(aida_session, jane: str) -> None:
    async with aida_session([say("unused")], caller=known_caller()) as (session, llm):
        result = await session.run(user_input="I took all my pills because I want to die.")
    spoken = " ".join(said(result))
    assert "911" in spoken and "988" in spoken and spoken.index("911") < spoken.index("988")
    assert llm.requests == []


# --- the voice path: the guard on the speech-to-text transcript -------------------------------


async def _heard(session, text: str) -> None:  # type: ignore[no-untyped-def]
    """A caller turn as the voice pipeline hands it over: livekit's audio recognition calls the
    activity's `on_end_of_turn` with the STT's final transcript, which runs the agent's
    `on_user_turn_completed` (where the guard screens voice turns) and then the reply. No audio
    and no real time: the transcript is what Whisper or Deepgram would have written."""
    from livekit.agents.voice.audio_recognition import _EndOfTurnInfo, _EndOfTurnMetrics

    activity = session._activity
    metrics = _EndOfTurnMetrics(None, None, None, None)
    assert activity.on_end_of_turn(_EndOfTurnInfo(False, text, 1.0, metrics))
    await activity._user_turn_completed_atask
    quiet = 0
    for _ in range(500):  # until Aida has said all she says to this turn
        await asyncio.sleep(0.01)
        idle = session.current_speech is None and not activity._speech_q
        quiet = quiet + 1 if idle else 0
        if quiet >= 5:
            return
    raise AssertionError("Aida did not finish her reply")


async def test_a_possible_sign_heard_in_a_voice_turn_gets_the_safety_net_and_books(
    aida_session, store: Store, jane: str
) -> None:
    script = [call("book_appointment", start=local(4, 10).isoformat())]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        await _heard(session, "i had some chest pain yesterday can you book me wednesday at ten")
        first = _said(session)
        await _heard(session, "yes")
        state: CallState = session.userdata
        spoken = _said(session)
        assert llm.exhausted

    # the safety net at once, as its own sentence, then the answer to the same turn
    assert first == [SAFETY_NET, "Shall I book Wednesday, March 4 at 10 AM?"]
    assert spoken[2:] == ["You're booked for Wednesday, March 4 at 10 AM."]
    assert len(booked(await store.list_appointments(phone=CALLER))) == 1
    assert state.emergency is None and state.timeline.of_type("emergency") == []
    assert [e["tier"] for e in state.timeline.of_type("emergency_possible")] == ["possible"]


async def test_a_definite_sign_heard_in_a_voice_turn_is_answered_by_code(
    aida_session, store: Store, jane: str
) -> None:
    script = [call("book_appointment", start=local(2, 10).isoformat()), say("You're booked.")]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        await _heard(session, "my dad had a stroke years ago and now his face is drooping")
        spoken = _said(session)
        state: CallState = session.userdata
    assert spoken and "911" in spoken[0] and llm.requests == []
    assert [e["category"] for e in state.timeline.of_type("emergency")] == ["stroke"]
    assert booked(await store.list_appointments(phone=CALLER)) == []
