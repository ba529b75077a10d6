"""Understanding the common caller turns in code, so they cost no model request.

On this 2-core CPU a model request costs 3-15 s (the tool call's JSON is generated token by
token), and the small local model picks the wrong tool in about a third of the scripted calls.
Most turns of a front-desk call, though, say one of a few things plainly: book <a time>, move
<the appointment> to <a time>, cancel <the appointment>, what do I have, is <a time> free, a
time alone after Aida asked for one, a bill or a result question for the staff, goodbye. Those are
read here, conservatively, and answered by calling the same tools the model would call (with the
caller's own words for the time and the appointment, resolved by the tools as always) or by one
fixed sentence. Anything else, and anything in doubt, goes to the model: a turn read wrongly here
is worse than a slow one, so each rule demands the plain form and gives up on the rest.

Pure: no store, no session. `DialogMemory` holds what the turns before said (the task at hand,
the day being talked about), updated by `aida.agent.toolcall` after every tool call.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from aida.agent.confirmation import caller_answer
from aida.scheduling.birthdates import unglue_born

# --- the vocabulary of times ---------------------------------------------------------------

_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip
_RELATIVE = {"today", "tomorrow", "tonight"}
_DAY_PARTS = {"morning", "afternoon", "evening", "noon", "midday", "midnight", "lunchtime"}
_NUMBERS = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty",
}  # fmt: skip
_ORDINALS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "thirtieth",
}  # fmt: skip
_MERIDIEM = {"am", "pm", "oclock"}
# Words that may sit between the anchors of one time phrase ("Wednesday, March 4th, at ten in the
# morning"); they never start or end one, except the leading words that change its meaning.
_JOINERS = {"at", "on", "in", "the", "of", "around", "about", "quarter", "half", "past", "week"}
_LEADERS = {"next", "this", "that", "coming", "the"}
_YEAR_TOKEN = re.compile(r"^20\d\d$")  # "March 4 2027 at 10": inside a time phrase
_DIGITS = re.compile(r"^\d{1,2}(?::\d{2})?(?:am|pm|st|nd|rd|th)?$")

_CORRECTION = re.compile(
    r"\b(?:no wait|no sorry|sorry i meant|i meant|i mean|actually|make that|make it|"
    r"scratch that|or rather|no no)\b"
)


def _tokens(text: str) -> list[str]:
    t = (text or "").lower().replace("’", "'")
    t = re.sub(r"\b([ap])\.\s?m\.?", r"\1m", t)
    t = t.replace("o'clock", "oclock").replace("'", "")
    t = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", t)
    t = re.sub(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s\b", r"\1", t)
    # "The 1130, please": speech-to-text writes a clock time without its colon
    t = re.sub(r"\b(1[0-2]|0?[1-9])([0-5]\d)\b(?!\s*(?:st|nd|rd|th)\b)", r"\1:\2", t)
    return re.findall(r"[a-z]+|\d{3,}|\d{1,2}(?::\d{2})?(?:am|pm|st|nd|rd|th)?|\d+", t)


def _is_anchor(tokens: list[str], i: int) -> bool:
    w = tokens[i]
    if w in _WEEKDAYS or w in _MONTHS or w in _RELATIVE or w in _DAY_PARTS:
        return True
    prev = tokens[i - 1] if i else ""
    if w in _MERIDIEM:  # "eleven am", not "I am"
        return prev in _NUMBERS or prev == "one" or bool(_DIGITS.match(prev))
    if w in _NUMBERS or w in _ORDINALS or _DIGITS.match(w):
        return True
    if w == "one":  # "at one", "one thirty", "one pm"; not "the Friday one", "that one"
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        return prev == "at" or nxt in {"thirty", "fifteen", "forty", "oclock", "am", "pm"}
    if w == "oh":  # "nine oh five", not "oh, the Friday"
        return prev in _NUMBERS or prev == "one" or bool(_DIGITS.match(prev))
    return False


def _ordinal_digits(w: str) -> bool:
    return w[:1].isdigit() and w.endswith(("st", "nd", "rd", "th"))


def _names_day(w: str) -> bool:
    return w in _WEEKDAYS | _MONTHS | _RELATIVE | _ORDINALS or _ordinal_digits(w)


@dataclass(frozen=True)
class Span:
    text: str
    has_day: bool  # names a day: weekday, month date, today/tomorrow, "the 5th"
    has_clock: bool  # names a clock time ("ten", "2:30", "noon")


def time_span(text: str) -> Span | None:
    """The one time phrase in `text` ("Wednesday March fourth at ten in the morning"), or None
    when there is none or there are two that disagree in kind (a turn to leave to the model)."""
    tokens = _tokens(text)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not _is_anchor(tokens, i):
            i += 1
            continue
        start = i
        while start > 0 and tokens[start - 1] in _LEADERS:
            start -= 1
        end = i
        j = i + 1
        while j < len(tokens) and (
            _is_anchor(tokens, j)
            or tokens[j] in _JOINERS | _LEADERS
            or _YEAR_TOKEN.match(tokens[j])
        ):
            if _is_anchor(tokens, j):
                end = j
            j += 1
        spans.append((start, end))
        i = end + 1
    if not spans:
        return None
    if len(spans) > 1:
        return None
    start, end = spans[0]
    words = tokens[start : end + 1]
    if (
        words[0] == "the"
        and len(words) > 1
        and not (words[1] in _ORDINALS or _ordinal_digits(words[1]))
    ):
        words = words[1:]  # "the 11:30" is a time; "the 5th" keeps its article
    has_day = any(_names_day(w) for w in words) or any(
        a == "this" and b in _DAY_PARTS for a, b in itertools.pairwise(words)
    )
    has_clock = any(
        w in _NUMBERS
        or w in _MERIDIEM
        or w in {"noon", "midday", "midnight", "one"}
        or (_DIGITS.match(w) and not w.endswith(("st", "nd", "rd", "th")))
        for w in words
    )
    return Span(" ".join(words), has_day, has_clock)


# --- what is not a time: identity, phone numbers ---------------------------------------------

_YEAR = (
    r"(?:\d{4}|\d{1,2}/\d{1,2}/\d{2,4}|(?:nineteen|twenty|two thousand(?: and)?)"
    r"(?:[\s-]+(?:oh|hundred|and|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|one|two|three|"
    r"four|five|six|seven|eight|nine)\b)+)"
)
_DOB = re.compile(
    r"\b(?:date of birth|birth date|birthdate|dob|birthday|born)\b(?:\s+(?:is|was|on))*"
    r"[\s,:]*.{0,40}?" + _YEAR,
    re.IGNORECASE,
)
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)"
_PHONE = re.compile(rf"(?:\+?{_DIGIT_WORD}[\s,.()-]*){{7,}}", re.IGNORECASE)


_NOT_A_NAME = (
    r"(?!(?:a|an|the|new|calling|just|not|sorry|looking|trying|wondering|here|patient|born|and|"
    r"my|date|from|with|at|on|so|still|also|very|really|fine|good|okay|ok|his|her|their|your|"
    r"wife|husband|mother|father|son|daughter|going|gonna|in|out|back|done|sure|glad|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|tonight|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"about|for|okay|ten|eleven|twelve|one|two|three|four|five|six|seven|eight|nine|\d)\b)"
)
_NAME = re.compile(
    rf"\b(?:this is|its|it's|i am|i'm|im|my name is|name is|name's)\s+{_NOT_A_NAME}[a-z]+"
    rf"(?:\s+{_NOT_A_NAME}[a-z]+)?",
    re.IGNORECASE,
)
_INTRODUCED = re.compile(
    rf"\b(?:my name is|name is|this is|its|it's|i am|i'm|im)\s+{_NOT_A_NAME}([a-z]+)\s+"
    rf"{_NOT_A_NAME}([a-z]+)\b",
    re.IGNORECASE,
)


def introduced_name(text: str) -> str | None:
    """The full name a caller introduces themselves with ("my name is Priya Shah"), or None."""
    found = {(a.lower(), b.lower()) for a, b in _INTRODUCED.findall((text or "").replace("’", "'"))}
    if len(found) != 1:
        return None
    first, last = found.pop()
    return f"{first.capitalize()} {last.capitalize()}"


_MONTH_NAMES = "|".join(sorted(_MONTHS))
_DATED = re.compile(
    rf"\b(?:{_MONTH_NAMES})\s+(?:the\s+)?[a-z0-9]+,?\s+(?:of\s+)?(?P<year>{_YEAR})"
    r"|\b\d{1,2}\s*/\s*\d{1,2}\s*/\s*(?P<short>\d{2,4})\b",
    re.IGNORECASE,
)


def without_identity(text: str, this_year: int | None = None) -> str:
    """The turn without the caller's date of birth, phone number and name, so "born March third,
    1985" is not read as a time and "this is Jane" not as a request. A full date with a year
    before `this_year` is a birth date too, "born" or not (speech-to-text loses it: "Jane
    Dobern March 3, 1985")."""
    t = _DOB.sub(" ", unglue_born(text or ""))
    if this_year is not None:

        def past(m: re.Match[str]) -> str:
            year = m.group("year") or m.group("short") or ""
            digits = re.sub(r"\D", "", year)
            if digits and len(digits) == 4 and int(digits) >= this_year:
                return m.group(0)  # "March 4, 2027": a booking said with its year
            return " "

        t = _DATED.sub(past, t)
    t = re.sub(r"\b(?:my|the)\s+(?:phone\s+)?number\s+(?:is|on file is)\b", " ", t, flags=re.I)
    t = _PHONE.sub(" ", t)
    t = _NAME.sub(" ", t)
    return " ".join(t.split())


# --- what the caller asks for ---------------------------------------------------------------


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


_THIRD_PARTY = (
    r"\b(?:husband|wife|son|daughter|mother|father|mom|mum|dad|partner|boyfriend|girlfriend|"
    r"kid|kids|child|children|brother|sister|grandma|grandpa|grandmother|grandfather|friend|"
    r"neighbou?r|his|hers|their)s?\b"
)
_ABOUT_APPOINTMENTS = r"\b(?:appointments?|book|cancel|move|reschedule|look|when|schedule|time)\b"
_CANCEL = r"\bcancel"
_NOT_CANCEL = r"\b(?:dont|do not|not|never|no need to|without)\s+(?:\w+\s+){0,2}cancel"
_MOVE = r"\b(?:move|reschedule|rebook|re book|change|push|switch|shift)\b"
_LIST = (
    r"\b(?:what|which) appointments\b|\bappointments? (?:do i have|have i got|i have)\b|"
    r"\b(?:when is|whens|what time is|what day is) my\b.*\bappointment\b|"
    r"\bwhat are my appointments\b|\bmy appointments\b|"
    r"\bmy next appointment\b|\bdo i have (?:any|an) appointments?\b|"
    r"\b(?:read|tell|give|list)(?: me)? (?:the|all the|all) appointments\b"
)
_FIND = (
    r"\b(?:free|available|availability|open|openings?|slots?|what (?:else )?(?:do you have|have "
    r"you got|is there|times)|anything (?:else )?(?:on|for|in|at|that)|"
    r"(?:do you|have you) (?:have|got) anything)\b"
)
_BOOK = (
    r"\b(?:book|schedule|make an appointment|an appointment|come in|get in|checkup|check up|"
    r"see the doctor|see a doctor|fit me in|get me in|physical)\b"
)
_PREFER = r"\b(?:prefer|preference|note that|remember that|like (?:it )?better)\b"
_CALLBACK_TOPICS = (
    (
        "billing",
        r"\b(?:bill|billed|billing|charged|charge|invoice|insurance|payment|refund|copay)\b",
    ),
    (
        "test results",
        r"\b(?:results?|lab work|labs|blood work|bloodwork|blood test|test came|scan|x ?ray)\b",
    ),
    ("prescription", r"\b(?:prescription|refill|medication|medicine|pharmacy)\b"),
)
_A_PERSON = (
    r"\b(?:speak|talk)\s+(?:to|with)\s+(?:a|an|the|some|somebody|someone|anyone)?\s*"
    r"(?:real\s+)?(?:person|human|receptionist|staff|nurse|somebody|someone|agent|operator)\b|"
    r"\b(?:transfer|put)\s+me\s+(?:through|to)\b|\b(?:a|real)\s+(?:person|human)\s+please\b|"
    r"\boperator\b"
)
_GOODBYE = (
    r"\b(?:bye|goodbye|bye bye|have a (?:good|nice|great) (?:day|one)|thats all|thats it)\b|"
    r"\bby$"  # speech-to-text's "Forget it. By."
)
_CLOSING_WORDS = frozenset({
    "no", "nope", "thats", "that", "is", "all", "it", "thank", "thanks", "you", "so", "much",
    "bye", "goodbye", "okay", "ok", "great", "fine", "perfect", "alright", "good", "have", "a",
    "day", "nice", "nothing", "else", "then", "cheers", "take", "care", "forget", "whatever",
    "see", "ya", "everything", "for", "now", "wonderful", "lovely", "sounds", "awesome", "cool",
    "yes", "yeah", "sure", "right",
})  # fmt: skip
_REASONS = (
    (r"\bcheck ?-?ups?\b|\bcheckups?\b", "check-up"),
    (r"\bfollow ?-?ups?\b", "follow-up"),
    (r"\bphysical\b", "physical"),
    (r"\b(?:flu shot|vaccine|vaccination)\b", "vaccination"),
)


def _plain(text: str) -> str:
    t = (text or "").lower().replace("’", "'").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9:\s]", " ", t).split())


def reason_in(text: str) -> str | None:
    plain = _plain(text)
    return next((r for pattern, r in _REASONS if _has(pattern, plain)), None)


# --- the dialog so far ----------------------------------------------------------------------

_TASKS = {
    "book_appointment": "book",
    "reschedule_appointment": "move",
    "cancel_appointment": "cancel",
    "find_available_slots": "find",
}


@dataclass
class DialogMemory:
    """What earlier turns settled, for reading the next one: the task at hand (the last
    booking, move, cancel or search asked for and not finished), the day being talked about,
    a request waiting for the caller to say who they are, the last callback topic."""

    task: str | None = None  # "book" | "move" | "cancel" | "find"
    which: str | None = None  # the appointment being moved, in the caller's words
    day: dt.date | None = None
    # The clock time of a request refused only for its day ("Friday the 5th at ten", when the
    # 5th is a Thursday): "the Friday" then means that Friday at ten.
    clock: str | None = None
    awaiting_identity: tuple[str, dict[str, Any]] | None = None
    callback_topic: str | None = None
    # A booking or search the tool answered with "What kind of visit is it?" (several visit
    # types configured): the caller's next words are the visit type.
    visit_request: tuple[str, dict[str, Any]] | None = None

    def after_tool(self, name: str, args: dict[str, Any], ok: bool, data: dict[str, Any]) -> None:
        """Called after every tool call (by the model or by `understand`)."""
        if name == "request_callback":
            if ok:
                said = _plain(str(args.get("reason") or ""))
                self.callback_topic = next(
                    (topic for topic, pattern in _CALLBACK_TOPICS if _has(pattern, said)), "other"
                )
        else:
            self.callback_topic = None
        for key in ("awaiting_confirmation", "booked", "moved_to"):
            self._seen(data.get(key))
        for key in ("slots", "alternatives", "options"):
            items = data.get(key)
            if isinstance(items, list) and items:
                first = items[0]
                self._seen(first.get("start") if isinstance(first, dict) else first)
        self.clock = None
        if not ok and data.get("error") == "ambiguous_time":
            wanted = time_span(str(args.get("start") or args.get("new_start") or ""))
            if wanted is not None and wanted.has_clock:
                self.clock = _clock_words(wanted.text)
        if name in ("book_appointment", "find_available_slots"):
            asked = not ok and data.get("error") == "which_visit_type"
            self.visit_request = (name, dict(args)) if asked else None
        task = _TASKS.get(name)
        if task is None:
            return
        if ok and self.awaiting_identity and self.awaiting_identity[0] == name:
            self.awaiting_identity = None
        finished = ok and any(k in data for k in ("booked", "moved_to", "cancelled"))
        if finished and "awaiting_confirmation" not in data:
            self.task, self.which = None, None
            return
        self.task = task
        if task == "move" and args.get("which"):
            self.which = str(args["which"])

    def _seen(self, iso: Any) -> None:
        if not isinstance(iso, str):
            return
        try:
            self.day = dt.datetime.fromisoformat(iso).date()
        except ValueError:
            return


def _clock_words(text: str) -> str | None:
    tokens = _tokens(text)
    keep = []
    for i, w in enumerate(tokens):
        if (_is_anchor(tokens, i) and not _names_day(w)) or (
            w in {"in", "the"} and i + 1 < len(tokens) and tokens[i + 1] in {"the"} | _DAY_PARTS
        ):
            keep.append(w)
    return " ".join(keep) or None


@dataclass(frozen=True)
class Understood:
    """What to do with a turn: call `tool` with `args`, or say `say`. `why` names the rule (for
    the timeline and logs; never the caller's words)."""

    why: str
    tool: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    say: str | None = None


PATIENT_TOOLS = frozenset(
    {"list_appointments", "book_appointment", "cancel_appointment", "reschedule_appointment",
     "remember_preference"}
)  # fmt: skip


@dataclass(frozen=True)
class TurnFacts:
    """What the agent knows when the turn arrives."""

    verified: bool
    said_birth_date: bool  # a date of birth was said this call (words verification may pass)
    identity_question: str  # what to ask an unverified caller before patient data
    proposal_tool: str | None = None  # the read-back waiting for an answer, to repeat
    proposal_args: dict[str, Any] | None = None
    this_year: int | None = None  # the clinic's current year: full dates before it are births


WHICH_TIME = "What day and time would you like?"
NOT_SHARED = (
    "I can only help with the appointments of the patient on this call. The other person is "
    "welcome to call us themselves."
)
CALLBACK_AGAIN = (
    "I can't go into that on this call, but the clinic staff will call you back about it. "
    "Is there anything else I can help with, like an appointment?"
)
_ASKS = "|".join((_CANCEL, _MOVE, _LIST, _BOOK, _FIND))
# The caller choosing among times Aida offered, or registering: the model reads those.
_FOR_THE_MODEL = r"\b(?:last|first|earliest|latest|second|other|later|earlier) one\b|\bregister\b"


def understand(text: str, memory: DialogMemory, facts: TurnFacts) -> Understood | None:
    """What this caller turn asks for, when it says it plainly; None for the model."""
    if not _plain(text):
        return None
    rest = _plain(without_identity(text, facts.this_year))
    corrected = _CORRECTION.split(rest)[-1] if _CORRECTION.search(rest) else rest
    span = time_span(corrected)
    pending = facts.proposal_tool is not None

    whole = _plain(text)  # "I'm his wife" is not a name
    if _has(_THIRD_PARTY, whole) and _has(_ABOUT_APPOINTMENTS, whole):
        return Understood("another_patient", say=NOT_SHARED)
    if _has(_FOR_THE_MODEL, rest):
        return None
    if _has(_A_PERSON, whole) and not _has(r"\b(?:dont|do not|no need)\b", whole):
        reason = {"reason": "The caller asked for a person."}
        return Understood("a_person", tool="transfer_to_staff", args=reason)

    for topic, pattern in _CALLBACK_TOPICS:
        if _has(pattern, rest) and not _has(_BOOK + "|" + _MOVE + "|" + _CANCEL, rest):
            if memory.callback_topic == topic:
                return Understood("callback_again", say=CALLBACK_AGAIN)
            # memory.callback_topic is set once the callback is made (after_tool), so a turn
            # read twice (a preemptive generation dropped, then the final one) asks once.
            return Understood(
                "callback", tool="request_callback", args={"reason": f"Question about {topic}"}
            )

    asks = _has(_ASKS, rest)
    if _has(_GOODBYE, rest) and span is None and not pending and not asks:
        # Aida says goodbye and hangs up, as when the model calls end_call (aida.agent.handoff):
        # a caller who said goodbye expects the line to close after hers.
        return Understood("goodbye", tool="end_call")
    words = rest.split()
    closing = all(w in _CLOSING_WORDS for w in words)
    if memory.callback_topic and span is None and not pending and not asks and not closing:
        return Understood("callback_again", say=CALLBACK_AGAIN)

    if memory.visit_request and span is None and not pending:
        tool, args = memory.visit_request  # "a physical": the answer to "what kind of visit?"
        return Understood("visit_type", tool=tool, args={**args, "visit_type": rest})

    if pending and (span is None or not span.has_clock) and not asks:
        answer = caller_answer(text)
        if answer is not None:  # the tool reads the yes or no itself, as for the model's call
            return Understood(
                f"answer_{answer}", tool=facts.proposal_tool, args=facts.proposal_args or {}
            )

    found = _request(text, rest, corrected, span, memory)
    if found is None:
        if memory.awaiting_identity and facts.said_birth_date and not facts.verified:
            tool, args = memory.awaiting_identity
            return Understood("identified", tool=tool, args=args)
        return None
    if found.why == "cancel_several" and (facts.verified or facts.said_birth_date):
        return None  # only an unverified caller's is answered here: with who they are
    if found.tool in PATIENT_TOOLS and not facts.verified and not facts.said_birth_date:
        # Ask who they are first, rather than call a tool that would only refuse; the request
        # is kept and carried out once they have said it.
        memory.awaiting_identity = (found.tool, dict(found.args))
        return Understood(f"{found.why}_needs_identity", say=facts.identity_question)
    return found


def _request(
    text: str, rest: str, corrected: str, span: Span | None, memory: DialogMemory
) -> Understood | None:
    if _has(_CANCEL, rest) and not _has(_NOT_CANCEL, rest):
        if _has(r"\b(?:all|every|everything)\b", rest):
            # several at once is the model's to sort out, once the caller is verified
            return Understood("cancel_several", tool="cancel_appointment", args={"which": "all"})
        if _has(_MOVE, rest):
            return None
        which = span.text if span else None
        return Understood("cancel", tool="cancel_appointment", args={"which": which})
    if _has(_MOVE, rest):
        parts = re.split(r"\bto\b", corrected)
        if len(parts) < 2:
            return None
        new = time_span(parts[-1])
        if new is None or not new.has_clock:
            return None
        if memory.task in {"book", "find"}:  # "can you move it to 9:30?" of a booking not made
            return _book_or_find(text, new, memory)
        old = time_span(" ".join(parts[:-1]))
        return Understood(
            "move",
            tool="reschedule_appointment",
            args={"new_start": _with_context(new, memory), "which": old.text if old else None},
        )
    if _has(_LIST, rest) and not _has(r"\b(?:book|schedule|free|available|open)\b", rest):
        return Understood("list", tool="list_appointments", args={"include_past": False})
    if _has(_PREFER, rest):
        for part in ("morning", "afternoon", "evening"):
            if _has(rf"\b{part}s?\b", rest):
                return Understood(
                    "preference",
                    tool="remember_preference",
                    args={"topic": "time_of_day", "preference": f"{part}s"},
                )
        return None
    if _has(_FIND, rest) and span is not None:
        return Understood(
            "find", tool="find_available_slots", args={"when": _with_context(span, memory)}
        )
    if _has(_BOOK, rest):
        if span is None:
            if any(_is_anchor(t, i) for t in [_tokens(corrected)] for i in range(len(t))):
                return None  # times it cannot take apart: the model reads them
            if memory.awaiting_identity and memory.awaiting_identity[0] == "book_appointment":
                tool, args = memory.awaiting_identity  # "yes, book it": the request still waiting
                return Understood("book_waiting", tool=tool, args=args)
            memory.task = "book"
            return Understood("book_which_time", say=WHICH_TIME)
        return _book_or_find(text, span, memory)
    if span is None:
        if memory.task == "cancel" and _has(r"\bthe \w+ one\b", rest):
            return Understood("cancel_which", tool="cancel_appointment", args={"which": rest})
        return None
    if memory.task in {"book", "find"}:
        return _book_or_find(text, span, memory)
    if memory.task == "move" and span.has_clock:
        return Understood(
            "move_time",
            tool="reschedule_appointment",
            args={"new_start": _with_context(span, memory), "which": memory.which},
        )
    if memory.task == "cancel" and not span.has_clock:
        return Understood("cancel_which", tool="cancel_appointment", args={"which": span.text})
    return None


_PROVIDER = re.compile(
    rf"\b(?:dr|doctor|nurse)\.?\s+{_NOT_A_NAME}(?!(?:next|this|that|please|today|soon)\b)"
    r"([a-z]+)\b",
    re.IGNORECASE,
)


def _provider(text: str) -> dict[str, str]:
    """{"provider": "Dr. Kim"} when the caller named one ("with Dr. Kim"), else nothing: the
    tool matches it against the clinic's providers and says so when nobody has that name."""
    found = _PROVIDER.search(text or "")
    return {"provider": f"Dr. {found.group(1).capitalize()}"} if found else {}


def _book_or_find(text: str, span: Span, memory: DialogMemory) -> Understood:
    when = _with_context(span, memory)
    reason = reason_in(text)
    # what the visit is for is also its visit type, where the clinic has visit types (the tool
    # matches it, asks when it matches none, and ignores it where there are none)
    who = {**_provider(text), **({"visit_type": reason} if reason else {})}
    if span.has_clock or (span.has_day and memory.clock):
        args = {"start": when, "reason": reason, **who}
        return Understood("book", tool="book_appointment", args=args)
    return Understood("find", tool="find_available_slots", args={"when": when, **who})


def _with_context(span: Span, memory: DialogMemory) -> str:
    """The time phrase made whole from the turns before: "the 11:30" after Aida offered
    Wednesday's times is Wednesday at 11:30; "the Friday" after "Friday the fifth at ten" is
    that Friday at ten; "that morning" is the morning of the day being talked about."""
    text = span.text
    day = memory.day
    if day is not None and re.search(r"\bthat (?:morning|afternoon|evening|day)\b", text):
        text = re.sub(r"\bthat day\b", "", text)
        text = re.sub(r"\bthat\b", "", text)
        return " ".join(f"{_day_words(day)} {text}".split())
    if span.has_clock and not span.has_day and day is not None:
        return f"{_day_words(day)} at {text.removeprefix('at ')}"
    if span.has_day and not span.has_clock and memory.clock:
        return f"{text} at {memory.clock}"
    return text


def _day_words(day: dt.date) -> str:
    return f"{day:%A} {day:%B} {day.day}"
