"""Who the caller proves to be: one full name and one date of birth against the file, before any
patient data is revealed or changed.

Caller ID and the web form's phone only point at a file; both are easy to fake or to know (family,
colleagues). So, as clinics do, a caller is verified by two identifiers the line cannot supply:
the full name and the date of birth on file (the name as speech-to-text writes it, the date
exact). Each attempt holds one name and one date (`aida.agent.claims`): several in one attempt
are a failure, one guess per distinct date. An attempt is reserved and counted in one step in the
store, against the file (the target) and against where it came from (the origins: caller ID,
client address, LiveKit identity), and identity checks of one call run one at a time. The file
backs off after `IDENTITY_MAX_FAILURES` (it is never locked for an hour by strangers) and staff
get an action item; an origin is locked for the window. Nothing said before verification tells
whether a file exists or what it lacks: a wrong name, a wrong date and a file that cannot be
claimed over the phone get the same answers, which change from one failed attempt to the next.
A number with no file at all registers a new patient, pending until staff confirm it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import uuid
from typing import Any

from livekit.agents.llm import ToolError

from aida.agent.claims import Claim, claim_in_arguments, claim_in_words, names_in_words
from aida.agent.claims import spelled_words as _spelled
from aida.agent.identity import names_match
from aida.agent.state import MAX_IDENTIFY_ATTEMPTS, Caller, CallState
from aida.agent.understand import NOT_SHARED
from aida.config import Settings
from aida.errors import InvalidPhone, InvalidRequest
from aida.scheduling.birthdates import dates_of_birth_in
from aida.scheduling.phones import normalize_phone
from aida.store.models import AuditEntry, IdentityCount, Patient
from aida.tools.base import ToolResult

logger = logging.getLogger("aida.verification")

NOT_VERIFIED = (
    "Before I can look at or change appointments, I need to confirm who I'm speaking with: "
    "please tell me your full name and date of birth."
)
NOT_IDENTIFIED = (
    "Before I can look at or change appointments, I need the phone number on your file, your "
    "full name and your date of birth."
)
# After each failed attempt a different question, so a caller misheard twice is not asked the
# same thing a third time; the same whatever the file holds (or lacks).
ASK_AGAIN = (
    "I couldn't confirm those details. Could you spell your last name for me, letter by letter, "
    "and say your date of birth again?",
    "I still couldn't confirm them. Please say your first and last name, then your date of "
    "birth as the month, the day and the year, like March 3rd, 1985.",
)
ASK_AGAIN_WITH_NUMBER = (
    "I couldn't confirm those details. Could you say the phone number on your file, spell your "
    "last name, and say your date of birth again?",
    "I still couldn't confirm them. Please say the phone number on your file, your first and "
    "last name, and your date of birth as the month, the day and the year.",
)
# On a phone line the keypad is offered as well (aida.agent.keypad reads what is typed): digits
# cannot be misheard. The order of the date's parts follows the clinic's region.
KEYPAD_DATE = (
    "You can also type your date of birth on the keypad as two digits for the month, two for "
    "the day and four for the year, then the pound key."
)
KEYPAD_DATE_DAY_FIRST = (
    "You can also type your date of birth on the keypad as two digits for the day, two for the "
    "month and four for the year, then the pound key."
)
KEYPAD_PHONE = "You can also type the phone number on your file on the keypad, then the pound key."
ASK_AGAIN_KEYPAD = (
    ASK_AGAIN[0] + " {date}",
    "I still couldn't confirm them. Please say your first and last name again, and type your "
    "date of birth on the keypad if you can: {parts}, then the pound key.",
)
ASK_AGAIN_KEYPAD_WITH_NUMBER = (
    ASK_AGAIN_WITH_NUMBER[0] + " " + KEYPAD_PHONE,
    "I still couldn't confirm them. Please type the phone number on your file on the keypad, "
    "then the pound key, and say your first and last name and your date of birth again.",
)
NO_MATCH = ASK_AGAIN[0]
NO_MATCH_WITH_NUMBER = ASK_AGAIN_WITH_NUMBER[0]
NO_NAME = "Could you tell me your first and last name, please?"
# An offer, not a promise: transfer_to_staff says what it could do (transfer or callback).
LOCKED = (
    "I can't confirm your identity over the phone right now. I can put you through to a member "
    "of our staff, or ask them to call you back. Would you like that?"
)
OTHER_PATIENT = NOT_SHARED  # one sentence, whether code or a tool refuses
REGISTERED = "Thank you, {name}. I've noted your name and date of birth."
# Staff, in the record only: never said to the caller.
NEEDS_STAFF_REASON = (
    "A caller gave a name and date of birth for a file that has no name or no date of birth on "
    "record. Confirm the patient's identity and complete the file."
)
GUESSED_REASON = (
    "Several wrong names or dates of birth were given for this patient's file (in this call or "
    "recent ones). Check with the patient; self-service for the file is slowed down meanwhile."
)
PENDING_REASON = (
    "A new patient registered by phone or web from a number that proves nothing. Confirm the "
    "registration (dashboard: Confirm patient) once you have checked who they are."
)


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
    """The verified caller; one who said their full name and date of birth in this turn is
    verified from their own words first, so a small model that goes straight to the booking
    tool ("this is Jane Doe, born March 3rd 1985, I'd like Wednesday at 10") does not make the
    caller say it all again."""
    if state.verified_caller is None:
        async with state.identity_lock:
            refusal = await _verify_from_words(state)
        if refusal is not None and state.verified_caller is None:
            raise ToolError(refusal)
    return require_verified(state)


def _action_item(state: CallState, kind: str, reason: str, **extra: Any) -> None:
    item = {
        "kind": kind,
        "reason": reason,
        "identified": False,
        "ts": state.tools.now().isoformat(),
        **extra,
    }
    state.timeline.record("action_item", item=item)


async def verify_caller(
    state: CallState,
    settings: Settings,
    full_name: str,
    date_of_birth: str,
    phone: str | None,
) -> ToolResult:
    """identify_caller: one attempt with the name and date the model passed on."""
    async with state.identity_lock:
        return await _verify_arguments(state, settings, full_name, date_of_birth, phone)


async def _verify_arguments(
    state: CallState,
    settings: Settings,
    full_name: str,
    date_of_birth: str,
    phone: str | None,
) -> ToolResult:
    tools = state.tools
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
    # The number typed on the keypad (aida.agent.keypad) is the number said.
    target = given or state.keyed_phone or (current.phone if current is not None else None)
    if target is None:
        raise ToolError(
            "What's the phone number on your patient file?"
            + (f" {KEYPAD_PHONE}" if state.sip_call else "")
        )
    today = tools.now().astimezone(tools.clinic_hours.tz).date()
    # Unreadable: asked again, never counted (mishearing is not an attack); on a phone line
    # with the keypad offered.
    try:
        claim = claim_in_arguments(
            full_name, date_of_birth, today, day_first=settings.phone_region != "US"
        )
    except InvalidRequest as exc:
        if not state.sip_call:
            raise
        raise InvalidRequest(f"{exc.message} {keypad_date_offer(settings)}") from None
    heard = _spelled(state.caller_lines[-1]) if state.caller_lines else ()
    spelled = tuple(dict.fromkeys([*claim.spelled, *heard]))
    claim = Claim(claim.names, claim.dates, spelled)
    return await _attempt(state, target, claim, heard_in=_line_of(state, claim, today))


def _line_of(state: CallState, claim: Claim, today: dt.date) -> str | None:
    """The caller's latest turn in which the attempt's date was heard (the audio a second
    hearing decodes again), or None: a date typed on the keypad, or not said in the last turns."""
    if claim.date is None:
        return None
    day_first = state.tools.settings.phone_region != "US"
    for line in reversed(state.caller_lines[-2:]):
        if claim.date in dates_of_birth_in(line, today, day_first=day_first):
            return line
    return None


async def _heard_again(
    state: CallState, line: str, claim: Claim, name_on_file: str, born: dt.date
) -> bool:
    """Whether whisper base, hearing the turn `line` again (aida.local.redecode), hears the name
    and date of birth on file: one name and one date, as any attempt. Within the same attempt."""
    audio = state.call_audio
    if audio is None:
        return False
    started = time.perf_counter()
    text = await audio.redecode(line)
    if text is None:
        return False
    tools = state.tools
    today = tools.now().astimezone(tools.clinic_hours.tz).date()
    second = claim_in_words(text, today, day_first=tools.settings.phone_region != "US")
    name = second.name or claim.name
    date = second.date if second.dates else claim.date
    spelled = tuple(dict.fromkeys([*claim.spelled, *second.spelled]))
    matched = bool(
        not second.spray
        and name is not None
        and date == born
        and names_match(name, name_on_file, spelled)
    )
    state.timeline.record(
        "identity_redecoded",
        matched=matched,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return matched


def _source(state: CallState, phone: str) -> Any:
    caller = state.caller
    return caller.source if caller is not None and caller.phone == phone else "spoken"


def _origins(state: CallState, target: str) -> list[str]:
    # Caller ID that is the target's own number is the target, not a separate origin: counting
    # it apart would let anyone who spoofs Jane's number lock Jane's own phone.
    return [o for o in state.origins if o and o != f"sip:{target}"]


def _backoff(settings: Settings, failures: int) -> dt.timedelta:
    over = max(0, failures - settings.identity_max_failures)
    seconds = settings.identity_backoff_seconds * (2 ** min(over, 16))
    return min(
        dt.timedelta(seconds=seconds), dt.timedelta(minutes=settings.identity_lockout_minutes)
    )


def _refusal_reason(
    settings: Settings,
    target: IdentityCount,
    origins: list[IdentityCount],
    now: dt.datetime,
) -> str | None:
    """Why this attempt may not be checked at all, or None."""
    limit = settings.identity_max_failures
    if any(o.failures >= limit for o in origins):
        return "origin_locked"  # whoever has been guessing from here: locked for the window
    # The file itself only backs off: the patient can still get in, the guesser slowly.
    last = target.last_failed_at
    if (
        target.failures >= limit
        and last is not None
        and now - last < _backoff(settings, target.failures)
    ):
        return "target_backoff"
    return None


def keypad_date_offer(settings: Settings) -> str:
    return KEYPAD_DATE_DAY_FIRST if settings.phone_region != "US" else KEYPAD_DATE


def _ask_again(state: CallState, *, with_number: bool) -> str:
    """The next way of asking: each refusal of the call asks differently, then offers staff.
    On a phone line the keypad is offered too."""
    if state.sip_call:
        day_first = state.tools.settings.phone_region != "US"
        parts = (
            "two digits for the day, two for the month and four for the year"
            if day_first
            else "two digits for the month, two for the day and four for the year"
        )
        sentences: tuple[str, ...] = tuple(
            s.format(date=keypad_date_offer(state.tools.settings), parts=parts)
            for s in (ASK_AGAIN_KEYPAD_WITH_NUMBER if with_number else ASK_AGAIN_KEYPAD)
        )
    else:
        sentences = ASK_AGAIN_WITH_NUMBER if with_number else ASK_AGAIN
    turn = state.asked_again
    state.asked_again += 1
    return sentences[turn] if turn < len(sentences) else LOCKED


async def _attempt(
    state: CallState,
    target: str,
    claim: Claim,
    *,
    via: str | None = None,
    register: bool = True,
    heard_in: str | None = None,
) -> ToolResult:
    """One attempt at `target`'s file: reserved and counted first, then checked; returns the
    confirmation or registration, raises the refusal. The sentence depends only on how many
    attempts failed in this call, never on what the file holds."""
    tools, settings = state.tools, state.tools.settings
    store = tools.store
    now = tools.now()
    via_kw = {"via": via} if via else {}
    with_number = state.caller is None and state.keyed_phone is None
    if not claim.names:
        raise ToolError(NO_NAME)  # nothing to check yet: not an attempt
    state.last_claim = claim  # a date typed on the keypad next goes with this name
    said = (target, " ".join(sorted(claim.names)).lower(), claim.dates)
    if said in state.tried_claims:
        # The same details again: not a second count. Heard from the words of the turn that
        # identify_caller just refused, the same answer; said again later, asked differently.
        if state.last_refusal is not None and state.refused_at_turn == len(state.caller_lines):
            raise ToolError(state.last_refusal)
        state.last_refusal = _ask_again(state, with_number=with_number)
        state.refused_at_turn = len(state.caller_lines)
        raise ToolError(state.last_refusal)
    # Every distinct date tried counts once; a corrected name with a date tried already is
    # a new attempt, of one guess.
    new_dates = [d for d in claim.dates if (target, d) not in state.tried_identities]
    guesses = max(1, len(new_dates))
    if state.identify_failures >= MAX_IDENTIFY_ATTEMPTS:
        state.timeline.record("identity_refused", reason="call_limit", **via_kw)
        raise ToolError(LOCKED)

    attempt = uuid.uuid4().hex
    origins = _origins(state, target)
    window = dt.timedelta(minutes=settings.identity_lockout_minutes)
    counts = {
        c.subject: c
        for c in await store.reserve_identity_attempt(
            attempt, [target, *origins], now, now - window, weight=guesses
        )
    }
    before = counts.get(target) or IdentityCount(subject=target, failures=0)
    reason = _refusal_reason(settings, before, [counts[o] for o in origins if o in counts], now)
    if reason is not None:
        # Not checked, so not a guess at the file; the origin keeps counting.
        await store.release_identity_attempt(attempt)
        for origin in origins:
            await store.record_identity_failure(origin, now)
        state.timeline.record("identity_refused", reason=reason, **via_kw)
        await audit(state, "identity_locked", target, reason=reason)
        state.last_refusal = LOCKED
        state.refused_at_turn = len(state.caller_lines)
        raise ToolError(LOCKED)
    state.tried_identities.update((target, d) for d in new_dates)
    state.tried_claims.add(said)

    files = await store.patients_for(target)
    if not files and register and not claim.spray:
        registered = await _register(state, target, claim)
        if registered is not None:
            await store.release_identity_attempt(attempt)
            return registered
        files = await store.patients_for(target)  # somebody registered it meanwhile
    # Several files on one number (a family phone, in an EHR): the one this name and date of
    # birth prove, never the first; with none proved, the attempt fails as any other does.
    patient = _proved(claim, files) if len(files) > 1 else (files[0] if files else None)

    outcome = "no_match"
    if claim.spray:
        outcome = "several_names_or_dates"
    elif patient is None and len(files) > 1:
        if all(not f.name or f.date_of_birth is None for f in files):
            outcome = "file_incomplete"
            if not state.incomplete_file_reported:
                state.incomplete_file_reported = True
                _action_item(state, "callback", NEEDS_STAFF_REASON)
    elif patient is None or not patient.name or patient.date_of_birth is None:
        # Any row is on file: one with nothing to check against (from before dates of birth
        # were kept, or made by a call record) is for staff to confirm, never for a caller to
        # claim; the caller hears what any failed attempt hears.
        outcome = "file_incomplete"
        if not state.incomplete_file_reported:
            state.incomplete_file_reported = True
            _action_item(state, "callback", NEEDS_STAFF_REASON)
    elif (
        claim.name is not None
        and claim.date == patient.date_of_birth
        and names_match(claim.name, patient.name, claim.spelled)
    ):
        await store.release_identity_attempt(attempt)
        await _confirm(
            state, target, patient.name, _source(state, target), file_id=patient.file_id, **via_kw
        )
        return ToolResult(
            say=f"Thank you, {patient.name}, you're confirmed.", data={"verified": True}
        )
    elif (
        heard_in is not None
        and patient.name
        and await _heard_again(state, heard_in, claim, patient.name, patient.date_of_birth)
    ):
        # tiny.en misheard the turn and whisper base heard it right: the same attempt, which
        # succeeded (never a second count, never a second guess of the caller's).
        await store.release_identity_attempt(attempt)
        await _confirm(
            state,
            target,
            patient.name,
            _source(state, target),
            file_id=patient.file_id,
            via="redecode",
        )
        return ToolResult(
            say=f"Thank you, {patient.name}, you're confirmed.", data={"verified": True}
        )

    state.identify_failures += 1
    failures = before.failures + guesses
    state.timeline.record("identity_refused", reason=outcome, **via_kw)
    await audit(state, "identity_failed", target, guesses=guesses, **via_kw)
    if failures >= settings.identity_max_failures and not state.guessing_reported:
        state.guessing_reported = True
        _action_item(state, "identity_alert", GUESSED_REASON, urgent=True, patient_phone=target)
        await audit(state, "identity_alert", target, failures=failures)
    if failures >= settings.identity_max_failures:
        refusal = LOCKED
    else:
        refusal = _ask_again(state, with_number=with_number)
    state.last_refusal = refusal
    state.refused_at_turn = len(state.caller_lines)
    raise ToolError(refusal)


def _proved(claim: Claim, files: list[Patient]) -> Patient | None:
    """The one file among several that this name and date of birth match; None when none or
    more than one does (two files alike are for staff, not a guess)."""
    if claim.name is None or claim.date is None:
        return None
    matching = [
        f
        for f in files
        if f.name
        and f.date_of_birth == claim.date
        and names_match(claim.name, f.name, claim.spelled)
    ]
    return matching[0] if len(matching) == 1 else None


async def _register(state: CallState, phone: str, claim: Claim) -> ToolResult | None:
    """A number with no file: the new patient is registered, pending until staff confirm it
    (the number proves nothing); None when a file appeared meanwhile."""
    assert claim.name is not None and claim.date is not None
    name = " ".join(w.capitalize() if w.islower() else w for w in claim.name.split())
    patient = await state.tools.store.register_pending_patient(phone, name, claim.date)
    if patient is None:
        return None
    source = _source(state, phone)
    state.caller = Caller(
        phone=phone, name=patient.name, source=source, on_file=True, new_patient=True,
        verified=True,
    )  # fmt: skip
    state.timeline.record(
        "caller_identified", source=source, new_patient=True, verified=True, pending=True
    )
    _action_item(state, "confirm_registration", PENDING_REASON, patient_phone=phone)
    await audit(state, "patient_registered", phone, pending=True)
    return ToolResult(say=REGISTERED.format(name=patient.name), data={"verified": True})


async def _confirm(
    state: CallState,
    phone: str,
    name: str | None,
    source: Any,
    *,
    file_id: str | None = None,
    **via: str,
) -> None:
    """The caller proved to be the patient on file for `phone` (the file `file_id`, where the
    number has several): fixed for the rest of the call."""
    await state.tools.store.clear_identity_failures(phone)
    state.caller = Caller(
        phone=phone, name=name, source=source, on_file=True, verified=True, file_id=file_id
    )
    state.timeline.record(
        "caller_identified", source=source, new_patient=False, verified=True, **via
    )
    await audit(state, "identity_verified", phone, **via)


_PHONE_IN_WORDS = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")
# A number the caller said that speech-to-text garbled ("202-550143", "2.025.55.0. 143.1")
_DIGIT_RUN = re.compile(r"(?:\d[\s.,()-]*){7,}")
# "two zero two, five five five, zero one four three", as speech-to-text writes a number
_SPOKEN_PHONE = re.compile(
    r"(?:\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)\b[\s,.-]*){10,11}",
    re.IGNORECASE,
)


def _phones_said(state: CallState, words: str) -> list[str]:
    found: list[str] = []
    for raw in [*_PHONE_IN_WORDS.findall(words), *_SPOKEN_PHONE.findall(words)]:
        try:
            found.append(normalize_phone(raw, state.tools.settings.phone_region))
        except InvalidPhone:
            continue
    return list(dict.fromkeys(found))


async def _verify_from_words(state: CallState) -> str | None:
    """One attempt from what the caller said in their latest turn with a date of birth: one name
    (in that turn, or the one name they introduced themselves with before) and the date in it, for
    the phone on the line or the one they said. Returns the refusal to give instead of asking
    for the details again, or None when the turn holds no attempt."""
    if not state.caller_lines:
        return None
    tools = state.tools
    settings = tools.settings
    today = tools.now().astimezone(tools.clinic_hours.tz).date()
    day_first = settings.phone_region != "US"
    # The latest turn that said a date of birth ("this is Jane Doe, born ...", then "book me
    # Wednesday" after the emergency check): one turn, one attempt.
    at, claim = len(state.caller_lines), Claim()
    while at > 0 and not claim.dates:
        at -= 1
        claim = claim_in_words(state.caller_lines[at], today, day_first=day_first)
    if not claim.dates:
        return None
    if not claim.names:
        earlier = {n for said in state.caller_lines[:at] for n in names_in_words(said)}
        if len(earlier) != 1:
            return None  # identify_caller asks for the name
        claim = Claim(tuple(earlier), claim.dates, claim.spelled)
    if state.keyed_phone is not None:
        target = state.keyed_phone  # typed on the keypad (aida.agent.keypad)
    elif state.caller is not None:
        target = state.caller.phone
    else:
        words = " ".join(state.caller_lines)
        phones = _phones_said(state, words)
        if len(phones) != 1:
            # No caller ID, and no single number heard (often a digit misheard): asked again,
            # without saying which part did not match.
            return NO_MATCH_WITH_NUMBER if phones or _DIGIT_RUN.search(words) else None
        target = phones[0]
    try:
        # A number heard in the words with no file behind it is most often misheard: asked
        # again, never registered (a new patient registers through identify_caller).
        await _attempt(
            state, target, claim, via="words",
            register=state.caller is not None or state.keyed_phone is not None,
            heard_in=state.caller_lines[at],
        )  # fmt: skip
    except ToolError as refusal:
        return refusal.message
    return None
