"""The outbound side of a call in the worker: what the job's metadata says, what Aida says
when the patient answers, and what she leaves on a voicemail.

Privacy, in this order of who may be listening:
- before anyone has answered (ringing, silence, a voicemail greeting) Aida says nothing;
- a voicemail hears the clinic's name and its call-back number only: no patient name, no day,
  no time, never the visit reason (anyone may play a voicemail back);
- a person who answered hears whom the reminder is for, the day and the time, as the clinic's
  reminder script has it; never the visit reason;
- "wrong number" or "she's not here" ends the call with nothing more said;
- cancelling or moving is the usual dialogue, after the usual date-of-birth check: a reminder
  call reaches a number, not a proven person.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from aida.agent.dialogue.lexicon import words
from aida.config import Settings
from aida.scheduling.speech import spoken_datetime
from aida.store.models import Appointment

# No speech this long after the line went live: nobody to speak to but a recorder (or a
# person waiting, who hears the same no-PHI message), so the voicemail message is left.
SILENCE_IS_MACHINE_S = 6.0
# A first utterance this long, or with a recorder's words in it, is a greeting, not "hello?".
MACHINE_GREETING_WORDS = 12
_MACHINE_WORDS = re.compile(
    r"\b(?:leave (?:a|your) (?:message|name|number)|after the (?:tone|beep)|at the (?:tone|beep)"
    r"|voice ?mail|mailbox|not available|unavailable|cant come to the phone|cannot come to the"
    r" phone|cant take your call|cannot take your call|unable to (?:take|answer)|record your"
    r" message|get back to you|(?:has|have) not been set up|press pound|the person you are"
    r" calling|the number you have dialed|please hang up)\b"
)


@dataclass(frozen=True)
class OutboundJob:
    """The agent dispatch's metadata for an outbound call (aida.outbound.dialer.OutboundCall)."""

    purpose: str
    attempt_id: str
    appointment_id: str | None = None
    refs: dict[str, Any] = field(default_factory=dict)


def outbound_job(metadata: str | None) -> OutboundJob | None:
    """The outbound job in a dispatch's metadata, or None for an inbound call."""
    if not metadata:
        return None
    try:
        data = json.loads(metadata)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("direction") != "outbound":
        return None
    purpose, attempt = data.get("purpose"), data.get("attempt_id")
    if not isinstance(purpose, str) or not isinstance(attempt, str):
        return None
    appointment = data.get("appointment_id")
    refs = {
        k: v
        for k, v in data.items()
        if k not in ("direction", "purpose", "attempt_id", "appointment_id")
    }
    return OutboundJob(
        purpose=purpose,
        attempt_id=attempt,
        appointment_id=appointment if isinstance(appointment, str) else None,
        refs=refs,
    )


MENU = "Press or say 1 to confirm, 2 to cancel, 3 to change the time."
MENU_AGAIN = "Sorry, I didn't catch that. " + MENU
OPENING = (
    "Hello, this is Aida from {clinic} with a reminder for {first} about an appointment on "
    "{when}. " + MENU
)
# A reminder whose appointment is gone (cancelled since the call was placed): nothing to remind.
NOTHING_TO_REMIND = (
    "Hello, this is Aida from {clinic}. I'm sorry, this call is no longer needed. Goodbye!"
)
VOICEMAIL = (
    "Hello, this is Aida from {clinic}, calling with a message for a patient of ours. "
    "Please call us back{at}. Thank you, goodbye!"
)
CONFIRMED = "Thank you, your appointment is confirmed. We look forward to seeing you. Goodbye!"
ASK_IDENTITY_CANCEL = (
    "I can help you cancel it. First, to confirm who I'm speaking with, please tell me your "
    "full name and date of birth."
)
ASK_IDENTITY_MOVE = (
    "I can help you change the time. First, to confirm who I'm speaking with, please tell me "
    "your full name and date of birth."
)
WHICH_NEW_TIME = "Thank you. What day and time would suit you better?"
OPTED_OUT = "Understood. We won't call you again. Goodbye!"
WRONG_PERSON = "I'm sorry to have bothered you. Goodbye!"
CALL_LATER = "No problem, we'll try another time. Goodbye!"
NO_ANSWER_ENDING = (
    "I'm sorry, I couldn't understand. Please call the clinic{at} if you need us. Goodbye!"
)


def first_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[0] if parts else "our patient"


def reminder_opening(settings: Settings, name: str | None, appointment: Appointment) -> str:
    """The opening a person who answered hears: whom for, the day and the time. Never the
    visit reason (the appointment's meta holds it; it is not read here)."""
    return OPENING.format(
        clinic=settings.clinic_name,
        first=first_name(name),
        when=spoken_datetime(appointment.start_time, settings.tz),
    )


def _at(number: str | None) -> str:
    return f" at {number}" if number else ""


def voicemail_message(settings: Settings, callback_number: str | None) -> str:
    """The clinic's name and call-back number, and nothing about the patient."""
    return VOICEMAIL.format(clinic=settings.clinic_name, at=_at(callback_number))


def no_answer_ending(callback_number: str | None) -> str:
    return NO_ANSWER_ENDING.format(at=_at(callback_number))


def sounds_like_machine(text: str) -> bool:
    """The first thing heard on the line is a recorded greeting: a recorder's words, or more
    than a person says to pick up ("Hello?", "Hi, this is Jane")."""
    ws = words(text)
    return bool(_MACHINE_WORDS.search(" ".join(ws))) or len(ws) >= MACHINE_GREETING_WORDS
