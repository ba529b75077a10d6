"""Facts from the timeline's tool results: only what really changed counts."""

from __future__ import annotations

from typing import Any

from aida.calls.appointments import appointments_in_call, callback_requests, preferences_stated

A = {
    "id": "a1",
    "start": "2026-03-03T10:00:00-05:00",
    "end": "2026-03-03T10:30:00-05:00",
    "spoken": "Tuesday, March 3 at 10 AM",
    "status": "booked",
}
B = {
    "id": "b2",
    "start": "2026-03-04T09:30:00-05:00",
    "end": "2026-03-04T10:00:00-05:00",
    "spoken": "Wednesday, March 4 at 9:30 AM",
    "status": "booked",
}


def call(n: int, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_call", "seq": 2 * n, "tool_call_id": f"c{n}", "name": name, "args": args}


def ok(n: int, name: str, **result: Any) -> dict[str, Any]:
    return {
        "type": "tool_result",
        "seq": 2 * n + 1,
        "tool_call_id": f"c{n}",
        "name": name,
        "ok": True,
        "ts": f"t{n}",
        "result": {"say": "...", **result},
    }


def failed(n: int, name: str) -> dict[str, Any]:
    return {
        "type": "tool_result",
        "seq": 2 * n + 1,
        "tool_call_id": f"c{n}",
        "name": name,
        "ok": False,
        "error": {"error": "slot_taken", "message": "taken"},
    }


TIMELINE = [
    call(1, "book_appointment", {"start": A["start"]}),
    ok(1, "book_appointment", appointment=A, created=True),
    # the model repeated the booking: the store returned the same row, nothing new happened
    call(2, "book_appointment", {"start": A["start"]}),
    ok(2, "book_appointment", appointment=A, created=False),
    call(3, "book_appointment", {"start": B["start"]}),
    failed(3, "book_appointment"),
    call(4, "reschedule_appointment", {"appointment_id": "a1", "new_start": B["start"]}),
    ok(
        4,
        "reschedule_appointment",
        appointment=B,
        previous={**A, "status": "cancelled"},
        moved=True,
    ),
    call(5, "reschedule_appointment", {"appointment_id": "b2", "new_start": B["start"]}),
    ok(5, "reschedule_appointment", appointment=B, previous=B, moved=False),
    call(6, "cancel_appointment", {"appointment_id": "b2"}),
    ok(6, "cancel_appointment", appointment={**B, "status": "cancelled"}, cancelled_now=True),
    call(7, "cancel_appointment", {"appointment_id": "b2"}),
    ok(7, "cancel_appointment", appointment={**B, "status": "cancelled"}, cancelled_now=False),
    call(8, "remember_preference", {"topic": "Doctor", "preference": "Dr.  Patel"}),
    ok(8, "remember_preference", preferences={"doctor": "Dr. Patel", "older": "from last year"}),
    call(9, "remember_preference", {"topic": "reminders", "preference": "text"}),
    failed(9, "remember_preference"),
    call(10, "remember_preference", {"topic": "time of day", "preference": "mornings"}),
    ok(10, "remember_preference", preferences={}),
    {"type": "action_item", "item": {"kind": "callback", "reason": "billing question"}},
]


def test_changes_are_the_successful_writes_only() -> None:
    changes = appointments_in_call(TIMELINE)
    assert [(c["action"], c["id"]) for c in changes] == [
        ("booked", "a1"),
        ("rescheduled", "b2"),
        ("cancelled", "b2"),
    ]
    assert changes[1]["previous"]["id"] == "a1"
    assert changes[0]["spoken"] == "Tuesday, March 3 at 10 AM" and changes[0]["ts"] == "t1"


def test_preferences_are_what_the_caller_stated_and_the_tool_stored() -> None:
    # not the whole stored record ("older"), not the failed one ("reminders"); keys cleaned
    assert preferences_stated(TIMELINE) == {"doctor": "Dr. Patel", "time_of_day": "mornings"}


def test_callbacks_become_action_items() -> None:
    assert callback_requests(TIMELINE) == [
        {"kind": "callback", "text": "Call the patient back: billing question", "source": "call"}
    ]
