"""The emergency guard: code, not the model, answers a caller who describes an emergency.

The scripted model is told to book anyway; the guard must keep it from being asked at all."""

from __future__ import annotations

from aida.agent.state import CallState
from aida.calls.appointments import callback_requests
from aida.store.protocol import Store
from tests.agent.conftest import CALLER, booked, known_caller, local, said
from tests.scripted_llm import call, say

CHEST_PAIN = "I have crushing chest pain and my left arm is numb."


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
