"""Which appointments are due a reminder call now.

All of it in code against the injectable clock, in the clinic's timezone:
- only within REMINDER_CALL_HOURS of the clinic's local day (nothing at all outside them);
- booked appointments starting within REMINDER_HOURS from now (24-48 h by default);
- fewer than REMINDER_MAX_ATTEMPTS reminder calls about the appointment so far, the last at
  least REMINDER_RETRY_MINUTES ago, and none that came to a final outcome (confirmed,
  cancelled, voicemail left, opted out, wrong person...);
- never a patient who opted out of calls, nor one with no patient row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aida.config import Settings
from aida.outbound import outcomes
from aida.outbound.consent import opted_out
from aida.store.models import Appointment, OutboundAttempt
from aida.store.protocol import Store


@dataclass(frozen=True)
class Due:
    appointment: Appointment
    attempts: int  # reminder calls placed about it so far


@dataclass
class Selection:
    due: list[Due]
    skipped: dict[str, int]  # why each other appointment in the window is not called
    in_call_hours: bool


def in_call_hours(settings: Settings, now: dt.datetime) -> bool:
    first, last = settings.reminder_call_window
    local = now.astimezone(settings.tz).time()
    return first <= local < last


async def due_reminders(store: Store, settings: Settings, now: dt.datetime) -> Selection:
    if not in_call_hours(settings, now):
        return Selection(due=[], skipped={}, in_call_hours=False)
    lo, hi = settings.reminder_window
    start, end = now + lo, now + hi
    appointments = await store.list_appointments(start=start, end=end, status="booked")
    due: list[Due] = []
    skipped: dict[str, int] = {}

    def skip(why: str) -> None:
        skipped[why] = skipped.get(why, 0) + 1

    for appointment in appointments:
        if not (start <= appointment.start_time < end):
            continue  # overlapping the window's edge but starting outside it
        attempts = [
            a
            for a in await store.list_outbound_calls(
                appointment_id=appointment.id, purpose="reminder"
            )
            if a.outcome not in outcomes.NOT_DIALLED
        ]
        why = _not_due(attempts, settings, now)
        if why is not None:
            skip(why)
            continue
        patient = await store.get_patient(appointment.user_phone)
        if patient is None:
            skip("no_patient")
            continue
        if opted_out(patient):
            skip("opted_out")
            continue
        due.append(Due(appointment=appointment, attempts=len(attempts)))
    return Selection(due=due, skipped=skipped, in_call_hours=True)


def _not_due(attempts: list[OutboundAttempt], settings: Settings, now: dt.datetime) -> str | None:
    if any(a.outcome in outcomes.FINAL for a in attempts):
        return "done"
    if len(attempts) >= settings.reminder_max_attempts:
        return "max_attempts"
    if attempts:
        last = max(a.started_at for a in attempts)
        if now - last < dt.timedelta(minutes=settings.reminder_retry_minutes):
            return "too_soon"
    return None
