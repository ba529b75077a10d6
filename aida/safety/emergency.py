"""Deterministic emergency detection in caller speech, run on each final transcript before the LLM.

Why a phrase matcher. The small local LLM does not reliably follow the prompt's emergency rule, so
this check must be code that gives the same answer every time, runs offline and costs well under a
millisecond per turn on a 2-core CPU. What the package lists offer does not fit: negation toolkits
for clinical notes (negspacy, medspacy) need a spaCy pipeline and model weights that are not
installed; keyword engines (flashtext, pyahocorasick) match fixed strings only and cannot say
"chest ... hurts" with words between; the nearest packaged "classifiers" do not read caller text
(acs-triage-ai scores clinical measurements, ai-benchmarking evaluates LLMs). Compiled `re`
patterns over a normalised transcript (`aida.safety.normalize`) are exact, reviewable line by line
and cost a fraction of a millisecond per turn (bench/emergency_phrases.py). The signs themselves,
their sources and their tiers are in `aida.safety.signs`.

How a match is decided:

1. `normalize` lowercases, drops apostrophes ("can't" -> "cant") and fillers ("um", "like"), turns
   sentence marks into a lone "," that no pattern crosses, and reads the words speech-to-text
   mishears ("chess pain") as said.
2. Every sign pattern is searched (a sign with `needs` only when its context is in the turn).
3. A hit is dropped when, in its clause (the text between commas and words like "but", "and",
   "so", "because"), a negation comes shortly before it ("no chest pain", "I dont have trouble
   breathing"); "not sure" and "dont know" do not count, and "never ... like this" / "never ...
   before" is a warning, not a negation. Then its context (`aida.safety.context`, one rule per
   class of routine turn that shares an emergency's words):
   - about an animal ("my dog ate my pills", "the cat is choking"): dropped, whatever the time;
     a medical sign only ("I gave my dog away" is a self-harm sign);
   - an ongoing cue anywhere ("getting worse", "again", "right now", "still hurts", "wont stop")
     keeps the sign's own tier against every reason below;
   - history: a past time in its clause, or earlier in its sentence with no present tense
     between ("years ago", "in my teens", "at my last pregnancy", "used to"): dropped; for
     self-harm, possible. Also dropped when the caller says after it that it is over ("its fine
     now", "it went away");
   - the topic of care ("a counsellor for self harm", "a follow up after his stroke", "a first
     aid course for choking"): self-harm becomes possible (the crisis line is said); an event
     callers also mention as history, and anything a class or a form is about, is dropped; any
     other definite sign becomes possible ("an appointment for my shortness of breath");
   - events callers also bring up as history ("had a stroke", "a seizure", "heart attack") in a
     call about follow-up care ("follow up", "checkup", "recovering") without a recent-time cue
     ("just", "today", "this morning"): dropped; self-harm, possible;
   - someone's past event reported to the caller ("my sister said she fainted"), unless news
     just told or a present tense follows the report: possible. Not for a poison, a blow to the
     head, a burn or a wound, whose harm goes on after the event;
   - a day or more ago ("yesterday", "last Tuesday") or mild ("a bit", "sometimes"): a definite
     hit becomes possible, a mild possible hit is dropped.
   Self-harm is never softened by mildness or reported speech, and no context drops it (only a
   negation: "I would never hurt myself").
4. The tier: any definite hit makes the turn definite; else two possible hits of one kind (distinct
   words, not overlapping: "sweating" and "my heart is racing") make it definite; else one makes it
   possible. Of the hits of that tier, a medical one wins over self-harm (an overdose needs the
   emergency number first), "declared" ("its an emergency") loses to a specific sign, then the
   earliest wins. Any self-harm hit sets `crisis`, so the crisis line is said whichever sign won.

5. A turn the signs found nothing in (or only a possible medical hit) goes to the semantic
   self-harm layer (`aida.safety.semantic`), which may add the possible self-harm tier (or the
   crisis line to that medical hit); it never removes or lowers a sign's hit.

Doubt resolves towards firing: a false alarm costs one sentence and a "no, I'm fine"
(`is_all_clear`); a miss can cost a life.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from aida.safety import semantic
from aida.safety.context import (
    EARLIER,
    about_an_animal,
    in_the_past,
    reported_past,
    the_topic_of_care,
)
from aida.safety.normalize import normalize
from aida.safety.signs import CATEGORIES, SIGNS, TOWARD_RE, Kind, Sign, Tier

__all__ = ["CATEGORIES", "EmergencyMatch", "Kind", "Tier", "detect_emergency", "is_all_clear"]


@dataclass(frozen=True)
class EmergencyMatch:
    kind: Kind
    category: str
    # Normalised caller speech (PHI): fine for the call timeline, never for INFO logs.
    phrase: str
    # "definite": the fixed emergency message and guard; "possible": one safety-net sentence and
    # the call goes on.
    tier: Tier = "definite"
    # A self-harm sign was heard too, though a medical one won: the crisis line is said as well.
    crisis: bool = False


_WHOSE = r"(?:my|his|her|their|the|your|our)"

_CLAUSE_BREAK = re.compile(
    r",|\b(?:but|and|so|though|although|however|because|then|plus|anyway|except|which)\b"
)
_NEGATION = re.compile(
    r"\b(?:not|dont|doesnt|didnt|never|without|isnt|arent|wasnt|werent|hasnt|havent|hadnt|nor|"
    r"neither|denies|deny|nothing)\b"
)
# "no" is also the caller's answer word ("no my chest hurts"), so it negates only right before
# the sign or through a few adjectives ("no real chest pain").
_NO_BEFORE = re.compile(
    r"\bno (?:(?:any|real|more|bad|severe|sudden|major|serious|significant|further) )*"
    # "no thoughts of hurting myself", "no plans to end it"
    r"(?:(?:thoughts?|intentions?|intent|plans?|urges?|desire|wish|risk) (?:of|to|about|for) )?$"
)
_PSEUDO_NEGATION = re.compile(
    r"\b(?:not sure|dont know|no idea|not certain|not only|dont understand|never mind)\b"
)
# "never had chest pain like this" is a first, alarming time.
_NEVER_WARNING = re.compile(r"\b(?:like this|like that|this bad|before|in " + _WHOSE + r" life)\b")
_NEGATION_WINDOW_WORDS = 4

_NOT_BEFORE_CUE = re.compile(
    r"\b(?:not|no|isnt|never|hasnt|havent|didnt|wont|doesnt|arent|hadnt|wasnt) (?:\w+ )?$"
)
_RESOLVED = re.compile(
    r"\b(?:fine|ok|alright|all right|better|good|gone|over|normal|resolved) now\b"
    r"|\b(?:went|gone|go|goes) away\b"
    r"|\b(?:its|it was|its been|was|been|got) (?:gone|resolved|treated|fixed|sorted|taken care of"
    r"|dealt with)\b"
    r"|\bno longer\b|\ball better\b|\bcleared up\b|\bstopped (?:hurting|bleeding)\b"
    r"|\bturned out (?:to be )?(?:nothing|fine|ok)\b"
)
_ONGOING = re.compile(
    r"\b(?:getting|gotten|got|even|much) worse\b|\bworse (?:now|and worse|today)\b|\bagain\b"
    r"|\b(?:came|coming|its) back\b|\bright now\b|\b(?:not|isnt) getting better\b"
    r"|\bwont stop\b|\bkeeps (?:getting|coming|happening|hurting|bleeding)\b"
    r"|\bstill (?:have|having|got|hurts?|hurting|bleeding|cant|numb|there|going on|happening)\b"
    r"|\bat the moment\b|\bcurrently\b|\bjust now\b"
)
_FOLLOW_UP = re.compile(
    r"\b(?:follow up|followup|check ?up|history of|recover\w*|rehab\w*|physical therapy|therapy|"
    r"results?|survivor|after (?:my|his|her|their)|since (?:my|his|her|their)|medications?|meds|"
    r"prescriptions?|refill|bill|insurance|specialist|neurologist|cardiologist|appointment|"
    r"anniversary|died|passed away)\b"
)
_RECENT = re.compile(
    r"\bjust (?:had|now|collapsed|passed|fainted|took|swallowed|started|happened|died)\b"
    # news just told: "my mom just called and said she collapsed"
    r"|\bjust (?:called|rang|phoned|texted|messaged|told|said)\b"
    r"|\b(?:today|tonight|this (?:morning|afternoon|evening)|last night|an hour ago|"
    r"(?:\w+ )?minutes ago|right now|happening now)\b"
)


_MILD = re.compile(
    r"\b(?:a (?:little )?bit|a little|slightly|sometimes|occasionally|now and then|every now and|"
    r"mild|minor|small|tiny|when i (?:jog|run|exercise|work out|climb|walk fast|stand up))\b"
)


# A sign that comes with a common illness, said as a habit ("my chest gets tight when I have a
# cold"): a routine visit, not an emergency now.
_HABITUAL = re.compile(
    r"\bwhen(?:ever)? (?:i|he|she|they) (?:have|has|get|gets|catch|catches) (?:a |the )?(?:cold|"
    r"cough|flu|virus|chest infection|hay fever|allergies|period)\b"
    r"|\bevery (?:winter|spring|time (?:i|he|she) (?:get|gets|have|has) a cold)\b"
)


# A poison, a blow to the head, a burn or a wound does its harm after the event: told in the past
# tense ("she told me she took a whole bottle"), it is still now.
_HARM_GOES_ON = frozenset({"overdose_poisoning", "head_injury", "burns", "bleeding"})


@dataclass(frozen=True)
class _Hit:
    sign: Sign
    tier: Tier
    start: int
    end: int
    phrase: str
    # The sign was definite and its context made it possible (past, mild): it never pairs up.
    downgraded: bool


def _clause(t: str, start: int, end: int) -> tuple[int, int]:
    c_start = 0
    for m in _CLAUSE_BREAK.finditer(t, 0, start):
        c_start = m.end()
    after = _CLAUSE_BREAK.search(t, end)
    return c_start, after.start() if after else len(t)


def _negated(before: str, after: str) -> bool:
    if _NO_BEFORE.search(before):
        return True
    window = " ".join(_PSEUDO_NEGATION.sub(" ", before).split()[-_NEGATION_WINDOW_WORDS:])
    hit = _NEGATION.search(window)
    if hit is None:
        return False
    return not (hit.group() == "never" and _NEVER_WARNING.search(after))


def _resolved_after(t: str, end: int) -> bool:
    return any(not _NOT_BEFORE_CUE.search(t[: m.start()]) for m in _RESOLVED.finditer(t, end))


def _tier(t: str, sign: Sign, start: int, end: int, ongoing: bool) -> Tier | None:
    """The tier this hit keeps in its context, or None when the context takes it back."""
    c_start, c_end = _clause(t, start, end)
    if _negated(t[c_start:start], t[end:c_end]):
        return None
    self_harm = sign.kind == "self_harm"
    if not self_harm and about_an_animal(t, (c_start, c_end), end):
        return None  # a vet's emergency, not ours: who it is about, whatever the time
    if ongoing:
        return sign.tier
    if in_the_past(t, (c_start, c_end), end):
        return "possible" if self_harm else None
    if _resolved_after(t, end):
        return None
    recent = _RECENT.search(t) is not None
    care = the_topic_of_care(t, start, end, noun=sign.event)
    if care is not None:
        if self_harm:
            return "possible"  # the crisis line is said, the booking goes on
        if care == "learning" or (sign.event and not recent):
            return None  # "a first aid course for choking", "a follow up after his stroke"
        if not sign.event:
            # "an appointment for my chest pain": worth the safety net, not the emergency message
            return "possible" if sign.tier == "definite" else None
    if sign.event and _FOLLOW_UP.search(t) is not None and not recent:
        return "possible" if self_harm else None
    if self_harm:
        return sign.tier  # never softened: "sometimes I want to die" is not mild
    if sign.category not in _HARM_GOES_ON and reported_past(t, c_start, end) and not recent:
        # "my sister said she fainted at work": someone's past, told to the caller
        return "possible" if sign.tier == "definite" else None
    if _HABITUAL.search(t, c_start, c_end) and not recent:
        return None
    if _MILD.search(t, c_start, c_end):
        # a mild strong sign is worth the safety net; a mild weak cue is nothing
        return "possible" if sign.tier == "definite" else None
    if EARLIER.search(t, c_start, c_end):
        return "possible"
    return sign.tier


def _hits(t: str) -> list[_Hit]:
    ongoing = _ONGOING.search(t) is not None
    hits: list[_Hit] = []
    for sign in SIGNS:
        if sign.needs is not None and sign.needs.search(t) is None:
            continue
        for m in sign.pattern.finditer(t):
            tier = _tier(t, sign, m.start(), m.end(), ongoing)
            if tier is None:
                continue
            hits.append(_Hit(sign, tier, m.start(), m.end(), m.group(), tier != sign.tier))
            if sign.tier == "definite":
                break  # one definite hit per sign is enough; possible ones may pair up
    return hits


def _pair(hits: list[_Hit]) -> list[_Hit]:
    """Two possible hits of one kind, different words and apart, make the turn definite."""
    for kind in ("medical", "self_harm"):
        weak = [
            h for h in hits if h.sign.kind == kind and h.tier == "possible" and not h.downgraded
        ]
        for i, a in enumerate(weak):
            for b in weak[i + 1 :]:
                if a.phrase != b.phrase and (a.end <= b.start or b.end <= a.start):
                    return [a, b]
    return []


def _rank(hit: _Hit) -> tuple[int, int, int, int]:
    # A sign read in its context (vomiting after a blow to the head) names the emergency better
    # than the bare word (vomiting); "infant" says who, not what, so it ranks as a bare word.
    sign = hit.sign
    bare = sign.needs is None or sign.category == "infant"
    return (sign.kind != "medical", sign.category == "declared", bare, hit.start)


def _detect(t: str) -> EmergencyMatch | None:
    hits = _hits(t)
    if not hits:
        return None
    definite = [h for h in hits if h.tier == "definite"] or _pair(hits)
    tier: Tier = "definite" if definite else "possible"
    best = min(definite or hits, key=_rank)
    if best.sign.kind == "medical":
        # "thinking about taking all my pills at once": the overdose is what a self-harm thought
        # is about, not what happened; the crisis message (which names 911 too) fits it
        for h in definite:
            if (
                h.sign.kind == "self_harm"
                and h.start <= best.start
                and best.end <= h.end
                and TOWARD_RE.match(h.phrase)
            ):
                best = h
                break
    crisis = best.sign.kind != "self_harm" and any(h.sign.kind == "self_harm" for h in hits)
    return EmergencyMatch(best.sign.kind, best.sign.category, best.phrase, tier, crisis)


def detect_emergency(text: str) -> EmergencyMatch | None:
    """The emergency this caller turn describes, or None. Deterministic: the signs cost well under
    1 ms a turn; a turn they find nothing in goes to the semantic self-harm layer (about 10-20 ms,
    `aida.safety.semantic`), which can only add the possible self-harm tier."""
    t = normalize(text)
    match = _detect(t)
    if match is None:
        if not _self_harm_declined(t) and semantic.reads_self_harm(text):
            return EmergencyMatch("self_harm", "self_harm", t, "possible")
        return None
    # "scratching my arms until they bleed to feel something": the bleeding's safety-net
    # sentence, and the crisis line with it (the possible tier's one sentence names both)
    if (
        match.tier == "possible"
        and match.kind == "medical"
        and not match.crisis
        and semantic.reads_self_harm(text)
    ):
        return replace(match, crisis=True)
    return match


def _self_harm_declined(t: str) -> bool:
    """A self-harm sign's words are in a turn that fired nothing: a negation took them back ("I
    would never hurt myself"). The signs read those words; the model, which reads "not" weakly,
    is not asked to overrule them."""
    return any(
        sign.kind == "self_harm"
        and (sign.needs is None or sign.needs.search(t) is not None)
        and sign.pattern.search(t) is not None
        for sign in SIGNS
    )


_ALL_CLEAR = re.compile(
    r"\b(?:not|isnt|no|nothing|wasnt|aint) (?:(?:an?|really|that|very|too|super|at all|"
    r"actually|so|life) ){0,2}(?:emergency|urgent|serious|threatening|an emergency|big deal)\b"
    r"|\b(?:im|i feel|feeling|were|hes|shes|theyre|everyone is|everybody is|everything is|"
    r"everythings|its|all|he is|she is|that was|it was) (?:really |totally |completely |perfectly "
    r"|doing |feeling |all |absolutely |good and |ok |now )?(?:fine|ok|alright|all right|good|"
    r"safe|better|well)\b"
    r"|\b(?:it|that|this) (?:was|happened) (?:\w+ ){0,3}?(?:ago|last \w+|before|in (?:19|20)\d\d"
    r"|years|months)\b"
    r"|\b(?:want|need|calling|trying|looking|hoping) (?:to )?(?:(?:just|only|to|a|an|make|get|"
    r"for|about|my|some) ){0,3}(?:book|schedule|reschedule|cancel|move|appointment|checkup|"
    r"check up|physical|visit|routine)\b"
    r"|\bfalse alarm\b|\bno worries\b|\ball good\b|\bmisunderst\w*|\b(?:went|gone) away\b"
    r"|\bnot (?:happening|going on) (?:now|anymore|right now)\b"
    r"|\b(?:just|only) (?:a |an )?(?:routine|regular|normal|question|asking)\b"
)
_ALL_CLEAR_DOUBT = re.compile(
    r"\b(?:not|dont|doesnt|didnt|isnt|arent|wasnt|never|hardly|cant say)\b(?: \w+){0,2} ?$"
)


def is_all_clear(text: str) -> bool:
    """Whether the caller, after Aida's emergency warning, says there is no emergency.

    True for "no its not an emergency", "im fine it was last year", "no no I just want to book a
    checkup"; False when the same turn still describes an emergency, and for "im not ok" or "its
    not getting better"."""
    t = normalize(text)
    match = _detect(t)
    if match is not None and match.tier == "definite":
        return False
    for m in _ALL_CLEAR.finditer(t):
        c_start, _ = _clause(t, m.start(), m.end())
        # "not" inside the cue ("its not urgent") is the all clear itself; only a doubt before the
        # cue ("I dont think im ok") takes it back.
        if not _ALL_CLEAR_DOUBT.search(t[c_start : m.start()]):
            return True
    return False
