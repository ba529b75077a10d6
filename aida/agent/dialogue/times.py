"""The time phrases in a caller's turn, found with the one time grammar (`aida.scheduling.dates_*`).

The reader does not keep a vocabulary of times of its own: it normalises the turn and lets
`dates_extract` take out what it recognises, then reads where those parts were. Parts next to
each other (with only small words between: "Wednesday, the 11th, maybe 10:30") are one phrase;
parts apart ("Tuesday at 2 ... and the one on the 13th") are two. A phrase with words next to it
that the grammar did not take and that change its meaning ("a week from Thursday", "same
time", "not in the morning", "for my 3 year old") makes the turn unreadable here: the model
reads it, or the tool asks. The text handed to a tool is the phrase in normalised words, which
`resolve_when` reads the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aida.errors import AidaError
from aida.scheduling.dates_extract import Parts, extract
from aida.scheduling.dates_normalize import FILLER, NEGATIONS, normalize

# Small words that may sit between the parts of one phrase. All are filler to `resolve_when`.
JOINERS = frozenset(
    {"a", "an", "the", "on", "at", "in", "of", "for", "around", "about", "approximately",
        "roughly", "ish", "please", "maybe", "perhaps", "sometime", "some", "time", "any", "day",
        "or", "so", "um", "uh", "well", "just", "then", "like", "ideally", "preferably", "that"}
)  # fmt: skip
# Words the grammar left that change the meaning of the phrase next to them.
_CHANGES = (
    frozenset(
        {
            "week",
            "weeks",
            "days",
            "month",
            "months",
            "from",
            "after",
            "before",
            "following",
            "past",
            "until",
            "till",
            "by",
            "between",
            "same",
            "end",
            "start",
            "beginning",
            "early",
            "late",
            "earlier",
            "later",
            "than",
            "except",
            "every",
            "other",
            "last",
            "first",
            "year",
            "old",
            "years",
        }
    )
    | NEGATIONS
)
_BARE_HOUR = re.compile(r"^(?:1[0-2]|[1-9])(?::[0-5]\d)?$")


@dataclass(frozen=True)
class Span:
    text: str  # the phrase in normalised words, for the tools
    has_day: bool  # names a day: weekday, date, today/tomorrow, "next week"
    has_clock: bool  # names a clock time: "10", "2:30", "noon"
    asap: bool = False  # only "first available", "whenever": no day or time of its own


@dataclass(frozen=True)
class Times:
    spans: tuple[Span, ...] = ()
    unreadable: bool = False  # time words the grammar cannot take apart here

    @property
    def one(self) -> Span | None:
        """The only phrase, or None when there is none, several, or an unreadable one. "whenever"
        beside a day ("whenever Dr. Kim is free on Thursday") is no second phrase."""
        spans = [s for s in self.spans if not s.asap] or list(self.spans)
        return spans[0] if len(spans) == 1 and not self.unreadable else None


# "the one", "the Friday one": a pronoun, not the number 1 the grammar would read
_PRONOUN_ONE = re.compile(
    r"\b(the|that|this|which|any|other|another|earlier|later|first|last|same|next|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|morning|afternoon|\d+(?:st|nd|rd|th)?)"
    r"\s+one\b",
    re.IGNORECASE,
)


# "your first opening", "the first slot": the earliest free time, not the 1st of the month
_FIRST_FREE = re.compile(
    r"\b(?:first|earliest|soonest)\s+(?:open\s+)?(?:opening|slot|availability|time|appointment)s?\b",
    re.IGNORECASE,
)


def _stt_clock(text: str) -> str:
    text = _FIRST_FREE.sub("first available", text)
    text = _PRONOUN_ONE.sub(r"\1 appointment", text)
    # "The 1130, please": speech-to-text writes a clock time without its colon
    return re.sub(
        r"\b(the|at|around|about)\s+(1[0-2]|0?[1-9])([0-5]\d)\b(?!\s*(?:st|nd|rd|th)\b)",
        r"\1 \2:\3",
        text,
        flags=re.IGNORECASE,
    )


def _parts(text: str) -> Parts | None:
    try:
        return extract(text)
    except AidaError:
        return None


# "same time", "at the same time", "the same time as before": a move keeps its clock time (the
# reader names it, `aida.agent.writes.move` puts in the clock time of the appointment moved)
SAME_TIME = re.compile(
    r"\b(?:at\s+)?(?:the\s+)?same\s+time(?:\s+as\s+(?:before|now|usual))?\b", re.I
)

# Why the caller wants a time, said next to it ("at seven pm after work"): with a clock time
# named, no change to what the time means; without one it is a range the grammar cannot take
_ROUTINE = re.compile(
    r"\b(?:after|before) (?:work|school|class|my shift|my lunch|lunch|the school run)\b", re.I
)


def find_times(text: str) -> Times:
    """Every time phrase in `text`, in order."""
    found = _find_times(text)
    if found.unreadable and _ROUTINE.search(text or ""):
        bare = _find_times(_ROUTINE.sub(" ", text))
        if not bare.unreadable and bare.spans and all(s.has_clock for s in bare.spans):
            return bare
    return found


def _find_times(text: str) -> Times:
    normal = normalize(_stt_clock(text or ""))
    parts = _parts(normal)
    if parts is None:
        return Times(unreadable=True)
    tokens = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", normal)]
    taken = [any(s < e2 and s2 < e for s2, e2 in parts.spans) for s, e, _ in tokens]
    groups: list[tuple[int, int]] = []  # token index ranges, inclusive
    i = 0
    while i < len(tokens):
        if not taken[i]:
            i += 1
            continue
        first = last = i
        j = i + 1
        while j < len(tokens) and (taken[j] or tokens[j][2] in JOINERS):
            if taken[j]:
                last = j
            j += 1
        groups.append((first, last))
        i = last + 1
    spans: list[Span] = []
    for first, last in groups:
        if _changed(tokens, taken, first, last):
            return Times(unreadable=True)
        words = [t[2] for t in tokens[first : last + 1]]
        if first > 0 and tokens[first - 1][2] == "that":
            words.insert(0, "that")  # "that morning": the day being talked about
        phrase = " ".join(words)
        own = _parts(phrase)
        if own is None:
            return Times(unreadable=True)
        has_day, has_clock = own.has_day, bool(own.times)
        if not (has_day or has_clock or own.ranges or own.day_parts):
            continue  # "may" the verb, taken and dropped by the grammar
        asap = own.asap and not (own.rel_days or own.weekdays or own.dates or own.times)
        spans.append(Span(phrase, has_day, has_clock, asap))
    leftover = [w for w in parts.text.split() if w not in FILLER]
    if not spans:
        if len(leftover) == 1 and _BARE_HOUR.match(leftover[0]):
            # "the two", "the eleven, please": an hour alone, after Aida offered times
            return Times((Span(f"at {leftover[0]}", False, True),))
        return Times(unreadable=any(any(c.isdigit() for c in w) for w in leftover))
    if any(any(c.isdigit() for c in w) for w in leftover):
        return Times(tuple(spans), unreadable=True)  # numbers the grammar could not place
    return Times(tuple(spans))


def _changed(
    tokens: list[tuple[int, int, str]], taken: list[bool], first: int, last: int, reach: int = 4
) -> bool:
    """A word near the phrase (within `reach` words, not part of another phrase) that changes
    what it means: "Tuesday at 9, or a bit later", "a week from Thursday", "not in the
    morning"."""
    near = [
        *range(max(0, first - reach), first),
        *range(last + 1, min(len(tokens), last + 1 + reach)),
    ]
    return any(
        not taken[k] and (tokens[k][2] in _CHANGES or any(c.isdigit() for c in tokens[k][2]))
        for k in near
    )


def time_span(text: str) -> Span | None:
    """The one time phrase in `text`, or None (none, several, or not readable here)."""
    return find_times(text).one


def clock_words(text: str) -> str | None:
    """Only the clock time of a phrase ("friday the fifth at ten" -> "at 10")."""
    parts = _parts(normalize(text or ""))
    if parts is None or not parts.times:
        return None
    t = parts.times[0]
    return f"at {t.hour}:{t.minute:02d}" if t.minute else f"at {t.hour}"
