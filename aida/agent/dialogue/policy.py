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
