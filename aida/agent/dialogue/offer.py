"""What a patient's answer to a waitlist offer call means, read in code.

The offer ends with one question ("...it's held for you for 15 minutes. Would you like it?"),
so the answer is a yes, a no, or something else. `read_offer_reply` gives one label:

    accept | decline | opt_out | not_patient | unclear

Precedence, most protective first, as for a reminder's answer (aida.agent.dialogue.reminder,
whose reading of "don't call me" and "wrong number" / "she's not here" is reused here, not
written again): opt_out, then not_patient (also "Jane's at work", "this isn't Jane"); "call
me later" / "not a good time" is no answer; a question is none unless a plain yes follows
it; then a refusal of the time ("I can't make it",
"give it to someone else") before a yes, since "I'd love to but I can't make it" is a no; then
a taking of it ("I'll take it", "book it"); then the project's one lexicon's yes and no
(aida.agent.dialogue.lexicon). A hedged answer, a question or another time is unclear: the
question is asked again, never guessed.
"""

from __future__ import annotations

import re
from typing import Literal

from aida.agent.dialogue.lexicon import hedged, leaning, plain_answer, words
from aida.agent.dialogue.reminder import CONTRARY, read_reply

OfferLabel = Literal["accept", "decline", "opt_out", "not_patient", "unclear"]
LABELS: tuple[OfferLabel, ...] = ("accept", "decline", "opt_out", "not_patient", "unclear")

_DECLINE = re.compile(
    r"\b(?:cant|cannot|can not|wont|will not|couldnt|not able to|unable to) (?:make|do|come|"
    r"take|get there|be there)\b"
    r"|\b(?:doesnt|does not|dont|do not|wont|will not) (?:work|suit)\b"
    r"|\b(?:ill|i will|id|i would|im going to|gonna) (?:pass|skip|leave it)\b|\bpass on\b"
    r"|\b(?:give|let|offer) (?:it|that) to (?:someone|somebody|the next)\b"
    r"|\b(?:someone|somebody) else (?:have|take|can have)\b|\bsomeone else have\b"
    r"|\bnot interested\b|\bno (?:thanks|thank you|need|longer)\b"
    r"|\b(?:dont|do not) (?:need|want) (?:it|that|the|one)\b"
    r"|\b(?:already|just) (?:found|got|booked|have)\b|\bfound (?:another|a different)\b"
    r"|\b(?:busy|working|away|out of town) (?:then|that day|at that time)\b"
    r"|\btoo (?:early|late|soon|far)\b|\bwait for (?:a|an|another|the next|something)\b"
)
# Not the patient, beyond the reminder reader's: "Jane's at work", "this isn't Jane", "she
# passed away" (Aida then says nothing more about the offer).
_NOT_THEM = re.compile(
    r"\b(?:\w+s|shes|hes|theyre|she is|he is|they are) (?:at work|at school|asleep|sleeping"
    r"|out right now|out at the moment|in the hospital)\b"
    r"|\b(?:this|it) (?:isnt|is not) (?!(?:a|an|the|good|great|convenient|possible|ideal|okay|ok"
    r"|fine|really|right|that|what|too)\b)[a-z]+$"
    r"|\b(?:passed away|died|deceased)\b"
)
_ACCEPT = re.compile(
    r"\b(?:ill|i will|id|i would|let me|lemme) (?:take|have|grab)\b"
    r"|\b(?:book|grab|take|hold) (?:it|that|the)\b"
    r"|\b(?:i|we) (?:want|need) (?:it|that|the)\b|\bid (?:like|love) (?:it|that|the)\b"
    r"|\bput me (?:down|in)\b|\bsign me up\b|\bcount me in\b"
    r"|\b(?:i|we) can (?:make|do|come)\b|\bthat works\b|\bworks for me\b"
)


def read_offer_reply(text: str) -> OfferLabel:
    joined = " ".join(words(text))
    if not joined:
        return "unclear"
    first = read_reply(text)  # "don't call me" and "wrong number", read once for every call
    if first in ("opt_out", "not_patient"):
        return first
    if _NOT_THEM.search(joined):
        return "not_patient"
    if first == "callback_later":
        return "unclear"  # "not a good time", "call me later": no answer to the offer
    if "?" in (text or ""):
        # a question back ("what time?") is no answer, unless a plain yes follows it
        # ("Thursday at 3? Yes, perfect."): the offer is said again
        tail = (text or "").rsplit("?", 1)[1]
        return "accept" if plain_answer(tail) == "yes" else "unclear"
    if _DECLINE.search(joined):
        return "decline"
    plain = plain_answer(text)
    if plain == "no":
        return "decline"
    if plain == "yes":
        return "accept"
    if hedged(text):
        return "unclear"
    if _ACCEPT.search(joined):
        return "accept"
    lean = leaning(text)
    if lean == "yes" and not CONTRARY.search(joined):
        return "accept"
    if lean == "no":
        return "decline"
    return "unclear"
