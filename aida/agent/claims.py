"""What one attempt claims: one full name and one date of birth, read from the caller's words or
from `identify_caller`'s arguments, and whether it claims more than one of either.

Verification takes one name and one date per attempt. A turn that says several dates ("born
1985-01-01 1985-01-02 ...") or several names ("Jane Mary Ann ... Doe Smith ...") is not an
attempt that may match: it is a spray, counted as a failed attempt with one guess per distinct
date. Pure: no store, no session.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from aida.agent.dialogue.lexicon import NO, YES  # the one yes/no lexicon: never a name
from aida.scheduling.birthdates import (
    NUMBER_WORDS_DATE,
    dates_of_birth_in,
    parse_date_of_birth,
    unglue_born,
)

# A full name has at most this many words ("Mary Ann Smith Jones"); more is several names.
MAX_NAME_WORDS = 4

_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
}  # fmt: skip
# Where a date of birth starts, so the words just before it are the name ("Jane Doe, March 3rd").
_DATE_START = {"born", "date", "dob", "birthday", "birth", *_MONTHS}
# Words around a name that are no part of it.
_NOT_NAME = {
    "a", "an", "the", "hi", "hello", "hey", "yes", "yeah", "no", "ok", "okay", "so", "well",
    "this", "is", "its", "it", "s", "im", "i", "am", "my", "name", "names", "me", "and", "or",
    "of", "on", "was", "sorry", "um", "uh", "er", "calling", "speaking", "here", "it's", "i'm",
    "called", "full", "first", "last", "surname", "please", "again", "said", "thats", "that",
    "patient", "new", "spelled", "spell", "spelt", "like", "with", "for", "number", "phone",
    "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
} | YES | NO  # fmt: skip
# A phone number in the turn, in digits or words, is no part of a name next to it.
_PHONE_RUN = re.compile(
    r"(?:\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b[\s,.-]*){7,}"
    r"|\+?(?:\d[\s.,()-]*){7,}",
    re.IGNORECASE,
)
_INTRODUCED = re.compile(
    r"\b(?:my name is|name is|this is|it is|it's|its|i am|i'm|im)\s+([a-z][a-z' -]*)",
    re.IGNORECASE,
)
# After "I'm", a word that says how or where the caller is, not who ("I'm due in Tuesday",
# "I'm calling about", "I'm not sure"): no name follows.
_NOT_AFTER_IM = {
    "due", "going", "gonna", "calling", "looking", "trying", "just", "not", "sure", "fine",
    "good", "ok", "okay", "wondering", "hoping", "running", "late", "back", "ready", "free",
    "available", "busy", "worried", "scared", "afraid", "sick", "feeling", "pregnant", "booked",
    "supposed", "meant", "also", "still", "so", "really", "coming", "leaving", "away", "out",
    "home", "in", "at", "on", "the", "a", "an", "having", "getting", "off", "here", "there",
    "sorry", "after", "about", "booking", "asking",
}  # fmt: skip

# Letters said one by one, as speech-to-text writes them: "K-W-A-M-E", "k w a m e", "A. S. A."
_SPELLED = re.compile(r"\b(?:[a-z][\s.,-]{1,3}){2,}[a-z]\b", re.IGNORECASE)
# ... or run together in capitals ("KWAMI"), after the caller was asked to spell.
_CAPITALS = re.compile(r"\b[A-Z]{3,}\b")
_SEVERAL = re.compile(r"\s(?:or|and|/|;)\s|[;/|]|,", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One attempt: the names and dates it holds. It may match only when `single`."""

    names: tuple[str, ...] = ()
    dates: tuple[dt.date, ...] = ()
    spelled: tuple[str, ...] = field(default=())  # words the caller spelled out

    @property
    def name(self) -> str | None:
        return self.names[0] if len(self.names) == 1 else None

    @property
    def date(self) -> dt.date | None:
        return self.dates[0] if len(self.dates) == 1 else None

    @property
    def single(self) -> bool:
        return len(self.names) == 1 and len(self.dates) == 1

    @property
    def spray(self) -> bool:
        """Several names or several dates in one attempt: a failure, whatever they are."""
        return len(self.names) > 1 or len(self.dates) > 1


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'-]*|\d+", unglue_born(text).lower().replace("’", "'"))


# Words a caller says after their name, before the date ("Sam Ortiz here, birthday ...").
_AFTER_NAME = {"here", "speaking", "calling", "and", "my", "is", "the", "of"}


def _name_words(words: list[str]) -> list[str]:
    """The trailing run of words that can be a name (words said after a name skipped)."""
    run: list[str] = []
    while words and words[-1] in _AFTER_NAME:
        words = words[:-1]
    for word in reversed(words):
        if word in _NOT_NAME or word in _DATE_START or word.isdigit():
            break
        run.insert(0, word.strip("'-"))
    return [w for w in run if w]


def spelled_words(text: str) -> tuple[str, ...]:
    """The words a caller spelled ("K-W-A-M-E" -> "kwame"); capitals run together count too."""
    found = [re.sub(r"[^a-z]", "", m.group(0).lower()) for m in _SPELLED.finditer(text or "")]
    if re.search(r"[a-z]", text or ""):  # in a turn written all in capitals, none is spelled
        found += [m.group(0).lower() for m in _CAPITALS.finditer(text or "")]
    return tuple(dict.fromkeys(w for w in found if len(w) >= 2))


def _without_spelling(text: str, *, capitals: bool) -> str:
    plain = _SPELLED.sub(" ", _PHONE_RUN.sub(" ", text or ""))
    return _CAPITALS.sub(" ", plain) if capitals else plain


def _distinct(names: list[str]) -> tuple[str, ...]:
    """Names that are one and the same (one within the other: "Jane Doe" in "Jane Ann Doe")
    count once, the longest kept."""
    out: list[list[str]] = []
    for name in sorted((n.split() for n in names if n), key=len, reverse=True):
        if not any(set(name) <= set(kept) for kept in out):
            out.append(name)
    return tuple(" ".join(n) for n in out)


def names_in_words(text: str) -> tuple[str, ...]:
    """The names a turn introduces: after "this is" / "my name is" / "I'm", and the words right
    before its date of birth. Spelled words are left out (they are matched apart), capitals
    run together too unless the name is nowhere else ("I'M JANE DOE")."""
    capitals = bool(re.search(r"[a-z]", text or ""))
    return _names(_without_spelling(text, capitals=capitals)) or _names(
        _without_spelling(text, capitals=False)
    )


def _names(plain: str) -> tuple[str, ...]:
    names: list[str] = []
    for m in _INTRODUCED.finditer(plain.replace("’", "'")):
        lead = m.group(0).lower().split()
        if lead[0] in ("i", "i'm", "im") and m.group(1).split()[0].lower() in _NOT_AFTER_IM:
            continue
        run = _lead_name(m.group(1))
        if run:
            names.append(" ".join(run))
    words = _words(plain)
    starts = [i for i, w in enumerate(words) if w in _DATE_START or _date_digits(words, i)]
    if not starts:  # "jane doe, seven fourteen ninety": the date said as three numbers
        words = " ".join(words).replace("-", " ").split()
        said = NUMBER_WORDS_DATE.search(" ".join(words))
        if said:
            starts = [len(" ".join(words)[: said.start()].split())]
    if starts:
        before = _name_words(words[: starts[0]])
        if before:
            names.append(" ".join(before))
    return _distinct(names)


def _date_digits(words: list[str], i: int) -> bool:
    """Digits that begin a date ("3 3 85", "03 03 1985", "1985"), not a clock time said before
    the name ("book friday at 4, it's Jane Doe, March 3rd 1985")."""
    if not words[i].isdigit():
        return False
    return len(words[i]) == 4 or sum(w.isdigit() for w in words[i : i + 3]) >= 3


def _lead_name(text: str) -> list[str]:
    """The leading run of name words ("jane doe born march ..." -> ["jane", "doe"])."""
    run: list[str] = []
    for word in _words(text):
        if word in _NOT_NAME or word in _DATE_START or word.isdigit():
            break
        run.append(word)
    return run


def claim_in_words(text: str, today: dt.date, *, day_first: bool = False) -> Claim:
    """What one caller turn claims."""
    names = names_in_words(text)
    dates = tuple(dates_of_birth_in(text, today, day_first=day_first))
    return Claim(names=_capped(names), dates=dates, spelled=spelled_words(text))


def _capped(names: tuple[str, ...]) -> tuple[str, ...]:
    # A "name" of more words than any full name is several names run together.
    if len(names) == 1 and len(names[0].split()) > MAX_NAME_WORDS:
        return (names[0], "")
    return names


def claim_in_arguments(
    full_name: str, date_of_birth: str, today: dt.date, *, day_first: bool = False
) -> Claim:
    """What `identify_caller`'s arguments claim. Raises `InvalidRequest` (a sentence to say,
    never a failed attempt) when no date of birth can be read at all."""
    spelled = spelled_words(full_name)
    name = " ".join(_SPELLED.sub(" ", full_name or "").split()) if spelled else ""
    name = name or " ".join((full_name or "").split())
    names: tuple[str, ...] = ()
    if name:
        parts = [p for p in _SEVERAL.split(name) if p and p.strip()]
        names = tuple(" ".join(p.split()) for p in parts) if len(parts) > 1 else (name,)
        names = _capped(names)
    dates = tuple(dates_of_birth_in(date_of_birth, today, day_first=day_first))
    if not dates:
        dates = (parse_date_of_birth(date_of_birth, today, day_first=day_first),)
    return Claim(names=names, dates=dates, spelled=spelled)
