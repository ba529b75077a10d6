"""Conversation checks over a call's timeline: must_say, never_say, forbidden_tools."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aida.simulate.checks import ConversationChecks, ForbiddenTool

NY = ZoneInfo("America/New_York")


def said(role: str, text: str) -> dict[str, Any]:
    return {"type": "transcript", "role": role, "text": text}


def tool(call_id: str, name: str, ok: bool = True, **args: Any) -> list[dict[str, Any]]:
    result: dict[str, Any] = {"type": "tool_result", "tool_call_id": call_id, "ok": ok}
    if not ok:
        result["error"] = {"error": "refused", "message": "Who am I speaking with?"}
    return [{"type": "tool_call", "tool_call_id": call_id, "name": name, "args": args}, result]


CALL = [
    said("assistant", "Hello, this is Aida. How can I help?"),
    said("user", "Book me Wednesday at ten."),
    *tool("c1", "book_appointment", start="2026-03-04T10:00:00-05:00", reason="check-up"),
    said("assistant", "You\u2019re   booked for Wednesday, March 4 at 10 AM."),
    said("user", "Cancel my other one."),
    *tool("c2", "cancel_appointment", ok=False, appointment_id="a-1"),
    said("assistant", "Sorry, I can\u2019t book or cancel right now. Please try again later."),
]


def test_must_say_passes_on_any_alternative_anywhere_in_the_call() -> None:
    checks = ConversationChecks(must_say=(("all set", "BOOKED"), ("how can i help",)))
    assert checks.check(CALL, NY) == []


def test_must_say_names_the_alternatives_never_said() -> None:
    checks = ConversationChecks(must_say=(("911",), ("booked",)))
    (failure,) = checks.check(CALL, NY)
    assert failure.check == "must_say"
    assert failure.detail == 'Aida never said "911"'


def test_must_say_ignores_the_callers_words() -> None:
    # "Wednesday at ten" is only in the caller's line
    checks = ConversationChecks(must_say=(("wednesday at ten",),))
    assert [f.check for f in checks.check(CALL, NY)] == ["must_say"]


def test_never_say_matches_typographic_apostrophes_and_names_the_turn() -> None:
    checks = ConversationChecks(never_say=("can't book", "try again later", "911"))
    failures = checks.check(CALL, NY)
    assert [f.check for f in failures] == ["never_say", "never_say"]
    assert failures[0].detail.startswith('Aida said "can\'t book" (turn 2: "Sorry, I can')
    assert "try again later" in failures[1].detail


def test_never_say_counts_the_greeting() -> None:
    checks = ConversationChecks(never_say=("how can I help",))
    (failure,) = checks.check(CALL, NY)
    assert "(greeting:" in failure.detail


def test_forbidden_tool_by_name_fails_even_when_refused() -> None:
    checks = ConversationChecks(forbidden_tools=(ForbiddenTool("cancel_appointment"),))
    (failure,) = checks.check(CALL, NY)
    assert failure.check == "forbidden_tools"
    assert "turn 2: cancel_appointment(appointment_id='a-1')" in failure.detail
    assert "refused: Who am I speaking with?" in failure.detail


def test_forbidden_tool_with_args_compares_times_as_instants() -> None:
    # the scenario's naive local time is the model's offset time
    same = ForbiddenTool("book_appointment", {"start": "2026-03-04T10:00"})
    other = ForbiddenTool("book_appointment", {"start": "2026-03-04T10:30"})
    by_text = ForbiddenTool("book_appointment", {"reason": "Check-Up"})
    missing = ForbiddenTool("book_appointment", {"doctor": "Patel"})
    assert [f.detail for f in ConversationChecks(forbidden_tools=(same,)).check(CALL, NY)] == [
        "book_appointment(start='2026-03-04T10:00') must not be called; turn 1: "
        "book_appointment(start='2026-03-04T10:00:00-05:00', reason='check-up') -> ok"
    ]
    assert ConversationChecks(forbidden_tools=(other,)).check(CALL, NY) == []
    assert len(ConversationChecks(forbidden_tools=(by_text,)).check(CALL, NY)) == 1
    assert ConversationChecks(forbidden_tools=(missing,)).check(CALL, NY) == []


def test_no_checks_is_falsy_and_passes() -> None:
    assert not ConversationChecks()
    assert ConversationChecks().check(CALL, NY) == []
