"""Deterministic emergency detection in caller speech, run on each final transcript before the LLM.

Why a phrase matcher. The small local LLM does not reliably follow the prompt's emergency rule, so
this check must be code that gives the same answer every time, runs offline and costs well under a
millisecond per turn on a 2-core CPU. What the package lists offer does not fit: negation toolkits
for clinical notes (negspacy, medspacy) need a spaCy pipeline and model weights that are not
installed; keyword engines (flashtext, pyahocorasick) match fixed strings only and cannot say
"chest ... hurts" with words between; the nearest packaged "classifiers" do not read caller text
(acs-triage-ai scores clinical measurements, ai-benchmarking evaluates LLMs). Compiled `re`
patterns over a normalised transcript (`aida.safety.normalize`) are exact, reviewable line by line
and cost about a tenth of a millisecond per turn (bench/emergency_phrases.py).

How a match is decided:

1. `normalize` lowercases, drops apostrophes ("can't" -> "cant") and fillers ("um", "like"), turns
   sentence marks into a lone "," that no pattern crosses.
2. Every sign pattern (`_SIGNS`) is searched. A sign names a category ("chest_pain", "stroke", ...)
   and a kind ("medical" or "self_harm").
3. A hit is dropped when, in its clause (the text between commas and words like "but", "and",
   "so", "because"):
   - a negation comes shortly before it ("no chest pain", "I dont have trouble breathing"); "not
     sure" and "dont know" do not count, and "never ... like this" / "never ... before" is a
     warning, not a negation;
   - a distant-past cue is in the clause ("last year", "two years ago", "in 2019", "back in",
     "when I was a kid", "history of").
   It is also dropped when the caller says after it that it is over ("its fine now", "it went
   away"), and, for events that a caller also mentions as history ("had a stroke", "a seizure",
   "heart attack"), when the call is about follow-up care ("follow up", "checkup", "recovering")
   without a recent-time cue ("just", "today", "this morning").
   An ongoing cue anywhere ("getting worse", "again", "right now", "still hurts", "wont stop")
   cancels the past, over and follow-up reasons, never a negation: "I had chest pain this morning
   and its getting worse" fires.
4. Of the hits left, a medical one wins over self-harm (an overdose needs the emergency number
   first; the self-harm message names it too), "declared" ("its an emergency") loses to a specific
   sign, then the earliest wins.

Doubt resolves towards firing: a false alarm costs one sentence and a "no, I'm fine"
(`is_all_clear`); a miss can cost a life.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from aida.safety.normalize import normalize

Kind = Literal["medical", "self_harm"]

CATEGORIES = (
    "chest_pain",
    "breathing",
    "stroke",
    "bleeding",
    "unconscious",
    "overdose_poisoning",
    "allergic_reaction",
    "seizure",
    "declared",
    "self_harm",
)


@dataclass(frozen=True)
class EmergencyMatch:
    kind: Kind
    category: str
    # Normalised caller speech (PHI): fine for the call timeline, never for INFO logs.
    phrase: str


@dataclass(frozen=True)
class _Sign:
    category: str
    kind: Kind
    pattern: re.Pattern[str]
    # Names an event callers also bring up as history ("my dad had a stroke"), so follow-up talk
    # without a recent-time cue suppresses it.
    event: bool
    # Only a sign in this context: "cant swallow" is allergic only after a sting or a peanut.
    needs: re.Pattern[str] | None


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# Words that may sit between the parts of a sign without changing its meaning. No pattern uses a
# free "\w+" gap, so "chest x ray for pain" cannot become "chest ... pain".
_GAP = (
    r"(?:(?:is|s|are|re|am|m|was|feels?|feeling|has|have|got|gets|getting|gone|went|goes|keeps?|"
    r"been|started|starting|really|so|very|super|real|extremely|pretty|totally|all|kind|bad|badly|"
    r"severe|sharp|sudden|suddenly|horrible|terrible|awful|crushing|heavy|intense|a|lot|of|some|"
    r"just|now|too|still|and|this|that|way|hurting|painful|its|it) ){0,4}"
)
_WHOSE = r"(?:my|his|her|their|the|your|our)"
_PERSON = (
    r"(?:he|she|they|hes|shes|theyre|him|her|them|baby|mom|mum|dad|husband|wife|son|daughter|"
    r"child|kid|father|mother|grandma|grandpa|grandmother|grandfather|friend|partner|boyfriend|"
    r"girlfriend|brother|sister|someone|somebody|patient)"
)
_PILLS = (
    r"(?:pills?|tablets?|meds|medications?|medicines?|capsules?|painkillers?|sleeping pills|"
    r"tylenol|advil|aspirin|ibuprofen|acetaminophen|paracetamol|oxy\w*|xanax|insulin|opioids?|"
    r"fentanyl|heroin|antidepressants?)"
)
_MANY = (
    r"(?:too many|too much|a lot of|lots of|a bunch of|a handful of|handful of|so many|"
    r"a whole (?:bottle|pack|box|packet) of|the whole (?:bottle|pack|box|packet)(?: of)?|"
    r"(?:all|most) (?:of )?(?:my|his|her|their|the)|a bottle of|[1-9]\d+|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|a hundred|a dozen|dozens of|an entire bottle of)"
)
_ALLERGY_CONTEXT = re.compile(
    r"\b(?:allerg\w*|stings?|stung|bees?|wasps?|hornets?|peanuts?|nuts?|shellfish|shrimp|"
    r"epipen|reaction|hives|penicillin|anaphyla\w*)\b"
)


def _sign(
    category: str,
    *alternatives: str,
    kind: Kind = "medical",
    event: bool = False,
    needs: re.Pattern[str] | None = None,
) -> _Sign:
    pattern = re.compile(r"\b" + _words(*alternatives) + r"\b")
    return _Sign(category, kind, pattern, event, needs)


_SIGNS: tuple[_Sign, ...] = (
    _sign(
        "chest_pain",
        r"chest " + _GAP + r"(?:pains?|pressure|tight\w*|hurts?|hurting|heavy|heaviness|squeez\w*"
        r"|crush\w*|aches?|aching|burning|killing me|on fire|caving in)",
        r"(?:pains?|pressure|tightness|squeezing|heaviness|weight|crushing|burning|aching|ache|"
        r"hurting|hurt) (?:in|on|across|around) " + _WHOSE + r" chest",
        # "like" is a dropped filler: "my chest feels like an elephant is sitting on it".
        r"chest (?:\w+ ){0,3}elephant|(?:elephant|something heavy|someone|a weight|a ton of bricks)"
        r" (?:is )?(?:sitting|standing|pressing) on " + _WHOSE + r" chest",
    ),
    _sign("chest_pain", r"heart attack", event=True),
    _sign(
        "breathing",
        r"(?:cant|couldnt|unable to|can barely|can hardly|could barely|barely|hardly) "
        r"(?:breath|breathing|catch " + _WHOSE + r" breath|get (?:enough |any )?air)",
        r"(?:trouble|difficulty|difficulties|problems?|struggling|a hard time|hard time|issues?) "
        r"(?:with )?(?:breathing|to breath|getting air|catching " + _WHOSE + r" breath)",
        r"(?:hard|difficult|impossible|painful) to breath",
        r"short(?:ness)? of breath",
        r"gasping|(?:struggling|fighting) for (?:air|breath)",
        r"breathing (?:(?:is|s|really|very|so|all) )*(?:weird|funny|strange|shallow|labou?red|"
        r"rattly|noisy)",
        r"choking(?! hazard)",
        r"(?:lips|face|skin|fingers) (?:is |are |s |re )?(?:blue|purple)",
        r"(?:turning|turned|going|gone|went) (?:blue|purple)",
    ),
    _sign("breathing", r"asthma attack", event=True),
    _sign(
        "stroke",
        r"(?:face|mouth|smile|lip|eye|eyelid) " + _GAP + r"(?:droop\w*|sagg\w*|lopsided|crooked|"
        r"uneven|fell|fallen|dropped|numb)",
        r"droop\w* (?:face|mouth|smile|eye)|droop\w* on one side",
        r"slurr\w*",
        r"(?:one|left|right) side (?:of " + _WHOSE + r" (?:body|face) )?" + _GAP + r"(?:numb|weak|"
        r"paralyzed|paralysed|dead|limp|droop\w*|tingl\w*|wont move|cant move)",
        r"(?:numb|weak|paralyzed|paralysed|numbness|weakness|tingling) (?:on|in|down) (?:one|the "
        r"left|the right|my left|my right|his left|his right|her left|her right|half) (?:side|of)",
        r"(?:arm|leg|arms|legs) " + _GAP + r"(?:numb|weak|limp|paralyzed|paralysed|dead|wont move"
        r"|gave out)",
        r"(?:cant|unable to|couldnt) (?:move|feel|lift|raise) " + _WHOSE + r" (?:left |right )?"
        r"(?:arm|leg|arms|legs|face|side|hand)",
        r"(?:sudden(?:ly)?|all of a sudden|out of nowhere) " + _GAP + r"(?:confus\w*|disoriented|"
        r"cant speak|cant talk|cant see)",
        r"(?:confused|confusion|disoriented) (?:all of a sudden|suddenly|out of nowhere)",
        r"(?:cant|couldnt) see (?:out of |with )?(?:one|" + _WHOSE + r" (?:left|right)) eye|"
        r"(?:lost|losing) (?:the )?(?:vision|sight) in (?:one|" + _WHOSE + r") eye",
        r"worst headache (?:of|in) " + _WHOSE + r" (?:whole |entire )?life",
        r"worst headache (?:i|he|she|they)(?:ve| have| has|s)? ever",
        r"(?:sudden(?:ly)?|all of a sudden|out of nowhere|thunderclap) " + _GAP + r"(?:severe|"
        r"really bad|terrible|horrible|awful|excruciating|splitting|massive|bad|blinding)? ?"
        r"headache",
        r"(?:cant|couldnt) get " + _WHOSE + r" words out",
        r"(?:speech|words) " + _GAP + r"(?:garbled|jumbled|slurred|not making sense)",
        r"(?:talking|speaking) (?:really |all )?(?:funny|weird|strange|gibberish)",
    ),
    _sign("stroke", r"an? (?:mini )?stroke(?! of)", event=True),
    _sign(
        "bleeding",
        r"bleeding (?:(?:really|very|so|super|pretty|extremely) )*(?:a lot|heavily|heavy|badly|bad"
        r"|profusely|everywhere|so much|like crazy|non ?stop|all over|out|uncontrollabl\w*|"
        r"wont stop|that wont stop|through)",
        r"(?:wont|cant|doesnt|isnt|not|hasnt|havent) stop(?:ping|ped)? (?:the )?bleeding",
        r"(?:cant|couldnt) (?:get|make) (?:it|the bleeding|the blood) (?:to )?stop",
        # "bleeding from his head and it wont stop": the stop may come a few words later.
        r"bleeding (?:[a-z]+ ){0,5}?(?:wont|doesnt|isnt|hasnt|will not|keeps) (?:stop\w*|going|"
        r"coming)",
        r"(?:lots|lot|a lot|so much|tons|too much|pools?|puddles?|gallons) of blood",
        r"blood " + _GAP + r"(?:everywhere|all over|wont stop|pouring|gushing|spurting|squirting)",
        r"(?:gushing|pouring|spurting|squirting|losing) (?:a lot of |so much |lots of )?blood",
        r"(?:heavy|severe|uncontrolled|massive|serious|major) bleeding",
        r"ha?emorrhag\w*",
        r"(?:coughing|throwing|vomiting|puking|spitting) (?:up )?blood",
    ),
    _sign(
        "unconscious",
        r"unconscious|unresponsive|(?:lost|losing) consciousness|passed out|passing out|"
        r"blacked out|fainted|fainting|collapsed|knocked out|no pulse|cardiac arrest|"
        r"(?:not|stopped|isnt|arent|wasnt) breathing|wont wake up|not waking up|isnt waking up|"
        r"cant wake (?:him|her|them|" + _WHOSE + r" \w+|up)",
        _PERSON + r" (?:is |s |just )?(?:not|isnt|wont|doesnt|arent|stopped) respond\w*",
    ),
    _sign(
        "overdose_poisoning",
        r"overdos\w*",
        r"(?:took|taken|take|swallowed|ate|had|popped|downed|taking) " + _MANY + r" "
        r"(?:[a-z]+ ){0,3}?" + _PILLS,
        r"(?:swallowed|drank|ate|ingested|drinking|swallowing|eaten|drunk) (?:(?:some|a|the|of|bit"
        r"|little|lot|whole|bottle|cup|glass|my|his|her|bunch) ){0,4}(?:bleach|poison|antifreeze|"
        r"drain cleaner|rat poison|weed killer|pesticide|lye|ammonia|lighter fluid|gasoline|"
        r"cleaning (?:fluid|product|stuff|supplies)|cleaner|detergent|laundry (?:pods?|detergent)|"
        r"tide pods?|batter(?:y|ies)|button batter\w*|magnets?|windshield fluid)",
        r"(?<!food )poison(?:ed|ing)",
        r"carbon monoxide|poison control",
    ),
    _sign(
        "allergic_reaction",
        r"anaphyla\w*",
        r"(?:throat|airway|windpipe) " + _GAP + r"(?:closing|tightening|tight|shut|swelling shut|"
        r"swollen shut|closing up)",
        r"(?:tongue|lips) " + _GAP + r"(?:swelling|swollen|swelled|blowing up|puffing up)",
        r"(?:need|needs|needed|use|used|using|gave|give|giving|get|grab|where is|wheres|cant find)"
        r" (?:an |my |his |her |their |the |a )?epipen(?! (?:prescription|refill|renewal|script))",
        r"(?:having|going into|in) (?:an? )?(?:\w+ )?allergic reaction",
    ),
    _sign("allergic_reaction", r"(?:severe|serious) allergic reaction", event=True),
    _sign(
        "allergic_reaction",
        r"(?:throat|face|mouth|eyes) " + _GAP + r"(?:swelling|swollen|swelled|puffy|puffing up|"
        r"blowing up)",
        r"(?:cant|trouble|hard to|difficulty|unable to|couldnt) swallow\w*",
        r"hives (?:all over|everywhere)",
        needs=_ALLERGY_CONTEXT,
    ),
    _sign(
        "seizure",
        r"seizing|convuls\w*|seizure " + _GAP + r"(?:wont stop|right now|isnt stopping|going on)",
        r"(?:having|in the middle of) an? (?:\w+ )?seizure",
    ),
    _sign(
        "seizure",
        r"an? seizure(?! (?:disorder|medication|meds|clinic|history|plan|action plan|doctor|"
        r"specialist|test|follow up))",
        event=True,
    ),
    _sign(
        "declared",
        r"(?:its|this is|thats|that is|we have|i have|ive got|i got|we got|weve got|theres|there "
        r"is|having|this could be|it could be|it might be|its like) an? (?:real |medical |actual |"
        r"serious |life threatening |urgent |true )?emergency(?! (?:room|contact|department|"
        r"appointment|visit|number|services|slot))",
        r"medical emergency|life threatening",
        r"(?:call|calling|get|send|need|needs|want|bring) (?:me |us |him |her )?(?:an ambulance|"
        r"the ambulance|the paramedics|paramedics|emergency services|9 ?1 ?1|nine one one|"
        r"nine eleven)",
    ),
    _sign(
        "self_harm",
        r"(?:kill|killing) (?:my ?self|myself)",
        r"(?:end|ending|take|taking) (?:my|my own) life|end(?:ing)? it all",
        r"suicid\w*",
        r"self harm\w*|(?:cutting|harming|burning) myself",
        r"(?:want|wanted|going|planning|plan|thinking|thought|think|urges?|feel|feeling|tempted|"
        r"trying|tried) (?:(?:to|about|of|on|that|i|im|might|will|could|really|so|just|going) )"
        r"{0,3}(?:hurt|hurting|harm|harming|cut|cutting) (?:my ?self|myself)",
        r"(?:want|wanted|wish|wishing|going) to die(?! (?:my|his|her) hair)",
        r"wish (?:i|id) (?:was|were|had) (?:dead|never been born)|better off dead",
        r"(?:dont|no longer) want to (?:live|be alive|exist|wake up|be here anymore|go on)",
        r"(?:no|dont see the|dont see any|cant see the|cant see any|whats the) (?:reason|point) "
        r"(?:to|in|of) (?:live|living|going on|being alive|life)|not worth living",
        kind="self_harm",
    ),
)

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
    r"\bno (?:(?:any|real|more|bad|severe|sudden|major|serious|significant|further) )*$"
)
_PSEUDO_NEGATION = re.compile(
    r"\b(?:not sure|dont know|no idea|not certain|not only|dont understand|never mind)\b"
)
# "never had chest pain like this" is a first, alarming time.
_NEVER_WARNING = re.compile(r"\b(?:like this|like that|this bad|before|in " + _WHOSE + r" life)\b")
_NEGATION_WINDOW_WORDS = 4

_PAST = re.compile(
    r"\blast (?:year|month|week|summer|winter|spring|fall|autumn|christmas|easter|"
    r"thanksgiving|time|visit|appointment)\b"
    r"|\b(?:years?|months?|weeks?|decades?) (?:ago|back)\b"
    r"|\bin (?:19|20)\d\d\b|\bin (?:nineteen|twenty|two thousand)\b|\bback in\b"
    r"|\bwhen (?:i|he|she|they) (?:was|were) (?:a )?(?:kid|child|baby|young|little|younger|"
    r"teen\w*|pregnant|in)\b|\bas a (?:kid|child|teen\w*|baby)\b"
    r"|\bhistory of\b|\bused to\b|\ba long time ago\b|\bpreviously\b"
    r"|\bin the past\b(?! (?:hour|half|few minutes|\w+ minutes|minute|day|night))"
)
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
    r"|\b(?:today|tonight|this (?:morning|afternoon|evening)|last night|an hour ago|"
    r"(?:\w+ )?minutes ago|right now|happening now)\b"
)


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


def _suppressed(t: str, sign: _Sign, start: int, end: int) -> bool:
    c_start, c_end = _clause(t, start, end)
    if _negated(t[c_start:start], t[end:c_end]):
        return True
    if _ONGOING.search(t):
        return False
    if _PAST.search(t, c_start, c_end) or _resolved_after(t, end):
        return True
    return sign.event and _FOLLOW_UP.search(t) is not None and _RECENT.search(t) is None


def _rank(kind: Kind, category: str, start: int) -> tuple[int, int, int]:
    return (kind != "medical", category == "declared", start)


def _detect(t: str) -> EmergencyMatch | None:
    best: tuple[tuple[int, int, int], EmergencyMatch] | None = None
    for sign in _SIGNS:
        if sign.needs is not None and sign.needs.search(t) is None:
            continue
        for m in sign.pattern.finditer(t):
            if _suppressed(t, sign, m.start(), m.end()):
                continue
            rank = _rank(sign.kind, sign.category, m.start())
            if best is None or rank < best[0]:
                best = (rank, EmergencyMatch(sign.kind, sign.category, m.group()))
            break
    return best[1] if best else None


def detect_emergency(text: str) -> EmergencyMatch | None:
    """The emergency this caller turn describes, or None. Deterministic, about 0.1 ms a turn."""
    return _detect(normalize(text))


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
    if _detect(t) is not None:
        return False
    for m in _ALL_CLEAR.finditer(t):
        c_start, _ = _clause(t, m.start(), m.end())
        # "not" inside the cue ("its not urgent") is the all clear itself; only a doubt before the
        # cue ("I dont think im ok") takes it back.
        if not _ALL_CLEAR_DOUBT.search(t[c_start : m.start()]):
            return True
    return False
