"""A second set of caller turns the emergency detector was never tuned on. NEVER EDIT THIS FILE
after the commit that adds it.

Written by an engineer who never read the detector's signs, its tuning phrases
(tests/safety/cases.py, tests/safety/stt_heard.py) or the first unseen set beyond its format, so
its figures measure what the detector does with words nobody fitted it to. Tuning phrases go in
tests/safety/cases.py, never here.

Written the way callers talk on a phone line and the way speech-to-text writes them down:
fillers, run-ons, self-corrections, indirect wording, third parties, a few misheard words. Well
over half are emergencies in every category of the first unseen set; the rest are routine calls
that share their words (past history, pets, other people's stories, care already arranged,
negation, idioms, mild or long-standing symptoms, questions about medication). Each entry:
(caller turn, expected category or None for a routine call).
"""

from __future__ import annotations

# (caller turn, expected category or None)
UNSEEN_2: tuple[tuple[str, str | None], ...] = (
    # chest_pain
    (
        "okay so um my grandpa is on the couch holding his chest and hes gone all grey and sweaty",
        "chest_pain",
    ),
    ("it feels like somebody is sitting on my chest and it just wont ease off", "chest_pain"),
    (
        "theres a heavy ache right in the middle of my chest going up into my "
        "neck and i just threw up",
        "chest_pain",
    ),
    ("hi sorry my chess hurts real bad and my arm keeps tingling", "chest_pain"),
    (
        "my mom is seventy and she says her chest is tight and burning and she cant get her breath",
        "chest_pain",
    ),
    (
        "he had a heart attack two years ago and its the exact same pain again right now",
        "chest_pain",
    ),
    # breathing
    (
        "my son is sucking in under his ribs every time he breathes and he wont stop coughing",
        "breathing",
    ),
    ("i feel like im drowning i can barely pull any air in at all", "breathing"),
    (
        "she has been fighting for breath for an hour and now shes going blue round the mouth",
        "breathing",
    ),
    ("i cant catch my breth even just sitting still", "breathing"),
    (
        "my partner has copd and his breathing is really shallow and hes not making sense",
        "breathing",
    ),
    # stroke
    ("my aunts face is drooping on one side and her words are coming out all jumbled", "stroke"),
    ("all of a sudden i cant lift my right arm and my leg feels dead", "stroke"),
    ("hes slurring like hes drunk but he hasnt had a drop", "stroke"),
    ("my dads mouth has gone crooked and he cant squeeze my hand with his left", "stroke"),
    ("i think my wife is having a stroke her speech is all slured", "stroke"),
    # seizure
    ("my daughter is on the floor jerking all over and it wont stop", "seizure"),
    ("hes been shaking and foaming at the mouth for like five minutes now", "seizure"),
    (
        "she had one fit and then another one started straight after and she "
        "never woke up in between",
        "seizure",
    ),
    ("my sons whole body went stiff and now hes twitching and his eyes rolled back", "seizure"),
    ("um my husband is having a seasure right now what do i do", "seizure"),
    # unconscious
    ("my mom collapsed in the kitchen and shes not answering me", "unconscious"),
    ("i found him on the bathroom floor and i cant wake him up", "unconscious"),
    ("she just went limp and doesnt respond when i shake her", "unconscious"),
    ("my grandfather fainted and hes still out cold its been a few minutes", "unconscious"),
    ("my wife fell over and shes unconshus", "unconscious"),
    # choking
    ("my toddler swallowed a grape whole and hes not making any sound", "choking"),
    ("she has food stuck in her throat and shes grabbing at her neck", "choking"),
    ("my dad is choking on a bit of steak and going purple", "choking"),
    ("hes chocking on something please hurry", "choking"),
    ("the little one put a coin in her mouth and now shes gagging and cant get air", "choking"),
    # bleeding
    (
        "i sliced my hand with a knife and it wont stop its soaked right through the towel",
        "bleeding",
    ),
    ("theres blood everywhere he went through the glass door", "bleeding"),
    ("my nose has been pouring blood for forty five minutes and i feel faint", "bleeding"),
    ("ive been throwing up blood since this morning", "bleeding"),
    ("the blood is kind of spurting out of his leg", "bleeding"),
    ("my arm is bleading a lot and i cant make it stop", "bleeding"),
    # burns
    ("my son pulled a pot of boiling water over himself and his skin is peeling off", "burns"),
    ("i spilled hot oil down my arm and its gone white and blistering", "burns"),
    ("she got drain cleaner splashed on her face and its burning her skin", "burns"),
    ("there was a fire in the garage and my husbands hands are burnt really bad", "burns"),
    ("my kid grabbed the wood stove and the burn covers his whole palm in blisters", "burns"),
    # head_injury
    (
        "my dad fell off the ladder and hit his head and now hes throwing up and confused",
        "head_injury",
    ),
    ("she cracked her head on the ice and she cant remember what happened", "head_injury"),
    (
        "my son took a hit to the head at football and now hes really sleepy "
        "and one pupil looks bigger",
        "head_injury",
    ),
    (
        "my grandma fell and hit her head shes on blood thinners and theres a huge lump",
        "head_injury",
    ),
    (
        "he banged his head in the car crash and theres clear stuff dripping from his nose",
        "head_injury",
    ),
    # infant
    ("my three week old has a temperature of a hundred and one", "infant"),
    ("the baby is really floppy and wont feed at all", "infant"),
    ("my new born is burning up and wont take the bottle", "infant"),
    (
        "our two month old has had no wet diapers since yesterday and her soft spot looks sunken",
        "infant",
    ),
    ("our baby keeps stopping breathing for a few seconds at a time", "infant"),
    # overdose_poisoning
    (
        "my toddler got into the pills in my purse and i dont know how many he swallowed",
        "overdose_poisoning",
    ),
    (
        "my friend took a whole bunch of her sleeping tablets with wine and shes really drowsy",
        "overdose_poisoning",
    ),
    ("he drank some antifreeze out in the garage", "overdose_poisoning"),
    ("my daughter bit into one of those laundry pods", "overdose_poisoning"),
    (
        "i think i took my heart pills twice today and now my pulse is really "
        "slow and i feel weird",
        "overdose_poisoning",
    ),
    ("i think he over dosed on his meds hes barely awake", "overdose_poisoning"),
    # pregnancy
    ("im thirty four weeks pregnant and im bleeding a lot", "pregnancy"),
    (
        "im pregnant and ive got a pounding headache and im seeing spots and "
        "my hands are all swollen",
        "pregnancy",
    ),
    ("my water just broke and im only twenty nine weeks", "pregnancy"),
    ("im pregnant and i havent felt the baby move since yesterday", "pregnancy"),
    ("the baby is coming right now i can feel the head", "pregnancy"),
    # allergic_reaction
    ("my lips and tongue are swelling up after i ate some shrimp", "allergic_reaction"),
    (
        "i got stung by a bee and now ive got hives all over and my throat feels tight",
        "allergic_reaction",
    ),
    (
        "my son ate something with peanuts and his face is puffing up and hes wheezing",
        "allergic_reaction",
    ),
    ("she used her epipen already but its getting worse", "allergic_reaction"),
    ("my face is swelling up i think its an allergic re action", "allergic_reaction"),
    # sepsis
    ("my dad has a high fever and hes shivering and confused and his skin looks blotchy", "sepsis"),
    (
        "since her surgery the wound is red and hot and now shes got a fever "
        "and her heart is racing",
        "sepsis",
    ),
    (
        "he has a bladder infection and now hes really confused and hasnt peed "
        "all day and hes ice cold",
        "sepsis",
    ),
    (
        "my moms infection seems to have spread shes breathing fast and so drowsy with a fever",
        "sepsis",
    ),
    (
        "the er said to watch for sepsys and i think its happening hes shaking and burning up",
        "sepsis",
    ),
    # declared
    ("this is an emergency i need an ambulance", "declared"),
    ("please call nine one one for me", "declared"),
    ("somebody has to send help to my house right now", "declared"),
    ("its a medical emergency my neighbor needs help now", "declared"),
    ("um sorry i think this is actually an emergency", "declared"),
    # self_harm: wish to be dead
    ("i kind of wish i could go to sleep and just not wake up", "self_harm"),
    ("everyone would honestly be better off if i wasnt around anymore", "self_harm"),
    # self_harm: thoughts of killing oneself
    ("i keep thinking about killing myself", "self_harm"),
    ("ive been having thoughts about ending it all", "self_harm"),
    ("i want to kil my self", "self_harm"),
    # self_harm: method
    ("ive been thinking about how id do it like with the pills ive been saving up", "self_harm"),
    ("i keep going to the bridge by my house and thinking about jumping off it", "self_harm"),
    # self_harm: intent
    ("i think im actually going to do it this time", "self_harm"),
    ("i dont think i can stop myself from hurting myself tonight", "self_harm"),
    # self_harm: plan
    ("ive got it all worked out im doing it sunday when everyones gone", "self_harm"),
    ("i know which night and ive picked the place i just have to wait for payday", "self_harm"),
    # self_harm: preparatory acts
    (
        "ive written letters to my kids and given my dog away so theyll be fine without me",
        "self_harm",
    ),
    ("i bought a rope today and i know where ill hang it", "self_harm"),
    ("i already swallowed the pills i just wanted someone to know", "self_harm"),
    # self_harm: third parties
    ("my son texted me that he wants to kill himself and now hes not picking up", "self_harm"),
    (
        "my girlfriend says shes going to cut herself again and shes locked in the bathroom",
        "self_harm",
    ),
    # self_harm: said indirectly
    ("i just dont see the point of going on anymore", "self_harm"),
    # routine: past history
    ("i had a seizure years ago and my new job wants a note saying im cleared to drive", None),
    ("i need a follow up after my heart attack last year just a checkup with the doctor", None),
    ("my mom had a stroke back in twenty nineteen and id like to book her yearly visit", None),
    ("i was in the hospital for pneumonia last month and they said to see my own doctor", None),
    ("i had an allergic reaction to penicillin as a kid is that on my chart", None),
    ("back in high school i had a concussion does that matter for the sports physical", None),
    (
        "i overdosed a long time ago and ive been clean eight years i just need my refill visit",
        None,
    ),
    ("i had suicidal thoughts in college but im doing well now i want a medication check", None),
    (
        "i had preeclampsia with my first and now im pregnant again so id like a prenatal visit",
        None,
    ),
    ("my son had sepsis as a baby hes ten now and needs his checkup", None),
    # routine: animals and pets
    ("my dog had a seizure last night do you know a vet around here", None),
    ("our cat keeps choking up hairballs oh wait youre not a vet are you", None),
    (
        "the cat scratched me and its bleeding a little can i get a tetanus "
        "shot sometime this week",
        None,
    ),
    ("the dog ate a chocolate bar sorry is that something you handle or is it the vet", None),
    ("my horse got stung by bees oh sorry i must have the wrong number", None),
    # routine: other people's stories
    (
        "my neighbor told me her husband collapsed last week and it got me "
        "worried can i get my heart checked",
        None,
    ),
    (
        "i watched a show where someone overdosed and it brought stuff up i "
        "want to talk to someone about anxiety",
        None,
    ),
    ("my coworkers baby came early anyway i need to book my physical", None),
    ("im a nurse and i was reading up on strokes can i book myself a blood pressure check", None),
    (
        "my sister nearly bled out after her surgery in the nineties so i want to ask about mine",
        None,
    ),
    # routine: care context
    ("id like to book with a therapist ive been feeling low lately but im safe", None),
    ("can i get a follow up for the burn from last week its healing fine", None),
    ("i need my stitches out i cut my finger about ten days ago", None),
    ("i need to get my epipen prescription renewed", None),
    (
        "the er already checked my chest pain and cleared it they said to book "
        "a follow up with you",
        None,
    ),
    (
        "i want to talk to someone about my depression meds theyre not working like they used to",
        None,
    ),
    ("id like to book the twelve week prenatal appointment", None),
    ("my baby is due for her two month shots", None),
    ("do you do allergy testing i get all sneezy around cats", None),
    ("i need a new inhaler prescription before i run out next week", None),
    # routine: negation
    ("no chest pain or anything just a cough that wont go away", None),
    ("im not having any trouble breathing its just a stuffy nose", None),
    ("its not an emergency i just want to cancel my appointment", None),
    ("he didnt hit his head or anything he just scraped his knee", None),
    ("im not suicidal or anything like that i just need to move my therapy appointment", None),
    (
        "no bleeding no fever just some mild cramps im twelve weeks along and wanted to check in",
        None,
    ),
    ("theres no swelling just a little rash from the new soap", None),
    ("she didnt pass out she just felt a bit lightheaded after skipping lunch", None),
    # routine: idioms
    ("this traffic is killing me can i push my appointment back half an hour", None),
    ("im dying to know if my lab results are in", None),
    ("my boss is going to kill me if i miss another day have you got anything early", None),
    ("i nearly had a heart attack when i saw that bill can i talk to someone about it", None),
    ("im drowning in paperwork could you just email me the forms", None),
    ("ugh i could just die i completely forgot my appointment yesterday", None),
    ("youre a lifesaver thanks for fitting me in", None),
    ("that spin class nearly killed me and my knees still hurt a week later", None),
    ("my heart skipped a beat when i saw the price anyway do you take aetna", None),
    ("im sick to death of this cough can i see someone this week", None),
    # routine: mild or long-standing symptoms
    ("ive had a mild headache on and off for a couple of weeks can i come in this week", None),
    ("my ankle is still a bit swollen from when i twisted it no rush", None),
    ("i get a bit short of breath on the stairs lately nothing sudden id just like a check", None),
    ("ive been getting heartburn after dinner most nights could i see someone next week", None),
    ("my son has a low fever and a runny nose hes six can he be seen tomorrow", None),
    ("my gums bleed a little when i brush who should i see about that", None),
    ("my periods have been really heavy for a few months id like an appointment", None),
    ("i get a bit dizzy when i stand up too fast its been like that for ages", None),
    ("i touched the stove and my finger is a bit red do i need to come in", None),
    ("i have a sunburn from the weekend thats peeling", None),
    # routine: questions about medication
    ("can i take ibuprofen with my blood pressure medicine", None),
    ("how many of my allergy pills am i allowed in a day", None),
    ("i missed my seizure medication this morning should i just take it now", None),
    ("im running low on my blood thinner can you send a refill", None),
    ("is it okay to have a glass of wine while im on antibiotics", None),
    ("the pharmacy says my insulin prescription ran out can the doctor renew it", None),
    # routine: plain calls that share a word
    ("my wife thinks she might be pregnant can she come in for a test", None),
    ("id like to book a physical for friday morning", None),
    ("can i cancel wednesday my kid has a school thing", None),
    ("theres a little bruise where they took blood yesterday it stopped bleeding right away", None),
    ("my dad is home now recovering from his stroke and needs a physio referral", None),
    ("is the flu shot okay to get while im pregnant", None),
)
