"""What a reader proposes (`Reading`), what the agent knows when a turn arrives (`Facts`), and
the fixed sentences the dialogue says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Answer = Literal["yes", "no"] | None


@dataclass(frozen=True)
class Reading:
    """A proposed action for a turn: call `tool` with `args`, or say `say`; `answer` when the
    turn answers the read-back waiting; `updates` for the frame once acted on. `rule` names the
    rule (for the timeline and logs; never the caller's words)."""

    rule: str
    tool: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    say: str | None = None
    answer: Answer = None
    updates: dict[str, Any] = field(default_factory=dict)

    @property
    def why(self) -> str:  # the name the timeline and the tests knew it by
        return self.rule


@dataclass(frozen=True)
class Facts:
    """What the agent knows when the turn arrives."""

    verified: bool
    said_birth_date: bool  # a date of birth was said this call (words verification may pass)
    identity_question: str  # what to ask an unverified caller before patient data
    proposal_tool: str | None = None  # the read-back waiting for an answer, to repeat
    proposal_args: dict[str, Any] | None = None
    this_year: int | None = None  # the clinic's current year: full dates before it are births
    birth_date_here: str | None = None  # a date of birth said in this turn (ISO)
    number_known: bool = True  # a phone number to look the file up by (caller ID, or said)
    clinic_answers: bool = False  # a clinic profile to answer questions about the clinic from


WHICH_TIME = "What day and time would you like?"
NOT_SHARED = (
    "I can only help with the appointments of the patient on this call. The other person is "
    "welcome to call us themselves."
)
CALLBACK_AGAIN = (
    "I can't go into that on this call, but the clinic staff will call you back about it. "
    "Is there anything else I can help with, like an appointment?"
)
NOT_NOTED = "Okay, I won't note that. Is there anything else I can help with?"

PATIENT_TOOLS = frozenset(
    {"list_appointments", "book_appointment", "cancel_appointment", "reschedule_appointment",
     "remember_preference", "join_waitlist"}
)  # fmt: skip
