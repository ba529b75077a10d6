"""What an outbound call came to: the `outcome` of its `outbound_calls` row.

Dialling sets the first ones (the line's answer); once someone picked up, the call itself sets
the rest. A retryable outcome lets a later pass call again (up to REMINDER_MAX_ATTEMPTS); a
final one ends the reminders for that appointment.
"""

from __future__ import annotations

DIALING = "dialing"  # written before the number is dialled
ANSWERED = "answered"  # picked up; the agent has the call
# the line's answers (aida.outbound.dialer)
TRUNK_ERROR = "trunk_error"
NO_ANSWER = "no_answer"
BUSY = "busy"
NOT_CONFIGURED = "not_configured"  # no LiveKit credentials or no SIP_OUTBOUND_TRUNK_ID
OPTED_OUT = "opted_out"  # refused before dialling, or "don't call me" said in the call
# what the call came to (aida.outbound.call)
CONFIRMED = "confirmed"
CANCELLED = "cancelled"
RESCHEDULED = "rescheduled"
VOICEMAIL = "voicemail"
WRONG_PERSON = "wrong_person"
CALLBACK_LATER = "callback_later"
NO_RESPONSE = "no_response"  # answered, but no answer Aida could act on
NOT_NEEDED = "not_needed"  # the appointment was cancelled before anyone answered
HANDED_OVER = "handed_over"  # cancel or move asked; the usual dialogue took it from there
# for the waitlist half (24b): the patient took the offered slot, or said no
ACCEPTED = "accepted"
DECLINED = "declined"

# Rows of calls never dialled for want of configuration: not an attempt, nothing to count.
NOT_DIALLED = frozenset({NOT_CONFIGURED})
# A later pass may call again about the same appointment (within the attempts left).
RETRYABLE = frozenset({TRUNK_ERROR, NO_ANSWER, BUSY, CALLBACK_LATER, NO_RESPONSE, DIALING})
# No more reminder calls about this appointment. A voicemail is final: one message is left,
# never a string of them.
FINAL = frozenset(
    {
        CONFIRMED,
        CANCELLED,
        RESCHEDULED,
        VOICEMAIL,
        WRONG_PERSON,
        OPTED_OUT,
        HANDED_OVER,
        NOT_NEEDED,
        ACCEPTED,
        DECLINED,
    }
)

# What a call that was answered can come to (what a scenario's `expect: outbound` may name).
CALL_OUTCOMES = frozenset(
    {
        CONFIRMED,
        CANCELLED,
        RESCHEDULED,
        VOICEMAIL,
        WRONG_PERSON,
        OPTED_OUT,
        CALLBACK_LATER,
        NO_RESPONSE,
        HANDED_OVER,
        NOT_NEEDED,
        ACCEPTED,
        DECLINED,
    }
)
