"""The warning signs Aida listens for, by category, as patterns over `normalize`d caller speech.

The categories and their signs come from published "call the emergency number when" guidance,
not from our own example turns:

- MedlinePlus, "Recognizing medical emergencies" (U.S. National Library of Medicine): bleeding
  that will not stop; breathing problems; change in mental status (unusual behaviour, confusion,
  difficulty waking); chest pain; choking; coughing up or vomiting blood; fainting or loss of
  consciousness; feeling of committing suicide; head or spine injury; severe or persistent
  vomiting; sudden injury from burns, smoke inhalation or a deep wound; sudden dizziness,
  weakness or change in vision; swallowing a poisonous substance; for children also a seizure,
  and a baby who is floppy, not waking or not feeding.
- NHS, "When to call 999" and its condition pages: heart attack (pain, pressure, heaviness,
  tightness or squeezing across the chest, spreading to the arms, jaw, neck or back; sweating,
  sickness, breathlessness); stroke (FAST: face dropped on one side, cannot lift both arms,
  speech slurred or garbled); sudden confusion; severe difficulty breathing (cannot get words
  out, choking, gasping, lips or skin turning blue or grey); heavy bleeding (spraying, pouring,
  enough to make a puddle); unconscious or cannot be woken; a seizure (shaking or jerking from a
  fit; an epileptic seizure lasting more than 5 minutes); sudden swelling of the lips, mouth,
  throat or tongue (anaphylaxis); a rash that does not fade under a glass, stiff neck, dislike of
  bright light (meningitis); after a head injury: knocked out, vomiting, confusion, drowsiness,
  clear fluid from the nose or ears, unequal pupils, problems with vision, on blood thinners;
  large or deep burns, burns with blisters or white or charred skin, electrical and chemical burns,
  smoke inhalation; a baby under 3 months with a temperature of 38C or more; a baby or child who
  is floppy, unresponsive, grunting or sucking in under the ribs when breathing, with a
  high-pitched cry, a sunken soft spot or no wet nappies; in pregnancy: vaginal bleeding, the baby
  moving less, a severe headache with vision problems or swelling (pre-eclampsia), waters breaking
  (green or brown), contractions before 37 weeks, one-sided pain with fainting (ectopic); after
  birth, soaking a pad in an hour; a suicide attempt.
- UK Sepsis Trust / NHS "Sepsis": slurred speech or confusion, extreme shivering, passing no urine
  in a day, severe breathlessness, "I feel like I might die", mottled or discoloured skin, with
  an infection or fever.
- ACEP (American College of Emergency Physicians), "Know when to go": difficulty breathing,
  chest or upper abdominal pain or pressure, fainting, sudden dizziness or weakness, change in
  vision, difficulty speaking, confusion, uncontrolled bleeding, coughing or vomiting blood,
  suicidal feelings.
- Self-harm follows the Columbia Suicide Severity Rating Scale (C-SSRS) screener: wish to be dead,
  thoughts of killing oneself, thoughts with a method, intent, a plan, preparatory acts
  (collecting pills, getting a weapon, writing a note, giving things away).

Each sign has a tier. A *definite* sign is one the guidance names as a reason to call the
emergency number now. A *possible* sign is one weak cue (a heart that races, a baby who is
floppy with no more said, a passive wish to be dead); two possible signs of one kind in a turn are
definite (`aida.safety.emergency`). Some signs only count in a context anywhere in the turn
(`needs`): vomiting is a sign after a blow to the head, bleeding one in pregnancy, a fever one in
a baby of a few weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["medical", "self_harm"]
Tier = Literal["definite", "possible"]

CATEGORIES = (
    "chest_pain",
    "breathing",
    "choking",
    "stroke",
    "bleeding",
    "unconscious",
    "overdose_poisoning",
    "allergic_reaction",
    "seizure",
    "head_injury",
    "burns",
    "infant",
    "sepsis",
    "pregnancy",
    "declared",
    "self_harm",
)


@dataclass(frozen=True)
class Sign:
    category: str
    kind: Kind
    tier: Tier
    pattern: re.Pattern[str]
    # Names an event callers also bring up as history ("my dad had a stroke"), so follow-up talk
    # without a recent-time cue suppresses it (self-harm: makes it possible, never silent).
    event: bool
    # Only a sign in this context, anywhere in the turn.
    needs: re.Pattern[str] | None


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def _ctx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b" + _any(*alternatives) + r"\b")


def _sign(
    category: str,
    *alternatives: str,
    tier: Tier = "definite",
    kind: Kind = "medical",
    event: bool = False,
    needs: re.Pattern[str] | None = None,
) -> Sign:
    return Sign(category, kind, tier, re.compile(r"\b" + _any(*alternatives) + r"\b"), event, needs)


# Words that may sit between the parts of a sign without changing its meaning.
_GAP = (
    r"(?:(?:is|s|are|re|am|m|was|feels?|feeling|felt|looks?|looking|has|have|got|gets|getting|"
    r"gone|went|goes|keeps?|been|started|starting|really|so|very|super|real|extremely|pretty|"
    r"totally|all|bad|badly|severe|sharp|sudden|suddenly|horrible|terrible|awful|crushing|heavy|"
    r"intense|a|lot|of|some|just|now|too|still|and|this|that|way|hurting|painful|its|it|up) ){0,4}"
)
# A few words of any kind, but never the words of a routine chest visit ("chest x ray for pain").
_FEW = r"(?:(?!x\b|xray|ray\b|scan|results?|infection|cold\b|congest|appointment|doctor)\w+ ){0,4}?"
_WHOSE = r"(?:my|his|her|their|the|your|our)"
_PERSON = (
    r"(?:he|she|they|hes|shes|theyre|him|her|them|baby|mom|mum|dad|husband|wife|son|daughter|"
    r"child|kid|father|mother|grandma|grandpa|grandmother|grandfather|friend|partner|boyfriend|"
    r"girlfriend|brother|sister|roommate|someone|somebody|patient|it)"
)
_PILLS = (
    r"(?:pills?|tablets?|meds|medications?|medicines?|capsules?|painkillers?|sleeping pills|"
    r"tylenol|advil|aspirin|ibuprofen|acetaminophen|paracetamol|oxy\w*|xanax|insulin|opioids?|"
    r"fentanyl|heroin|antidepressants?|gummies|vitamins|iron tablets)"
)
_MANY = (
    r"(?:too many|too much|a lot of|lots of|a bunch of|a handful of|handful of|so many|a load of|"
    r"loads of|a whole (?:bottle|pack|box|packet|strip) of|the whole (?:bottle|pack|box|packet|"
    r"strip)(?: of)?|(?:all|most) (?:of )?(?:my|his|her|their|the)|a bottle of|[1-9]\d+|ten|"
    r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|a hundred|a dozen|dozens of|"
    r"an entire bottle of|double|twice)"
)
_POISONS = (
    r"(?:bleach|poison|antifreeze|drain cleaner|rat poison|weed killer|pesticide|lye|ammonia|"
    r"lighter fluid|gasoline|petrol|paraffin|oven cleaner|cleaning (?:fluid|product|stuff|"
    r"supplies)|cleaner|detergent|laundry (?:pods?|detergent|capsules?)|tide pods?|"
    r"dishwasher (?:tablets?|pods?|detergent)|batter(?:y|ies)|button batter\w*|magnets?|"
    r"(?:windshield |screen )?(?:washer )?fluid|mouthwash|nail polish remover|essential oils?|"
    r"e liquid|vape (?:juice|liquid)|mushrooms|berries)"
)
_SWALLOW = r"(?:swallowed|drank|ate|ingested|drinking|swallowing|eaten|drunk|chewed|chewing|licked)"
_ALLERGY = _ctx(
    r"allerg\w*",
    r"stings?",
    r"stung",
    r"bees?",
    r"wasps?",
    r"hornets?",
    r"peanuts?",
    r"nuts?",
    r"shellfish",
    r"shrimp",
    r"prawns?",
    r"crab",
    r"lobster",
    r"sesame",
    r"epipen",
    r"reaction",
    r"hives",
    r"penicillin",
    r"antibiotics?",
    r"anaphyla\w*",
    r"after (?:eating|taking|the (?:shot|injection|vaccine|new))",
    r"new (?:medication|medicine|pills?|tablets?)",
)
_WOUND = _ctx(
    r"cut\w*",
    r"blood\w*",
    r"bleed\w*",
    r"wound",
    r"stab\w*",
    r"knife",
    r"glass",
    r"gash\w*",
    r"bandage",
    r"towel",
    r"dressing",
    r"stitches",
)
_HEAD_HIT = _ctx(
    r"(?:hit|hits|banged|bumped|smacked|knocked|whacked|cracked|struck|bashed|landed on|fell on)"
    r" (?:\w+ ){0,2}?(?:head|skull)",
    r"(?:hit|struck|whacked|knocked|kicked|smacked) (?:\w+ ){0,3}?in the head",
    r"head (?:injury|injuries|trauma|wound|first)",
    r"fell (?:\w+ ){0,4}?on (?:his|her|my|their) head",
    r"concuss\w*",
)
_BURN = _ctx(
    r"burn\w*",
    r"scald\w*",
    r"boiling",
    r"hot (?:water|oil|fat|pan|pot|grease|coffee|tea)",
    r"oven",
    r"stove",
    r"fire",
    r"flames?",
    r"iron",
    r"steam",
    r"acid",
    r"chemical",
)
_FEVER = _ctx(
    r"fever\w*",
    r"temperature",
    r"temp",
    r"burning up",
    r"infection",
    r"infected",
    r"septic",
    r"shivering",
    r"chills",
    r"rigors",
    r"after (?:my|his|her|the) (?:surgery|operation)",
)
_YOUNG_BABY = _ctx(
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:day|week)s? old",
    r"newborn",
    r"new born",
    r"(?:one|two|a|1|2) months? old",
)
_CHILD = _ctx(
    r"bab(?:y|ys|ies)",
    r"infant",
    r"newborn",
    r"toddler",
    r"little one",
    r"(?:week|month|day)s? old",
)
_PREGNANT = _ctx(
    r"pregnan\w*",
    r"(?:\d+|\w+(?: \w+)?) weeks? (?:pregnant|along|gone)",
    r"(?:im|shes|she is|i am|were) (?:\w+ ){1,2}weeks(?! ago)",
    r"expecting",
    r"(?:my|her) waters?",
    r"just had (?:a|my|the|her|our) baby",
    r"gave birth",
    r"giving birth",
    r"(?:days?|weeks?) (?:after|since) (?:giving birth|the birth|delivery|(?:my|her) c section|"
    r"labou?r|having (?:the|my|her) baby)",
    r"(?:had|having) (?:my|her|the|our) baby (?:\w+ ){0,3}?(?:ago|yesterday|last)",
    r"postpartum",
    r"post partum",
    r"miscarr\w*",
)
_CHOKE = _ctx(
    r"stuck in (?:\w+ ){0,2}?(?:throat|windpipe|airway)",
    r"(?:went|gone|going) down (?:the )?wrong",
    r"in (?:his|her|their|my) mouth",
    r"chok\w*",
    r"chock\w*",
    r"swallowed (?:a|an|the|some) (?:coin|marble|bead|toy|button|grape|candy|sweet|piece|bone|"
    r"lego|peanut|nut|bottle cap|cap)",
)
_SEIZURE = _ctx(r"seiz\w*", r"epilep\w*", r"fits?", r"convuls\w*")
_DOSE = _ctx(_PILLS, r"dose", r"doses", r"prescription", r"insulin", r"medicine cabinet")

SIGNS: tuple[Sign, ...] = (
    # --- cardiac: NHS heart attack, ACEP chest pain or pressure -------------------------------
    _sign(
        "chest_pain",
        r"chest " + _GAP + r"(?:pains?|pressure|tight\w*|hurts?|hurting|heavy|heaviness|squeez\w*"
        r"|crush\w*|aches?|aching|burning|killing me|on fire|caving in)",
        r"chest " + _FEW + r"(?:squeez\w*|crush\w*|pressure|tight\w*|heav\w*|pains?|hurts?|"
        r"hurting|aching|caving)",
        r"(?:pains?|pressure|tightness|squeezing|heaviness|weight|crushing|burning|aching|ache|"
        r"hurting|hurt) (?:\w+ ){0,3}?(?:in|on|across|around|from|through|behind) (?:\w+ )?chest",
        r"chest (?:\w+ ){0,3}elephant|(?:elephant|something heavy|someone|somebody|a weight|"
        r"a ton of bricks) (?:is )?(?:sitting|standing|pressing) on " + _WHOSE + r" chest",
        r"(?:pain|ache|hurts?|hurting|numb\w*|tingl\w*) (?:\w+ ){0,6}?(?:down|into|up into|to) "
        + _WHOSE
        + r" (?:left )?(?:arm|jaw)",
    ),
    _sign("chest_pain", r"heart attack", r"cardiac", event=True),
    _sign(
        "chest_pain",
        r"(?:heart|pulse|heartbeat) (?:\w+ ){0,3}?(?:racing|pounding|skipping|fluttering|"
        r"thumping|irregular|all over the place|beating (?:\w+ ){0,2}?fast|"
        r"going (?:\w+ ){0,2}?fast)",
        r"palpitations",
        r"(?:sweating|sweaty|clammy|cold sweat)",
        tier="possible",
    ),
    # --- breathing: NHS severe difficulty breathing, MedlinePlus breathing problems ------------
    _sign(
        "breathing",
        r"(?:cant|couldnt|unable to|can barely|can hardly|could barely|barely|hardly) "
        r"(?:breath|breathing|catch " + _WHOSE + r" breath|get (?:enough |any )?air)"
        r"(?! (?:through|out of|with) " + _WHOSE + r" nose)",
        r"(?:cant|couldnt|can barely|can hardly|barely|hardly|struggling to|unable to) (?:get|"
        r"getting|catch|take|draw|pull) (?:a |my |his |her |enough |any |in |much |the )*(?:air|"
        r"breath|breaths)(?: in)?",
        r"(?:trouble|difficulty|difficulties|problems?|struggling|a hard time|hard time|issues?) "
        r"(?:with )?(?:breathing|to breath|getting air|catching " + _WHOSE + r" breath)",
        r"(?:hard|difficult|impossible|painful) to breath",
        r"short(?:ness)? of breath",
        r"gasping|(?:struggling|fighting) for (?:air|breath)",
        r"breathing (?:(?:is|s|really|very|so|all) )*(?:weird|funny|strange|shallow|labou?red|"
        r"rattly|noisy)",
        r"breath\w* through a straw",
        r"(?:without|have to|has to|keep) stop\w* (?:\w+ )?(?:to|for) (?:a )?breath",
        r"(?:cant|couldnt|unable to) (?:even )?(?:finish|get|say) (?:a |my |his |her |the |out )?"
        r"(?:full )?(?:sentence|words out)(?! (?:right|now))",
        r"(?:lips|face|skin|fingers|fingernails|tongue|mouth) "
        + _GAP
        + r"(?:blue|purple|grey|gray)",
        r"(?:turning|turned|going|gone|went) (?:blue|purple|grey|gray)",
        r"(?:inhaler|puffer|nebuli[sz]er|pump) (?:\w+ ){0,2}?(?:isnt|not|doesnt|wont|is not|aint)"
        r" (?:\w+ ){0,1}?(?:working|helping|doing (?:anything|nothing)|work|help)",
        r"wheez\w* (?:really |so |very )*(?:bad|badly|hard)",
    ),
    _sign("breathing", r"asthma attack", event=True),
    _sign(
        "breathing",
        r"out of breath",
        r"wheez\w*",
        r"breathing (?:really |so |very |super )*(?:fast|hard|quick\w*)",
        r"rattl\w*",
        r"(?:asthma|copd) (?:is )?(?:really |so |very )*(?:bad|worse|flaring)",
        tier="possible",
    ),
    # --- choking: NHS, MedlinePlus ------------------------------------------------------------
    _sign(
        "choking",
        r"chok(?:ing|es)(?! hazard)",
        r"chock\w*",
        r"(?:something|food|it|a \w+|an \w+|the \w+) (?:\w+ ){0,2}?stuck in "
        + _WHOSE
        + r" (?:throat|windpipe|airway)",
        r"(?:grabbing|clutching|holding) " + _WHOSE + r" throat",
    ),
    _sign("choking", r"choked", r"gagging", r"(?:went|gone) down (?:the )?wrong", tier="possible"),
    _sign(
        "choking",
        r"(?:cant|unable to|couldnt) (?:cough|talk|speak|breath|cry|make a sound)",
        r"(?:whistl\w*|wheez\w*|weird|strange|funny|squeak\w*) (?:\w+ )?(?:noise|sound)s?",
        needs=_CHOKE,
    ),
    # --- stroke: NHS FAST, ACEP difficulty speaking, sudden weakness or vision change ---------
    _sign(
        "stroke",
        r"(?:face|mouth|smile|lip|eye|eyelid)s? " + _GAP + r"(?:droop\w*|sagg\w*|lopsided|crooked|"
        r"uneven|fell|fallen|dropped|drooping|numb|hanging)",
        r"droop\w* (?:face|mouth|smile|eye)|droop\w* on one side|(?:face|mouth|smile) "
        r"(?:\w+ ){0,2}?droop\w*",
        r"(?:half|one side) of " + _WHOSE + r" (?:face|mouth|body)",
        r"(?:smile|face) (?:looks |is |s )?(?:wrong|off|weird|funny|crooked)",
        r"slurr\w*",
        r"(?:one|left|right) side (?:of " + _WHOSE + r" (?:body|face) )?" + _GAP + r"(?:numb|weak|"
        r"paralyzed|paralysed|dead|limp|droop\w*|tingl\w*|wont move|cant move)",
        r"(?:numb|weak|paralyzed|paralysed|numbness|weakness|tingling) (?:on|in|down) (?:one|the "
        r"left|the right|my left|my right|his left|his right|her left|her right|half) (?:side|of)",
        r"(?:arm|leg|arms|legs|hand|foot) " + _GAP + r"(?:numb|weak|limp|paralyzed|paralysed|dead"
        r"|wont (?:move|work)|cant move|gave out|useless|heavy and|tingly and)",
        r"(?:hand|arm|leg) (?:\w+ ){0,2}?wont (?:work|move|do anything)",
        r"(?:cant|unable to|couldnt) (?:move|feel|lift|raise|hold up) "
        + _WHOSE
        + r" (?:left |right )?(?:arm|leg|arms|legs|face|side|hand)",
        r"dragging " + _WHOSE + r" (?:left |right )?(?:leg|foot)",
        r"(?:sudden(?:ly)?|all of a sudden|out of nowhere) (?:\w+ ){0,4}?(?:confus\w*|"
        r"disoriented|cant (?:speak|talk|see|walk|stand)|blind|numb|weak)",
        r"(?:confused|confusion|disoriented) (?:all of a sudden|suddenly|out of nowhere)",
        r"(?:cant|couldnt) see (?:out of |with )?(?:one|" + _WHOSE + r" (?:left|right)) eye|"
        r"(?:lost|losing) (?:the |my |his |her )?(?:vision|sight)",
        r"worst headache (?:of|in) " + _WHOSE + r" (?:whole |entire )?life",
        r"worst headache (?:i|he|she|they)(?:ve| have| has|s)? ever",
        r"(?:sudden(?:ly)?|all of a sudden|out of nowhere|thunderclap) " + _GAP + r"(?:severe|"
        r"really bad|terrible|horrible|awful|excruciating|splitting|massive|bad|blinding)? ?"
        r"headache",
        r"(?:cant|couldnt|unable to) (?:get|find|form) " + _WHOSE + r" words(?: out)?",
        r"(?:speech|words|talking|voice) (?:\w+ ){0,4}?(?:garbled|jumbled|slurred|mixed up|"
        r"scrambled)",
        r"(?:speech|words|talking|voice) " + _GAP + r"(?:not making sense|funny|weird|strange|"
        r"all wrong|wrong)",
        r"(?:talking|speaking|saying) (?:\w+ ){0,2}?(?:funny|weird|strange|gibberish|nonsense)",
        r"(?:words|things) that (?:dont|doesnt) make (?:any )?sense",
    ),
    _sign("stroke", r"an? (?:mini )?stroke(?! of)", event=True),
    _sign(
        "stroke",
        r"(?:really |very |so |totally |completely |all |super )?confused(?! (?:about|by|with|as to"
        r"|on|over|why|what|which|when|where|how))",
        r"not making (?:any )?sense",
        r"(?:cant|couldnt) see (?:properly|straight|clearly|right)",
        r"(?:double|blurr\w*) vision|seeing double|vision (?:is |s )?(?:\w+ )?(?:blurr\w*|weird)",
        r"(?:sudden(?:ly)?|all of a sudden|out of nowhere) (?:\w+ ){0,3}?dizz\w*",
        r"(?:really|very|so) dizzy",
        tier="possible",
    ),
    # --- bleeding: NHS heavy bleeding, MedlinePlus and ACEP uncontrolled or coughed up ---------
    _sign(
        "bleeding",
        r"bleeding (?:(?:really|very|so|super|pretty|extremely) )*(?:a lot|heavily|heavy|badly|bad"
        r"|profusely|everywhere|so much|like crazy|non ?stop|all over|out|uncontrollabl\w*|"
        r"wont stop|that wont stop|through)",
        r"(?:wont|cant|doesnt|isnt|not|hasnt|havent) stop(?:ping|ped)? (?:the )?bleeding",
        r"(?:cant|couldnt) (?:get|make) (?:it|the bleeding|the blood) (?:to )?stop",
        r"bleed\w* (?:[a-z]+ ){0,5}?(?:wont|doesnt|isnt|hasnt|will not|keeps) (?:stop\w*|going|"
        r"coming)",
        r"(?:lots|lot|a lot|so much|tons|too much|pools?|puddles?|gallons|loads) of blood",
        r"(?:so much|too much|this much) blood",
        r"blood (?:\w+ ){0,3}?(?:everywhere|all over|wont stop|pouring|gushing|spurting|squirting|"
        r"spraying|coming out|on the floor)",
        r"(?:gushing|pouring|spurting|squirting|spraying|losing) (?:out )?(?:a lot of |so much |"
        r"lots of )?blood",
        r"(?:heavy|severe|uncontrolled|massive|serious|major) bleeding",
        r"ha?emorrhag\w*",
        r"(?:cough\w*|throw\w*|threw|vomit\w*|puk\w*|spit\w*|being sick) (?:\w+ ){0,6}?blood",
        r"blood (?:\w+ ){0,2}?(?:coming up|in (?:my|his|her) (?:vomit|sick|spit))",
        r"(?:soaked|soaking|soaks|soak) (?:\w+ ){0,3}?(?:through|bandage|towel|a pad|pads?|"
        r"dressing|the bed|sheets)",
        r"(?:black|tarry|bloody) (?:poo|poop|stools?|diarrh\w*)|"
        r"(?:poo|poop|stools?) (?:is |are |s )?"
        r"(?:\w+ )?(?:black|tarry|full of blood)",
        r"(?:cut|sliced|stabbed|stab|gashed) (?:\w+ ){0,3}?(?:really |very |so )?deep",
        r"deep (?:cut|wound|gash)|stab(?:bed|bing| wound)?|(?:been|got|was) shot",
    ),
    _sign(
        "bleeding",
        r"(?:its|it is|its just|still) (?:\w+ ){0,1}?(?:pouring|gushing|spurting|coming)(?: out)?",
        r"(?:nothing|it wont|cant|doesnt) stops? (?:it|the bleeding)",
        r"(?:hour|hours|minutes) (?:\w+ ){0,3}?(?:wont|not|isnt) stop\w*",
        needs=_WOUND,
    ),
    _sign("bleeding", r"bleed\w*", r"nose ?bleed\w*", tier="possible"),
    # --- unresponsive, collapse, fainting: MedlinePlus, NHS -----------------------------------
    _sign(
        "unconscious",
        r"unconscious|unresponsive|(?:lost|losing) consciousness|passed out|passing out|"
        r"blacked out|fainted|fainting|collapsed|collapsing|keeled over|knocked out|no pulse|"
        r"cardiac arrest|(?:not|stopped|isnt|arent|wasnt) breathing|wont wake up|not waking up|"
        r"isnt waking up|cant wake (?:him|her|them|" + _WHOSE + r" \w+|up)",
        _PERSON + r" (?:is |s |just |has |was )?(?:not|isnt|wont|doesnt|arent|stopped|hasnt) "
        r"(?:respond\w*|moving|answering|waking|come to|coming round|open\w* (?:his|her|their) "
        r"eyes)",
        r"wont open (?:his|her|their|my) eyes",
        r"cant (?:get|make) (?:him|her|them) (?:to )?(?:wake|respond|answer|come round)",
        r"found (?:\w+ ){1,3}?(?:on the floor|unconscious|not breathing|collapsed|slumped)",
    ),
    _sign(
        "unconscious",
        r"(?:feel|feeling|felt|going to|about to|gonna) (?:\w+ ){0,2}?(?:faint|pass out|black out)",
        r"(?:just )?(?:went|gone) down(?! (?:the|to|for|a|an|stairs|wrong|there))",
        r"(?:floppy|limp)",
        r"slumped",
        r"fell (?:over|down)(?! (?:the|a) )",
        tier="possible",
    ),
    # --- overdose and poisoning: MedlinePlus swallowing a poisonous substance, NHS ------------
    _sign(
        "overdose_poisoning",
        r"overdos\w*",
        r"(?:took|taken|take|swallowed|ate|had|popped|downed|taking|given|gave (?:him|her|them)) "
        + _MANY
        + r" (?:[a-z]+ ){0,3}?"
        + _PILLS,
        r"(?:took|taken|swallowed|had|ate|given|gave (?:him|her|them)) (?:way |far |a lot |much )"
        r"?(?:more|too many|too much) (?:of )?(?:\w+ ){0,3}?" + _PILLS,
        _SWALLOW + r" (?:(?:some|a|the|of|bit|little|lot|whole|bottle|cup|glass|my|his|her|bunch|"
        r"one|those|these|little|round|that|from) ){0,5}" + _POISONS,
        r"(?:ate|eaten|swallowed|chewed|chewing|got into) (?:(?:some|a|the|of|bunch|handful|my|"
        r"his|her|grandmas|grandpas|moms|dads|few|all|our|their|dogs|cats|pets|heartworm|flea|"
        r"worming|blood|pressure|heart|thyroid|allergy) ){0,5}" + _PILLS,
        r"got into (?:the |my |his |her |grandmas )?(?:medicine|medication|pills|meds|cleaning|"
        r"bleach|cupboard under the sink)",
        r"(?:took|swallowed|drank|had|downed|finished) (?:the|a|an) (?:whole|entire) "
        r"(?:bottle|pack|"
        r"box|packet|strip|tub)",
        r"(?:pills|tablets|meds|painkillers|sleeping pills) (?:\w+ ){0,2}?(?:with|and) "
        r"(?:\w+ ){0,3}?"
        r"(?:alcohol|vodka|booze|drink|drinks|beer|wine|whiskey)",
        r"(?<!food )poison(?:ed|ing)",
        r"carbon monoxide|poison control",
    ),
    _sign(
        "overdose_poisoning",
        r"(?:took|taken|had|drank) something(?! for)",
        r"(?:drank|swallowed|drinking) (?:something|some stuff|stuff) (?:from )?under the sink",
        tier="possible",
    ),
    # --- anaphylaxis: NHS sudden swelling of lips, mouth, throat or tongue --------------------
    _sign(
        "allergic_reaction",
        r"anaphyla\w*",
        r"(?:throat|airway|windpipe) " + _GAP + r"(?:closing|tightening|tight|shut|swelling shut|"
        r"swollen shut|closing up|thick|swelling|swollen)",
        r"(?:tongue|lips) " + _GAP + r"(?:swelling|swollen|swelled|blowing up|puffing up)",
        r"(?:need|needs|needed|use|used|using|gave|give|giving|get|grab|where is|wheres|cant find)"
        r" (?:an |my |his |her |their |the |a )?epipen(?! (?:prescription|refill|renewal|script))",
        r"(?:having|going into|in) (?:an? )?(?:\w+ )?allergic reaction",
        r"eyes? (?:\w+ ){0,2}?swell\w* shut",
    ),
    _sign("allergic_reaction", r"(?:severe|serious) allergic reaction", event=True),
    _sign(
        "allergic_reaction",
        r"(?:throat|face|mouth|eyes|tongue|lips) " + _GAP + r"(?:swelling|swollen|swelled|puffy|"
        r"puffing up|blowing up|huge|fat|thick|tight|big)",
        r"(?:cant|trouble|hard to|difficulty|unable to|couldnt) swallow\w*",
        r"hives (?:all over|everywhere)|covered in hives",
        needs=_ALLERGY,
    ),
    _sign(
        "allergic_reaction",
        r"(?:mouth|lips|tongue|throat) (?:\w+ ){0,2}?(?:tingl\w*|itch\w*)",
        r"hives",
        tier="possible",
        needs=_ALLERGY,
    ),
    # --- seizure: NHS fit, shaking or jerking; seizure over 5 minutes -------------------------
    _sign(
        "seizure",
        r"seizing|convuls\w*|seizure " + _GAP + r"(?:wont stop|right now|isnt stopping|going on)",
        r"(?:having|in the middle of) an? (?:\w+ )?seizure",
        r"(?:having|had|in|throwing) (?:a |another )fit\b",
        r"(?:shaking|jerking|twitching|thrashing) (?:\w+ ){0,2}?(?:all over|uncontrollabl\w*|"
        r"everywhere|and (?:wont|cant) stop|on the floor)",
        r"eyes (?:\w+ )?(?:rolled|rolling) (?:back|up)|foaming at the mouth",
        r"(?:on the floor|in (?:his|her) bed) (?:\w+ ){0,1}?(?:jerking|shaking|twitching)",
    ),
    _sign(
        "seizure",
        r"an? seizure(?! (?:disorder|medication|meds|clinic|history|plan|action plan|doctor|"
        r"specialist|test|follow up))",
        event=True,
    ),
    _sign(
        "seizure",
        r"(?:going|lasted|lasting|been going|been) (?:on )?(?:for )?(?:over |more than |about |"
        r"almost |nearly )?(?:five|six|seven|eight|nine|ten|fifteen|twenty|\d+|several) minutes",
        needs=_SEIZURE,
    ),
    _sign(
        "seizure",
        r"jerk\w*",
        r"twitch\w*",
        r"(?:went|gone|go|going) (?:all )?stiff",
        r"shaking (?:\w+ )?(?:and|all)",
        tier="possible",
    ),
    # --- severe head injury: NHS, NICE head injury -------------------------------------------
    _sign(
        "head_injury",
        r"vomit\w*|throw\w* up|threw up|puk\w*|being sick|confus\w*|sleepy|drowsy|"
        r"(?:cant|wont) (?:stay awake|wake)|pupils?|clear (?:\w+ ){0,2}?(?:from|out of|dripping|"
        r"coming)|(?:fluid|liquid|stuff|water) (?:\w+ ){0,3}?(?:from|out of) (?:\w+ )?"
        r"(?:nose|ears?)"
        r"|bleeding from (?:\w+ )?ears?|blood thinners?|warfarin|eliquis|xarelto|blurr\w*|"
        r"double vision|seeing double|knocked out|passed out|blacked out|(?:doesnt|dont|didnt) "
        r"know where|(?:cant|doesnt|dont) remember|memory|fit|seizure|wont stop crying|"
        r"headache (?:\w+ ){0,2}?(?:worse|wont go)",
        needs=_HEAD_HIT,
    ),
    _sign(
        "head_injury",
        r"(?:hit|banged|bumped|smacked|knocked|whacked|cracked|struck|bashed) (?:\w+ ){0,2}?"
        r"(?:head|skull)|head injury",
        tier="possible",
    ),
    # --- burns and electric shock: NHS burns and scalds, MedlinePlus smoke inhalation --------
    _sign(
        "burns",
        r"electrocut\w*",
        r"(?:electric(?:al)? )?shock from (?:\w+ ){0,3}?(?:socket|outlet|wire|wiring|power line|"
        r"cable|fence|plug|mains)",
        r"(?:electric|electrical|chemical) (?:shock|burn)",
        r"smoke inhal\w*|(?:breathed|breathing|inhaled|swallowed) (?:in )?(?:\w+ ){0,3}?smoke",
        r"(?:boiling|hot) (?:\w+ ){0,1}?(?:water|oil|fat|grease|coffee|tea|soup) (?:\w+ ){0,5}?"
        r"(?:on|over|onto|down|all over|in)",
        r"(?:caught|on|set) fire|house fire",
        r"acid (?:in|on) (?:my|his|her|their)",
        needs=None,
    ),
    _sign(
        "burns",
        r"(?:skin|it) (?:\w+ ){0,3}?(?:coming off|peeling off|charred|black|white|melted)",
        r"blister\w* (?:\w+ ){0,4}?(?:whole|all over|face|hands?|huge|big|arm|leg|chest)",
        r"(?:huge|big|massive|large) blister\w*",
        r"burn\w* (?:\w+ ){0,2}?(?:face|whole|all over|chest|really bad|badly|deep)",
        r"(?:face|hand|hands|arm|leg|chest) (?:is |s |are )?(?:\w+ )?(?:burn\w*|blistering|"
        r"blistered)",
        needs=_BURN,
    ),
    _sign("burns", r"burn(?:ed|t|s)? (?:my|his|her|their|him|herself|himself)", tier="possible"),
    # --- infants and young children: NHS baby under 3 months, "call 999 if a child..." --------
    _sign(
        "infant",
        r"fever\w*|temperature|temp|hot|feverish|burning up|38|thirty eight|high",
        needs=_YOUNG_BABY,
    ),
    _sign(
        "infant",
        r"floppy|limp|unresponsive|not responding|(?:wont|not|hard to|cant) (?:wake|waking)|"
        r"(?:wont|not|isnt) (?:feed|feeding|eating|drinking)|refusing (?:feeds|to feed|the bottle)|"
        r"grunt\w*|ribs (?:\w+ ){0,3}?(?:sucking|pulling|caving) in|sucking in (?:under|between)|"
        r"soft spot (?:\w+ ){0,2}?(?:sunken|bulging)|fontanel\w*|high pitched|"
        r"no wet (?:nappy|nappies|diapers?)|(?:hasnt|not|no) (?:had )?(?:a )?wet (?:nappy|nappies|"
        r"diapers?)|blue|grey|gray|mottled|pale|blotchy",
        needs=_CHILD,
    ),
    _sign(
        "infant",
        r"(?:wont|cant) stop (?:screaming|crying)|inconsolabl\w*",
        tier="possible",
        needs=_CHILD,
    ),
    # --- sepsis and meningitis: UK Sepsis Trust, NHS meningitis -------------------------------
    _sign(
        "sepsis",
        r"(?:rash|spots?|marks?|blotches|bruis\w*) (?:\w+ ){0,7}?(?:glass|tumbler)",
        r"(?:dont|doesnt|wont|didnt|not) (?:fade|go away|disappear|go white) (?:\w+ ){0,4}?"
        r"(?:glass|press)",
        r"(?:purple|dark red) (?:\w+ )?(?:rash|spots|blotches)|(?:rash|spots) (?:is |are |s )?"
        r"(?:\w+ )?(?:purple|spreading)",
        r"(?:feel|feels|feeling) (?:\w+ ){0,2}?(?:dying|going to die)",
    ),
    _sign("sepsis", r"sepsis|septic|meningitis(?! (?:vaccine|jab|shot|booster))", event=True),
    _sign(
        "sepsis",
        r"confus\w*|not making sense|mottled|blotchy|(?:skin|lips|hands|feet) (?:\w+ ){0,3}?"
        r"(?:blue|grey|gray|cold)|stiff neck|neck (?:is |s )?(?:\w+ )?stiff|light (?:\w+ )?hurts|"
        r"(?:hurts|bothers) (?:his|her|my) eyes|(?:havent|hasnt|not) (?:peed|urinated|"
        r"passed (?:any )?"
        r"urine|weed)|no (?:pee|urine)|(?:extreme|uncontrollabl\w*|violent\w*) shiver\w*|"
        r"shivering (?:and|uncontrollabl\w*)|(?:heart|pulse) (?:\w+ ){0,2}?racing|"
        r"breathing (?:really |so |very )?fast|drowsy|hard to wake|lethargic|floppy",
        needs=_FEVER,
    ),
    # --- pregnancy: NHS "urgent" pregnancy signs, pre-eclampsia, ectopic, postpartum --------
    _sign(
        "pregnancy",
        r"bleed\w*|blood|(?:baby|babys|he|she|it) (?:\w+ ){0,3}?(?:not moving|hasnt moved|stopped "
        r"moving|moving less|isnt moving|not kicking|stopped kicking|hasnt kicked)|"
        r"(?:havent|not) felt (?:\w+ ){0,2}?(?:move|moving|kick\w*)|headache|vision|"
        r"spots (?:in|before) (?:my|her) eyes|seeing spots|flashing lights|blurr\w*|"
        r"waters? (?:\w+ ){0,3}?(?:broke|broken|breaking|leak\w*|green|brown)|(?:green|brown) "
        r"(?:fluid|water)|leaking (?:fluid|water)|contractions|in labou?r|(?:sharp|severe|bad|"
        r"really bad|terrible|awful) (?:\w+ ){0,2}?(?:pain|cramp\w*)|pain (?:\w+ ){0,3}?one side|"
        r"faint\w*|fever|soak\w* (?:\w+ ){0,2}?pads?|clots|(?:face|hands|feet) (?:\w+ ){0,2}?"
        r"(?:puffy|swollen|swelling)",
        needs=_PREGNANT,
    ),
    _sign(
        "pregnancy", r"(?:the |my |her )?baby (?:is )?coming(?! in)", r"(?:my|her) waters? broke"
    ),
    # --- declared: the caller says it is an emergency -----------------------------------------
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
        r"(?:someones|somebodys|someone is|somebody is|hes|shes) (?:badly |really |seriously )?"
        r"(?:hurt|injured) (?:bad|badly|really bad)?",
        r"(?:someones|somebodys|someone is|somebody is) (?:\w+ )?(?:hurt|injured|dying)",
    ),
    _sign(
        "declared",
        r"(?:somebody|someone|please) help(?! me (?:book|with|find|schedule|move|cancel|out))",
        r"(?:need|needs) help (?:right now|now|fast|quick|immediately|urgently)",
        r"(?:really|very|something is|somethings|seriously) (?:\w+ )?(?:wrong|not right) with "
        r"(?:him|her|them|my \w+)|(?:hes|shes) (?:really |just )?not right",
        r"(?:its|this is|thats) (?:really |very )?(?:urgent|really bad)",
        tier="possible",
    ),
    # --- self-harm, C-SSRS: thoughts, method, intent, plan, preparatory acts -----------------
    _sign(
        "self_harm",
        r"(?:kill|killing) (?:my ?self|myself|himself|herself|themselves|themself)",
        r"(?:end|ending|take|taking) (?:my|my own|his|her|his own|her own) life|end(?:ing)? it all",
        r"(?:cutting|harming|burning) (?:myself|himself|herself|themselves)",
        r"(?:want|wanted|going|planning|plan|thinking|thought|think|urges?|feel|feeling|tempted|"
        r"trying|tried) (?:(?:to|about|of|on|that|i|im|might|will|could|really|so|just|going) )"
        r"{0,3}(?:hurt|hurting|harm|harming|cut|cutting) (?:my ?self|myself)",
        r"cutting (?:my|his|her|their) (?:arms?|wrists?|legs?|thighs?)",
        r"(?:want|wanted|wants|wish|wishing|going) to die(?! (?:my|his|her) hair)",
        r"wish (?:i|id) (?:was|were|had) (?:dead|never been born)|better off dead",
        # said plainly, a wish not to live is met as the definite tier, as it always was
        r"(?:dont|doesnt|no longer) want to (?:live|be alive|exist|wake up|be here|go on)",
        r"(?:no|dont see the|dont see any|cant see the|cant see any|whats the) (?:reason|point) "
        r"(?:to|in|of) (?:live|living|going on|being alive|life)|not worth living|"
        r"no point (?:in )?living",
        # method (C-SSRS: thoughts with a method)
        r"(?:jump\w*|throw\w* myself) (?:off|from|in front of)",
        r"(?:driv\w*|crash\w*|steer\w*) (?:my|the) car (?:\w+ ){0,2}?(?:into|off)",
        r"hang\w* myself|overdose on|slit (?:my|his|her) wrists?",
        r"how (?:many|much) (?:of )?(?:\w+ ){0,2}?(?:pills|tablets|meds)(?: \w+){0,3} (?:would )?"
        r"(?:take|kill|it would)",
        r"(?:looking up|looked up|searching|searched|googl\w*|researching) (?:how|ways) to "
        r"(?:die|kill|end|do it)",
        # intent and plan
        r"(?:going to|gonna|will|plan to|planning to|decided to|made up my mind) (?:\w+ ){0,2}?"
        r"(?:do it|end it|end things|end everything|take them all|take all of them|finish it)",
        r"(?:end it|do it) (?:tonight|today|tomorrow|this weekend)",
        r"(?:pills?|tablets?|meds) (?:\w+ )?(?:saved|stockpiled|saved up|collected|stashed)|"
        r"(?:saving|saved|stockpiling|stockpiled|collecting|hoarding) (?:up )?(?:\w+ ){0,2}?"
        r"(?:pills|tablets|meds)",
        r"(?:got|have|bought|found|holding|with|loaded) (?:\w+ ){0,3}?(?:gun|pistol|rifle) "
        r"(?:out|here|loaded|with me|in my hand)",
        r"(?:got|have|bought|holding|with) (?:\w+ ){0,2}?(?:razor|blade|rope|noose)(?: \w+){0,6} "
        r"(?:use|myself|it on|do it|going to)",
        r"(?:wrote|written|writing|left) (?:\w+ ){0,2}?(?:suicide note|goodbye (?:note|letter)s?|"
        r"letters to (?:my|everyone|all))",
        kind="self_harm",
    ),
    # indirect wishes to be dead (C-SSRS 1) and preparatory acts alone: the crisis line, and the
    # call goes on; two of them together are definite
    _sign(
        "self_harm",
        r"no point (?:to|in) (?:anything|any of it)",
        r"(?:wish|wishing) (?:i|id) (?:could )?(?:just )?(?:disappear|not wake up|go to sleep and|"
        r"wasnt (?:here|alive|around)|werent (?:here|alive|around)|were dead|was dead|could die)",
        r"(?:want|wanted|wanting) to (?:just )?(?:disappear|go to sleep (?:and|forever)|not wake up"
        r"|sleep forever|not be (?:here|around|alive))",
        r"(?:better off|happier|easier|better) (?:\w+ ){0,3}?(?:without me|if i (?:was|were|wasnt|"
        r"werent) (?:\w+ )?(?:here|around|alive|dead|gone))",
        r"(?:id|i would|i) (?:rather|prefer to) (?:be dead|die|not be here|not (?:be )?alive)",
        r"(?:tired|sick) of (?:being alive|living|life|being here)",
        r"(?:im|i am|feel|i feel) (?:just |such )?(?:a burden|worthless)",
        r"(?:no|dont see a|cant see a|theres no) way out",
        r"(?:cant|can not) (?:keep )?(?:go(?:ing)? on|do this|take (?:it|this)) "
        r"(?:anymore|any more|"
        r"like this)",
        r"(?:want|need) (?:it|everything|this|the pain) (?:all )?to (?:end|stop)(?: forever| for "
        r"good| permanently)?",
        r"(?:gave|giving|given) (?:away )?(?:\w+ ){0,3}?(?:away|things|stuff|belongings|my dog|"
        r"my cat|my pets)",
        r"(?:said|saying) (?:my )?goodbyes?",
        tier="possible",
        kind="self_harm",
    ),
    _sign("self_harm", r"self harm\w*", r"suicid\w*", kind="self_harm", event=True),
)
