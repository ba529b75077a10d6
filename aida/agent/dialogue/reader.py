"""The code reader: the plain caller turns, read into a proposed action, or None for the model.

Precision before coverage: each rule demands the plain form and gives up on the rest, because a
turn read wrongly here is worse than a slow one. What is never read here, and why:
- two requests in one turn ("book Tuesday at 2 and cancel the 13th"): one of them would be lost;
- a negation ("not in the morning", "I can't make Wednesday"): the words after it are not what
  the caller wants;
- a hedged answer to a read-back ("sure, but what about Thursday?"): only a plain yes or a plain
  no answers one (`lexicon.plain_answer`);
- times the grammar cannot take apart here ("a week from Thursday", "same time"): `times`.
The time phrases come from the one time grammar (`aida.scheduling.dates_*`, via `times`), the
answers and closings from the one lexicon (`lexicon`). Pure: the frame is read, never changed;
what a reading would change is in `Reading.updates`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from aida.agent.dialogue.frame import Frame, callback_topic, plain
from aida.agent.dialogue.identity_words import without_identity
from aida.agent.dialogue.lexicon import closing_only, says_goodbye, words
from aida.agent.dialogue.times import SAME_TIME, Span, Times, find_times
from aida.agent.dialogue.types import CALLBACK_AGAIN, NOT_SHARED, WHICH_TIME, Facts, Reading

_CORRECTION = re.compile(
    r"\b(?:no wait|no sorry|sorry i meant|i meant|i mean|actually|make that|make it|"
    r"scratch that|or rather|no no)\b"
)
_NEGATION = re.compile(
    r"\b(?:not|dont|do not|never|cant|cannot|can not|wont|isnt|doesnt|wouldnt|couldnt|without|"
    r"except|rather not|no longer|anymore|unable)\b"
)
_RELATIVE = (
    r"(?:husband|wife|son|daughter|mother|father|mom|mum|dad|partner|boyfriend|girlfriend|kid|"
    r"kids|child|children|baby|brother|sister|grandma|grandpa|grandmother|grandfather|friend|"
    r"neighbou?r|aunt|uncle|niece|nephew|\d+ year old|(?:one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve) year old)"
)
_APPOINTMENT_WORDS = r"(?:appointments?|visit|checkup|check up|booking|time|slot)"
# Somebody else's appointments asked about or acted on, not just somebody mentioned ("my
# husband told me to call", "what are his hours" are the caller's own business).
_THIRD_PARTY = re.compile(
    rf"\b(?:for|about) (?:my|our) {_RELATIVE}s?\b|"
    rf"\b{_RELATIVE}s {_APPOINTMENT_WORDS}\b|"
    rf"\b(?:his|her|their) {_APPOINTMENT_WORDS}\b|"
    rf"\b(?:when|what time|what day) (?:is|s) (?:my |our )?{_RELATIVE}s\b|"
    rf"\b(?:book|schedule|bring|get|put|fit|move|cancel|reschedule|see) (?:him|her|them|"
    rf"my {_RELATIVE}|our {_RELATIVE})\b|"
    rf"\b(?:im|i am) (?:his|her|their) {_RELATIVE}\b|"
    rf"\b(?:look|check) (?:it|that|him|her) up\b.*\b(?:his|her|their)\b"
)
_CANCEL = r"\b(?:cancel|call off|take me off|off the schedule|off the books)"
# ("after my night shift" is work, not a move)
_MOVE = (
    r"\b(?:move|reschedule|rebook|re book|change|push|switch|(?<!my )(?<!night )shift|"
    r"bring forward)\b"
)
# "I can't make Wednesday anymore, could we do Friday instead": a move said by what cannot be
# kept (a negation, so never read here; it names the request for after identity: policy)
_INDIRECT_MOVE = (
    r"\b(?:cant|cannot|can not|wont be able to|not able to) (?:make|do|come)\b.*"
    r"\b(?:instead|rather|another day|different day)\b"
)
# "when am I meant to come in", "remind me when I'm due in": a listing; its "come in" is no
# booking (taken out before a booking is looked for: `requests_in`)
_WHEN_DUE = (
    r"\bwhen (?:am i|im|i am) (?:supposed to |meant to |due to |scheduled to |booked to )?"
    r"(?:be )?(?:coming|come) (?:in|back)\b|"
    r"\bwhen (?:am i|im|i am) (?:due|booked|scheduled) (?:in|back)\b"
)
_LIST = (
    rf"{_WHEN_DUE}|"
    r"\b(?:what|which) appointments\b|\bappointments? (?:do i have|have i got|i have)\b|"
    r"\b(?:when is|whens|what time is|what day is) my\b.*\bappointment\b|"
    r"\bwhat are my appointments\b|\bmy appointments\b|"
    r"\bmy next appointment\b|\bdo i have (?:any|an) appointments?\b|"
    r"\bwhat (?:do i have|have i got|is there) (?:coming up|scheduled|booked|on the books)\b|"
    r"\b(?:do i have )?anything coming up\b|"
    r"\b(?:read|tell|give|list)(?: me)? (?:the|all the|all) appointments\b"
)
_FIND = (
    r"\b(?:free|available|availability|open|openings?|slots?|what (?:else )?(?:do you have|have "
    r"you got|is there|times)|anything (?:else )?(?:on|for|in|at|that|after|before)|"
    r"(?:do you|have you) (?:have|got) anything)\b"
)
_BOOK = (
    r"\b(?:book|schedule|make an appointment|an appointment|come in|get in|checkup|check up|"
    r"see the doctor|see a doctor|fit me in|get me in|put me (?:in|down)|physical)\b"
)
# "I want Wednesday at 3", "I'd like Tuesday at 2": with a clock time and nothing else asked, a
# booking (not a kind of request of its own: "I'd like to cancel" is a cancel)
_WANT = r"\b(?:i want|i(?: would|d) like|can i (?:get|have|do)|could i (?:get|have|do))\b"
# A request to book with no time, asked outright ("I'd like to book an appointment"): Aida asks
# which time. "could you tell me when I'm supposed to come in" is not one.
_BOOK_OUTRIGHT = r"\b(?:book|schedule|make|set up) (?:an |a |me |in )?(?:appointment|visit|in)\b"
_QUESTION = r"\b(?:when|what time|what day|which|do i have|am i)\b"
_PREFER = (
    r"\b(?:prefer|preference|note that|make a note|put a note|remember that|only do|"
    r"like (?:it )?better)\b"
)
_A_PERSON = (
    r"\b(?:speak|talk)\s+(?:to|with)\s+(?:a|an|the|some|somebody|someone|anyone)?\s*"
    r"(?:real\s+)?(?:person|human|receptionist|staff|nurse|somebody|someone|agent|operator)\b|"
    r"\b(?:transfer|put)\s+me\s+(?:through|to)\b|\b(?:a|real)\s+(?:person|human)\s+please\b|"
    r"\boperator\b"
)
# About the clinic itself, answered from its profile by the clinic_info tool
# (aida.agent.dialogue.clinic); the model's own words about the clinic pass the claims guard only
# when they are the profile's.
CLINIC_QUESTION = (
    r"\b(?:what time do you (?:open|close)|when do you (?:open|close)|are you open|(?:opening|"
    r"office|clinic|your) hours|what are (?:his|her|their|the) hours|(?:open|close) on "
    r"(?:saturdays?|sundays?|weekends?|fridays?|mondays?|tuesdays?|wednesdays?|thursdays?)|"
    r"parking|park there|where (?:do|can|should|would|could) (?:i|we) park|"
    r"(?:park|leave) (?:my|the|our) car|address|where are you|located|directions|insurance|"
    r"blue cross|aetna|"
    r"cigna|medicare|medicaid|do you (?:take|accept)|what (?:should|do) i bring|bring with me|"
    r"languages?|speak spanish)\b"
)
_REASONS = (
    (r"\bcheck ?-?ups?\b|\bcheckups?\b", "check-up"),
    (r"\bfollow ?-?ups?\b", "follow-up"),
    (r"\bphysical\b", "physical"),
    (r"\b(?:flu shot|vaccine|vaccination)\b", "vaccination"),
)
# The caller choosing among times Aida offered by position, or registering: the model reads those.
_FOR_THE_MODEL = (
    r"\b(?:last|first|earliest|latest|second|other|later|earlier|third) one\b|\bregister\b|"
    r"\bsame time\b"
)
_THANKS = r"\b(?:thank|thanks|cheers|appreciate)\b"

NEGATION = _NEGATION.pattern  # for the policy's own checks
ASKS = "|".join((_CANCEL, _MOVE, _LIST, _BOOK, _FIND))


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def reason_in(text: str) -> str | None:
    said = plain(text)
    return next((r for pattern, r in _REASONS if _has(pattern, said)), None)


def requests_in(rest: str) -> set[str]:
    """The kinds of request a turn makes; two or more are the model's to sort out."""
    kinds = set()
    if _has(_CANCEL, rest):
        kinds.add("cancel")
    if _has(_MOVE, rest) or _has(_INDIRECT_MOVE, rest):
        kinds.add("move")
    if _has(_LIST, rest):
        kinds.add("list")
    # "what time do you open": the clinic's hours, not an opening in the calendar
    asking = re.sub(_WHEN_DUE, " ", re.sub(CLINIC_QUESTION, " ", rest))
    if _has(_BOOK, asking) or _has(_FIND, asking):
        kinds.add("book")
    if callback_topic(rest) is not None:
        kinds.add("callback")
    if _has(CLINIC_QUESTION, rest):
        kinds.add("clinic")
    if _has(_A_PERSON, rest):
        kinds.add("person")
    # ("and is there parking?" opening a turn is one question, following on from the last)
    joined = r"\w\s+and (?:also |then )?(?:can|could|what|when|is|do|how)\b"
    if len(kinds) == 1 and _has(joined, rest):
        kinds.add("and")  # "..., and what time is my Wednesday one?"
    return kinds


def read(text: str, frame: Frame, facts: Facts) -> Reading | None:
    """What this caller turn asks for, when it says it plainly; None for the model."""
    if not plain(text):
        return None
    rest = plain(without_identity(text, facts.this_year))
    corrected = _CORRECTION.split(rest)[-1] if _CORRECTION.search(rest) else rest
    kinds = requests_in(rest)
    # "move it to Monday, same time": the day is read here, the clock time kept by the tool
    same_time = kinds == {"move"} and SAME_TIME.search(corrected) is not None
    if same_time:
        corrected = " ".join(SAME_TIME.sub(" ", corrected).split())
        rest = " ".join(SAME_TIME.sub(" ", rest).split())
    times = find_times(corrected)
    span = times.one
    pending = facts.proposal_tool is not None
    if len(kinds) > 1:
        return None
    if not pending and _has(_THIRD_PARTY.pattern, plain(text)):
        return Reading("another_patient", say=NOT_SHARED)
    picked = _pick(rest, frame, kinds, pending)
    if picked is not None:
        return picked
    if _has(_FOR_THE_MODEL, rest):
        return None
    if kinds == {"person"} and not _has(r"\b(?:dont|do not|no need)\b", rest):
        return Reading(
            "a_person", tool="transfer_to_staff", args={"reason": "The caller asked for a person."}
        )
    if kinds == {"clinic"}:
        if not facts.clinic_answers:
            return None
        # answered from the clinic's profile only (aida.agent.dialogue.clinic)
        return Reading("clinic_question", tool="clinic_info", args={"question": rest})
    topic = callback_topic(rest)
    if kinds == {"callback"} and topic is not None:
        if frame.callback_topic == topic:
            return Reading("callback_again", say=CALLBACK_AGAIN)
        return Reading(
            "callback", tool="request_callback", args={"reason": f"Question about {topic}"}
        )
    if says_goodbye(text):
        # a read-back waiting is dropped, never written: "thanks, bye" is no yes
        # Aida says goodbye and hangs up, as when the model calls end_call (aida.agent.handoff)
        return Reading("goodbye", tool="end_call")
    if not pending and closing_only(text):
        if _has(_THANKS, rest) and frame.task is None:
            return Reading("anything_else", say=ANYTHING_ELSE)
        return None
    if frame.open_callback() and span is None and not pending and not kinds:
        return Reading("callback_again", say=CALLBACK_AGAIN)
    visit = frame.open_visit_request()
    if visit and span is None and not pending and not times.unreadable and len(rest.split()) <= 6:
        tool, args = visit  # "a physical": the answer to "what kind of visit?"
        if not _has(_NEGATION.pattern, rest):
            return Reading("visit_type", tool=tool, args={**args, "visit_type": rest})
    if _has(_NEGATION.pattern, rest):
        return None
    if times.unreadable:
        return None
    if pending and kinds == {"cancel"} and span is not None and span.has_day:
        # "yes cancel the 13th" while another is read back: that one, read back in its turn
        return Reading("cancel", tool="cancel_appointment", args={"which": span.text})
    if pending and not (span is not None and span.has_clock):
        return None  # not a plain answer to the read-back, and no new time: the model's
    if same_time:
        return _same_time_move(corrected, frame)
    return _request(text, rest, corrected, span, times, frame)


def _same_time_move(corrected: str, frame: Frame) -> Reading | None:
    """ "push my Thursday one to Monday, same time": a new day and no clock time of its own."""
    parts = re.split(r"\bto\b", corrected)
    if len(parts) < 2 or frame.task in {"book", "find"}:
        return None
    new = find_times(parts[-1]).one
    old_times = find_times(" ".join(parts[:-1]))
    if new is None or not new.has_day or new.has_clock:
        return None
    if old_times.unreadable or len(old_times.spans) > 1:
        return None
    old = old_times.one
    return Reading(
        "move_same_time",
        tool="reschedule_appointment",
        args={"new_start": f"{new.text} same time", "which": old.text if old else None},
    )


ANYTHING_ELSE = "You're welcome. Is there anything else I can help with?"

# One of the times Aida just offered, by its place in what she said ("I'll take the first one",
# "the last one please"): the tool's own start, so nothing is re-read from words.
_PLACE = re.compile(
    r"\b(?:the )?(first|earliest|1st|second|2nd|middle|third|3rd|last|latest) "
    r"(?:one|option|time|slot|appointment)\b"
)
_PLACES = {"first": 0, "earliest": 0, "1st": 0, "second": 1, "2nd": 1, "middle": 1, "third": 2,
           "3rd": 2, "last": -1, "latest": -1}  # fmt: skip


def _pick(rest: str, frame: Frame, kinds: set[str], pending: bool) -> Reading | None:
    """One of the times just offered by its place, or, after a refusal as outside the hours
    that named the last start, "the last one" for that start."""
    offered = frame.open_offer()
    last = frame.open_last_start()
    places = _PLACE.findall(rest)
    if not (offered or last) or pending or len(set(places)) != 1 or not kinds <= {"book"}:
        return None
    if _has(_NEGATION.pattern, rest) or _has(r"\b(?:or|instead|other|else|another)\b", rest):
        return None
    if offered:
        index = _PLACES[places[0]]
        if index >= len(offered) or (places[0] == "middle" and len(offered) != 3):
            return None
        start = offered[index]
    elif last is not None and places[0] in ("last", "latest"):
        start = last
    else:
        return None
    if not _on_its_day(_PLACE.sub(" ", rest), start):
        return None
    if frame.task == "move":
        return Reading(
            "pick", tool="reschedule_appointment", args={"new_start": start, "which": frame.which}
        )
    return Reading(
        "pick", tool="book_appointment", args={"start": start, **dict(frame.offered_with)}
    )


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _on_its_day(rest: str, start: str) -> bool:
    """The rest of a pick names no other time than the picked one's weekday ("the last one that
    Tuesday then"); a clock time, a date or another day is the model's to weigh."""
    times = find_times(rest)
    if times.unreadable:
        return False
    try:
        weekday = _WEEKDAYS[dt.datetime.fromisoformat(start).weekday()]
    except ValueError:
        return False
    for span in times.spans:
        named = set(span.text.split())
        if span.has_clock or named & set(_WEEKDAYS) != {weekday} or re.search(r"\d", span.text):
            return False
    return True


def _request(
    text: str, rest: str, corrected: str, span: Span | None, times: Times, frame: Frame
) -> Reading | None:
    if _has(_CANCEL, rest):
        if _has(r"\b(?:all|every|everything)\b", rest):
            # several at once is the model's to sort out, once the caller is verified
            return Reading("cancel_several", tool="cancel_appointment", args={"which": "all"})
        if span is not None and span.has_clock and not span.has_day:
            return None  # "cancel the one at ten" is read, "cancel at ten" is not said
        which = span.text if span else None
        return Reading("cancel", tool="cancel_appointment", args={"which": which})
    if _has(_MOVE, rest):
        parts = re.split(r"\bto\b", corrected)
        if len(parts) < 2:
            return None
        new = find_times(parts[-1]).one
        if new is None or not new.has_clock:
            return None
        if frame.task in {"book", "find"}:  # "can you move it to 9:30?" of a booking not made
            return _book_or_find(text, new, frame)
        old_times = find_times(" ".join(parts[:-1]))
        if old_times.unreadable or len(old_times.spans) > 1:
            return None
        old = old_times.one
        return Reading(
            "move",
            tool="reschedule_appointment",
            args={"new_start": _with_context(new, frame), "which": old.text if old else None},
        )
    if _has(_LIST, rest) and not _has(r"\b(?:book|schedule|free|available|open)\b", rest):
        return Reading("list", tool="list_appointments", args={"include_past": False})
    if _has(_PREFER, rest):
        for part in ("morning", "afternoon", "evening"):
            if _has(rf"\b{part}s?\b", rest) and len(times.spans) <= 1:
                preference = ("time_of_day", f"{part}s")
                # read back first: stored on the caller's yes (`policy`)
                return Reading(
                    "preference",
                    say=f"Shall I note that you prefer {part}s?",
                    updates={"preference": preference},
                )
        return None
    if _has(_FIND, rest) and span is not None:
        who = _who(text)
        return Reading(
            "find", tool="find_available_slots", args={"when": _with_context(span, frame), **who}
        )
    if _has(_BOOK, rest):
        if span is None:
            if times.spans:
                return None  # several times: the model reads them
            if _has(_BOOK_OUTRIGHT, rest) and not _has(_QUESTION, rest):
                if frame.awaiting_identity and frame.awaiting_identity[0] == "book_appointment":
                    tool, args = frame.awaiting_identity  # "yes, book it": the waiting request
                    return Reading("book_waiting", tool=tool, args=args)
                return Reading("book_which_time", say=WHICH_TIME, updates={"task": "book"})
            return None
        return _book_or_find(text, span, frame)
    if span is None:
        if frame.task == "cancel" and _has(r"\bthe \w+ one\b", rest):
            return Reading("cancel_which", tool="cancel_appointment", args={"which": rest})
        return None
    if frame.task in {"book", "find"} or (
        frame.task is None and span.has_clock and _has(_WANT, rest)
    ):
        return _book_or_find(text, span, frame)
    if frame.task == "move" and span.has_clock:
        return Reading(
            "move_time",
            tool="reschedule_appointment",
            args={"new_start": _with_context(span, frame), "which": frame.which},
        )
    if frame.task == "cancel" and not span.has_clock:
        return Reading("cancel_which", tool="cancel_appointment", args={"which": span.text})
    return None


_PROVIDER = re.compile(
    r"\b(?:dr|doctor|nurse)\.?\s+(?!(?:a|an|the|next|this|that|please|today|soon|on|at|in|for|"
    r"is|who|and|or|about|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)"
    r"([a-z]+)\b",
    re.IGNORECASE,
)


def _who(text: str) -> dict[str, str]:
    """The provider and the visit type the caller named, for the tools to match: {"provider":
    "Dr. Kim", "visit_type": "physical"}; nothing when none was named."""
    found = _PROVIDER.search(text or "")
    reason = reason_in(text)
    out = {"provider": f"Dr. {found.group(1).capitalize()}"} if found else {}
    if reason:
        out["visit_type"] = reason
    return out


def _book_or_find(text: str, span: Span, frame: Frame) -> Reading:
    when = _with_context(span, frame)
    who = _who(text)
    if span.has_clock or (span.has_day and frame.clock):
        args: dict[str, Any] = {"start": when, "reason": reason_in(text), **who}
        return Reading("book", tool="book_appointment", args=args)
    return Reading("find", tool="find_available_slots", args={"when": when, **who})


def _with_context(span: Span, frame: Frame) -> str:
    """The time phrase made whole from the turns before: "the 11:30" after Aida offered
    Wednesday's times is Wednesday at 11:30; "the Friday" after "Friday the fifth at ten" is
    that Friday at ten; "that morning" is the morning of the day being talked about."""
    text = span.text
    day = frame.day
    if day is not None and re.search(r"\bthat (?:morning|afternoon|evening|day)\b", text):
        text = re.sub(r"\bthat day\b", "", text)
        text = re.sub(r"\bthat\b", "", text)
        return " ".join(f"{_day_words(day)} {text}".split())
    text = re.sub(r"^that\s+", "", text)
    if span.has_clock and not span.has_day and day is not None:
        clock = re.sub(r"^(?:the\s+)?(?:at\s+)?", "", text)
        return f"{_day_words(day)} at {clock}"
    if span.has_day and not span.has_clock and frame.clock:
        return f"{text} {frame.clock}"
    return text


def _day_words(day: Any) -> str:
    return f"{day:%A} {day:%B} {day.day}"


__all__ = ["ASKS", "CLINIC_QUESTION", "read", "reason_in", "requests_in", "words"]
