"""What patients say when Aida calls them. NEVER EDIT THIS FILE after the commit that adds it.

Written before any reader of outbound replies existed, by an engineer who had read no code that
understands callers, so its figures measure a reader on words nobody fitted it to. Replies are
written as people answer a phone and as speech-to-text writes them: digits said as words,
hedges, negations, run-ons, corrections.

REMINDER_REPLIES answer: "This is Aida from Riverside Family Clinic with a reminder for Jane about
an appointment on Wednesday at 10 AM. Press or say 1 to confirm, 2 to cancel, 3 to change the
time." Labels: confirm, cancel, reschedule, opt_out (do not call me again), not_patient (wrong
person, Jane is not here, who?), callback_later (busy, call back), unclear.

OFFER_REPLIES answer: "A 3 PM Thursday opening came up that you asked to be told about; it's
held for you for 15 minutes. Would you like it?" Labels: accept, decline, opt_out, not_patient,
unclear.
"""

from __future__ import annotations

REMINDER_LABELS = frozenset(
    {"confirm", "cancel", "reschedule", "opt_out", "not_patient", "callback_later", "unclear"}
)
OFFER_LABELS = frozenset({"accept", "decline", "opt_out", "not_patient", "unclear"})

# (reply, label)
REMINDER_REPLIES: tuple[tuple[str, str], ...] = (
    # confirm
    ("one", "confirm"),
    ("1", "confirm"),
    ("yes", "confirm"),
    ("yeah thats fine ill be there", "confirm"),
    ("the first one", "confirm"),
    ("press one", "confirm"),
    ("uh confirm", "confirm"),
    ("i think so? let me check... yeah wednesday is fine", "confirm"),
    ("no i dont want to cancel, ill be there", "confirm"),
    ("yep ten on wednesday works", "confirm"),
    ("won", "confirm"),
    ("yes maam see you then", "confirm"),
    ("sure thing", "confirm"),
    ("thats right, keep it", "confirm"),
    ("option one please", "confirm"),
    ("number one", "confirm"),
    ("two, oh no sorry, one, i mean one, im coming", "confirm"),
    ("oh right the checkup, yes yes ill come in", "confirm"),
    ("confirmed, thanks for the reminder", "confirm"),
    ("i'll be there at ten, no problem", "confirm"),
    ("yeah, one, see you wednesday", "confirm"),
    # cancel
    ("two", "cancel"),
    ("2", "cancel"),
    ("press two", "cancel"),
    ("cancel it please", "cancel"),
    ("i need to cancel that one", "cancel"),
    ("the second one", "cancel"),
    ("um two, sorry, i cant come anymore", "cancel"),
    ("i wont make it so just cancel it", "cancel"),
    ("please cancel wednesday, i'm feeling better and dont need it", "cancel"),
    ("call it off please", "cancel"),
    ("take me off the schedule for wednesday i dont need to come", "cancel"),
    ("option two", "cancel"),
    ("three, no wait, two, i just want to cancel it", "cancel"),
    ("no i wont be coming, cancel", "cancel"),
    # reschedule
    ("three", "reschedule"),
    ("3", "reschedule"),
    ("press three", "reschedule"),
    ("can i change the time", "reschedule"),
    ("the third option", "reschedule"),
    ("wednesdays bad, could we do thursday instead", "reschedule"),
    ("can i move it to the afternoon", "reschedule"),
    ("id like a different day please", "reschedule"),
    ("ten is too early for me is there anything later", "reschedule"),
    ("dont cancel it, i just need to move it", "reschedule"),
    ("i need to reschedule", "reschedule"),
    ("two, no, three, i want to change it not cancel it", "reschedule"),
    ("can we push it back a week", "reschedule"),
    ("the last one, change the time", "reschedule"),
    ("tree", "reschedule"),
    # opt_out
    ("stop calling me", "opt_out"),
    ("take me off your call list", "opt_out"),
    ("dont call this number again", "opt_out"),
    ("please stop these robot calls", "opt_out"),
    ("remove my number from this", "opt_out"),
    ("i dont want automated calls, ever", "opt_out"),
    ("unsubscribe", "opt_out"),
    ("no more reminder calls please, i keep track myself", "opt_out"),
    # not_patient
    ("who?", "not_patient"),
    ("theres no jane here", "not_patient"),
    ("wrong number", "not_patient"),
    ("jane doesnt live here anymore", "not_patient"),
    ("this is her husband, shes at work", "not_patient"),
    ("you have the wrong person", "not_patient"),
    ("im not jane", "not_patient"),
    ("i dont know any jane", "not_patient"),
    ("sorry, who are you trying to reach?", "not_patient"),
    ("jane passed away last spring", "not_patient"),
    # callback_later
    ("im driving can you call back later", "callback_later"),
    ("im at work right now, call me tonight", "callback_later"),
    ("can you try me again in an hour", "callback_later"),
    ("not a good time", "callback_later"),
    ("im in a meeting", "callback_later"),
    ("hold on i cant talk right now, call me later", "callback_later"),
    ("call me back after five", "callback_later"),
    ("busy, later please", "callback_later"),
    # unclear
    ("what?", "unclear"),
    ("hello? hello?", "unclear"),
    ("sorry i didnt catch that", "unclear"),
    ("hmm", "unclear"),
    ("what appointment?", "unclear"),
    ("uh", "unclear"),
    ("can you say that again", "unclear"),
    ("is this about my bill?", "unclear"),
    ("maybe", "unclear"),
)

# (reply, label)
OFFER_REPLIES: tuple[tuple[str, str], ...] = (
    # accept
    ("yes please", "accept"),
    ("ill take it", "accept"),
    ("yeah three works", "accept"),
    ("sure book it", "accept"),
    ("perfect, yes", "accept"),
    ("oh great, yes, thursday at three", "accept"),
    ("absolutely", "accept"),
    ("that works for me", "accept"),
    ("yes, hold it for me", "accept"),
    ("uh let me think... yes ok ill take it", "accept"),
    ("no wait, yes, i want it", "accept"),
    ("definitely, sign me up", "accept"),
    ("yep", "accept"),
    # decline
    ("no thanks", "decline"),
    ("not that one", "decline"),
    ("threes no good for me", "decline"),
    ("i cant do thursday", "decline"),
    ("im fine with the time i have", "decline"),
    ("no ill keep what ive got", "decline"),
    ("pass", "decline"),
    ("nah", "decline"),
    ("i already found something else", "decline"),
    ("thursday doesnt work sorry", "decline"),
    ("not this time but keep me on the list", "decline"),
    ("i dont think so, no", "decline"),
    # opt_out
    ("stop calling me about openings", "opt_out"),
    ("take me off the waiting list and stop calling", "opt_out"),
    ("dont call me with these anymore", "opt_out"),
    ("no more of these calls please", "opt_out"),
    ("please remove my number", "opt_out"),
    # not_patient
    ("wrong number", "not_patient"),
    ("who is this for?", "not_patient"),
    ("i never asked to be told about anything, who are you looking for", "not_patient"),
    ("shes not here right now, this is her roommate", "not_patient"),
    ("this isnt jane", "not_patient"),
    # unclear
    ("what?", "unclear"),
    ("which thursday?", "unclear"),
    ("sorry can you say that again", "unclear"),
    ("hm", "unclear"),
    ("is that with the same doctor?", "unclear"),
    ("how long would it take", "unclear"),
)
