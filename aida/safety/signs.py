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
    r"fentanyl|heroin|antidepressants?|gummies|vitamins|iron tablets|iron pills|cough (?:syrup|"
    r"medicine)|syrup|calpol|benadryl|nyquil|melatonin|edibles|oxycodone|morphine|methadone)"
)
_MANY = (
    r"(?:too many|too much|a lot of|lots of|a bunch of|a whole bunch of|a whole lot of|a ton of"
    r"|tons of|a handful of|handful of|so many|a load of|"
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

# --- self-harm vocabulary (C-SSRS structure; 988 Lifeline / NIMH / Samaritans warning signs) ----
_SELF = r"(?:my ?self|myself|himself|herself|themselves|themself)"
_SUBJ = r"(?:i|he|she|they)"
# A turn that is about dying or self-harm at all: vague intent ("going to do it") is a sign only
# here, never in a booking ("I'm going to do it tomorrow, the blood test I mean").
_DEATH_TALK = _ctx(
    r"die",
    r"dying",
    r"dead",
    r"death",
    r"suicid\w*",
    r"kill\w*",
    _SELF,
    r"my life",
    r"alive",
    r"living",
    r"goodbyes?",
    r"pills",
    r"tablets",
    r"rope",
    r"noose",
    r"gun",
    r"bridge",
    r"ledge",
    r"overdos\w*",
    r"wake up",
    r"(?:im|i am|hes|shes) gone",
    r"burden",
    r"end (?:it|things|everything)",
    r"it all",
    r"these thoughts",
    r"anymore",
    r"for good",
    r"forever",
    r"hopeless",
    r"no point",
    r"no way out",
    r"note",
    r"letters",
    r"will",
    r"affairs",
)
# Wanting, planning, thinking: the verbs before a method ("thinking about jumping off").
_TOWARD = (
    r"(?:thinking|thought|think|thoughts|planning|plan|planned|going|gonna|want|wanted|wanna|"
    r"wants|tempted|urge|urges|considering|consider|considered|ready|decided|picturing|"
    r"imagining|fantasi[sz]ing)"
)
TOWARD_RE = re.compile(_TOWARD + r"\b")
_METHOD = (
    r"(?:(?:jump|jumping|step|stepping|walk|walking|throw|throwing|lie|lying|lay) (?:\w+ )?"
    r"(?:off|from|in front of|under|onto)"
    r"|(?:drive|driving|crash|crashing|steer|steering) (?:\w+ ){0,2}?(?:into|off)"
    r"|(?:hang|hanging|drown|drowning|shoot|shooting|gas|gassing|poison|poisoning|suffocat\w*|"
    r"strangl\w*) (?:my ?self|myself|himself|herself|themselves)"
    r"|(?:slit|slitting|cut|cutting|slash|slashing|open|opening) (?:my|his|her|their) (?:wrists?|"
    r"throat)"
    r"|overdos(?:e|ing)\b"
    r"|(?:take|taking|swallow|swallowing|down|downing) (?:all|the whole|every one of|a whole|"
    r"the rest of|a bunch of|a handful of) (?:\w+ ){0,3}?(?:pills|tablets|meds|medications?|"
    r"painkillers|bottle|box|pack|packet|them|lot)(?! (?:with|on|along|to|in|for|when|before|"
    r"after|as|every|each|daily|twice|at (?:night|bedtime|breakfast))\b)"
    r"|using (?:it|them|the \w+|a \w+) on (?:my ?self|myself|himself|herself))"
)

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
    _sign(
        "chest_pain",
        r"(?:clutching|grabbing|holding|clasping|clawing) (?:at )?" + _WHOSE + r" chest",
    ),
    _sign("chest_pain", r"heart attack", r"cardiac", event=True),
    _sign(
        "chest_pain",
        r"(?:grey|gray|ashen|pale|white as a sheet)",
        tier="possible",
        needs=_ctx(r"chest", r"heart", r"arm", r"jaw"),
    ),
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
        r"(?:struggling|fighting|straining|working hard) (?:for|to get) (?:every|each) (?:single )?"
        r"breath",
        r"(?:im|i am|hes|shes|theyre|feel like (?:im|i am|hes|shes)|its like (?:im|i am)) "
        r"suffocating",
        r"(?:sucking|pulling|caving) in (?:\w+ ){0,2}?(?:at|under|between|below) (?:the |his |her "
        r"|their |my )?ribs|ribs (?:are )?(?:sucking|pulling|caving) in",
        r"(?:only|can only|just) (?:say|get out|manage) (?:one|two|a few|one or two) words?",
        r"stop (?:\w+ )?(?:for|to get) (?:air|a breath|breath)",
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
        + _PILLS
        # packing, not swallowing: "take all my pills with me on the trip"
        + r"(?! (?:with (?:me|us|him|her)|along|on (?:the|my|a|our) (?:trip|holiday|vacation|"
        r"plane|flight|cruise)|to (?:the|my) (?:appointment|visit|doctor|clinic))\b)",
        r"(?:took|taken|swallowed|had|ate|given|gave (?:him|her|them)) (?:way |far |a lot |much )"
        r"?(?:more|too many|too much) (?:of )?(?:\w+ ){0,3}?" + _PILLS,
        _SWALLOW + r" (?:(?:some|a|the|of|bit|little|lot|whole|bottle|cup|glass|my|his|her|bunch|"
        r"one|those|these|little|round|that|from) ){0,5}" + _POISONS,
        r"(?:ate|eaten|swallowed|chewed|chewing|got into|drank|drunk) (?:(?:some|a|the|of|bunch|"
        r"handful|my|his|her|grandmas|grandpas|moms|dads|few|all|our|their|dogs|cats|pets|"
        r"heartworm|flea|worming|blood|pressure|heart|thyroid|allergy|iron|vitamin|gummy|sleeping|"
        r"pain|cold|flu|couple|several|bottle|whole|half) ){0,5}" + _PILLS,
        r"(?:took|taken|swallowed|had) (?:\w+ ){0,3}?(?:whole|entire) (?:weeks?|months?|days?) "
        r"(?:worth )?of (?:\w+ )?(?:pills|tablets|meds|medications?|doses)",
        r"got into (?:the |my |his |her |some |grandmas )?(?:\w+ )?(?:tablets|pods|capsules|"
        r"detergent|cleaner|bleach|pills|meds|medicine)",
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
        r"double dos\w*|doubled (?:up )?(?:on )?(?:\w+ )?(?:dose|doses|pills|tablets|meds)|"
        r"(?:took|taken|had) (?:\w+ ){0,3}?(?:dose|pills|tablets|meds) twice",
        r"(?:took|taken|ate|swallowed|had) (?:some|one|a couple|a few|two|three) (?:of )?(?:my|his|"
        r"her|their|grandmas|grandpas|someone elses|the) (?:\w+ )?(?:oxy\w*|opioids?|fentanyl|"
        r"methadone|morphine|xanax|valium|heart pills|blood pressure pills|sleeping pills|"
        r"painkillers)",
        r"(?:really |very |so |super )(?:drowsy|sleepy|out of it|floppy)|acting (?:really |very "
        r"|so )?"
        r"(?:strange|weird|odd|drunk|funny)|(?:cant|cannot) wake (?:him|her|them) (?:up )?properly",
        tier="possible",
        needs=_DOSE,
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
        r"(?:one|a) (?:seizure|fit) after (?:another|the other)|(?:seizures"
        r"|fits) (?:\w+ )?(?:back to "
        r"back|one after (?:another|the other))|(?:keeps|kept) (?:having|on having) (?:seizures|"
        r"fits)|(?:another|second|third) (?:seizure|fit) (?:already|in a row|since)",
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
        r"(?:splashed|spilled|spilt|got|sprayed|poured) (?:\w+ ){0,2}?(?:bleach|drain cleaner|acid|"
        r"oven cleaner|lye|ammonia|chemicals?|caustic \w+) (?:\w+ ){0,3}?(?:on|in|into|over) "
        r"(?:his|her|my|their|the) (?:face|eyes?|skin|arms?|hands?|legs?|mouth|chest)",
        r"(?:touched|grabbed|hit|stepped on) (?:a |the )?(?:live|exposed|bare) (?:wire|cable)|"
        r"(?:shocked|zapped) by (?:a |the )?(?:wire|outlet|socket|cable|power line|mains)",
        needs=None,
    ),
    _sign(
        "burns",
        r"(?:skin|it) (?:\w+ ){0,3}?(?:coming off|peeling off|charred|black|white|melted)",
        r"(?:white|charred|black|leathery|waxy) and (?:leathery|waxy|charred|numb|black)|"
        r"(?:all )?(?:leathery|charred|waxy)",
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
        r"medical emergency|life threatening|emergency help",
        r"(?:call|calling|get|send|need|needs|want|bring) (?:me |us |him |her )?(?:an ambulance|"
        r"the ambulance|the paramedics|paramedics|emergency services|9 ?1 ?1|nine one one|"
        r"nine eleven)(?! (?:bill|invoice|charge|fee|cost|company|ride bill|service bill)\b)",
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
        r"in a (?:really |very )?(?:bad|terrible|awful) way",
        r"(?:get|send|need|bring) (?:some )?(?:help|someone|somebody) (?:here|over|round|to (?:my|"
        r"the|our) (?:house|home|place|flat))",
        r"please (?:hurry|be quick|come quick)|hurry please",
        tier="possible",
    ),
    # --- self-harm, C-SSRS: thoughts, method, intent, plan, preparatory acts, an attempt ------
    _sign(
        "self_harm",
        r"(?:kill|killing) " + _SELF,
        r"(?:end|ending|take|taking) (?:my|my own|his|her|his own|her own|their own) life|"
        r"end(?:ing)? it all",
        r"(?:cutting|harming|burning|hurting|injuring|punishing|starving) "
        + _SELF
        + r"(?! (?:at|lifting|playing|running|while|when|in the|on the|doing|working|exercising|"
        r"shaving|cooking|by accident))",
        r"(?:hurt|cut|burned|burnt|burn|harmed|harm|injured|punched|hit|scratched|starved) "
        + _SELF
        + r" (?:on purpose|deliberately|intentionally)",
        r"(?:want|wanted|going|planning|plan|thinking|thought|think|urges?|feel|feeling|tempted|"
        r"trying|tried) (?:(?:to|about|of|on|that|i|im|might|will|could|really|so|just|going) )"
        r"{0,3}(?:hurt|hurting|harm|harming|cut|cutting) " + _SELF,
        r"(?:do|doing|did) something (?:\w+ )?to " + _SELF,
        r"cutting (?:my|his|her|their) (?:arms?|wrists?|legs?|thighs?)",
        r"(?:want|wanted|wants|wish|wishing|wishes|going) to die(?! (?:my|his|her) hair)",
        r"(?:wish|wishes|wished) " + _SUBJ + r"d? (?:was|were|had) (?:dead|never been born)|"
        r"better off dead",
        # said plainly, a wish not to live is met as the definite tier, as it always was
        r"(?:dont|doesnt|no longer) want to (?:live|be alive|exist|wake up|be here|go on)",
        r"(?:no|dont see the|dont see any|cant see the|cant see any|whats the) (?:reason|point) "
        r"(?:to|in|of) (?:live|living|going on|being alive|life)|not worth living|"
        r"no point (?:in )?living",
        # thoughts with a method, and the method at hand
        _TOWARD + r" (?:\w+ ){0,3}?(?:to |of |about )?" + _METHOD,
        r"throw\w* " + _SELF + r" (?:off|from|in front of|under)",
        r"hang\w* " + _SELF + r"|overdose on|(?:slit|cut|slashed|sliced) (?:my|his|her|their) "
        r"(?:wrists?|throat)",
        r"how (?:many|much) (?:of )?(?:\w+ ){0,2}?(?:pills|tablets|meds)(?: \w+){0,3} (?:would )?"
        r"(?:take|kill|it would)",
        r"(?:looking up|looked up|searching|searched|googl\w*|researching|researched|reading|read) "
        r"(?:up )?(?:about |into |online )?(?:how|ways|what|the best way)(?: \w+){0,5}? "
        r"(?:overdose|to die|kill|end it|lethal|fatal|painless|do it)",
        r"(?:know|knows|picked|chose|chosen|figured out|worked out) (?:exactly )?(?:which|what|how "
        r"many) (?:pills|tablets|meds)",
        r"(?:gun|pistol|rifle|knife|blade|razor|pills|tablets|rope|noose) (?:is |are )?"
        r"(?:in my hands?|in front of me|next to me|right here with me)(?! luggage| bag| baggage)",
        r"(?:standing|sitting|stood|out) (?:\w+ ){0,2}?(?:on|at) (?:the |a )?(?:edge|ledge|"
        r"railing)(?! of (?:the )?(?:bed|seat|chair|pool|stage))",
        r"(?:car|engine) (?:is |was )?(?:still )?running in (?:the |a )?(?:closed )?garage|"
        r"(?:locked|shut) (?:him|her|them|my)(?:self|selves) in (?:the |a )?(?:garage|car)"
        r"(?: \w+){0,4}? (?:running|engine on|fumes)",
        # an attempt made now
        r"(?:took|taken|swallowed|had|done) (?:an? )?overdose",
        r"(?:already|just) (?:taken|took|swallowed|had) (?:them all|all of them|the lot|the whole "
        r"lot|everything|all (?:of )?(?:my|the|his|her) (?:pills|tablets|meds))",
        r"swallowed (?:everything|all|whatever) (?:\w+ ){0,2}?(?:in|from) (?:the |my |our )?"
        r"(?:medicine|bathroom|cabinet|cupboard|drawer)",
        r"tried to (?:kill|hang|hurt|harm|cut|drown|shoot|poison|end|overdose|strangle|suffocate)",
        # intent and plan
        r"(?:going to|gonna|will|plan to|planning to|decided to|made up my mind) (?:\w+ ){0,2}?"
        r"(?:end it|end things|end everything|take them all|take all of them)",
        _TOWARD + r" (?:\w+ ){0,3}?(?:end|ending) (?:it|things|everything|my life|my suffering|"
        r"the pain)(?= ,|$| now| tonight| today| tomorrow| for good| forever| soon| once| "
        r"permanently| and| because| i | im )",
        r"end it (?:tonight|today|tomorrow|this weekend)",
        r"act on (?:these|my|the|those|them|it)(?: \w+)? (?:thoughts|urges|feelings|plan)",
        r"(?:pills?|tablets?|meds) (?:\w+ )?(?:saved|stockpiled|saved up|collected|stashed)|"
        r"(?:saving|saved|stockpiling|stockpiled|collecting|hoarding) (?:up )?(?:\w+ ){0,2}?"
        r"(?:pills|tablets|meds)",
        r"(?:got|have|bought|found|holding|with|loaded) (?:\w+ ){0,3}?(?:gun|pistol|rifle) "
        r"(?:out|here|loaded|with me|in my hand)",
        r"(?:got|have|bought|holding|with) (?:\w+ ){0,2}?(?:razor|blade|rope|noose)(?: \w+){0,6} "
        r"(?:use|myself|it on|do it|going to)",
        r"(?:wrote|written|writing|left|found) (?:\w+ ){0,2}?(?:suicide note|goodbye (?:note|"
        r"letter)s?|letters to (?:my|everyone|all))",
        r"(?:goodbye|farewell|suicide) (?:notes?|letters?|videos?)",
        r"not safe (?:on my own|alone|by myself|with myself|around myself|to be alone)",
        r"(?:cant|unable to|dont think i can) keep " + _SELF + r" safe",
        r"(?:scared|afraid|frightened|worried) (?:of )?what " + _SUBJ + r" (?:might|could|will|"
        r"would|am going to|is going to) do to " + _SELF,
        r"(?:want|wanted|wants|wish|wishing) to be dead",
        r"cut (?:my|his|her|their) (?:arms?|legs?|thighs?|wrists?|skin)(?: \w+)? (?:again|on "
        r"purpose|deliberately)|cut " + _SELF + r" again",
        r"(?:on|at) (?:the |a )?(?:bridge|roof|rooftop|ledge|edge)(?: \w+){0,3}? (?:wont"
        r"|refuses to|"
        r"will not|doesnt want to) (?:come|get|step) (?:down|back|off|in)",
        r"(?:alcohol|vodka|booze|whiskey|wine|gin|rum) (?:\w+ ){0,2}?(?:and|with) (?:\w+ ){0,3}?"
        + _PILLS
        + r" (?:here|with me|in front of me|ready|right here|next to me)",
        kind="self_harm",
    ),
    # vague intent, plan and method words: a sign only in a turn about dying or self-harm
    _sign(
        "self_harm",
        r"(?:going to|gonna|will|plan to|planning to|decided to|ready to|about to|want to) "
        r"(?:actually |really |finally |just )?(?:do it|go through with it|finish it)",
        r"(?:do it|doing it) (?:tonight|today|tomorrow|this weekend|this time)",
        r"(?:have|got|had|its) (?:it |everything )?(?:all )?(?:planned|worked out|figured out|"
        r"sorted|ready)",
        r"(?:picked|chose|chosen|set|decided on) (?:a |the )?(?:date|day|time|place|night)",
        r"(?:jump|jumping|jumped) (?:off|from|in front of)",
        needs=_DEATH_TALK,
        kind="self_harm",
    ),
    # indirect wishes to be dead (C-SSRS 1), hopelessness, being a burden, preparatory acts and
    # vague plans alone: the crisis line, and the call goes on; two of them together are definite
    _sign(
        "self_harm",
        r"no point (?:to|in) (?:anything|any of it)",
        r"(?:wish|wishing|wishes) (?:i|id|he|she) (?:could )?(?:just )?(?:disappear(?! (?:on|for|to"
        r"|into|from|off)\b)|not wake up|go to sleep and|wasnt (?:here|alive|around)"
        r"|werent (?:here|"
        r"alive|around)|were dead|was dead|could die|didnt exist|did not exist|could not exist|"
        r"not exist|stop existing|vanish)",
        r"(?:want|wanted|wanting|wants|trying|need) to (?:just )?(?:disappear(?! (?:on|for|to|into|"
        r"from|off)\b)|go to sleep (?:and|forever)|not wake up|sleep forever|not be (?:here|around|"
        r"alive)|stop existing|not exist|cease to exist|stop being alive|be gone(?! (?:for|by|"
        r"before|on|from)\b))",
        r"(?:hope|hoping|wish|wishing|pray|praying)(?: that)? (?:i|id|he|she)(?: \w+){0,3}? "
        r"(?:dont|doesnt|wont|never|not) wake up",
        r"(?:asleep|sleep) and (?:just )?(?:never|not|dont|wont) wake up",
        r"(?:better off|happier|easier|better|simpler|best|relieved|lighter) (?:\w+ ){0,5}?"
        r"(?:without me|if (?:i|he|she) (?:just )?(?:was|were|wasnt|werent|was not|died|"
        r"disappeared|didnt exist|never woke up|ended it)(?: (?:\w+ )?(?:here|around|alive|dead|"
        r"gone))?)",
        r"(?:doing|do) (?:\w+ ){0,2}?(?:a )?favou?r by (?:not being|dying|disappearing|ending)",
        r"(?:dont|doesnt) (?:really |even )?(?:care|mind) (?:if|whether) (?:i|he|she) (?:live|"
        r"lives|die|dies|wake up|make it|am alive|survive)",
        r"(?:id|i would|i) (?:rather|prefer to) (?:be dead|die|not be here|not (?:be )?alive)",
        r"(?:tired|sick|exhausted) of (?:being alive|living|life|being here|existing|being me|"
        r"fighting)",
        r"(?:im|i am|feel|i feel|feeling) (?:just |such |so |like )?(?:a burden|worthless|"
        r"hopeless|trapped)",
        r"(?:no|dont see a|cant see a|theres no) way out",
        r"(?:cant|dont|can not) see (?:a|any) (?:future|way forward)",
        r"(?:nothing|no one|nobody|no reason) (?:left )?to live for",
        r"(?:nobody|no one|noone) (?:would|will|is going to) (?:even )?(?:notice|care|miss me|"
        r"mind)(?: \w+){0,3}? if (?:i|im) (?:just )?(?:was |were |am )?(?:gone|dead|died|"
        r"disappeared|vanished|not here|not around)",
        r"(?:cant|can not) (?:keep )?(?:go(?:ing)? on(?: living)?|do this|take (?:it|this)) "
        r"(?:anymore|any more|like this)",
        r"(?:looking|staring|stared|looked|sitting|standing) (?:at|by|near|on) (?:the )?(?:train "
        r"tracks|tracks|bridge|pills|knife|gun|rope|ledge|river)(?: \w+){0,3}? (?:thinking|"
        r"wondering) (?:about it|about doing it|about jumping|if i should|whether)",
        r"(?:want|need|wish) (?:it|everything|this|the pain|it all) (?:all )?(?:would |could )?"
        r"(?:all )?(?:to )?(?:just )?(?:end|stop|be over)(?= ,|$| forever| for good| permanently"
        r"| already)",
        r"(?:im|i am|hes|shes|i feel) (?:so |just |completely |totally )?done with (?:life|"
        r"living|everything|it all|being alive|this life|this world|the world)",
        r"life (?:isnt|is not|aint|is no longer|no longer|doesnt feel) (?:\w+ )?worth (?:it|"
        r"living)",
        r"no (?:reason|point) for (?:me|him|her) to (?:be alive|live|go on|keep going|exist|"
        r"be here)",
        r"(?:dont|cant) trust " + _SELF + r"(?! with (?:money|food|sweets|cake|chocolate|the|my))",
        r"(?:cant|dont think i can) stop " + _SELF + r"(?! from (?:eating|snacking|scratching|"
        r"biting|smoking))",
        r"(?:scared|afraid|frightened) (?:of )?what " + _SUBJ + r" (?:might|could) do",
        r"(?:mean|meant) it this time",
        r"tonight is the night",
        r"(?:worked out|figured out|planned out|decided) (?:how|when|where) and (?:when|where|how)",
        # preparatory acts (C-SSRS 6): giving things away, goodbyes, putting affairs in order
        r"(?:gave|giving|given|give) away (?:all |most |some )?(?:of )?(?:my|his|her|their) "
        r"(?:\w+ )?(?:things|stuff|belongings|possessions|valuables|savings|money|jewel\w*|dog|"
        r"cat|pets?|guitar|collection)",
        r"(?:gave|giving|given|give) (?:all |most )?(?:of )?(?:my|his|her|their) (?:\w+ )?"
        r"(?:things|stuff|belongings|possessions|valuables|savings|money|jewel\w*|dog|cat|pets?|"
        r"guitar|collection) away",
        r"(?:gave|giving|given) (?:away )?(?:everything|all (?:of )?(?:my|his|her) (?:stuff|things|"
        r"belongings))(?: away)?",
        r"(?:texted|messaged|called|rang|sent|wrote|posted|left) (?:me |us |everyone |her |him |"
        r"them )?(?:a |an )?(?:goodbye|farewell)(?! to (?:the|my old|his old|her old))",
        r"(?:said|saying|say) (?:my )?goodbyes? (?:to (?:everyone|everybody|my (?:family|kids|"
        r"children|wife|husband|parents|mum|mom|dad|friends|sister|brother))|already)",
        r"(?:said|saying) (?:my )?goodbyes?(?= ,|$)",
        r"(?:sorted|sorting|put|putting|got|getting|set|setting) (?:out )?(?:all )?(?:my|his|her) "
        r"affairs",
        r"(?:after|when|once) (?:im|i am|hes|shes|theyre) (?:gone|dead|not here|not around)"
        r"(?! (?:on|for|to|away)\b)",
        r"(?:wrote|written|writing|left|leaving|made|recorded) (?:a |some |my )?(?:letters?|notes?|"
        r"videos?) (?:to|for) (?:my (?:kids|children|family|wife|husband|mum|mom|dad|parents|son|"
        r"daughter|partner|friends)|everyone|everybody|each of them)(?! (?:to|about|with|from) )",
        r"(?:bought|got|getting|purchased|ordered|picked up) (?:a |some |the )?(?:rope|noose|gun|"
        r"pistol|handgun|firearm|razor blades|charcoal|helium)(?! for (?:climbing|hunting|camping|"
        r"the boat|work|the farm|sailing))",
        r"(?:standing|sitting|stood|up) (?:\w+ ){0,2}?on (?:the |a )?(?:roof|rooftop|bridge|train "
        r"tracks|tracks|cliff)(?! (?:fixing|cleaning|working|repair\w*|doing|club))",
        r"(?:want|wanna|going|gonna|about) to jump(?= ,|$)",
        r"(?:do|doing) something (?:stupid|drastic|permanent)(?! (?:at|with|on|like|again))",
        r"(?:thoughts?|thinking|think|thought) (?:about|of) (?:not (?:being )?(?:alive|here|"
        r"around)|dying|death|being dead|not existing)",
        r"(?:better off|happier|better) without (?:me|their (?:mum|mom|mother|dad|father))\b",
        r"(?:hope|hoping|wish|pray) (?:that )?(?:i|something) (?:\w+ )?(?:get hit|gets? me"
        r"|kills? me|"
        r"happens to me|dont make it|die|crash)",
        r"(?:dont|cant) see (?:the|any) point (?:of|in) (?:being (?:here|alive|around)|anything|"
        r"going on|carrying on|trying)",
        r"(?:dont|do not) want to do (?:this|life)(?: \w+){0,2} (?:anymore|any more)",
        r"(?:had|have had) enough of (?:living|life|everything|it all|being alive|this life)",
        r"(?:wont|will not|not going to|may not|might not) be (?:around|here) (?:for )?(?:much |"
        r"very )?(?:longer|long|anymore|any more)",
        r"(?:saying|said|say) my goodbyes",
        r"sorry for everything",
        r"(?:message|text|note|letter|voicemail|post) (?:\w+ ){0,6}?(?:goodbye|farewell)",
        r"if (?:i|he|she) (?:just )?(?:died|dont wake up|didnt wake up|never woke up|was gone)"
        r"(?: \w+){0,3}? (?:i|he|she) (?:wouldnt|would not|dont|doesnt) (?:mind|care)",
        r"(?:wouldnt|would not|dont|doesnt) (?:mind|care) (?:if (?:i|he|she) (?:died|was dead|"
        r"didnt wake up|never woke up)|dying)",
        r"(?:dont|do not) know how (?:much )?(?:longer|long) (?:i|he|she) can (?:keep going|go on|"
        r"hold on|do this|take (?:it|this)|keep doing this)",
        tier="possible",
        kind="self_harm",
    ),
    # an overdose said in the first person may be self-harm: the crisis line is said too
    _sign(
        "self_harm",
        r"(?:i|ive|i have) (?:just |already )?(?:took|taken|swallowed|downed|popped) "
        r"(?:\w+ ){0,6}?(?:pills|tablets|meds|antidepressants|painkillers|the bottle)"
        r"(?! (?:by (?:mistake|accident)|twice by|accidentally)\b)",
        tier="possible",
        kind="self_harm",
        needs=_ctx(_MANY, r"overdos\w*", r"everything"),
    ),
    # a preparatory act that is everyday on its own ("I wrote my will"): only with another sign
    _sign(
        "self_harm",
        r"(?:wrote|written|writing|made|make|making|did|updated|updating|finished|redid|changed) "
        r"(?:a |my |out my |up my )?will\b",
        tier="possible",
        kind="self_harm",
        needs=_ctx(
            r"letters?",
            r"notes?",
            r"goodbyes?",
            r"(?:im|i am) gone",
            r"dead",
            r"pills",
            r"die",
            r"end it",
            r"affairs",
            r"rope",
            r"gun",
        ),
    ),
    _sign(
        "self_harm",
        r"self harm\w*",
        r"(?<!died by )(?<!died from )(?<!death by )(?<!committed )(?<!lost him to )"
        r"(?<!lost her to )suicid\w*",
        kind="self_harm",
        event=True,
    ),
)
