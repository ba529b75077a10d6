"""What in a turn is the caller saying who they are: name, date of birth, phone number.

Taken out of the turn before it is read for a request, so "born March third, 1985" is not read
as a time and "this is Jane" not as a request; `introduced_name` is the name a caller gives.
"""

from __future__ import annotations

import re

from aida.scheduling.birthdates import NUMBER_WORDS_DATE, number_words_date, unglue_born

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip


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


_MONTH_NAMES = "|".join(_MONTHS)
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

        def past_in_words(m: re.Match[str]) -> str:
            said = number_words_date(m)  # "seven fourteen ninety": the birthdates reading
            year = said[0] if said else this_year
            return " " if year < 100 or year < this_year else m.group(0)

        t = NUMBER_WORDS_DATE.sub(past_in_words, t.lower().replace("-", " "))
    t = re.sub(r"\b(?:my|the)\s+(?:phone\s+)?number\s+(?:is|on file is)\b", " ", t, flags=re.I)
    t = _PHONE.sub(" ", t)
    t = _NAME.sub(" ", t)
    return " ".join(t.split())
