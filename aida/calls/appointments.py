"""What the call changed, from the timeline's tool results: the facts, never the model's memory.

A booking counts only when the tool result says it was created, a cancellation only when the
appointment was booked until then, a move only when it moved; a repeat or a refusal changes
nothing and is left out. Stated preferences are the arguments of preference tools that
succeeded, cleaned the way the tool cleaned them before storing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aida.errors import InvalidRequest
from aida.tools.remember_preference import clean_preferences

Event = Mapping[str, Any]

APPOINTMENT_FIELDS = ("id", "start", "end", "spoken", "status", "reason")


def _tool_calls(events: Iterable[Event]) -> dict[str, Event]:
    return {
        str(e.get("tool_call_id")): e
        for e in events
        if e.get("type") == "tool_call" and e.get("tool_call_id") is not None
    }


def _successes(events: Iterable[Event]) -> list[Event]:
    return [
        e
        for e in events
        if e.get("type") == "tool_result" and e.get("ok") and isinstance(e.get("result"), Mapping)
    ]


def _view(appointment: Any) -> dict[str, Any]:
    if not isinstance(appointment, Mapping):
        return {}
    return {k: appointment[k] for k in APPOINTMENT_FIELDS if k in appointment}


def appointments_in_call(events: Iterable[Event]) -> list[dict[str, Any]]:
    """`[{"action": "booked"|"cancelled"|"rescheduled", "id", "start", "end", "spoken",
    "status", "previous"?: {...}, "tool_call_id", "ts"}]` in the order they happened."""
    changes: list[dict[str, Any]] = []
    for event in _successes(events):
        name, result = event.get("name"), event["result"]
        action: str | None = None
        # accept_waitlist_offer: a waitlist hold turned into the booking (aida.agent.waitlist_offer)
        if name in ("book_appointment", "accept_waitlist_offer") and result.get("created"):
            action = "booked"
        elif name == "cancel_appointment" and result.get("cancelled_now"):
            action = "cancelled"
        elif name == "reschedule_appointment" and result.get("moved"):
            action = "rescheduled"
        view = _view(result.get("appointment"))
        if action is None or not view.get("id"):
            continue
        change: dict[str, Any] = {"action": action, **view}
        if action == "rescheduled":
            change["previous"] = _view(result.get("previous"))
        change["tool_call_id"] = event.get("tool_call_id")
        change["ts"] = event.get("ts")
        changes.append(change)
    return changes


def preferences_stated(events: Iterable[Event]) -> dict[str, Any]:
    """Preferences the caller stated and the tool stored, later statements winning."""
    events = list(events)
    calls = _tool_calls(events)
    stated: dict[str, Any] = {}
    for event in _successes(events):
        if event.get("name") != "remember_preference":
            continue
        args = calls.get(str(event.get("tool_call_id")), {}).get("args")
        if not isinstance(args, Mapping) or "topic" not in args or "preference" not in args:
            continue
        try:
            stated.update(clean_preferences({args["topic"]: args["preference"]}))
        except InvalidRequest:
            continue
    return stated


def callback_requests(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Action items the agent recorded during the call (e.g. the caller asked for a callback)."""
    items: list[dict[str, Any]] = []
    for event in events:
        item = event.get("item") if event.get("type") == "action_item" else None
        if not isinstance(item, Mapping):
            continue
        kind = str(item.get("kind") or "follow_up")
        reason = str(item.get("reason") or item.get("text") or "").strip()
        text = f"Call the patient back: {reason}" if kind == "callback" else reason
        entry: dict[str, Any] = {
            "kind": kind,
            "text": text or "Call the patient back.",
            "source": "call",
        }
        if item.get("urgent"):
            entry["urgent"] = True
        items.append(entry)
    # Urgent items (a possible emergency) first: staff read the top of the list.
    return sorted(items, key=lambda i: not i.get("urgent"))


def failed_writes(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Write tools that ended in an internal error: staff should check what the caller wanted."""
    out = []
    for event in events:
        if event.get("type") != "tool_result" or event.get("ok"):
            continue
        raw = event.get("error")
        error = raw if isinstance(raw, Mapping) else {}
        if (
            event.get("name")
            in ("book_appointment", "cancel_appointment", "reschedule_appointment")
            and error.get("error") == "internal"
        ):
            out.append({"name": event.get("name"), "tool_call_id": event.get("tool_call_id")})
    return out
