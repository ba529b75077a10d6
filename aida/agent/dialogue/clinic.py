"""Questions about the clinic, answered only from the clinic's profile for this call.

`topics_in(question, profile)` finds what a question asks about (hours, a day's hours, address,
phone, parking, what to bring, insurance, languages, holidays, a fact staff named); `answer`
says each one the profile has, in one fixed sentence made from the profile's own words, and
`NOT_KNOWN` for what it does not have. Nothing is filled in: a clinic that configured no parking
has no parking sentence, whatever a model would guess. `sentences(profile)` is every sentence
the profile can give, which is what the claims guard lets a model say about the clinic
(`aida.agent.dialogue.guard`, `clinic_fact`). One matcher for the code reader and for the
`clinic_info` tool a model calls. Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from aida.agent.dialogue.frame import plain
from aida.calendar.profile import ClinicProfile, OpenPeriod
from aida.scheduling.hours import DAY_NAMES
from aida.scheduling.working_hours import DAYS

NOT_KNOWN = "I don't have that information; I can have the staff call you back."

_DAY_WORDS = {name.lower(): i for i, name in enumerate(DAY_NAMES)}  # "monday": 0 ... "sunday": 6
_TOPICS = (
    (
        "hours",
        r"\b(?:hours?|open|opens|close|closes|closing|closed)\b",
    ),
    ("address", r"\b(?:address|where are you|where is the clinic|located|location|directions|"
     r"how do i get there|find you)\b"),
    ("phone", r"\b(?:phone number|your number|fax)\b"),
    ("parking", r"\b(?:parking|park)\b"),
    ("what_to_bring", r"\b(?:bring|need to have with me|what do i need for)\b"),
    ("insurance", r"\b(?:insurance|insurances|take my plan|accept my plan|in network|"
     r"medicare|medicaid|aetna|cigna|blue cross|united ?healthcare|humana|kaiser)\b"),
    ("languages", r"\b(?:languages?|speak (?:spanish|french|chinese|mandarin|cantonese|"
     r"vietnamese|korean|russian|arabic|portuguese|english|tagalog|hindi)|spanish speaking|"
     r"interpreter|translator)\b"),
    ("holidays", r"\b(?:holidays?|thanksgiving|christmas|new years?|easter|july 4th|"
     r"fourth of july|memorial day|labor day|closures?)\b"),
)  # fmt: skip


@dataclass(frozen=True)
class Topic:
    name: str  # one of _TOPICS, or "fact:<name>" for a fact staff named
    day: int | None = None  # a weekday the hours question names


def topics_in(question: str, profile: ClinicProfile | None = None) -> list[Topic]:
    """What the question asks about, in the order of `_TOPICS`; a named fact of the profile
    when its name is in the question ("what's the wifi password" -> fact:wifi)."""
    said = plain(question)
    found: list[Topic] = []
    for name, pattern in _TOPICS:
        if re.search(pattern, said):
            found.append(Topic(name, _day_in(said) if name == "hours" else None))
    if profile is not None:
        for fact in profile.facts:
            words = plain(fact.replace("_", " "))
            if words and re.search(rf"\b{re.escape(words)}\b", said):
                found.append(Topic(f"fact:{fact}"))
    # "closed on Thanksgiving" is the holidays' question, not the weekly hours'
    if any(t.name == "holidays" for t in found):
        found = [t for t in found if t.name != "hours"]
    return found


def _day_in(said: str) -> int | None:
    for word, day in _DAY_WORDS.items():
        if re.search(rf"\b{word}s?\b", said):
            return day
    if re.search(r"\bweekends?\b", said):
        return 5
    return None


def answer(question: str, profile: ClinicProfile | None, today: dt.date | None = None) -> str:
    """What Aida says to a question about the clinic: each topic from the profile, or
    NOT_KNOWN for the first one it does not have (and for a question with no topic)."""
    if profile is None:
        return NOT_KNOWN
    topics = topics_in(question, profile)
    if not topics:
        return NOT_KNOWN
    out: list[str] = []
    for topic in topics:
        sentence = _sentence(topic, profile, question, today)
        if sentence is None:
            out.append(NOT_KNOWN)
            break
        out.append(sentence)
    return " ".join(out)


def _periods(periods: list[OpenPeriod]) -> str:
    return " and ".join(p.spoken() for p in periods)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(
    topic: Topic, profile: ClinicProfile, question: str, today: dt.date | None
) -> str | None:
    name = topic.name
    if name == "hours":
        return _hours(topic.day, profile, question, today)
    if name == "address":
        return f"We're at {profile.address}." if profile.address else None
    if name == "phone":
        return f"Our phone number is {profile.phone}." if profile.phone else None
    if name == "parking":
        return f"About parking: {profile.parking.rstrip('.')}." if profile.parking else None
    if name == "what_to_bring":
        items = profile.what_to_bring
        return f"Please bring {_listed(items)}." if items else None
    if name == "insurance":
        items = profile.insurance_accepted
        return f"The insurance we accept: {_listed(items)}." if items else None
    if name == "languages":
        items = profile.languages
        return f"We speak {_listed(items)}." if items else None
    if name == "holidays":
        if not profile.holidays:
            return None
        return f"We're closed {_listed([h.spoken for h in profile.holidays])}."
    if name.startswith("fact:"):
        text = profile.facts.get(name.removeprefix("fact:"))
        return f"{text.rstrip('.')}." if text else None
    return None


def _hours(
    day: int | None, profile: ClinicProfile, question: str, today: dt.date | None
) -> str | None:
    week = profile.spoken_hours()
    if not week:
        return None
    said = plain(question)
    if today is not None and day is None and re.search(r"\b(?:today|tomorrow|tonight)\b", said):
        when = today + dt.timedelta(days=1 if "tomorrow" in said else 0)
        periods = profile.open_on(when)
        word = "tomorrow" if "tomorrow" in said else "today"
        if periods:
            return f"{word.capitalize()} we're open {_periods(periods)}."
        closure = profile.closure_on(when)
        why = f" {closure.spoken}" if closure is not None else ""
        return f"We're closed {word}{why}. Our hours are {week}."
    if day is None:
        return f"Our hours are {week}."
    periods = profile.hours.get(DAYS[day], [])
    if periods:
        return f"On {DAY_NAMES[day]}s we're open {_periods(periods)}."
    return f"We're closed on {DAY_NAMES[day]}s. Our hours are {week}."


def sentences(profile: ClinicProfile | None, today: dt.date | None = None) -> tuple[str, ...]:
    """Every sentence the profile gives, for the claims guard: what a model may say about
    the clinic (a part of one of these is one of them)."""
    if profile is None:
        return ()
    out: list[str] = []
    for name, _ in _TOPICS:
        days: list[int | None] = [None, *range(7)] if name == "hours" else [None]
        for day in days:
            said = _sentence(Topic(name, day), profile, "", today)
            if said:
                out.append(said)
    for fact in profile.facts:
        said = _sentence(Topic(f"fact:{fact}"), profile, "", today)
        if said:
            out.append(said)
    if profile.name:
        out.append(f"This is {profile.name}.")
    return tuple(out)
