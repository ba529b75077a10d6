"""Answers to the reminder's menu, labelled, written to tune `read_reply`
(aida/agent/dialogue/reminder.py): the TUNED set. Its figure is reported apart from the unseen
set (tests/outbound/unseen_replies.py, written by someone else before the rules were tuned)."""

from __future__ import annotations

REPLY_CASES: list[tuple[str, str]] = [
    # confirm
    ("1", "confirm"),
    ("one", "confirm"),
    ("One.", "confirm"),
    ("Yes.", "confirm"),
    ("Yes, I'll be there.", "confirm"),
    ("Yeah that's fine, I'll be there", "confirm"),
    ("I'd like to confirm please", "confirm"),
    ("confirm", "confirm"),
    ("Sounds good, see you then.", "confirm"),
    ("I'll press one", "confirm"),
    ("Number one please", "confirm"),
    ("yep still coming", "confirm"),
    ("okay great", "confirm"),
    ("that works for me", "confirm"),
    # cancel
    ("2", "cancel"),
    ("two", "cancel"),
    ("Two please.", "cancel"),
    ("I need to cancel", "cancel"),
    ("Please cancel it.", "cancel"),
    ("I can't make it", "cancel"),
    ("I won't be able to come", "cancel"),
    ("I don't need the appointment anymore", "cancel"),
    ("cancel that appointment please", "cancel"),
    ("option two", "cancel"),
    ("I'm feeling better, I won't be coming", "cancel"),
    # reschedule
    ("3", "reschedule"),
    ("three", "reschedule"),
    ("I need to reschedule", "reschedule"),
    ("Can I change the time?", "reschedule"),
    ("Could we move it to Friday?", "reschedule"),
    ("I can't make it then, can we do another day?", "reschedule"),
    ("Is there a later time available?", "reschedule"),
    ("I'd like a different time", "reschedule"),
    ("Can we push it to next week", "reschedule"),
    ("press three", "reschedule"),
    # opt out
    ("Don't call me again.", "opt_out"),
    ("Please stop calling this number", "opt_out"),
    ("Take me off your list", "opt_out"),
    ("No more calls please", "opt_out"),
    ("I don't want these reminder calls", "opt_out"),
    ("Do not call me", "opt_out"),
    ("remove my number from your list", "opt_out"),
    # not the patient
    ("Wrong number.", "not_patient"),
    ("You have the wrong number", "not_patient"),
    ("There's nobody here by that name", "not_patient"),
    ("She's not here right now", "not_patient"),
    ("He doesn't live here anymore", "not_patient"),
    ("I'm not her, this is her sister", "not_patient"),
    ("Who? I don't know anyone called that", "not_patient"),
    # call back later
    ("Can you call me back later?", "callback_later"),
    ("I'm driving right now", "callback_later"),
    ("This isn't a good time", "callback_later"),
    ("Call back tomorrow please", "callback_later"),
    ("I'm at work, can you call later", "callback_later"),
    # unclear
    ("", "unclear"),
    ("Hello?", "unclear"),
    ("What?", "unclear"),
    ("No.", "unclear"),
    ("Who is this?", "unclear"),
    ("Hmm, let me think", "unclear"),
    ("What was that about?", "unclear"),
]
