"""Who the caller proves to be: full name and date of birth against the file, before any patient
data is revealed or changed.

Caller ID and the web form's phone only point at a file; both are easy to fake or to know (family,
colleagues). So, as clinics do, a caller is verified by two identifiers the line cannot supply:
the full name and the date of birth on file. Failures are counted per phone number in the store,
across calls, and a number with too many recent failures is locked for self-service (staff call
back). Nothing said before verification tells whether a number or a name is on file: a wrong
name and a wrong date of birth get the same answer, and so does a number that is not on file at
all, except that a new number is registered (which is what a new patient needs).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import logging
import re
from typing import Any

from livekit.agents.llm import ToolError

from aida.agent.identity import names_match
from aida.agent.state import MAX_IDENTIFY_ATTEMPTS, Caller, CallState
from aida.agent.understand import NOT_SHARED, introduced_name
from aida.config import Settings
from aida.errors import InvalidPhone
from aida.scheduling.birthdates import dates_of_birth_in, parse_date_of_birth, unglue_born
from aida.scheduling.phones import normalize_phone
from aida.store.models import AuditEntry
from aida.tools.base import ToolResult
from aida.tools.register_patient import clean_name

logger = logging.getLogger("aida.verification")

NOT_VERIFIED = (
    "Before I can look at or change appointments, I need to confirm who I'm speaking with: "
    "please tell me your full name and date of birth."
)
NOT_IDENTIFIED = (
    "Before I can look at or change appointments, I need the phone number on your file, your "
    "full name and your date of birth."
)
NO_MATCH = (
    "I couldn't confirm those details. Could you say your full name and your date of birth again?"
)
NO_MATCH_WITH_NUMBER = (
    "I couldn't confirm those details. Could you say the phone number on your file, your full "
    "name and your date of birth again?"
)
# An offer, not a promise: transfer_to_staff says what it could do (transfer or callback).
LOCKED = (
    "I can't confirm your identity over the phone right now. I can put you through to a member "
    "of our staff, or ask them to call you back. Would you like that?"
)
NEEDS_STAFF = (
    "Thank you. I can't confirm your identity over the phone yet, so I've asked the clinic staff "
    "to call you back to confirm your details. I can still tell you which times are free."
)
OTHER_PATIENT = NOT_SHARED  # one sentence, whether code or a tool refuses


def audit_actor(state: CallState) -> str:
    return f"call:{state.call_id}"


async def audit(state: CallState, action: str, phone: str | None, **detail: Any) -> None:
    """One row of the access trail. A store that cannot take it must not break the call: the
    timeline (kept in the call record) holds the same event."""
    entry = AuditEntry(
        at=state.tools.now(),
        actor=audit_actor(state),
        action=action,
        patient_phone=phone,
        detail=detail,
    )
    try:
        await state.tools.store.record_audit(entry)
    except Exception as exc:
        logger.warning("audit row not written (%s): %s", type(exc).__name__, action)


def require_verified(state: CallState) -> Caller:
    """The verified caller, or the refusal that tells the model what to ask for."""
    caller = state.verified_caller
    if caller is None:
        raise ToolError(NOT_VERIFIED if state.caller is not None else NOT_IDENTIFIED)
    return caller


async def ensure_verified(state: CallState) -> Caller:
    """The verified caller; one who already said their full name and date of birth on this
    call is verified from their own words first, so a small model that goes straight to the
    booking tool ("this is Jane Doe, born March 3rd 1985, I'd like Wednesday at 10") does not
    make the caller say it all again."""
    if state.verified_caller is None:
        refusal = await _verify_from_words(state)
        if refusal is not None and state.verified_caller is None:
            raise ToolError(refusal)
    return require_verified(state)


def _staff_callback(state: CallState, reason: str) -> None:
    item = {
        "kind": "callback",
        "reason": reason,
        "identified": False,
        "ts": state.tools.now().isoformat(),
    }
    state.timeline.record("action_item", item=item)


async def verify_caller(
    state: CallState,
    settings: Settings,
    full_name: str,
    date_of_birth: str,
    phone: str | None,
) -> ToolResult:
    tools = state.tools
    store = tools.store
    now = tools.now()
    name = clean_name(full_name)
    today = now.astimezone(tools.clinic_hours.tz).date()
    born = parse_date_of_birth(date_of_birth, today, day_first=settings.phone_region != "US")
    given = normalize_phone(phone, settings.phone_region) if phone else None
    current = state.caller

    if current is not None and current.verified:
        if given is not None and given != current.phone:
            state.timeline.record("identity_refused", reason="different_phone")
            raise ToolError(OTHER_PATIENT)
        return ToolResult(
            say=f"Thanks, {current.name}, you're already confirmed on this call.",
            data={"verified": True},
        )
    target = given or (current.phone if current is not None else None)
    if target is None:
        raise ToolError("What's the phone number on your patient file?")

    window = dt.timedelta(minutes=settings.identity_lockout_minutes)
    recent = await store.count_identity_failures(target, now - window)
    if recent >= settings.identity_max_failures or state.identify_failures >= MAX_IDENTIFY_ATTEMPTS:
        state.timeline.record("identity_refused", reason="locked")
        await audit(state, "identity_locked", target)
        raise ToolError(LOCKED)

    patient = await store.get_patient(target)
    source = current.source if current is not None and current.phone == target else "spoken"

    if patient is None or (patient.name is None and patient.date_of_birth is None):
        # A new patient: name and date of birth are recorded, not verified (there is nothing to
        # verify against); the record is theirs from now on.
        patient = await store.upsert_patient(target, name, date_of_birth=born)
        state.caller = Caller(
            phone=target, name=patient.name, source=source, on_file=True, new_patient=True,
            verified=True,
        )  # fmt: skip
        state.timeline.record("caller_identified", source=source, new_patient=True, verified=True)
        await audit(state, "patient_registered", target)
        return ToolResult(
            say=f"Thank you, {patient.name}. I've noted your name and date of birth.",
            data={"verified": True},
        )

    if patient.date_of_birth is None:
        # On file from before dates of birth were kept: nothing to check the caller against over
        # the phone, so staff confirm it by calling back. Not a failure of the caller's.
        state.timeline.record("identity_refused", reason="no_date_of_birth_on_file")
        _staff_callback(state, "Confirm the patient's identity and record their date of birth.")
        await audit(state, "identity_needs_staff", target)
        return ToolResult(say=NEEDS_STAFF, data={"verified": False, "callback_requested": True})

    if not (patient.name and names_match(name, patient.name)) or patient.date_of_birth != born:
        if await _count_failure(state, target, born):
            recent += 1
        state.timeline.record("identity_refused", reason="no_match")
        if recent >= settings.identity_max_failures:
            raise ToolError(LOCKED)
        raise ToolError(NO_MATCH)

    await _confirm(state, target, patient.name, source)
    return ToolResult(say=f"Thank you, {patient.name}, you're confirmed.", data={"verified": True})


async def _confirm(state: CallState, phone: str, name: str | None, source: Any, **via: str) -> None:
    """The caller proved to be the patient on file for `phone`: fixed for the rest of the call."""
    await state.tools.store.clear_identity_failures(phone)
    state.caller = Caller(phone=phone, name=name, source=source, on_file=True, verified=True)
    state.timeline.record(
        "caller_identified", source=source, new_patient=False, verified=True, **via
    )
    await audit(state, "identity_verified", phone, **via)


async def _count_failure(state: CallState, phone: str, born: dt.date, **via: str) -> bool:
    """Count a wrong date of birth against the number, once per call for the same answer (it
    may be heard again from the caller's words after identify_caller refused it)."""
    if (phone, born) in state.tried_identities:
        return False
    state.tried_identities.add((phone, born))
    state.identify_failures += 1
    await state.tools.store.record_identity_failure(phone, state.tools.now())
    await audit(state, "identity_failed", phone, **via)
    return True


_PHONE_IN_WORDS = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")
# A number the caller said that speech-to-text garbled ("202-550143", "2.025.55.0. 143.1")
_DIGIT_RUN = re.compile(r"(?:\d[\s.,()-]*){7,}")
# "two zero two, five five five, zero one four three", as speech-to-text writes a number
_SPOKEN_PHONE = re.compile(
    r"(?:\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)\b[\s,.-]*){10,11}",
    re.IGNORECASE,
)


def _name_said(words: str, on_file: str) -> bool:
    """The first and the last word of the name on file were both said (STT drops punctuation
    and case; a middle name may be left out). The surname may be heard a little off ("Doe"
    as "Do" in "Jane Dobern") when the first name is exact: the date of birth must still match
    exactly."""
    said = set(re.findall(r"[a-z0-9]+", unglue_born(words).lower().replace("'", "")))
    tokens = re.findall(r"[a-z0-9]+", on_file.lower().replace("'", ""))
    if not tokens or tokens[0] not in said:
        return False
    last = tokens[-1]
    return last in said or any(
        len(w) >= 2 and difflib.SequenceMatcher(None, w, last).ratio() >= 0.75 for w in said
    )


async def _verify_from_words(state: CallState) -> str | None:
    """Verify against what the caller said this call: the phone on the line (or one they said),
    their full name and a date of birth. A date of birth that does not match counts as a failed
    check, once per number and date, exactly as identify_caller's would, and gets the same
    answer (returned: the refusal to give instead of asking for the details again)."""
    tools = state.tools
    settings = tools.settings
    words = " ".join(state.caller_lines)
    today = tools.now().astimezone(tools.clinic_hours.tz).date()
    born = dates_of_birth_in(words, today, day_first=settings.phone_region != "US")
    if not born:
        return None
    phones = [state.caller.phone] if state.caller is not None else []
    for raw in [*_PHONE_IN_WORDS.findall(words), *_SPOKEN_PHONE.findall(words)]:
        try:
            phones.append(normalize_phone(raw, settings.phone_region))
        except InvalidPhone:
            continue
    store = tools.store
    now = tools.now()
    window = dt.timedelta(minutes=settings.identity_lockout_minutes)
    if state.caller is not None and len(born) == 1:
        on_file = await store.get_patient(state.caller.phone)
        name = introduced_name(words)
        if name and (on_file is None or (on_file.name is None and on_file.date_of_birth is None)):
            # A new patient on the line's number who said who they are: registered, exactly as
            # identify_caller would do with the same words.
            with contextlib.suppress(ToolError):
                await verify_caller(state, settings, name, born[0].isoformat(), None)
            return None
    for phone in dict.fromkeys(phones):
        patient = await store.get_patient(phone)
        if patient is None or not patient.name or patient.date_of_birth is None:
            continue  # registering or staff verification go through identify_caller
        if not _name_said(words, patient.name):
            continue
        if (
            await store.count_identity_failures(phone, now - window)
            >= settings.identity_max_failures
        ):
            return LOCKED
        if patient.date_of_birth in born:
            source = (
                state.caller.source if state.caller and state.caller.phone == phone else "spoken"
            )
            await _confirm(state, phone, patient.name, source, via="words")
            return None
        for date in born:
            if await _count_failure(state, phone, date, via="words"):
                state.timeline.record("identity_refused", reason="no_match", via="words")
        return NO_MATCH
    if state.caller is None and (phones or _DIGIT_RUN.search(words)):
        # No caller ID, and the number, name and date of birth heard match no file (often a
        # digit misheard): asked again, without saying which of them did not match.
        return NO_MATCH_WITH_NUMBER
    return None
