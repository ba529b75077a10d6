"""What Aida says when an emergency is detected: fixed text, never generated, so the words a caller
in danger hears are reviewed once and always the same. Short sentences, the action first, the
number stated plainly; the text-to-speech voice reads them as written."""

from __future__ import annotations

from aida.safety.emergency import EmergencyMatch, Kind

_MEDICAL = (
    "This may be a medical emergency. Please hang up now and call {emergency_number}, "
    "or go to the nearest emergency room. I can't help with emergencies on this line."
)
_SELF_HARM = (
    "I'm really sorry you're going through this, and you don't have to face it alone. "
    "Please call or text {crisis_line}, the suicide and crisis line, now. "
    "If you are in immediate danger, call {emergency_number}."
)
# While the emergency is open (the caller has not said it is not one), every further turn gets a
# short reminder in place of the model's reply: nothing is offered, nothing is second-guessed.
_MEDICAL_AGAIN = (
    "Please call {emergency_number} now, or go to the nearest emergency room. If this is not an "
    "emergency, tell me, and I can help you with an appointment."
)
_SELF_HARM_AGAIN = (
    "Please call or text {crisis_line} now; someone is there for you right now. If you are in "
    "immediate danger, call {emergency_number}."
)
# The possible tier: one sentence at once, and the call goes on (the turn is still answered).
_SAFETY_NET = (
    "If this is an emergency, please hang up and call {emergency_number}. "
    "If not, I can help you with an appointment."
)
_SELF_HARM_NET = (
    "If you are thinking about harming yourself, please call or text {crisis_line}, the suicide "
    "and crisis line; someone is there for you right now. If you are in immediate danger, call "
    "{emergency_number}."
)
# A medical emergency that also carries a self-harm sign ("I took all my pills, I want to die").
_CRISIS_TOO = (
    " If you are thinking about harming yourself, you can also call or text {crisis_line}."
)
_WRITE_REFUSAL = (
    "I can't book, move or cancel appointments while this may be an emergency. "
    "Please hang up and call {emergency_number} now."
)


def emergency_message(kind: Kind, emergency_number: str, crisis_line: str) -> str:
    """The sentence Aida speaks at once when `detect_emergency` fires."""
    if kind == "self_harm":
        return _SELF_HARM.format(crisis_line=crisis_line, emergency_number=emergency_number)
    if kind == "medical":
        return _MEDICAL.format(emergency_number=emergency_number)
    raise ValueError(f"unknown emergency kind: {kind!r}")


def safety_message(match: EmergencyMatch, emergency_number: str, crisis_line: str) -> str:
    """What Aida says at once for a match of either tier: the emergency message (definite) or the
    safety-net sentence (possible); the crisis line whenever a self-harm sign was heard."""
    if match.tier == "possible":
        template = _SELF_HARM_NET if match.kind == "self_harm" or match.crisis else _SAFETY_NET
        return template.format(emergency_number=emergency_number, crisis_line=crisis_line)
    text = emergency_message(match.kind, emergency_number, crisis_line)
    if match.crisis and match.kind != "self_harm":
        text += _CRISIS_TOO.format(crisis_line=crisis_line)
    return text


def emergency_reminder(kind: Kind, emergency_number: str, crisis_line: str) -> str:
    """What Aida says to any further turn while the emergency is open."""
    if kind == "self_harm":
        return _SELF_HARM_AGAIN.format(crisis_line=crisis_line, emergency_number=emergency_number)
    if kind == "medical":
        return _MEDICAL_AGAIN.format(emergency_number=emergency_number)
    raise ValueError(f"unknown emergency kind: {kind!r}")


def write_refusal(emergency_number: str) -> str:
    """What a booking, moving or cancelling tool answers while an emergency is open."""
    return _WRITE_REFUSAL.format(emergency_number=emergency_number)
