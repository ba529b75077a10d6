"""What a patient's answer to a reminder call means, read in code.

The reminder ends with a menu ("Press or say 1 to confirm, 2 to cancel, 3 to change the
time"), so the answer is a keypad digit (LiveKit SIP DTMF, passed in as the digit), a spoken
digit, or words. `read_reply` gives one label:

    confirm | cancel | reschedule | opt_out | not_patient | callback_later | unclear

Precedence, most protective first: "don't call me" (opt_out) over everything; "wrong number"
and "she's not here" (not_patient) before anything about the appointment, because Aida must
then say nothing more; "call me later" (callback_later); then a change of time before a
cancellation ("I can't make it, can we do Thursday?" is a move); then a yes. The yes and the
no are the project's one lexicon (aida.agent.dialogue.lexicon): a hedged yes is no answer.
A bare "no" is unclear (no to what?): the menu is said again.
"""

from __future__ import annotations

import re
from typing import Literal

from aida.agent.dialogue.lexicon import hedged, leaning, words

Label = Literal[
    "confirm", "cancel", "reschedule", "opt_out", "not_patient", "callback_later", "unclear"
]
DIGITS: dict[str, Label] = {"1": "confirm", "2": "cancel", "3": "reschedule"}
_DIGIT_WORDS = {
    "one": "1",
    "won": "1",
    "two": "2",
    "to": "2",
    "too": "2",
    "three": "3",
    "tree": "3",
}

_OPT_OUT = re.compile(
    r"\b(?:dont|do not|stop|quit|never) (?:ever )?(?:call|calling|ring|ringing|phone|phoning)"
    r"|\bno more (?:calls|reminders|robo ?calls|phone calls)\b"
    r"|\b(?:take|remove|delete|get) (?:me|my (?:number|name)|this number) (?:off|from)\b"
    r"|\b(?:unsubscribe|opt out|opt me out|do not call list|dont call list)\b"
    r"|\bstop (?:these|the|this|with the) (?:calls|reminders|reminder calls)\b"
    r"|\bnot (?:to )?call (?:me|this number|here) (?:again|anymore|any more)\b"
    r"|\b(?:dont|do not|never) want (?:to get |to receive |any more |anymore )?(?:any |these |your "
    r"|more )?(?:calls|reminders|reminder calls|phone calls)\b"
    r"|^(?:just |please |can you |could you )*remove me\b"
)
_NOT_PATIENT = re.compile(
    r"\bwrong (?:number|person|house|line)\b"
    r"|\b(?:nobody|no one|noone) (?:here )?(?:by|with|called|named) that\b"
    r"|\b(?:no|not any) (?:one|body)? ?(?:by that name|of that name)\b"
    r"|\b(?:shes|hes|they are|theyre|she is|he is) not (?:here|home|in|available|around)\b"
    r"|\b(?:doesnt|does not|dont|do not) live here\b"
    r"|\bnot (?:here|home) (?:right now|at the moment|now)\b"
    r"|\b(?:isnt|is not|aint) (?:here|home|in|available)\b"
    r"|\bthis is(?: not|nt) (?:her|him|them|the right)\b"
    r"|\bi(?: am|m) not (?:her|him|them|that person|the patient)\b"
    r"|\bdont know (?:who|any|anyone|anybody)\b|\bwho is that\b|\bnever heard of\b"
    r"|\byou have the wrong\b|\byouve got the wrong\b|\byou got the wrong\b"
    r"|\bthere(?:s| is) no(?: one| body)? ?(?:\w+ )?(?:here|living here|by that name)\b"
    r"|\b(?:shes|hes|she is|he is|theyre|they are) (?:at work|out|away|asleep|sleeping|at school)\b"
    r"|\bthis is (?:her|his|their) (?:husband|wife|son|daughter|mother|father|mom|dad|partner"
    r"|sister|brother|friend|roommate)\b"
)
_CALLBACK = re.compile(
    r"\bcall (?:me |us |back )?(?:back )?(?:later|tomorrow|another time|some other time|in an hour"
    r"|this evening|tonight|after)\b"
    r"|\b(?:can|could) you call (?:me )?back\b|\b(?:call|ring) me back\b|\bcall back\b"
    r"|\b(?:try|ring|phone) (?:me |us )?(?:again |back )?(?:later|tomorrow|another time|some other "
    r"time|this evening|tonight)\b"
    r"|\b(?:not|isnt|its not) a (?:good|great) time\b|\bbad time\b"
    r"|\b(?:busy|driving|at work|in a meeting) (?:right now|at the moment|now)\b"
    r"|\bim (?:driving|in a meeting|at work)\b|\bcant talk\b|\bcannot talk\b"
)
_MOVE = re.compile(
    r"\b(?:change|reschedule|rescheduling|move|moving|switch|push|shift|rebook|postpone)\b"
    r"|\b(?:different|another|other|new|later|earlier) (?:time|day|date|slot|appointment)\b"
    r"|\binstead\b|\bwhat else (?:do you|is)\b"
    r"|\b(?:that|this|the) (?:time|day|date|slot) (?:doesnt|does not|wont|will not|isnt|is not)"
    r" (?:work|good)\b"
)
_CANCEL = re.compile(
    r"\bcancel\w*\b|\bcall (?:it )?off\b"
    r"|\b(?:cant|cannot|can not|wont|will not|not going to|not gonna|wont be able to|unable to)"
    r" (?:be able to )?(?:make it|come|go|attend|be there|keep it|do it)\b"
    r"|\b(?:dont|do not) need (?:it|the appointment|that appointment)\b"
    r"|\b(?:not|wont|will not|not going to) be coming\b|\bnot coming\b|\bno longer need\b"
    r"|\bgot better\b|\bfeeling better\b"
)
_CONFIRM = re.compile(
    r"\b(?:confirm|confirmed|confirming)\b|\b(?:ill|i will|we will|well|ill definitely) be there\b"
    r"|\bsee you (?:then|there|on)\b|\bcount (?:me|us) in\b|\bstill (?:on|good|coming)\b"
    r"|\bill (?:come|make it)\b|\bwill (?:come|make it|attend)\b|\bkeep (?:it|the appointment)\b"
    r"|^(?:yes |yeah |yep )?(?:i|we) can (?:make it|come|be there)\b"
)
# "No, I don't want to cancel, I'll be there": a cancel word under a negation is no cancel.
_NEGATED = re.compile(
    r"\b(?:not|no|dont|do not|never|wont|didnt|no need to|nothing to)(?: \w+){0,2} $"
)
# A leaning yes that comes with one of these is no confirmation: marking an appointment confirmed
# on "yeah, well, actually..." costs more than saying the menu again.
CONTRARY = re.compile(
    r"\b(?:not|no|nope|dont|cant|cannot|wont|never|but|actually|except|although|though|unless|"
    r"instead|rather|problem|issue|skip|miss)\b"
)
_SPELLED_DIGIT = re.compile(r"\b(?:press(?:ing|ed)?|option|number|say|pick|choose|select)\s+(\w+)")
SHORT_TURN = 3  # words: "one", "number two please"


def digit_in(text: str) -> str | None:
    """A menu digit the turn names: a keypad digit passed as the turn, a short spoken one
    ("one", "two please"), or one named ("I'll press three")."""
    ws = words(text)
    said = [w if w in DIGITS else _DIGIT_WORDS.get(w) for w in ws]
    named = _SPELLED_DIGIT.search(" ".join(ws))
    if named is not None:
        word = named.group(1)
        digit = word if word in DIGITS else _DIGIT_WORDS.get(word)
        if digit in DIGITS and word not in ("to", "too"):
            return digit
    found = {d for d in said if d in DIGITS}
    # "to" and "too" are only a two when they are the whole answer
    if len(ws) <= SHORT_TURN and len(found) == 1:
        only = found.pop()
        if only == "2" and not any(w in ("two", "2") for w in ws) and len(ws) > 1:
            return None
        return only
    return None


def read_reply(text: str) -> Label:
    joined = " ".join(words(text))
    if not joined:
        return "unclear"
    if _OPT_OUT.search(joined):
        return "opt_out"
    if _NOT_PATIENT.search(joined):
        return "not_patient"
    digit = digit_in(text)
    if digit is not None:
        return DIGITS[digit]
    if _CALLBACK.search(joined):
        return "callback_later"
    if _MOVE.search(joined):
        return "reschedule"
    cancels = [
        m
        for m in _CANCEL.finditer(joined)
        if not (m.group().startswith(("cancel", "call")) and _NEGATED.search(joined[: m.start()]))
    ]
    if cancels:
        return "cancel"
    if _CONFIRM.search(joined):
        return "confirm"
    if leaning(text) == "yes" and not hedged(text) and not CONTRARY.search(joined):
        return "confirm"
    return "unclear"
