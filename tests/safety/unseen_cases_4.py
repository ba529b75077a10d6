"""Unseen set 4, on self-harm. NEVER EDIT THIS FILE after the commit that adds it.

Written by an engineer who never read the detector's signs, its tuning phrases
(tests/safety/cases.py), its docs or the earlier unseen sets, while another engineer was
building the self-harm detector without seeing these sentences. Its figures measure what the
detector does with words nobody fitted it to; never tune a pattern on them.

The self-harm turns walk the Columbia suicide severity screener's structure the way callers
actually say it to a clinic's booking line, mostly indirectly: a wish to be dead or not to wake
up, feeling a burden, hopelessness, thoughts of killing oneself, a method, intent, a plan with a
time, preparations (giving things away, goodbyes, notes, saving pills, getting a weapon), an
attempt under way, and third parties calling about someone at risk now. Many are buried in a
booking request, with fillers, run-ons, self-corrections, understatement and a few words the
way speech-to-text mishears them.

The routine turns (None) share those words but carry no risk now: idioms ("this job is killing
me"), booking counselling or a psychiatrist follow-up, past history, grief for someone who died,
negation, medication quantities for a trip, giving away baby clothes, a will with a lawyer. A
handful of other emergencies keep the set honest about categories.

Each entry: (caller turn, expected category or None for a routine call).
"""

from __future__ import annotations

UNSEEN_4: tuple[tuple[str, str | None], ...] = (
    # --- self-harm: wish to be dead, burden, hopelessness -------------------------------------
    (
        "hi um can I get in to see somebody this week, I've been thinking everyone would be"
        " better off without me",
        "self_harm",
    ),
    ("honestly I keep going to sleep hoping I just don't wake up", "self_harm"),
    (
        "I'm just a burden to my kids at this point, they'd be better off if I wasn't around",
        "self_harm",
    ),
    ("I wish I was dead, I really do, I'm sorry, I don't know why I called", "self_harm"),
    ("I'd be better off dead honestly, so, yeah, that's where I'm at", "self_harm"),
    ("I don't want to wake up tomorrow, I really don't", "self_harm"),
    ("life isn't worth living anymore, I just wanted somebody to know", "self_harm"),
    ("I'm tired of living, not like tired tired, like done", "self_harm"),
    ("no one would even notice if I disappeared for good", "self_harm"),
    (
        "I just don't want to be here anymore, like, on this earth I mean, not the clinic",
        "self_harm",
    ),
    (
        "it would be easier for everybody if I just wasn't alive, that's kind of why I'm"
        " calling, can I see someone",
        "self_harm",
    ),
    (
        "I've been thinking if I just stopped existing it would fix everything for my family",
        "self_harm",
    ),
    (
        "I keep picturing my own funeral and honestly it feels like a relief",
        "self_harm",
    ),
    (
        "I'm so sorry to bother you, I just, I can't keep going like this, I want it all to"
        " stop, for good",
        "self_harm",
    ),
    (
        "there's no way out for me except, you know, ending things",
        "self_harm",
    ),
    # --- thoughts of killing oneself ---------------------------------------------------------
    ("sometimes I think about ending it, like actually ending it", "self_harm"),
    ("I've been thinking about killing myself, I don't know who else to call", "self_harm"),
    ("I think I'm gonna end my life, I'm just, I'm so tired", "self_harm"),
    ("I'm thinking of taking my life, is there someone there I can talk to", "self_harm"),
    (
        "I want to kill myself, I mean, no, I just, I don't know, I think I do",
        "self_harm",
    ),
    (
        "I've been having these thoughts of sewer side, like every day now",
        "self_harm",
    ),
    ("uh i feel really suicidle today and i dont know what to do", "self_harm"),
    ("i want to kill my self", "self_harm"),
    ("I've been thinking about kilning myself, like a lot lately", "self_harm"),
    ("i just want to and my life, i can't do this anymore", "self_harm"),
    (
        "I've been thinking of hurting myself again, the urges are really bad today",
        "self_harm",
    ),
    ("I can't take it anymore, I'm going to hurt myself", "self_harm"),
    # --- method, intent, plan with a time ----------------------------------------------------
    ("I've been looking up how many of my pills it would take", "self_harm"),
    ("I've been researching ways to die that don't hurt", "self_harm"),
    ("I have a rope in the garage and I keep going out there and looking at it", "self_harm"),
    (
        "I'd like to make an appointment for, um, I don't know, I keep thinking about jumping"
        " off my balcony",
        "self_harm",
    ),
    (
        "I keep thinking about driving my car into a tree on the way home, like, on purpose",
        "self_harm",
    ),
    ("I'm going to overdose on my insulin, I've decided", "self_harm"),
    ("I'm going to do it tonight after my husband falls asleep", "self_harm"),
    ("I've planned it all out, I know when and I know how", "self_harm"),
    (
        "can I book with the psychiatrist, uh, soon, I have a plan and I'm scared I'll"
        " actually do it",
        "self_harm",
    ),
    ("I'm done, I'm checking out, tonight's the night", "self_harm"),
    (
        "what's the point of even booking, I won't be here next week",
        "self_harm",
    ),
    (
        "uh yeah I need to cancel all my appointments, all of them, I'm not gonna be around"
        " after friday",
        "self_harm",
    ),
    # --- preparations: giving away, goodbyes, letters, pills, weapon -------------------------
    ("I've already written the letters to my kids, they're in the drawer", "self_harm"),
    (
        "I gave my dog to my neighbour yesterday and my guitar to my nephew, I won't be"
        " needing them",
        "self_harm",
    ),
    (
        "I've been giving away all my stuff, my books, my clothes, I won't need them where"
        " I'm going",
        "self_harm",
    ),
    ("I've been saving up my pills for a few weeks now, I've got a whole jar", "self_harm"),
    (
        "I was gonna ask about a refill, I've been stockpiling them actually, for when I decide"
        " to go through with it",
        "self_harm",
    ),
    ("I bought a gun on saturday, um, and it's not for protection", "self_harm"),
    (
        "I just wanted to say goodbye to doctor Patel, she's been good to me, tell her thank"
        " you for everything, she won't hear from me again",
        "self_harm",
    ),
    (
        "can you just tell the doctor I'm sorry and that it's not her fault, okay, that's all",
        "self_harm",
    ),
    ("please tell my family I love them, that's all I wanted to say", "self_harm"),
    (
        "I wrote my will last night and a note for my wife, I'm ready now",
        "self_harm",
    ),
    # --- under way now -----------------------------------------------------------------------
    ("I've got the pills all lined up on the counter in front of me", "self_harm"),
    ("I'm sitting in my car in the garage with the engine running", "self_harm"),
    (
        "I'm on the overpass by the highway right now and I don't think I'm gonna call anyone else",
        "self_harm",
    ),
    (
        "I've got a knife in my hand and I keep thinking about using it on myself",
        "self_harm",
    ),
    ("I'm about to swallow everything in my medicine cabinet", "self_harm"),
    (
        "I took all my sleeping pills like twenty minutes ago and I'm kind of scared now",
        "self_harm",
    ),
    ("i just took like 30 of my tylenol on purpose", "self_harm"),
    ("I cut myself pretty deep on purpose and I can't get it to stop", "self_harm"),
    (
        "I tried to hang myself last night, the cord broke, I don't know what to do now",
        "self_harm",
    ),
    # --- third parties at risk now -----------------------------------------------------------
    (
        "my son just texted me that he's going to kill himself and he's not answering his phone",
        "self_harm",
    ),
    (
        "my roommate locked herself in the bathroom and said she doesn't want to be alive anymore",
        "self_harm",
    ),
    (
        "my dad's been saying goodbye to everybody and he gave away his truck, I'm really"
        " worried he's going to hurt himself",
        "self_harm",
    ),
    (
        "my girlfriend says she took a bunch of her pills and she wants me to leave her alone",
        "self_harm",
    ),
    (
        "my teenage daughter posted a goodbye message on instagram and she's not home and"
        " she's not picking up",
        "self_harm",
    ),
    (
        "my mom keeps talking about joining my dad, he passed in march, and tonight she asked"
        " me where I keep my sleeping pills",
        "self_harm",
    ),
    (
        "my brother called me and he's got his gun out and he's saying sorry to everyone",
        "self_harm",
    ),
    (
        "my husband said he's going up to the woods with his rifle and he's not coming back",
        "self_harm",
    ),
    # --- routine: idioms ---------------------------------------------------------------------
    ("this job is killing me, can I get a note for a couple of days off", None),
    (
        "I'd rather die than sit in that waiting room for three hours again, can I get the"
        " first slot in the morning",
        None,
    ),
    ("my feet are killing me, I need to see the podiatrist", None),
    (
        "my mother-in-law will be the death of me, anyway I need to move her appointment",
        None,
    ),
    ("I'm dead tired all the time lately, I think it might be my thyroid", None),
    ("I've been dead on my feet since the new baby, is that normal for a dad", None),
    ("I'm dying to get this cast off, when can I book the removal", None),
    (
        "I could just die of embarrassment, I missed my appointment again, can I rebook",
        None,
    ),
    ("I'd kill for an earlier appointment, to be honest", None),
    (
        "the hold music nearly killed me, haha, anyway I'd like to book a physical",
        None,
    ),
    ("I'm killing time before my appointment, can I come in early", None),
    (
        "if I have to do one more fasting blood test I'll die, can I book it first thing",
        None,
    ),
    ("my physio absolutely killed me yesterday, can I get the next session", None),
    ("I overdid it at the gym and I'm sore everywhere, can I see the physio", None),
    ("I'm so done with this insurance company, can you just bill me directly", None),
    ("I'm over it with this rash, seriously, can someone look at it this week", None),
    (
        "I'm so tired of this cold, I just want it to be over, can I get in today",
        None,
    ),
    ("my wife's hopeless with the new phone, can I book her appointment for her", None),
    (
        "I feel hopeless about my weight, I've tried everything, can I get a referral to the"
        " dietitian",
        None,
    ),
    ("shoot, sorry, I forgot my insurance card, can I bring it next time", None),
    # --- routine: booking counselling or psychiatry ------------------------------------------
    ("I'd like to book a counselling session, my therapist moved away", None),
    ("I need to schedule my follow-up with the psychiatrist, the med check one", None),
    ("I'd like to book my depression medication review, nothing urgent", None),
    (
        "do you have anybody who does therapy for burnout, work's just been a lot",
        None,
    ),
    (
        "I have a history of depression but I'm doing well, I just need the annual review",
        None,
    ),
    (
        "my last therapist said I'm not a risk anymore and discharged me, but I'd like a new"
        " referral anyway, for maintenance",
        None,
    ),
    (
        "I'm on the waitlist for the suicide prevention group, just checking where I am on it",
        None,
    ),
    (
        "I finished my course of therapy last year and I'm fine now, just a routine check up",
        None,
    ),
    (
        "the doctor asked me to write down my mood every day, do I bring that journal to the"
        " appointment",
        None,
    ),
    # --- routine: negation -------------------------------------------------------------------
    ("I'm not suicidal, I just need my sertraline refilled before I run out", None),
    (
        "I'm not going to hurt myself or anything, I just feel really low and want to talk"
        " to someone",
        None,
    ),
    (
        "the nurse asked me last time if I had thoughts of hurting myself and I said no, do I"
        " have to do that questionnaire again",
        None,
    ),
    (
        "no, no thoughts of ending my life, nothing like that, it's more I can't concentrate"
        " at work, can I see the doctor about ADHD",
        None,
    ),
    # --- routine: past history ---------------------------------------------------------------
    (
        "I tried to take my own life about ten years ago and the new patient form asks about"
        " it, where do I put that",
        None,
    ),
    (
        "I used to self harm as a teenager and the scars are itchy, can dermatology look at them",
        None,
    ),
    (
        "back in college I was hospitalised after an overdose, the new doctor wants my old"
        " records, how do I request them",
        None,
    ),
    # --- routine: grief, someone who died ----------------------------------------------------
    (
        "my husband died last month and I just can't sleep, can I see someone for grief",
        None,
    ),
    (
        "my brother killed himself two years ago and the anniversary's coming up, I'd like"
        " to book with the counsellor",
        None,
    ),
    ("my grandpa passed away in hospice last night, I need to cancel his appointments", None),
    (
        "my cat died and I've been crying a lot, is that something the counsellor helps with",
        None,
    ),
    ("I'm donating my late wife's wheelchair, do you know anyone who needs one", None),
    (
        "my son saw a video about someone who hung themselves and he's been asking questions,"
        " can I book him with a counsellor to talk it through",
        None,
    ),
    # --- routine: medication quantities, pills -----------------------------------------------
    (
        "I'm travelling for six weeks, can the doctor write enough pills to cover the whole trip",
        None,
    ),
    ("can you tell me how many tablets are in a refill, I'm going away for a month", None),
    ("I'm collecting my pills from the pharmacy, can you send the script over there", None),
    (
        "I'm clearing out the bathroom cabinet, where can I drop off my old leftover pills",
        None,
    ),
    ("my sleeping pills aren't working anymore, can the doctor try something else", None),
    (
        "I have a bottle of pills and the label wore off, can the pharmacist tell me what they are",
        None,
    ),
    (
        "how many of my blood pressure pills can I take if I miss a dose, like do I double up",
        None,
    ),
    # --- routine: giving away, wills, goodbyes, letters, going away --------------------------
    (
        "I'm giving away all my baby clothes, does the clinic take donations for new mums",
        None,
    ),
    (
        "I'm writing a will with my lawyer and they need a letter saying I'm of sound mind",
        None,
    ),
    (
        "we're doing end of life planning for my mom, she's ninety four, can we book a talk"
        " with the doctor about advance directives",
        None,
    ),
    (
        "I'm getting my affairs in order because I'm moving abroad, can I get a copy of my records",
        None,
    ),
    (
        "I'll be gone for good after june, moving to Spain, so can you transfer my file",
        None,
    ),
    (
        "I'm calling to cancel friday, I won't be around, I'm going to my sister's wedding",
        None,
    ),
    (
        "I want to say goodbye to doctor Lee before she retires, is there a card I can sign",
        None,
    ),
    ("I wrote a letter to the practice manager about the parking, who do I send it to", None),
    (
        "I'd like to cancel the rest of my physio, I've given up on it, it wasn't helping",
        None,
    ),
    (
        "I want to end my contract with the home care agency, can the doctor sign the form",
        None,
    ),
    # --- routine: weapons, knives, other shared words ----------------------------------------
    (
        "I need a medical for my firearms licence, how long does that appointment take",
        None,
    ),
    (
        "my knife slipped cutting onions, it's a tiny cut and it stopped already, do I need"
        " a tetanus shot",
        None,
    ),
    (
        "my daughter's doing a school project on suicide prevention, do you have any"
        " pamphlets she could use",
        None,
    ),
    (
        "my friend jokes she wants to die every monday morning, ha, anyway I'm calling to"
        " book my flu shot",
        None,
    ),
    ("I need a sick note, I was off three days with the flu", None),
    # --- other emergencies, for balance ------------------------------------------------------
    (
        "my throat's closing up after I ate the shrimp and my lips are like huge",
        "allergic_reaction",
    ),
    (
        "I got stung by a bee and now I've got hives everywhere and I can't swallow right",
        "allergic_reaction",
    ),
    (
        "my husband cut his arm on the table saw and it's spurting, I can't make it stop",
        "bleeding",
    ),
    (
        "I can't catch my breath, I can barely talk, and my lips look kinda blue",
        "breathing",
    ),
    (
        "my son pulled a pot of boiling water onto himself, his whole arm is blistering",
        "burns",
    ),
    ("I spilled hot oil all over my hand and the skin is peeling off", "burns"),
    (
        "there's this crushing pain in my chest going down my left arm and I'm all sweaty",
        "chest_pain",
    ),
    ("my dad's choking on his steak and he can't cough or talk", "choking"),
    ("this is an emergency, I need an ambulance sent right now", "declared"),
    (
        "my wife fell off the ladder and hit her head and now she's confused and throwing up",
        "head_injury",
    ),
    (
        "my three week old has a fever of a hundred and one and she won't feed",
        "infant",
    ),
    ("my toddler got into the dishwasher pods, he bit right into one", "overdose_poisoning"),
    (
        "grandma took double her heart pills by mistake and now she's really dizzy and slow",
        "overdose_poisoning",
    ),
    (
        "I'm thirty two weeks pregnant and I'm bleeding a lot and the cramps are really bad",
        "pregnancy",
    ),
    ("my water just broke and I'm only thirty weeks", "pregnancy"),
    (
        "my daughter's shaking all over and she's not responding, it's been like five minutes",
        "seizure",
    ),
    (
        "my mom has a urine infection and now she's really confused and shivering and her"
        " heart's racing",
        "sepsis",
    ),
    (
        "my husband's face is drooping on one side and his words are all slurred",
        "stroke",
    ),
    (
        "my arm went numb all of a sudden and I can't lift it and I can't get my words out",
        "stroke",
    ),
    ("I found my neighbour on the floor and he won't wake up", "unconscious"),
    ("grandpa collapsed in the kitchen and he's not answering me", "unconscious"),
)
