"""The next action for a caller turn, decided in code from the frame and a reader's proposal.

The order is the dialogue's, not a reader's: the caller's identity turn, then the answer to the
read-back waiting, then the answer to a preference read back, then what the reader proposes,
gated by who the caller is (a request about their records waits, with the question asked, and is
carried out by itself once they have said who they are: `Frame.awaiting_identity`).
"""

from __future__ import annotations

import datetime as dt
import re

from aida.agent.dialogue import reader
from aida.agent.dialogue.frame import Frame, plain
from aida.agent.dialogue.guard import names_only
from aida.agent.dialogue.identity_words import introduced_name, without_identity
from aida.agent.dialogue.lexicon import hedged, leaning, plain_answer
from aida.agent.dialogue.times import find_times
from aida.agent.dialogue.types import NOT_NOTED, PATIENT_TOOLS, Facts, Reading


def decide(text: str, frame: Frame, facts: Facts) -> Reading | None:
    """The action for this turn when code can decide it; None for the model."""
    if not plain(text):
        return None
    rest = plain(without_identity(text, facts.this_year))

    if not facts.verified and facts.birth_date_here:
        identity = _identity_turn(text, rest, frame, facts)
        if identity is not None:
            return identity

    if facts.proposal_tool is not None:
        answer = plain_answer(text)
        spans = find_times(rest).spans
        clock = any(s.has_clock for s in spans)
        if answer is None and spans and _restates(rest, facts) and leaning(text) == "yes":
            answer = None if hedged(text) else "yes"  # "yes, Thursday's right"
        if answer == "yes" or (answer == "no" and not clock):
            # the tool reads the answer itself, as for the model's call (aida.agent.writes)
            return Reading(
                f"answer_{answer}",
                tool=facts.proposal_tool,
                args=dict(facts.proposal_args or {}),
                answer=answer,
            )

    preference = frame.open_preference()
    if preference is not None and facts.proposal_tool is None:
        answer = plain_answer(text)
        if answer == "yes":
            topic, value = preference
            return Reading(
                "preference_yes",
                tool="remember_preference",
                args={"topic": topic, "preference": value},
                answer="yes",
            )
        if answer == "no":
            return Reading(
                "preference_no", say=NOT_NOTED, answer="no", updates={"preference": None}
            )

    waitlist = frame.open_waitlist()
    if waitlist is not None and facts.proposal_tool is None:
        # Aida's last sentence offered the waitlist for the taken time: a plain yes, or asking
        # for the waitlist with no other time or request in the turn, joins it for that time.
        answer = plain_answer(text)
        asks = _WAITLIST.search(rest) is not None and not find_times(rest).spans
        if (answer == "yes" or (asks and answer is None and not hedged(text))) and not (
            reader.requests_in(rest) - {"book"}
        ):
            return Reading("waitlist_join", tool="join_waitlist", args={"when": waitlist})

    found = reader.read(text, frame, facts)
    if found is None:
        if frame.awaiting_identity and facts.said_birth_date and not facts.verified:
            tool, args = frame.awaiting_identity
            return Reading("identified", tool=tool, args=dict(args))
        return None
    if found.rule == "cancel_several" and (facts.verified or facts.said_birth_date):
        return None  # only an unverified caller's is answered here: with who they are
    needs_patient = found.tool in PATIENT_TOOLS or found.rule == "preference"
    if needs_patient and not facts.verified and not facts.said_birth_date:
        # Ask who they are first, rather than call a tool that would only refuse; the request
        # is kept and carried out once they have said it.
        waiting = (found.tool, dict(found.args)) if found.tool else None
        return Reading(
            f"{found.rule}_needs_identity",
            say=facts.identity_question,
            updates={"awaiting_identity": waiting} if waiting else {},
        )
    return found


# What a model may do with a request it was reading when the caller said who they are: carry it
# out, never hang up, transfer, verify again or store a preference unread-back.
RESUMABLE = frozenset(
    {"book_appointment", "reschedule_appointment", "cancel_appointment", "list_appointments",
     "find_available_slots", "request_callback", "clinic_info", "remember_preference",
     "join_waitlist", "transfer_to_staff"}
)  # fmt: skip
_KIND_TOOLS = {
    "cancel": "cancel_appointment",
    "move": "reschedule_appointment",
    "list": "list_appointments",
    "callback": "request_callback",
    "clinic": "clinic_info",
}


def resume_tool(text: str, this_year: int | None = None) -> str | None:
    """The tool for the one request in a turn code could not read whole (after the caller was
    verified in it): the flow is chosen here, the model only fills the arguments. None when the
    turn asks for several things or for none code can name (the model picks among RESUMABLE)."""
    rest = plain(without_identity(text, this_year))
    kinds = reader.requests_in(rest)  # "and" joins two requests: no one tool for them
    times = find_times(rest)
    negated = re.search(reader.NEGATION, rest) is not None
    if not kinds and (times.spans or times.unreadable) and not negated and "?" not in text:
        # a time alone ("I'd like Tuesday the 10th at 2"): a booking. Never with a negation
        # ("I won't be needing my appointment Monday" is no booking) or a question ("I'm coming
        # in Wednesday, where do I park?"): the model chooses there
        kinds = {"book"}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind == "book":
        clock = times.unreadable or any(s.has_clock for s in times.spans)
        return "book_appointment" if clock else "find_available_slots"
    return _KIND_TOOLS.get(kind)


_WAITLIST = re.compile(r"\b(?:wait ?list|waiting list)\b")


def _restates(rest: str, facts: Facts) -> bool:
    """The turn names only the day and time of the read-back waiting ("yes, Thursday's right")."""
    args = facts.proposal_args or {}
    iso = args.get("start") or args.get("new_start") or args.get("which")
    try:
        when = dt.datetime.fromisoformat(str(iso)).replace(tzinfo=None)
    except ValueError:
        return False
    return names_only(rest, [when])


def _identity_turn(text: str, rest: str, frame: Frame, facts: Facts) -> Reading | None:
    """A turn in which an unverified caller says who they are, read in code, never by a model:
    the request waiting is carried out (its tool verifies the caller from their words first),
    or, with none waiting and nothing else asked, the caller is checked with identify_caller."""
    asked = reader.requests_in(rest) or find_times(rest).spans
    if asked:
        return None  # a request with it: the reader reads the request (verified from the words)
    if frame.awaiting_identity:
        tool, args = frame.awaiting_identity
        return Reading("identified", tool=tool, args=dict(args))
    name = introduced_name(text) or _bare_name(rest)
    if name is None or not facts.number_known:
        return None
    assert facts.birth_date_here is not None
    return Reading(
        "identity",
        tool="identify_caller",
        args={"full_name": name, "date_of_birth": facts.birth_date_here},
    )


_NOT_NAME_WORDS = frozenset(
    {"hi", "hello", "hey", "yes", "yeah", "yep", "sure", "ok", "okay", "its", "it", "is", "this",
        "my", "name", "im", "i", "am", "and", "uh", "um", "so", "the", "well", "thanks", "thank",
        "you", "please", "of", "course", "right"}
)  # fmt: skip


def _bare_name(rest: str) -> str | None:
    """ "Jane Doe" said alone before the date of birth (rest is the turn without it)."""
    left = [w for w in rest.split() if w not in _NOT_NAME_WORDS]
    if 2 <= len(left) <= 3 and all(w.isalpha() for w in left):
        return " ".join(w.capitalize() for w in left)
    return None
