"""Whose sign, when, and why it is said: the context that takes a sign back or softens it.

A sign word ("seizure", "bleeding", "self harm") is an emergency only when it is happening now, to
a person, and is not the topic of the care being asked for. Four classes of routine turn share
the words of an emergency and differ in that context; each is one rule here, used by
`aida.safety.emergency` for every sign:

- **History**: a time in the past in the sign's clause ("years ago", "when I was a kid", "in my
  teens", "at my last pregnancy", "used to", "last March"). Months and weekdays are the time
  grammar's own vocabulary (`aida.scheduling.dates_normalize`, which `aida.agent.dialogue.times`
  reads with), not a second list.
- **Animals**: the one the sign is about is a pet or farm animal ("my dog ate my pills", "the
  cat is choking"). Decided on who the clause is about, not on the word alone: "my dog bit my
  son and he's bleeding" is the son's emergency; when a pronoun could be a person or an animal,
  it is a person.
- **Care context**: the sign is what an appointment, referral or therapy is *for* ("a counsellor
  for self harm", "a follow up after his stroke"), or what a class or a form is about ("a first
  aid course for choking").
- **Reported past**: someone told the caller of a past event ("my sister said she fainted at
  work"), as opposed to telling them of a present one ("she called and said she can't breathe").

What each class does with a hit (history and care for self-harm never go silent: the crisis line
is said) is decided in `aida.safety.emergency._tier`.
"""

from __future__ import annotations

import re

from aida.scheduling.dates_normalize import MONTH_RE, WEEKDAY_RE

# --- history --------------------------------------------------------------------------------

_NUMBER_WORDS = (
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy)"
)
_DECADES = r"(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|\d0s)"
_SOMEONE = r"(?:i|he|she|they|we|you)"
_LIFE_STAGE = (
    r"(?:a )?(?:kid|child|baby|toddler|young|little|younger|small|teen\w*|pregnant|in)"
    r"|(?:an? )?(?:infant|newborn|student)|" + _NUMBER_WORDS
)
_BIRTHS = r"(?:pregnanc(?:y|ies)|births?|deliver(?:y|ies)|labou?rs?|babys?|c sections?)"
# A distant past in the sign's clause: the sign is history.
PAST = re.compile(
    r"\blast (?:year|month|week|summer|winter|spring|fall|autumn|christmas|easter|"
    r"thanksgiving|time|visit|appointment|" + _BIRTHS + r"|(?:" + MONTH_RE + r"))\b"
    r"|\b(?:years?|months?|weeks?|decades?|ages|a while|a long while|long) (?:ago|back)\b"
    r"|\bin (?:19|20)\d\d\b|\bin (?:nineteen|twenty|two thousand)\b|\bback in\b|\bway back\b"
    r"|\b(?:" + MONTH_RE + r") (?:of )?last year\b"
    r"|\bwhen " + _SOMEONE + r" (?:was|were) (?:" + _LIFE_STAGE + r")\b"
    r"|\bas (?:a|an) (?:kid|child|teen\w*|baby|toddler|infant|young (?:man|woman|adult)|student)\b"
    r"|\bin (?:my|his|her|their|our) (?:early |late |mid )?" + _DECADES + r"\b"
    r"|\b(?:at (?:the )?age (?:of )?|aged )" + _NUMBER_WORDS + r"\b"
    r"|\b(?:in|at|during) (?:high school|college|university|uni|(?:my|his|her) childhood|"
    r"childhood)\b|\bgrowing up\b"
    r"|\b(?:with|in|during|after) (?:my|her|our) (?:previous|prior|earlier|other|older|oldest|"
    r"eldest|first|last)(?: (?:" + _BIRTHS + r"|son|daughter|child|kid|one|born))?\b"
    r"|\b(?:was|were) born\b(?! (?:\w+ ){0,3}?(?:ago|today|tonight|this|last night|yesterday))"
    r"|\b(?:previous|prior|earlier|past|other) " + _BIRTHS + r"\b"
    r"|\b(?:in|at) (?:my|his|her|their|our) (?:previous|last|old|former|first) (?:job|house|home|"
    r"school|marriage|relationship|workplace|apartment|flat)\b"
    r"|\bbefore " + _SOMEONE + r" (?:had|got) (?:my |his |her |the )?(?:kids|children|married|"
    r"pregnant)\b"
    r"|\bhistory of\b|\bused to\b|\ba long time ago\b|\bpreviously\b|\bonce before\b"
    r"|\bin the past\b(?! (?:hour|half|few minutes|\w+ minutes|minute|day|night))"
)
# A present tense between a past time and a sign makes the sign news of now ("years ago I had a
# stroke and now my face is drooping"); also used for reported speech below.
_PRESENT = re.compile(
    r"\b(?:is|s|are|re|am|im|hes|shes|theyre|its|cant|wont|doesnt|isnt|keeps?|still|now|"
    r"currently|going to|right now|having|getting|started)\b"
)


# An age said with "at" ("a stroke at 60", "a heart attack at forty five"); not a clock time, and
# not a reading ("his temperature is at 40").
_AT_AGE = re.compile(
    r"\bat (?:1[3-9]|[2-9]\d|(?:thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?: (?:one|two|three|four|five|six|"
    r"seven|eight|nine))?)\b(?! (?:past|to|minutes?|am|pm|oclock|percent|degrees|weeks?|days?|"
    r"hours?|miles|pounds|kilos))"
)
_READING = re.compile(
    r"\b(?:temperature|temp|fever|degrees|sugar|glucose|levels?|oxygen|sats|pressure|pulse|"
    r"heart rate|weeks|minutes|reading)\b"
)


def in_the_past(t: str, clause: tuple[int, int], end: int) -> bool:
    """Whether the sign ending at `end` is history: a past time in its clause, or earlier in its
    sentence with no present tense between them ("last March she was stung and her tongue
    swelled up")."""
    if PAST.search(t, *clause):
        return True
    if _AT_AGE.search(t, *clause) and not _READING.search(t, *clause):
        return True
    sentence_start = t.rfind(",", 0, clause[0]) + 1
    cue = None
    for m in PAST.finditer(t, sentence_start, clause[0]):
        cue = m
    return cue is not None and _PRESENT.search(t, cue.end(), end) is None


# A day or more ago: still worth the safety net, not the emergency message.
EARLIER = re.compile(
    r"\b(?:yesterday|the other day|(?:a few|two|three|four|five|couple of|couple|several) days "
    r"ago|over the weekend|last (?:" + WEEKDAY_RE + r"))\b"
)

# --- animals ----------------------------------------------------------------------------------

_ANIMAL = (
    r"(?:dogs?|doggy|doggie|pupp(?:y|ies|ys)|pups?|cats?|kitty|kittens?|pets?|hamsters?|gerbils?|"
    r"guinea pigs?|rabbits?|bunn(?:y|ies)|parrots?|budgies?|birds?|horses?|pon(?:y|ies)|ferrets?|"
    r"tortoises?|turtles?|lizards?|iguanas?|goldfish|cows?|calf|goats?|sheep|lambs?|labradors?|"
    r"retrievers?|poodles?|beagles?|terriers?|spaniels?|collies?|chihuahuas?|dachshunds?|"
    r"bulldogs?|german shepherds?)"
)
# "the dog's pills" (normalised "the dogs pills"): the animal owns the thing, it is not the one
# the sign is about.
_ANIMAL_OWNS = (
    r"(?:\w+ )?(?:pills?|tablets?|meds|medicines?|medications?|food|treats?|toys?|bowl|bed|flea|"
    r"worm\w*|heartworm|dewormer|insulin|collar|lead|leash|crate|cage|litter|shampoo|chews?|"
    r"scans?|nap)\b"
)
_HUMAN = (
    r"(?:i|im|ive|id|me|myself|we|weve|us|mom|mum|mommy|mummy|mother|dad|daddy|father|parents?|"
    r"husband|wife|son|sons|daughters?|kids?|child|children|bab(?:y|ys|ies)|toddler|infant|"
    r"newborn|boy|girl|man|woman|guy|lady|person|people|grandma|grandpa|granny|grandmother|"
    r"grandfather|grand(?:son|daughter|kid|child)s?|nan|nana|brother|sister|siblings?|twins?|"
    r"uncle|aunt|auntie|cousin|niece|nephew|friend|partner|boyfriend|girlfriend|fianc\w*|"
    r"roommate|flatmate|neighbou?r|coworker|colleague|boss|teacher|student|patient|someone|"
    r"somebody|everyone|teen\w*|stepson|stepdaughter)"
)
_BODY = (
    r"(?:hand|hands|arm|arms|leg|legs|face|head|finger|fingers|foot|feet|neck|eye|eyes|lip|lips|"
    r"throat|chest|back|ankle|wrist|knee|thumb|nose|ear|ears|cheek|mouth|skin|body|tongue|side)"
)
_PRONOUN = r"(?:he|she|hes|shes|him|his|her|they|theyre|them|their|it|its)"
_ACTOR = re.compile(
    r"\b(?:(?P<animal>" + _ANIMAL + r")(?! " + _ANIMAL_OWNS + r")|(?P<human>" + _HUMAN + r")"
    r"|(?P<body>my " + _BODY + r")|(?P<pronoun>" + _PRONOUN + r"))\b"
)


def _who(text: str) -> str | None:
    """Who is named last in `text`: "animal", "human" or "pronoun"; None if no one is."""
    last = None
    for m in _ACTOR.finditer(text):
        last = m.lastgroup
    return "human" if last == "body" else last


def about_an_animal(t: str, clause: tuple[int, int], end: int) -> bool:
    """Whether the sign ending at `end` is about an animal: the last one named in its clause up
    to the sign is an animal and no person is named after it there ("my cat knocked boiling
    water onto my baby" is the baby's); or the clause names no one, or only a pronoun, and the
    whole turn names animals and no person (a pronoun that could be either is a person)."""
    c_start, c_end = clause
    who = _who(t[c_start:end])
    if who in ("animal", "human"):
        after = {m.lastgroup for m in _ACTOR.finditer(t, end, c_end)}
        return who == "animal" and not after & {"human", "body"}
    names = {m.lastgroup for m in _ACTOR.finditer(t)} - {"pronoun"}
    return names == {"animal"}


# --- care context -----------------------------------------------------------------------------

# Care that is booked or asked about: the sign after it is its topic. "doctor" and "help" are not
# here: "I need a doctor for my chest pain" may be happening now.
_CARE = (
    r"(?:therap\w*|counsell?(?:or|ors|ing)|counsel\w*|psychiatr\w*|psycholog\w*|mental health|"
    r"cardiolog\w*|neurolog\w*|specialists?|consultants?|physio\w*|rehab\w*|clinic|groups?|"
    r"appointments?|sessions?|consult\w*|referrals?|referred|refer (?:me|him|her|us)|"
    r"follow ?ups?|followup|check ?ups?|review|assessment|evaluation|screening|support|advice|"
    r"questions?|prescriptions?|refills?|medications?|meds|vaccines?|"
    r"(?:see|speak to|talk to|talk with|speak with) (?:a |an |the |my |someone|somebody)"
    r"(?:\w+ )?(?:about|regarding))"
)
# Learning and paperwork about a sign: nobody is ill now.
_LEARNING = (
    r"(?:courses?|class(?:es)?|training|first aid|cpr|leaflets?|information|info|paperwork|"
    r"forms?|letter|note|insurance|claim|bill|invoice|project|essay|homework|talk|presentation)"
)
_FOR = (
    r"(?:for|about|regarding|re|after|following|since|around|to (?:discuss|talk about|go over|"
    r"deal with|help with|work on|manage)|to help (?:me |him |her )?(?:with|manage))"
)
# Between "for" and the sign only the words of a noun phrase ("for my recent self harm"), never
# a new sentence run on by speech-to-text ("appointment for tuesday im bleeding").
_TOPIC_WORDS = (
    r"(?:(?:my|his|her|their|our|the|a|an|some|this|that|these|those|recent|past|ongoing|"
    r"repeated|frequent|possible|suspected|previous|old|of|wanting|urges?|thoughts?|feelings?|"
    r"to|kids|sons|daughters|moms|mums|dads|husbands|wifes|partners|childs|babys) ){0,3}"
)
_CARE_BEFORE = re.compile(
    rf"\b(?:(?P<learning>{_LEARNING})|{_CARE}) (?:\w+ ){{0,4}}?{_FOR} {_TOPIC_WORDS}$"
)
_CARE_AFTER = re.compile(
    r"^ (?:\w+ ){0,2}?(?:follow ?ups?|check ?ups?|clinic|specialists?|nurse|team|groups?|support|"
    r"counsell?ing|therapy|rehab\w*|class(?:es)?|courses?|training|awareness|prevention|plan|"
    r"referrals?|assessment|appointments?|review|medications?|meds|prescriptions?|vaccines?|"
    r"leaflets?|charity|hotline)\b"
)


def the_topic_of_care(t: str, start: int, end: int, *, noun: bool) -> str | None:
    """Whether the sign at t[start:end] is what is asked about, "learning" or "care": "a first aid
    course for choking", "a therapist for self harm", "an appointment about my seizures"; for a
    sign that names an event (`noun`), also care named after it ("self harm counselling",
    "stroke rehab"). Care after a sentence ("I want to kill myself, meds dont help") is no topic.
    None otherwise."""
    before = _CARE_BEFORE.search(t[max(0, start - 120) : start])
    if before is not None:
        return "learning" if before.group("learning") else "care"
    if noun and _CARE_AFTER.match(t[end : end + 60]) is not None:
        return "care"
    return None


# --- reported past ----------------------------------------------------------------------------

_REPORTED = re.compile(
    r"\b(?:told (?:me|us|him|her|them)|tells (?:me|us)|said|says|mentioned|was telling|"
    r"heard|found out)\b"
)


def reported_past(t: str, clause_start: int, end: int) -> bool:
    """Whether the sign ending at `end` is someone's past event, reported to the caller; as with
    a past time, a present tense after the report makes it news of now ("she said she cant
    breathe")."""
    report = None
    for m in _REPORTED.finditer(t, clause_start, end):
        report = m
    return report is not None and _PRESENT.search(t, report.end(), end) is None
