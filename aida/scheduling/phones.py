"""Phone numbers: the patient's identity, so one canonical form (E.164) everywhere.

Callers and models hand us "(212) 555-0143", "212.555.0143", "+1 212 555 0143", "tel:+1-212-...",
or digits spoken as words; all of them become "+12125550143". Numbers are never logged whole:
`mask_phone` keeps the country code and the last four digits.

The never-assigned area code 555 ("+15551234567") is accepted only where fictional numbers are
allowed (ALLOW_FICTIONAL_NUMBERS: the demo, the simulator, the tests). Callers holding `Settings`
pass `settings.allow_fictional_numbers`; the others get the same variable from the environment.
"""

from __future__ import annotations

import os
import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from aida.errors import InvalidPhone

_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "plus": "+",
}  # fmt: skip
_MULTIPLIERS = {"double": 2, "triple": 3}
_BAD = "That phone number doesn't look right; could you say it again with the area code?"
_MASK = "•" * 7


def _words_to_digits(raw: str) -> str:
    """ "five five five, oh one four three" -> "5550143"; text without number words is unchanged."""
    tokens = re.findall(r"[a-z]+|[^a-z\s]+", raw.lower())
    if not any(t in _DIGIT_WORDS for t in tokens):
        return raw
    out: list[str] = []
    repeat = 1
    for token in tokens:
        if token in _MULTIPLIERS:
            repeat = _MULTIPLIERS[token]
            continue
        if token in _DIGIT_WORDS:
            out.append(_DIGIT_WORDS[token] * repeat)
        elif token.isalpha() and token not in {"and", "dash", "area", "code"}:
            return raw  # some other word: leave it to the parser to reject
        else:
            out.append(re.sub(r"[^\d+]", "", token))  # spoken pauses come through as commas
        repeat = 1
    return "".join(out)


def _demo_number(number: phonenumbers.PhoneNumber) -> bool:
    """NANP area code 555 is never assigned, but it is what demos, docs and tests use
    ("+15551234567"): a well-formed number in it is fictional, not mistyped."""
    national = str(number.national_number)
    return number.country_code == 1 and len(national) == 10 and national.startswith("555")


_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})  # what pydantic reads as true


def fictional_numbers_allowed() -> bool:
    """ALLOW_FICTIONAL_NUMBERS from the environment (off unless set)."""
    return os.environ.get("ALLOW_FICTIONAL_NUMBERS", "").strip().lower() in _TRUE


def normalize_phone(raw: str, region: str = "US", allow_fictional: bool | None = None) -> str:
    """The E.164 form of `raw` ("+12125550143"); numbers without "+" are read in `region`.

    `allow_fictional` admits the 555 area code; None takes ALLOW_FICTIONAL_NUMBERS from the
    environment. Raises `InvalidPhone` with a speakable sentence when the number is not a valid one.
    """
    if allow_fictional is None:
        allow_fictional = fictional_numbers_allowed()
    if not raw or not raw.strip():
        raise InvalidPhone("I didn't get a phone number; could you say it again?")
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    text = _words_to_digits(text)
    if text.startswith("00"):  # international prefix used outside North America
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region.upper())
    except NumberParseException as exc:
        raise InvalidPhone(_BAD) from exc
    if not (phonenumbers.is_valid_number(number) or (allow_fictional and _demo_number(number))):
        raise InvalidPhone(_BAD)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str:
    """For logs: "+1•••••••4567". The country code and last four digits only; the number of
    hidden digits is fixed so the mask does not reveal the length either."""
    if not e164:
        return "<none>"
    digits = re.sub(r"\D", "", e164)
    if len(digits) < 6:
        return _MASK
    prefix = "+"
    if e164.startswith("+"):
        try:
            prefix += str(phonenumbers.parse(e164, None).country_code)
        except NumberParseException:
            prefix = ""
    else:
        prefix = ""
    return f"{prefix}{_MASK}{digits[-4:]}"
