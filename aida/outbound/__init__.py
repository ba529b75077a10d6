"""Aida calls out: reminder and confirmation calls, and the calls that offer a freed slot to a
waitlisted patient (docs/outbound.md).

- `dialer`: one outbound call over LiveKit SIP, whatever its purpose: the room, an agent
  dispatch carrying the job's metadata, then `CreateSIPParticipant` through the outbound trunk;
  each attempt is a row of `outbound_calls`, its outcome saved as the line answers.
- `consent`: the patient's "don't call me", kept in their preferences; the dialer refuses to
  call anyone who said it, whatever the purpose.
- `select`: which appointments are due a reminder now (REMINDER_HOURS, REMINDER_CALL_HOURS in
  the clinic's timezone, REMINDER_MAX_ATTEMPTS).
- `reminders`: one pass of `aida reminders run`.
- `call`: the outbound side of a call in the worker (the job's metadata, the reminder's
  opening, what a reply means, voicemail).
"""
