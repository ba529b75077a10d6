"""The call record as the clinic keeps it, gathered from what the session left behind.

Everything here is local and synchronous-fast: it runs at hang-up, before any network call, and
its output is what goes into the outbox.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from aida.calls.appointments import appointments_in_call, preferences_stated
from aida.store.models import CallSummary

TRANSCRIPT_TYPES = ("message", "function_call", "function_call_output")


def json_safe(value: Any) -> Any:
    """A deep copy that is plain JSON (datetimes and other objects become strings)."""
    return json.loads(json.dumps(value, default=str))


def transcript_items(history: Any) -> list[dict[str, Any]]:
    """The conversation from `session.history` (a `ChatContext`, or its `to_dict()`): the
    caller's and Aida's messages and the tool calls with their outputs. The instructions
    (system/developer messages) are the same for every call and are left out."""
    if history is None:
        return []
    if hasattr(history, "to_dict"):
        history = history.to_dict(exclude_timestamp=False)
    items = history.get("items", []) if isinstance(history, Mapping) else history
    kept = []
    for item in items:
        if not isinstance(item, Mapping) or item.get("type", "message") not in TRANSCRIPT_TYPES:
            continue
        if item.get("type", "message") == "message" and item.get("role") not in (
            "user",
            "assistant",
        ):
            continue
        kept.append(item)
    return json_safe(kept)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def caller_proven(events: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the caller proved who they are in the call (portal, name and date of birth) or
    registered as a new patient in it."""
    return any(
        e.get("type") in ("call_started", "caller_identified") and e.get("verified") is True
        for e in events
    )


def build_record(
    *,
    call_id: str,
    room_name: str | None,
    caller_phone: str | None,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    end_reason: str | None,
    timeline: Iterable[Mapping[str, Any]],
    history: Any,
) -> CallSummary:
    """The row without its summary: facts, transcript, timeline and times."""
    events = json_safe(list(timeline))
    started = _aware(started_at)
    ended = _aware(ended_at) or dt.datetime.now(dt.UTC)
    duration = max(0.0, (ended - started).total_seconds()) if started else None
    preferences = preferences_stated(events)
    verified = caller_proven(events)
    started_event: Mapping[str, Any] = next(
        (e for e in events if e.get("type") == "call_started"), {}
    )
    return CallSummary(
        id=call_id,
        # Filed under the patient only when the caller proved to be them (or registered in the
        # call); the number presented is kept either way, marked unverified.
        user_phone=caller_phone if verified else None,
        presented_phone=caller_phone,
        caller_verified=verified if caller_phone else None,
        preferences=preferences or None,
        appointments_in_call=appointments_in_call(events),
        timeline=events,
        transcript=transcript_items(history),
        # the call's end, not the time of the write: retries must not move the row in lists
        created_at=ended,
        room_name=room_name,
        started_at=started,
        ended_at=ended,
        duration_seconds=round(duration, 3) if duration is not None else None,
        end_reason=end_reason,
        direction=str(started_event.get("direction") or "inbound"),
    )
