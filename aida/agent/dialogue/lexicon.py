"""The one lexicon of short answers: yes, no, and the words a call closes with.

A read-back ("Shall I book Wednesday at 10?") is answered in code only by a plain yes or a plain
no; a turn that hedges ("sure, but what about Thursday?", "okay, let me check my calendar
first"), asks something or names another time is not an answer, and goes to the reader or the
model, which may be changing the request. A goodbye is a turn of closing words only ("no that's
all, thanks, bye"); "ok I'll just stop by" or "that's it? that's all you have?" are not.
"""

from __future__ import annotations

import re
from typing import Literal

Answer = Literal["yes", "no"] | None

# Spellings speech-to-text and typists use for the same sound, made one word first.
_SOUNDS = (
    (r"\b(?:mm+[\s-]*hmm+|mhm+|mm+[\s-]*hm+|uh[\s-]*huh|uh[\s-]*hum)\b", "mhm"),
    (r"\bok(?:ay)?[\s-]*dok(?:ey|ay)?\b", "okay"),
    (r"\ball[\s-]*right\b", "alright"),
)


def words(text: str) -> list[str]:
    """The turn's words, lowercased, apostrophes dropped ("that's" is "thats")."""
    t = (text or "").lower().replace("’", "'").replace("'", "")
    for pattern, word in _SOUNDS:
        t = re.sub(pattern, word, t)
    return re.findall(r"[a-z0-9]+", t)


YES = frozenset(
    {"yes", "yeah", "yep", "yup", "yea", "ya", "sure", "ok", "okay", "correct", "right",
        "perfect", "great", "please", "fine", "absolutely", "definitely", "mhm", "alright",
        "exactly", "good", "lovely", "wonderful", "excellent", "awesome", "cool"}
)  # fmt: skip
YES_PHRASES = (
    "go ahead", "do it", "do that", "book it", "sounds good", "that works", "works for me",
    "of course", "thats fine", "thats right", "thats correct", "that is right", "lets do it",
    "please do", "i guess so",
)  # fmt: skip
NO = frozenset(["no", "nope", "nah", "not", "dont", "never", "nevermind", "wrong"])
NO_PHRASES = ("never mind", "do not", "rather not")

# Every word of a plain yes comes from here; anything else (a day, a time, a question, "and",
# "but", "let me") is not a plain yes.
_PLAIN_YES = YES | frozenset(
    {"go", "ahead", "do", "it", "that", "thats", "is", "sounds", "works", "of", "course",
        "thanks", "thank", "you", "book", "cancel", "move", "confirm", "confirmed", "for", "me",
        "sir", "maam", "so", "oh", "please", "yes", "lets", "um", "uh", "i", "guess", "well"}
)  # fmt: skip
PLAIN_ANSWER_WORDS = 8
# Words that make a "no" more than a no: a new wish ("no, I meant the Friday one", "no, make it
# the afternoon") is a new request, for the reader or the model.
_NOT_PLAIN_NO = frozenset(
    {"but", "what", "how", "instead", "rather", "meant", "mean", "make", "change", "move",
        "book", "cancel", "one", "other", "another", "different", "earlier", "later", "about",
        "try"}
)  # fmt: skip

CLOSING = frozenset(
    {"no", "nope", "thats", "that", "is", "all", "it", "thank", "thanks", "you", "so", "much",
        "bye", "goodbye", "by", "okay", "ok", "great", "fine", "perfect", "alright", "good",
        "have", "a", "day", "nice", "one", "nothing", "else", "then", "cheers", "take", "care",
        "forget", "whatever", "see", "ya", "everything", "for", "now", "wonderful", "lovely",
        "sounds", "awesome", "cool", "yes", "yeah", "sure", "right", "i", "think", "we", "were",
        "im", "done", "set", "appreciate", "very", "really", "again", "evening",
        "afternoon", "morning", "weekend"}
)  # fmt: skip
_GOODBYE = re.compile(
    r"\b(?:bye|goodbye|bye bye|cheers|take care|see ya|thats all|thats it|thats everything|"
    r"nothing else|all for now|have a (?:good|nice|great|lovely) (?:day|one|evening|afternoon|"
    r"morning|weekend)|were done|im done|all set)\b|\bby$"  # "Forget it. By." as STT writes it
)


def _joined(ws: list[str]) -> str:
    return " ".join(ws)


def _has_phrase(joined: str, phrases: tuple[str, ...]) -> bool:
    return any(re.search(rf"\b{p}\b", joined) for p in phrases)


def leaning(text: str) -> Answer:
    """Which way a turn leans ("yes", "no", or None when both or neither), plain or not."""
    ws = words(text)
    joined = _joined(ws)
    yes = any(w in YES for w in ws) or _has_phrase(joined, YES_PHRASES)
    no = any(w in NO for w in ws) or _has_phrase(joined, NO_PHRASES)
    if yes and not no:
        return "yes"
    if no and not yes:
        return "no"
    return None


def plain_yes(text: str) -> bool:
    """A short yes and nothing else ("Yes, please book it.")."""
    ws = words(text)
    return (
        0 < len(ws) <= PLAIN_ANSWER_WORDS
        and "?" not in (text or "")
        and all(w in _PLAIN_YES for w in ws)
        and leaning(text) == "yes"
    )


def plain_no(text: str) -> bool:
    """A no that asks for nothing else ("hmm, actually no, Wednesday is bad for me"); the
    reader checks besides that it names no other time."""
    ws = words(text)
    return (
        "?" not in (text or "")
        and leaning(text) == "no"
        and not any(w in _NOT_PLAIN_NO for w in ws)
    )


def plain_answer(text: str) -> Answer:
    """The answer to a read-back when the turn is a plain yes or a plain no, else None."""
    if plain_yes(text):
        return "yes"
    if plain_no(text):
        return "no"
    return None


# What makes a leaning yes not an answer: a question, a condition, a wait, another idea.
_HEDGE = re.compile(
    r"\b(?:but|let me|lemme|check|first|wait|hold on|hang on|what about|how about|instead|maybe|"
    r"not sure|unless|if|hmm|think about|ask)\b"
)


def hedged(text: str) -> bool:
    return "?" in (text or "") or _HEDGE.search(_joined(words(text))) is not None


def answer_to_readback(text: str) -> Answer:
    """How a write tool called again after the caller's turn reads that turn: a plain answer,
    or one that leans one way with no hedge in it ("yes, 2 is good"). "sure, but what about
    Thursday?" and "okay, let me check my calendar first" are no answer: read back again."""
    plain = plain_answer(text)
    if plain is not None:
        return plain
    return None if hedged(text) else leaning(text)


def closing_only(text: str) -> bool:
    """Every word is a closing word ("great, thank you"); no question."""
    ws = words(text)
    return bool(ws) and "?" not in (text or "") and all(w in CLOSING for w in ws)


def says_goodbye(text: str) -> bool:
    """The whole turn closes the call: closing words only, with a goodbye among them."""
    return closing_only(text) and _GOODBYE.search(_joined(words(text))) is not None
