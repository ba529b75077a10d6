"""What of the call's timeline the caller's room may see.

The room is the caller's side: a web visitor reads every data message in it, whoever they are.
So the room gets only what is safe to tell an unproven caller: nothing that says whether the
number is on file or verified, why an identity check was refused, or what staff are asked to do
(an action item can name a patient's file being guessed). The full events stay in the call
record (`Timeline.events`), which only staff read.
"""

from __future__ import annotations

from typing import Any

# Never sent to the room: who the caller is, why a check failed, what staff must do.
_STAFF_ONLY_TYPES = frozenset(
    {"caller_identified", "identity_refused", "identity_redecoded", "action_item"}
)
# call_started without what the line or the lookup said about the caller.
_CALL_STARTED_HIDDEN = ("caller_id", "identified", "verified", "on_file")
# identify_caller's result says only what the caller heard.
_IDENTITY_TOOLS = frozenset({"identify_caller"})


def caller_safe(event: dict[str, Any]) -> dict[str, Any] | None:
    """The event as the room may see it, or None to keep it out of the room."""
    kind = event.get("type")
    if kind in _STAFF_ONLY_TYPES:
        return None
    if kind == "call_started":
        return {k: v for k, v in event.items() if k not in _CALL_STARTED_HIDDEN}
    if kind == "tool_result" and event.get("name") in _IDENTITY_TOOLS:
        slim = {k: v for k, v in event.items() if k not in ("result", "error")}
        if isinstance(event.get("result"), dict):
            slim["result"] = {"say": event["result"].get("say")}
        if isinstance(event.get("error"), dict):
            slim["error"] = {"error": "refused", "message": event["error"].get("message")}
        return slim
    return event
