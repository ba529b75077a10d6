"""The TUNED set for reading a patient's answer to a waitlist offer ("A 3 PM Thursday opening
came up that you asked to be told about; it's held for you for 15 minutes. Would you like
it?"): written by 24b and used to tune `aida.agent.dialogue.offer`. Its figure is a tuned
figure. The unseen set is tests/outbound/unseen_replies.py (OFFER_REPLIES, written by someone
else before the rules were tuned), scored apart by bench/offer_replies.py."""

from __future__ import annotations

OFFER_TUNED: list[tuple[str, str]] = [
    # accept
    ("Yes.", "accept"),
    ("Yes please.", "accept"),
    ("Oh yes, I'll take it.", "accept"),
    ("Yeah, book it for me.", "accept"),
    ("Sure, that works.", "accept"),
    ("Perfect, I want it.", "accept"),
    ("Absolutely, put me down for it.", "accept"),
    ("That's great, yes I'd like that.", "accept"),
    ("Okay, sounds good.", "accept"),
    ("I'll take the three o'clock.", "accept"),
    ("Definitely, grab it for me.", "accept"),
    ("Yes, I can make it.", "accept"),
    ("Yes, that would be great.", "accept"),
    ("I'd love that.", "accept"),
    ("Sure thing.", "accept"),
    ("Go ahead and book it.", "accept"),
    ("Thursday at 3? Yes, perfect.", "accept"),
    ("I guess so.", "accept"),
    # decline
    ("No.", "decline"),
    ("No thanks.", "decline"),
    ("No, I can't make it then.", "decline"),
    ("That doesn't work for me, sorry.", "decline"),
    ("I'll pass, give it to someone else.", "decline"),
    ("Not interested.", "decline"),
    ("I already found another time, thanks.", "decline"),
    ("Nah, I'm busy then.", "decline"),
    ("I don't need it anymore.", "decline"),
    ("No, let someone else have it.", "decline"),
    ("That's too early for me.", "decline"),
    ("No, I'll wait for a different time.", "decline"),
    ("I can't do Thursdays.", "decline"),
    ("Not this time, thanks.", "decline"),
    ("Hmm, no, that won't work.", "decline"),
    # opt_out
    ("Please stop calling me.", "opt_out"),
    ("Don't call this number again.", "opt_out"),
    ("Take me off your call list.", "opt_out"),
    # not_patient
    ("Sorry, you have the wrong number.", "not_patient"),
    ("She's not here right now.", "not_patient"),
    ("I'm not him, this is his brother.", "not_patient"),
    ("Jane's at work right now.", "not_patient"),
    ("This isn't Jane.", "not_patient"),
    ("She passed away last year.", "not_patient"),
    # unclear
    ("Hmm, let me check my calendar first.", "unclear"),
    ("What time did you say?", "unclear"),
    ("Is there anything on Friday instead?", "unclear"),
    ("Maybe.", "unclear"),
    ("Who is this?", "unclear"),
    ("I'm driving, call me later.", "unclear"),
    ("Yes but can it be 4 instead?", "unclear"),
    ("Sorry, what?", "unclear"),
    ("This isn't a good time.", "unclear"),
]
