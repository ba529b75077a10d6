"""Aida's dialogue in code: the frame of the call, the readers that propose updates to it, the
policy that decides the next action, and the guard every model reply passes.

- `frame`: what the call is about (task and slots, the request waiting for identity, what Aida
  asked last); changed only by tool results and by readings once acted on.
- `times`, `lexicon`, `identity_words`: the time phrases (through the one time grammar in
  `aida.scheduling.dates_*`), the yes/no/closing words, the caller's name and date of birth.
- `reader`: the code rules, precision first; `policy`: the order of the dialogue and the
  identity step; `guard`: no claim of what did not happen, ever.
- `route`: the per-turn glue the agent calls (facts from the call state, shadow reading).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aida.agent.dialogue.frame import DialogMemory, Frame
from aida.agent.dialogue.identity_words import introduced_name, without_identity
from aida.agent.dialogue.policy import decide
from aida.agent.dialogue.times import Span, find_times, time_span
from aida.agent.dialogue.types import NOT_SHARED, Facts, Reading
from aida.scheduling.birthdates import dates_of_birth_in

# The names the agent and the tests knew them by.
TurnFacts = Facts
Understood = Reading


def read_turn(text: str, frame: Frame, facts: Facts) -> Reading | None:
    """What code does with this caller turn, or None for the model. Pure."""
    return decide(text, frame, facts)


understand = read_turn


def reader_context(context: dict[str, Any], now: dt.datetime, text: str) -> tuple[Frame, Facts]:
    """A frame and facts from a labelled turn's context, for `text` (bench/reader.py)."""
    frame = Frame(turn=1)
    if context.get("task"):
        frame.task = context["task"]
    if context.get("which"):
        frame.which = context["which"]
    if context.get("day"):
        frame.day = dt.date.fromisoformat(str(context["day"]))
    awaiting = context.get("awaiting")
    if awaiting:
        frame.awaiting_identity = (awaiting["tool"], dict(awaiting.get("args") or {}))
    visit = context.get("visit_request")
    if visit:
        frame.visit_request, frame.visit_turn = (visit["tool"], dict(visit.get("args") or {})), 0
    if context.get("callback"):
        frame.callback_topic, frame.callback_turn = context["callback"], 0
    verified = bool(context.get("verified", True))
    born = dates_of_birth_in(text, now.date())
    pending = context.get("pending") or {}
    return frame, Facts(
        verified=verified,
        said_birth_date=verified or bool(born),
        identity_question="Before I can look at or change appointments, I need to confirm who "
        "I'm speaking with: please tell me your full name and date of birth.",
        proposal_tool=pending.get("tool"),
        proposal_args=dict(pending.get("args") or {}) if pending else None,
        this_year=now.year,
        birth_date_here=born[0].isoformat() if len(born) == 1 else None,
    )


__all__ = [
    "NOT_SHARED",
    "DialogMemory",
    "Facts",
    "Frame",
    "Reading",
    "Span",
    "TurnFacts",
    "Understood",
    "find_times",
    "introduced_name",
    "read_turn",
    "reader_context",
    "time_span",
    "understand",
    "without_identity",
]
