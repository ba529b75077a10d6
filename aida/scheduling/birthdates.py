"""A date of birth as a caller says it, resolved in code: "March 3rd 1985", "3/3/85",
"the third of March, nineteen eighty-five", "1985-03-03".

Clinics verify a caller with two identifiers; the date of birth is the one caller ID cannot give.
The model passes the caller's words through unchanged and this module decides what date they
mean, so a small model never does calendar arithmetic on an identifier. Anything it cannot read as
one real past date is refused with a sentence Aida can say, and is never counted as a failed
identity check (mishearing is not an attack).
"""

from __future__ import annotations

import datetime as dt
import re

from aida.errors import InvalidRequest
from aida.scheduling.dates_normalize import MONTHS as _MONTHS
from aida.scheduling.dates_normalize import normalize as _normalize

NOT_UNDERSTOOD = (
    "Sorry, I didn't catch the full date of birth. Could you say the month, the day and the "
    "year, like March 3rd, 1985?"
)
NOT_PLAUSIBLE = (
    "That date of birth doesn't sound right. Could you say it again, with the month, the day "
    "and the year?"
)
OLDEST_AGE_YEARS = 125

_SMALL = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
_TENS_RE = "|".join(_TENS)
_SMALL_RE = "|".join(sorted(_SMALL, key=len, reverse=True))
# 1..99 in words: "five", "eighty five", "eighty-five", "oh five" (as in "nineteen oh five").
_TWO_DIGITS = rf"(?:(?:{_TENS_RE})(?:[\s-](?:{_SMALL_RE}))?|(?:oh|o)\s(?:{_SMALL_RE})|{_SMALL_RE})"
_CENTURY_YEAR = re.compile(rf"\b(nineteen|twenty)\s({_TWO_DIGITS})\b")
_SHORT_YEAR = re.compile(rf"\b(?:sixty|seventy|eighty|ninety)(?:[\s-](?:{_SMALL_RE}))?\b")
_THOUSANDS_YEAR = re.compile(rf"\btwo thousand(?:\s(?:and\s)?({_TWO_DIGITS}))?\b")


_UNITS_RE = "one|two|three|four|five|six|seven|eight|nine"
# "seven fourteen ninety", "twelve twenty two nineteen eighty one": month, day and year all said
# as numbers in words (as "7/14/90" is read aloud). The year is a two-digit one ("ninety", "oh
# five") or a full one ("nineteen ninety"); a day or month alone is never a year.
NUMBER_WORDS_DATE = re.compile(
    r"\b(?P<month>twelve|eleven|ten|one|two|three|four|five|six|seven|eight|nine)[\s,]+"
    rf"(?P<day>(?:twenty|thirty)(?:\s(?:{_UNITS_RE}))?|{_SMALL_RE})[\s,]+"
    rf"(?P<year>(?:(?:nineteen|twenty)\s)?(?:(?:{_TENS_RE})(?:\s(?:{_UNITS_RE}))?|oh\s(?:{_UNITS_RE})))\b"
)


def number_words_date(m: re.Match[str]) -> tuple[int, int, int] | None:
    """(year, month, day) of a `NUMBER_WORDS_DATE` match (the year as said: 90 or 1990)."""
    year_words = m.group("year").split()
    if (
        year_words[0] in ("nineteen", "twenty")
        and year_words[1:2]
        and (year_words[1] in _TENS or year_words[1] == "oh")
    ):  # "nineteen ninety", "twenty oh five"; "twenty five" is '25
        century = 1900 if year_words[0] == "nineteen" else 2000
        year = century + _two_digits(" ".join(year_words[1:]))
    else:
        year = _two_digits(" ".join(year_words))
    month = _SMALL[m.group("month")]
    day_words = m.group("day").split()
    day = (
        _TENS[day_words[0]] + (_SMALL[day_words[1]] if len(day_words) > 1 else 0)
        if day_words[0] in _TENS
        else _SMALL[day_words[0]]
    )
    return (year, month, day) if day >= 1 else None


def _two_digits(words: str) -> int:
    parts = words.replace("-", " ").split()
    if parts[0] in ("oh", "o"):
        return _SMALL[parts[1]]
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_SMALL[parts[1]] if len(parts) > 1 else 0)
    return _SMALL[parts[0]]


def _spoken_years(text: str) -> str:
    """Years said as words become digits before the general normalisation splits them up."""
    text = _CENTURY_YEAR.sub(
        lambda m: str((19 if m.group(1) == "nineteen" else 20) * 100 + _two_digits(m.group(2))),
        text,
    )
    text = _THOUSANDS_YEAR.sub(
        lambda m: str(2000 + (_two_digits(m.group(1)) if m.group(1) else 0)), text
    )
    # "eighty five" can only be a year here (no day or month is over 31).
    return _SHORT_YEAR.sub(lambda m: str(_two_digits(m.group(0))), text)


def _full_year(year: int, today: dt.date) -> int:
    if year >= 100:
        return year
    # "85" is 1985 and "10" is 2010 for a caller today: the latest year not in the future.
    return 2000 + year if 2000 + year <= today.year else 1900 + year


def _checked(year: int, month: int, day: int, today: dt.date) -> dt.date:
    try:
        born = dt.date(_full_year(year, today), month, day)
    except ValueError:
        raise InvalidRequest(NOT_PLAUSIBLE) from None
    if born > today or today.year - born.year > OLDEST_AGE_YEARS:
        raise InvalidRequest(NOT_PLAUSIBLE)
    return born


_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4}|\d{2})"
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\b")
_MONTH_FIRST = re.compile(rf"\b({_MONTH_RE})\s+(?:the\s+)?{_ORD}\s+(?:of\s+)?{_YEAR}\b")
_DAY_FIRST = re.compile(rf"\b(?:the\s+)?{_ORD}\s+(?:of\s+)?({_MONTH_RE})\s+{_YEAR}\b")
# Whisper writes "three, three, nineteen eighty-five" said as numbers as "3, 3, 1985"; a full year
# is required, so a list of small numbers is never read as a date.
_COMMAS = re.compile(r"\b(\d{1,2}),\s*(\d{1,2}),\s*(\d{4})\b")
_SPACED = re.compile(r"^(?:\D*\s)?(\d{1,2})\s+(\d{1,2})\s+(\d{4}|\d{2})(?:\s\D*)?$")


# Speech-to-text glues a surname to the word after it: "Jane Doeborn March 3", "Jane Doe-born",
# "Jane Dobern". Words that really end in "born" are left alone.
_GLUED_BORN = re.compile(
    r"\b(?!(?:stub|new|first|re|in|un|high|low|free|well|sea|air|still|last)-?b[oe]rn\b)"
    r"([a-z]{2,}?)-?b[oe]rn\b",
    re.IGNORECASE,
)


def unglue_born(text: str) -> str:
    """ "Jane Doeborn March 3" -> "Jane Doe born March 3" (see `_GLUED_BORN`)."""
    return _GLUED_BORN.sub(r"\1 born", text or "")


def dates_of_birth_in(text: str, today: dt.date, *, day_first: bool = False) -> list[dt.date]:
    """Every full date in a longer utterance that could be a date of birth (a real day before
    today), in order: "Hi, this is Jane Doe, born March 3rd 1985, I'd like Wednesday at 10"
    gives [1985-03-03]. A booking date said with its year is in the future and is left out."""
    raw = (text or "").lower()
    found: list[tuple[int, dt.date]] = []

    def keep(at: int, year: int, month: int, day: int) -> None:
        try:
            born = _checked(year, month, day, today)
        except InvalidRequest:
            return
        if born < today:
            found.append((at, born))

    for m in _ISO.finditer(raw):
        keep(m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for m in (*_NUMERIC.finditer(raw), *_COMMAS.finditer(raw)):
        first, second, year = (int(g) for g in m.groups())
        month, day = (second, first) if day_first or first > 12 else (first, second)
        keep(m.start(), year, month, day)
    for m in NUMBER_WORDS_DATE.finditer(raw.replace("-", " ")):
        said = number_words_date(m)
        if said is not None:
            keep(m.start(), *said)
    t = _normalize(_spoken_years(raw.replace("-", " ")))
    for pattern, month_group, day_group in ((_MONTH_FIRST, 1, 2), (_DAY_FIRST, 2, 1)):
        for m in pattern.finditer(t):
            keep(
                len(raw) + m.start(),  # after the digit forms; order within a form is kept
                int(m.group(3)),
                _MONTHS[m.group(month_group)],
                int(m.group(day_group)),
            )
    out: list[dt.date] = []
    for _, born in sorted(found, key=lambda f: f[0]):
        if born not in out:
            out.append(born)
    return out


def parse_date_of_birth(text: str, today: dt.date, *, day_first: bool = False) -> dt.date:
    """The date of birth in `text`; `day_first` reads "3/4/85" as the 3rd of April (outside the
    US). Raises `InvalidRequest` with a speakable message when no single real date is there."""
    raw = (text or "").strip().lower()
    if not raw:
        raise InvalidRequest(NOT_UNDERSTOOD)
    iso = _ISO.search(raw)
    if iso:
        return _checked(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), today)
    numeric = _NUMERIC.search(raw) or _COMMAS.search(raw)
    if numeric:
        first, second, year = (int(g) for g in numeric.groups())
        month, day = (second, first) if day_first or first > 12 else (first, second)
        return _checked(year, month, day, today)

    words = NUMBER_WORDS_DATE.search(raw.replace("-", " "))
    said = number_words_date(words) if words else None
    if said is not None:
        return _checked(*said, today)

    t = _normalize(_spoken_years(raw.replace("-", " ")))
    t = re.sub(r"\b(born|on|i was|it's|it is|my birthday is|date of birth|is)\b", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    for pattern, month_group, day_group in ((_MONTH_FIRST, 1, 2), (_DAY_FIRST, 2, 1)):
        m = pattern.search(t)
        if m:
            return _checked(
                int(m.group(3)), _MONTHS[m.group(month_group)], int(m.group(day_group)), today
            )
    spaced = _SPACED.match(t)
    if spaced:
        first, second, year = (int(g) for g in spaced.groups())
        month, day = (second, first) if day_first or first > 12 else (first, second)
        return _checked(year, month, day, today)
    raise InvalidRequest(NOT_UNDERSTOOD)
