"""The claims guard: every free-text sentence a model says passes it first.

A model, small or large, says what sounds right: "Great! I've booked your appointment" after
nothing was booked, "I'll be there on Friday" in the patient's voice, a date of birth read back
with the wrong year, opening hours that are not the clinic's. None of it reaches the caller:
- `claim`: no sentence says something was booked, moved, cancelled or confirmed unless a write
  of that kind succeeded in this turn (a caller confirmed this turn may hear "you're confirmed");
- `time`: no day, date or clock time that no tool gave in this call (found with the one time
  grammar, `aida.scheduling.dates_*`);
- `internal`: never the model's machinery (a tool's name: "I will call identify_caller");
- `caller_voice`: never the caller's words ("I'll be there", "I can come", "my appointment");
- `clinic_fact`: no fact about the clinic (hours, parking, address, insurance...) unless it is
  (a part of) one of the sentences the clinic profile of this call gives
  (`aida.agent.dialogue.clinic.sentences`); such a sentence may name the days and hours it gives.
A blocked sentence is replaced by a safe one (`SAFE`) and the rest of the reply is dropped; the
agent records `reply_blocked` with the rule on the timeline. Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aida.errors import AidaError
from aida.scheduling.dates_extract import extract
from aida.scheduling.dates_normalize import normalize

SAFE = {
    "claim": "Sorry, nothing has been changed yet. What would you like me to do?",
    "time": "Let me check the calendar for that. Which day and time would you like?",
    "caller_voice": "How can I help you with your appointments today?",
    "clinic_fact": "I don't have that information; I can have the staff call you back.",
    "internal": "How can I help you with your appointments today?",
}
# The model narrating its own machinery ("I will call identify_caller to confirm ..."): a tool's
# name, or talk of functions and tools, is never for the caller's ears.
_INTERNAL = re.compile(
    r"\b(?:call|calling|use|using|run|running|invoke|invoking)\s+(?:the\s+)?[a-z]+_[a-z_]+\b|"
    r"\b(?:function|tool) ?calls?\b|\bfunctions\.[a-z]"
)

_NEGATED = re.compile(
    r"\b(?:not|haven'?t|hasn'?t|wasn'?t|isn'?t|aren'?t|nothing|no|never|couldn'?t|can'?t|"
    r"won'?t|didn'?t|unable)\b"
)
# (kind of write that makes it true, pattern)
_CLAIMS = (
    ("book", r"\b(?:booked|scheduled|set up|made (?:the|your|an|a) appointment|put you (?:down|in)|"
     r"reserved|you'?re in for|see you (?:on|at|then))\b"),
    ("move", r"\b(?:moved|rescheduled|changed (?:it|your appointment)|switched)\b"),
    ("cancel", r"\b(?:cancell?ed|removed|taken off|taken you off|off the schedule)\b"),
    ("any", r"\b(?:confirmed|all set|done|taken care of|is set|you'?re set|noted)\b"),
)  # fmt: skip
_VOICE = re.compile(
    r"\b(?:i'?ll be there|i will be there|i can come|i can make it|i'?ll come|i'?ll take (?:it|"
    r"that|the)|works for me|my appointment|my date of birth|my birthday|i'?d like to (?:book|"
    r"come|cancel|move)|i would like to (?:book|come|cancel|move)|book me|see you there|"
    r"i'?ll see you)\b",
    re.IGNORECASE,
)
_CLINIC_FACT = re.compile(
    r"\b(?:we(?:'re| are)? (?:open|closed)|we close|(?:open|opens|close|closes) (?:at|from|until|"
    r"till|on)|our (?:hours|office hours|address)|hours are|open from|parking|park (?:in|on|at|"
    r"behind)|located|address is|insurance|we (?:take|accept)|bring (?:your|a|an|any)|"
    r"languages?|speak spanish|on weekends|on saturdays?|on sundays?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Known:
    """What this call's tools have said, for the guard: the times they gave, the writes done
    this turn, whether the caller was confirmed this turn, the clinic profile's sentences
    (`aida.agent.dialogue.clinic.sentences`: empty when no profile was loaded)."""

    times: frozenset[dt.datetime] = frozenset()  # naive local times
    wrote: frozenset[str] = frozenset()  # "book" | "move" | "cancel" this turn
    verified_now: bool = False
    clinic_sentences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rule: str | None = None

    @property
    def safe(self) -> str | None:
        return SAFE.get(self.rule or "")


@dataclass
class Checked:
    """A whole reply, checked sentence by sentence: what may be said, and the rule broken."""

    said: list[str] = field(default_factory=list)
    rule: str | None = None


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def check(sentence: str, known: Known) -> Verdict:
    low = sentence.lower().replace("’", "'")
    if _INTERNAL.search(low):
        return Verdict(False, "internal")
    if _VOICE.search(low):
        return Verdict(False, "caller_voice")
    # the clinic profile's own words (a part of one of its sentences), its hours included
    from_profile = _in_profile(sentence, known.clinic_sentences)
    if _CLINIC_FACT.search(low) and not from_profile:
        return Verdict(False, "clinic_fact")
    for kind, pattern in _CLAIMS:
        for m in re.finditer(pattern, low):
            before = low[max(0, m.start() - 40) : m.start()]
            if _NEGATED.search(before) or "?" in low[m.end() :]:
                continue  # "I haven't booked anything", "Shall I have it moved?"
            if kind == "any" and (known.wrote or known.verified_now):
                continue
            if kind in known.wrote:
                continue
            return Verdict(False, "claim")
    if not from_profile and not _times_known(low, known.times):
        return Verdict(False, "time")
    return Verdict(True)


def check_reply(text: str, known: Known) -> Checked:
    out = Checked()
    for sentence in sentences(text):
        verdict = check(sentence, known)
        if not verdict.ok:
            out.rule = verdict.rule
            out.said.append(verdict.safe or "")
            return out
        out.said.append(sentence)
    return out


def _in_profile(sentence: str, profile: tuple[str, ...]) -> bool:
    said = _squash(sentence)
    # a few words at least: "9 AM." alone is in the hours sentence but says nothing of them
    return len(said.split()) >= 3 and any(said in _squash(p) for p in profile)


def _squash(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


_COUNTED = re.compile(
    r"\b(?:one|two|three|four|five|\d+) (?=(?:more |other )?(?:appointments?|slots?|times?|"
    r"openings?|options?)\b)"
)


def names_only(text: str, times: Iterable[dt.datetime]) -> bool:
    """Every day and time `text` names is one of `times` (naive local)."""
    return _times_known(text.lower(), frozenset(times))


def _times_known(low: str, times: frozenset[dt.datetime]) -> bool:
    """Every day and time the sentence names is one a tool gave in this call."""
    low = _COUNTED.sub("", low)  # "you have one appointment": a count, not 1 o'clock
    normal = normalize(low)
    try:
        parts = extract(normal)
    except AidaError:
        return not re.search(r"\d", normal)  # numbers the grammar cannot place: not ours to say
    for weekday, _modifier in parts.weekdays:
        if not any(t.weekday() == weekday for t in times):
            return False
    for year, month, day in parts.dates:
        if month is None and not re.search(rf"\bthe {day}(?:st|nd|rd|th)\b", normal):
            continue  # "First, may I have your name": an ordinal word, not "the 1st"
        if not any(
            t.day == day
            and (month is None or t.month == month)
            and (year is None or t.year == year)
            for t in times
        ):
            return False
    for clock in parts.times:
        if not any((t.hour, t.minute) == (clock.hour, clock.minute) for t in times):
            return False
    return True


def tool_times(values: Iterable[Any], tz: dt.tzinfo | None = None) -> set[dt.datetime]:
    """Every ISO date-time anywhere in these tool results, as naive local times (in `tz`: a
    listing gives UTC instants, "2026-03-04T15:00:00+00:00", which the caller hears at 10 AM)."""
    found: set[dt.datetime] = set()

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)
        elif isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", v):
            try:
                when = dt.datetime.fromisoformat(v)
                if tz is not None and when.tzinfo is not None:
                    when = when.astimezone(tz)
                found.add(when.replace(tzinfo=None))
            except ValueError:
                return

    for value in values:
        walk(value)
    return found
