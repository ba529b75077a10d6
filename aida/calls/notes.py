"""The facts of a call in words: what the model is told, and the note written without a model.

`timeline_summary` is the fallback when every LLM fails: plain sentences built from the timeline's
facts (appointment changes, preferences, callbacks), marked `status="timeline_only"`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aida.calls.appointments import callback_requests, failed_writes
from aida.store.models import CallSummary

END_REASONS = {
    "participant_disconnected": "the caller hung up",
    "user_initiated": "the call was ended from the session",
    "job_shutdown": "the worker shut down",
    "error": "an error ended it",
}

Status = Literal["complete", "timeline_only"]


@dataclass
class Summary:
    text: str
    action_items: list[dict[str, Any]]
    status: Status
    model: dict[str, str] | None = None  # {"provider", "model"} of the LLM that wrote it
    usage: list[dict[str, Any]] = field(default_factory=list)  # what summarising consumed
    errors: list[str] = field(default_factory=list)  # one line per failed LLM, no patient data
    # a model gave way to a live call: try again later without counting it as a failed attempt
    deferred: bool = False


def conversation_lines(record: CallSummary) -> list[str]:
    """ "Caller: ..." / "Aida: ..." lines, from the transcript or else the timeline."""
    lines: list[str] = []
    for item in record.transcript or []:
        if item.get("type", "message") != "message" or item.get("role") not in (
            "user",
            "assistant",
        ):
            continue
        content = item.get("content") or []
        text = (
            " ".join(c for c in content if isinstance(c, str))
            if isinstance(content, list)
            else str(content)
        )
        if text.strip():
            lines.append(
                f"{'Caller' if item['role'] == 'user' else 'Aida'}: {' '.join(text.split())}"
            )
    if lines:
        return lines
    for event in record.timeline or []:
        if event.get("type") == "transcript" and str(event.get("text", "")).strip():
            who = "Caller" if event.get("role") == "user" else "Aida"
            lines.append(f"{who}: {' '.join(str(event['text']).split())}")
    return lines


def caller_name(record: CallSummary) -> str | None:
    for event in reversed(record.timeline or []):
        result = (
            event.get("result") if event.get("type") == "tool_result" and event.get("ok") else None
        )
        if isinstance(result, Mapping) and result.get("name") and result.get("identified"):
            return str(result["name"])
    return None


TRANSFER_OUTCOMES = {
    "transferred": "The caller was transferred to the clinic staff.",
    "failed": "A transfer to the clinic staff failed; a callback was requested instead.",
    "not_possible": "The caller asked for a person; a callback was requested instead.",
}


def transfer_outcome(record: CallSummary) -> str | None:
    """How the call's last transfer to staff ended (see aida.agent.handoff), in a sentence."""
    last = None
    for event in record.timeline or []:
        if event.get("type") == "transfer" and event.get("status") in TRANSFER_OUTCOMES:
            last = TRANSFER_OUTCOMES[event["status"]]
    return last


def facts(record: CallSummary) -> dict[str, Any]:
    return {
        "caller_name": caller_name(record),
        "caller_identified": record.user_phone is not None,
        "duration_seconds": record.duration_seconds,
        "ended_because": END_REASONS.get(record.end_reason or "", record.end_reason),
        "appointment_changes": [
            {k: v for k, v in a.items() if k in ("action", "spoken", "previous", "reason")}
            for a in record.appointments_in_call or []
        ],
        "preferences_noted": record.preferences or {},
        "callbacks_requested": [i["text"] for i in callback_requests(record.timeline or [])],
        "transfer_to_staff": transfer_outcome(record),
    }


def failed_write_items(record: CallSummary) -> list[dict[str, Any]]:
    what = {
        "book_appointment": "a booking",
        "cancel_appointment": "a cancellation",
        "reschedule_appointment": "a change of appointment",
    }
    return [
        {
            "kind": "follow_up",
            "source": "call",
            "text": f"Check with the patient: {what.get(str(f['name']), 'a change')} failed "
            "because of a system error during the call.",
        }
        for f in failed_writes(record.timeline or [])
    ]


# --- without any model ----------------------------------------------------------------------------


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "a call"
    minutes, secs = divmod(round(seconds), 60)
    return f"a {minutes} min {secs} s call" if minutes else f"a {secs} s call"


def timeline_summary(record: CallSummary) -> Summary:
    """A factual note from the timeline alone, for when no model could write one."""
    f = facts(record)
    parts = [f"{_duration(record.duration_seconds).capitalize()}"]
    if f["ended_because"]:
        parts[0] += f"; {f['ended_because']}"
    parts[0] += "."
    if f["caller_name"]:
        parts.append(f"Caller: {f['caller_name']}.")
    elif not f["caller_identified"]:
        parts.append("The caller was not identified.")
    verbs = {"booked": "Booked", "cancelled": "Cancelled", "rescheduled": "Moved"}
    for change in record.appointments_in_call or []:
        verb = verbs.get(change.get("action", ""), str(change.get("action")))
        when = change.get("spoken") or change.get("start")
        if change.get("action") == "rescheduled" and change.get("previous"):
            previous = change["previous"].get("spoken") or change["previous"].get("start")
            parts.append(f"{verb} an appointment from {previous} to {when}.")
        else:
            parts.append(f"{verb} an appointment on {when}.")
    if not record.appointments_in_call:
        parts.append("No appointment was booked, cancelled or moved.")
    if f["transfer_to_staff"]:
        parts.append(f["transfer_to_staff"])
    if f["preferences_noted"]:
        noted = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in f["preferences_noted"].items())
        parts.append(f"Preferences noted: {noted}.")
    turns = sum(
        1
        for e in record.timeline or []
        if e.get("type") == "transcript" and e.get("role") == "user"
    )
    parts.append(f"The caller spoke {turns} time{'s' if turns != 1 else ''}.")
    parts.append("(Built from the call's timeline: no language model summary was available.)")
    items = callback_requests(record.timeline or []) + failed_write_items(record)
    return Summary(text=" ".join(parts), action_items=items, status="timeline_only")
