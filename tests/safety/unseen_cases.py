"""Caller turns the emergency detector was never tuned on. NEVER EDIT THIS FILE after the commit
that adds it: it was written before any pattern of issue 19 was changed, so its figures measure
what the detector does with words nobody fitted it to. Tuning phrases go in tests/safety/cases.py.

Written as frightened callers say them and as speech-to-text writes them: fillers, run-ons,
indirect wording, third parties, negation, past mentions, a few misheard words. Two thirds are
emergencies across every category of issue 19; one third are routine calls that share their
words. Each entry: (caller turn, expected category or None for a routine call). The category is
what the timeline should record; recall counts any tier (definite or possible) of any category.
"""

from __future__ import annotations

# (caller turn, expected category or None)
UNSEEN: tuple[tuple[str, str | None], ...] = (
    # cardiac
    (
        "um hi so my dads been sweating a ton and he says his chest feels like its being squeezed",
        "chest_pain",
    ),
    ("theres this pain going from my chest down my left arm and up into my jaw", "chest_pain"),
    ("i keep getting this tightness across my chest and i feel sick and clammy", "chest_pain"),
    (
        "hi yeah uh my wife has this pressure in her chest it started like twenty minutes ago",
        "chest_pain",
    ),
    ("my chest feels all crushed and heavy and im kind of dizzy", "chest_pain"),
    ("i have chess pain and it goes right through to my back", "chest_pain"),
    ("my heart keeps skipping and now my chest is hurting and im out of breath", "chest_pain"),
    ("my heart is pounding so fast and i feel like im going to faint", "chest_pain"),
    # breathing
    ("i i cant get enough air in its like breathing through a straw", "breathing"),
    ("my husband is wheezing really bad and his inhaler isnt doing anything", "breathing"),
    ("shes breathing super fast and her lips look kind of grey", "breathing"),
    ("i cant even finish a sentence without stopping to breathe", "breathing"),
    ("my chest is rattling and i can hardly get a breath in", "breathing"),
    ("he keeps gasping and he cant talk", "breathing"),
    ("my asthma is really bad right now and the puffer isnt helping at all", "breathing"),
    ("i cant breeve properly", "breathing"),
    # stroke
    (
        "my mom just started talking nonsense and one side of her mouth is sort of hanging down",
        "stroke",
    ),
    ("i woke up and my right hand wont work i cant even hold my coffee", "stroke"),
    ("his smile looks wrong like only half of his face moves", "stroke"),
    ("my grandpa cant find his words and hes dragging his leg", "stroke"),
    ("all of a sudden i cant see properly and my arm feels heavy and tingly", "stroke"),
    ("shes saying words that dont make any sense and she looks really confused", "stroke"),
    ("my dads speech went funny about ten minutes ago and his face looks droopy", "stroke"),
    # bleeding, incl. vomiting or coughing blood
    ("i cut my hand really deep with a knife and its just pouring out", "bleeding"),
    ("my son fell through a glass door and theres blood all over the floor", "bleeding"),
    ("i threw up and it was like all blood dark red", "bleeding"),
    ("im coughing and theres blood coming up", "bleeding"),
    ("hes had a nosebleed for over an hour now and nothing stops it", "bleeding"),
    ("the towel is soaked through already and its still coming", "bleeding"),
    ("my wifes bleeding from where she had the surgery and its soaking the bandage", "bleeding"),
    ("my poop is black like tar and i feel really weak and dizzy", "bleeding"),
    # unresponsive, collapse, fainting now
    ("my dad just went down in the living room and hes not answering me", "unconscious"),
    ("she fell over and shes not moving", "unconscious"),
    ("i found my roommate on the floor and i cant get him to wake up", "unconscious"),
    ("my wife keeps fainting today shes gone down twice", "unconscious"),
    ("hes breathing but he wont open his eyes and hes all floppy", "unconscious"),
    ("i feel really faint like im about to black out", "unconscious"),
    ("my mom just keeled over at the dinner table", "unconscious"),
    # overdose and poisoning, incl. children and medicines
    ("i took way more of my sleeping tablets than i should have", "overdose_poisoning"),
    ("my toddler got into the medicine cabinet and ate some pills", "overdose_poisoning"),
    (
        "my son drank something from under the sink i think it was the oven cleaner",
        "overdose_poisoning",
    ),
    ("i took like a whole pack of paracetamol earlier", "overdose_poisoning"),
    ("my daughter swallowed one of those little round batteries", "overdose_poisoning"),
    ("he mixed a load of pills with vodka and now hes really drowsy", "overdose_poisoning"),
    (
        "my boyfriend took something at a party and now hes throwing up and not making sense",
        "overdose_poisoning",
    ),
    ("the baby chewed on a dishwasher tablet", "overdose_poisoning"),
    # anaphylaxis
    (
        "i ate something with nuts and my mouth is all tingly and my throat feels thick",
        "allergic_reaction",
    ),
    (
        "my son got stung and now his face is blowing up and hes breathing funny",
        "allergic_reaction",
    ),
    ("shes covered in hives and her lips are huge", "allergic_reaction"),
    (
        "i started the new antibiotic and now my tongue feels fat and i cant swallow right",
        "allergic_reaction",
    ),
    ("i used my epi pen but its getting worse", "allergic_reaction"),
    ("my eyes are swelling shut after eating prawns and i feel dizzy", "allergic_reaction"),
    ("his throat is getting tight after the shellfish", "allergic_reaction"),
    # seizure
    ("my daughter is shaking all over and her eyes rolled back", "seizure"),
    ("hes on the floor jerking and he wont respond", "seizure"),
    ("my son has epilepsy and this one has been going for like six minutes", "seizure"),
    ("she had a fit and now she isnt waking up properly", "seizure"),
    ("my husbands arms and legs are twitching and hes foaming at the mouth", "seizure"),
    ("the baby went stiff and started jerking", "seizure"),
    ("i think my wife is having a convulsion", "seizure"),
    # severe head injury
    ("my son hit his head on the pavement and now he keeps throwing up", "head_injury"),
    ("she fell off the ladder and banged her head and shes really confused", "head_injury"),
    ("after he hit his head one of his pupils is bigger than the other", "head_injury"),
    ("theres clear stuff dripping from her nose since she hit her head", "head_injury"),
    ("my dad fell and hit his head and hes on blood thinners and hes really sleepy", "head_injury"),
    ("he got knocked out playing football and now he doesnt know where he is", "head_injury"),
    (
        "i got hit in the head with a bat and i cant stop vomiting and my vision is blurry",
        "head_injury",
    ),
    # burns and electric shock
    ("i spilled boiling water all down my leg and the skin is coming off", "burns"),
    ("my kid pulled a pan of hot oil onto himself", "burns"),
    ("he got a shock from the wall socket and his hand is all black", "burns"),
    ("there was a fire in the kitchen and my face is burned and blistering", "burns"),
    ("my husband got electrocuted fixing a light", "burns"),
    ("the baby grabbed the oven door and theres a huge blister over her whole hand", "burns"),
    ("i breathed in a lot of smoke and my voice is going hoarse", "burns"),
    # choking
    ("my son has something stuck in his throat and he cant cough", "choking"),
    ("my dad is chocking on his food", "choking"),
    ("the baby put a coin in her mouth and shes gagging and cant breathe", "choking"),
    ("a piece of steak went down wrong and hes grabbing his throat and cant talk", "choking"),
    ("i think theres a fish bone stuck in my throat and i can hardly breathe", "choking"),
    ("my toddler had a bead in his mouth and now hes making a weird whistling noise", "choking"),
    ("hes chocking", "choking"),
    # infants and young children
    ("my five week old has a temperature of thirty eight point five", "infant"),
    ("my baby wont wake up for her feeds and shes really floppy", "infant"),
    ("the baby hasnt had a wet nappy all day and her soft spot looks sunken", "infant"),
    ("my newborn is really pale and making grunting noises when he breathes", "infant"),
    (
        "my two month old is so hot and wont stop screaming its this weird high pitched cry",
        "infant",
    ),
    ("my babys breathing looks like her ribs are sucking in", "infant"),
    ("my little one is really limp and not responding to me", "infant"),
    # sepsis and meningitis signs
    ("my son has a fever and spots that dont go away when i press a glass on them", "sepsis"),
    (
        "shes got a really high temperature and shes all confused and her skin looks blotchy",
        "sepsis",
    ),
    ("hes got a fever and a really stiff neck and the light hurts his eyes", "sepsis"),
    (
        "i had surgery last week and now im shivering and my hearts racing "
        "and i feel like im dying",
        "sepsis",
    ),
    (
        "my mom has a urine infection and now shes not making sense and her hands are cold and "
        "mottled",
        "sepsis",
    ),
    (
        "my skin has gone all blotchy and blue and ive got a fever and i havent peed all day",
        "sepsis",
    ),
    ("my daughter has a purple rash thats spreading and a headache and a fever", "sepsis"),
    # pregnancy emergencies
    ("im thirty weeks pregnant and im bleeding heavily", "pregnancy"),
    ("im pregnant and the baby hasnt moved since yesterday", "pregnancy"),
    (
        "im thirty four weeks and i have a pounding headache and spots in my eyes and my face is "
        "puffy",
        "pregnancy",
    ),
    ("my waters broke and its green", "pregnancy"),
    (
        "im eight weeks pregnant and i have this sharp pain on one side and i feel faint",
        "pregnancy",
    ),
    ("im twenty eight weeks and im having contractions every few minutes", "pregnancy"),
    ("i had my baby two days ago and im soaking a pad every hour", "pregnancy"),
    # self-harm: wish to be dead, thoughts, method, intent, plan, preparatory acts
    ("i keep thinking everyone would be happier if i wasnt around", "self_harm"),
    ("i wish i could just disappear forever", "self_harm"),
    ("some nights i think about driving my car into a wall", "self_harm"),
    ("ive been looking up how many of my pills it would take", "self_harm"),
    ("i bought a rope today and i know what im going to do with it", "self_harm"),
    ("ive made up my mind im going to end it tonight", "self_harm"),
    ("ive given away my things and said goodbye to my sister", "self_harm"),
    ("i dont see a way out anymore im so tired of being alive", "self_harm"),
    ("ive been thinking about jumping off the bridge near my house", "self_harm"),
    ("im sitting here with a razor blade and i want to use it on myself", "self_harm"),
    ("i cant keep going like this i just want it all to stop forever", "self_harm"),
    ("id rather be dead honestly", "self_harm"),
    ("my son just told me he wants to kill himself", "self_harm"),
    ("my daughter has been cutting her arms and says she doesnt want to be here", "self_harm"),
    ("theres no point to anything im just a burden to everyone", "self_harm"),
    # declared or unspecific
    ("please help its really really bad i need an ambulance", "declared"),
    ("somebody help my husband i dont know whats wrong with him hes really not right", "declared"),
    ("this is urgent i need help right now someones hurt", "declared"),
    # routine calls that share the words
    ("i need to book my follow up after my chest x ray", None),
    (
        "my dad fainted at the dentist a couple of years ago "
        "and the doctor wants to run some tests",
        None,
    ),
    ("i get a bit short of breath when i jog and want to see someone about it next week", None),
    ("can i book a blood test for my cholesterol", None),
    ("i cant breathe through my nose at night i think its my sinuses", None),
    ("my baby needs her two month shots", None),
    ("im twenty weeks pregnant and want to book my anatomy scan", None),
    ("my son hit his head last week and the er said he was fine they want a follow up", None),
    ("i burned my finger on the stove yesterday its a little red can someone look at it", None),
    (
        "my daughter is seven and has a fever of thirty eight "
        "and a runny nose can we come in today",
        None,
    ),
    ("i need a refill on my seizure medication", None),
    ("my moms stroke rehab appointment needs to move to thursday", None),
    ("ive been feeling a bit down lately and want to talk to the doctor about my mood", None),
    ("im dying to get my appointment moved to earlier haha", None),
    ("this heat is killing me can i come earlier in the morning", None),
    ("my allergies are terrible this spring i need a new prescription", None),
    ("my epipen expired and i need a new one", None),
    ("sorry i choked on my coffee what was the time again", None),
    ("i get a little dizzy when i stand up too fast can i see the doctor this week", None),
    ("my gums bleed a bit when i floss is that something to check", None),
    ("my period is heavier than usual this month can i book a visit", None),
    ("i need a note saying i cant lift heavy things at work", None),
    ("the baby has a bit of a rash from the new diaper cream", None),
    ("i slipped on ice two weeks ago and my wrist still aches", None),
    ("im calling to cancel my husbands appointments he passed away last month", None),
    ("my son has asthma and needs his inhaler renewed", None),
    ("my wife has a stiff neck from sleeping funny can she get a physio referral", None),
    ("my grandma takes blood thinners and needs her levels checked", None),
    ("i want the flu shot and the covid booster", None),
    ("i got an electric shock as a kid and have a scar id like looked at", None),
    ("my heart races when i drink too much coffee can i get an ecg sometime", None),
    ("i have a pounding headache from the hangover lol can i still come in at three", None),
    ("the pharmacy gave me the wrong pills but i didnt take any of them", None),
    ("my kid swallowed his gum is that ok hes totally fine", None),
    ("i need to reschedule my prenatal appointment", None),
    ("im calling about the bill for the ambulance ride in march", None),
    ("i need my records from the hospital stay in twenty twenty one", None),
    ("my son sees a therapist for self harm and we need to book his next session", None),
    ("im not suicidal or anything i just need my sleep medication reviewed", None),
    ("i nicked myself shaving its nothing i just need my physical booked", None),
    ("my husband is a paramedic so he can only come in the evenings", None),
    ("im calling for my mom shes confused about her appointment time", None),
    ("im short on time can we do a quick phone appointment", None),
    ("my chest is a bit congested with this cold i just want a sick note", None),
    ("can the doctor check a mole that bleeds sometimes when i scratch it", None),
    ("my baby is three weeks old and we need her weight check booked", None),
    ("i had a seizure in my twenties and want to ask about driving", None),
    ("i bumped my head on a cupboard this morning just a small bump can i see the nurse", None),
    ("i threw up once after dinner yesterday and i feel fine now", None),
    ("the stroke clinic asked me to book a blood pressure check", None),
    ("my face looks a bit puffy in the mornings could that be my kidneys", None),
    ("she fell off her bike last week and her knee is scabbing over", None),
    ("im pregnant and have a little morning sickness can i get something for the nausea", None),
    ("im drowning in paperwork can someone help me with my insurance form", None),
    ("my dog ate my pills so i need a new prescription", None),
    ("i want to end my membership and transfer my records", None),
    ("i could kill for an earlier appointment", None),
    ("my baby had a fever last week but it broke and she needs her checkup", None),
    ("my water broke at my last pregnancy really fast so i want to plan ahead this time", None),
)
