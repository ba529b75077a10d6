"""Callers' words for dates and times in one canonical form, and the vocabulary it knows.

`normalize` lowercases, drops punctuation, turns spoken numbers and ordinals into digits ("twenty
first" is "21st", "ten thirty" is "10:30") and rewrites a few idioms ("a fortnight", "tonight"), so
the patterns in `dates_extract` (and `birthdates`) match one spelling of each thing.
"""

from __future__ import annotations

import re

from aida.scheduling.speech import ordinal

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"), ("tuesday", "tues", "tue"), ("wednesday", "wed"),
            ("thursday", "thurs", "thur", "thu"), ("friday", "fri"), ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}  # fmt: skip
_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_ORD_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_ORD_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
              "sixteenth", "seventeenth", "eighteenth", "nineteenth"]  # fmt: skip
_ORD_TENS = {"twentieth": 20, "thirtieth": 30}
_FILLER_WORDS = """
    a an the on at in of for to by around about approximately roughly ish please maybe perhaps
    sometime some time any day or so how what is it would could can i we you me my do does have
    has there anything something appointment appointments slot slots available free open book
    like want wanted prefer preferably possible if works work good fine best be come in see
    doctor then okay ok yes yeah um uh well just and also again that this one date
    thanks thank great sure perfect sounds suit suits convenient earlier later early late next
    week weeks sometimes on ideally hopefully really either"""
FILLER = frozenset(_FILLER_WORDS.split())
NEGATIONS = {"not", "no", "except", "but", "isn't", "can't", "cannot", "won't", "don't", "never"}

MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))


def _ordinal_words(m: re.Match[str]) -> str:
    tens, unit = m.group(1), m.group(2)
    return ordinal(_TENS[tens] + _ORD_UNITS.index(unit) + 1)


def normalize(text: str) -> str:
    t = text.lower().replace("’", "'").replace("—", " ").replace("–", "-")
    t = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", t)
    t = re.sub(r"[,;!?]|\.(?!\d)", " ", t)
    t = re.sub(r"(?<=\d)(am|pm)\b", r" \1", t)
    t = re.sub(r"\b(twenty|thirty|forty|fifty)[\s-]?(" + "|".join(_ORD_UNITS) + r")\b",
               _ordinal_words, t)  # fmt: skip
    t = re.sub(r"\b(" + "|".join(_ORD_UNITS + _ORD_TEENS) + r")\b",
               lambda m: ordinal((_ORD_UNITS + _ORD_TEENS).index(m.group(1)) + 1), t)  # fmt: skip
    t = re.sub(r"\b(twentieth|thirtieth)\b", lambda m: ordinal(_ORD_TENS[m.group(1)]), t)
    t = re.sub(r"\b(twenty|thirty|forty|fifty)[\s-](" + "|".join(_UNITS) + r")\b",
               lambda m: str(_TENS[m.group(1)] + _UNITS.index(m.group(2)) + 1), t)  # fmt: skip
    t = re.sub(r"\b(" + "|".join(_UNITS + _TEENS) + r")\b",
               lambda m: str((_UNITS + _TEENS).index(m.group(1)) + 1), t)  # fmt: skip
    t = re.sub(r"\b(twenty|thirty|forty|fifty)\b", lambda m: str(_TENS[m.group(1)]), t)
    # Spoken clock times: "ten thirty", "three fifteen", "nine oh five", "three o'clock".
    t = re.sub(r"\b(\d{1,2}) (15|30|45)\b(?! (?:minute|min|day|week|month)s?\b)", r"\1:\2", t)
    t = re.sub(r"\b(\d{1,2}) (?:oh|o) (\d)\b", r"\1:0\2", t)
    t = re.sub(r"\b(\d{1,2})\s*o'?\s?clock\b", r"at \1", t)
    t = re.sub(r"\b(?:a couple of|a couple|couple of)\b", "2", t)
    t = re.sub(r"\b(?:a|an)\s+(day|week|month|fortnight)\b", r"1 \1", t)
    # "a week from Thursday": the Thursday after the coming one
    t = re.sub(rf"\b1 week from ({WEEKDAY_RE})\b", r"\1 after next", t)
    t = re.sub(r"\b(\d+)\s+fortnights?\b", lambda m: f"{2 * int(m.group(1))} weeks", t)
    t = re.sub(r"\bfortnight\b", "2 weeks", t)
    t = re.sub(r"\btonight\b", "today evening", t)
    t = re.sub(r"\bthis (morning|afternoon|evening)\b", r"today \1", t)
    t = re.sub(r"\b(\d{1,2})\s+(noon|midnight)\b", r"\2", t)
    return re.sub(r"\s+", " ", t).strip()
