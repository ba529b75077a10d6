"""Bring caller speech to one spelling before matching, so patterns are written once.

Speech-to-text writes the same words many ways: "Can't", "cant", "cannot", "can not"; "chest-pain";
with or without punctuation; "um", "uh" and "like" in the middle of a phrase. The patterns in
`aida.safety.emergency` are written against the output of `normalize` only: lowercase, no
apostrophes ("can't" -> "cant", "it's" -> "its"), hyphens as spaces, fillers dropped, every sentence
mark turned into a lone "," that no pattern crosses.
"""

from __future__ import annotations

import re

_APOSTROPHES = re.compile(r"['’‘`´]")
# Sentence marks become one boundary token; a hyphen or slash joins words ("x-ray", "epi-pen").
_MARKS = re.compile(r"[.,;:!?…()\"“”]+")
_JOINERS = re.compile(r"[-–—/_]+")
_OTHER = re.compile(r"[^a-z0-9, ]+")
_SPACES = re.compile(r"\s+")

# One spelling for each word STT writes several ways; "cannot" and "can not" read as "cant".
# Each (pattern, spelling) becomes one group of a single regex, so a turn is scanned once.
_SPELLING_TABLE = (
    (r"can ?not", "cant"),
    (r"will not", "wont"),
    (r"do not", "dont"),
    (r"does not", "doesnt"),
    (r"is not", "isnt"),
    (r"i am", "im"),
    (r"it is", "its"),
    (r"wanna|want ta", "want to"),
    (r"gonna", "going to"),
    (r"cuz|cause", "because"),
    (r"o k|okay|okey", "ok"),
    # STT writes "breath" for "breathe" about as often as not.
    (r"breathe", "breath"),
    (r"epi ?p[ei]ns?", "epipen"),
    # What the local Whisper writes at 8 kHz for sign words (bench/emergency_stt_forms.py,
    # tests/safety/stt_heard.py): "chess pain", "flered speech", "she went wake up".
    (r"chess", "chest"),
    (r"(?:(?<=cant )|(?<=not )|(?<=to ))(?:breed|breeve|brief|bree)", "breath"),
    (r"fler(?:ed|red)|flurr?ed|slured", "slurred"),
    (r"flaring(?= (?:his|her|my|their) words)", "slurring"),
    (r"drup(?:ing|ed|y)", "drooping"),
    (r"gassing", "gasping"),
    (r"(?:went|want)(?= (?:wake|stop|feed|move|respond|breath|open|eat|drink|work)\b)", "wont"),
    # "would like" is a wish, not the filler "like"; keep its meaning before fillers go.
    (r"(?:(?:i|we|he|she|they|you) ?)?(?:would|d) like", "want"),
)
_SPELLINGS = re.compile(
    r"\b(?:" + "|".join(f"({pattern})" for pattern, _ in _SPELLING_TABLE) + r")\b"
)
_SPELLING_OF_GROUP = {i: spelling for i, (_, spelling) in enumerate(_SPELLING_TABLE, start=1)}
# Fillers that STT keeps and that would otherwise split a phrase ("my chest um hurts"). "like this"
# stays: "never had chest pain like this" is a warning sign, not a negation.
_FILLERS = re.compile(
    r"\b(?:u+m+|u+h+m*|e+r+m*|a+h+|h+m+|m+h?m+|like(?! (?:this|that)\b)|you know|i mean|"
    r"kind of|kinda|sort of|sorta|basically|literally|actually|honestly)\b"
)
# STT often doubles a word when the caller stutters ("my my chest").
_REPEATS = re.compile(r"\b(\w+)(?: \1\b)+")


def normalize(text: str) -> str:
    t = _APOSTROPHES.sub("", text.lower())
    t = _MARKS.sub(" , ", t)
    t = _JOINERS.sub(" ", t)
    t = _OTHER.sub(" ", t)
    t = _SPACES.sub(" ", t)
    t = _SPELLINGS.sub(lambda m: _SPELLING_OF_GROUP[m.lastindex or 0], t)
    t = _FILLERS.sub(" ", t)
    t = _SPACES.sub(" ", t)
    t = _REPEATS.sub(r"\1", t)
    return t.strip(" ,")
