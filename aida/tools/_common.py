"""Checks several tools share: who the patient is, which appointment, and what is free nearby."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from aida.calendar.catalog import Choice
from aida.calendar.search import free_for, nearest_for, slot_view
from aida.errors import (
    AmbiguousTime,
    AppointmentNotFound,
    InvalidRequest,
    NotYourAppointment,
    PatientNotFound,
    SlotTaken,
    WhichAppointment,
)
from aida.scheduling.dates import resolve_when
from aida.scheduling.phones import normalize_phone
from aida.scheduling.slots import Slot, spread
from aida.scheduling.speech import spoken_datetime, spoken_starts
from aida.store.models import Appointment, Patient
from aida.tools.base import ClinicContext


def phone_of(ctx: ClinicContext, raw: str) -> str:
    return normalize_phone(raw, ctx.settings.phone_region)


async def require_patient(ctx: ClinicContext, phone: str) -> Patient:
    patient = await ctx.store.get_patient(phone)
    if patient is None:
        raise PatientNotFound(
            "I don't have a record for this number yet. May I have your full name to register you?"
        )
    return patient


NOT_YOURS = "That appointment isn't on your record, so I can't change it."


async def own_appointment(
    ctx: ClinicContext, phone: str, appointment_id: str, patient_file: str | None = None
) -> Appointment:
    """The caller's appointment, or a speakable refusal that reveals nothing about anyone else's.
    `patient_file`: the file the caller verified as, where the number holds several (a family
    phone): a sibling's appointment on the same number is not theirs."""
    try:
        uuid.UUID(str(appointment_id))
    except ValueError:
        raise AppointmentNotFound(
            "I couldn't find that appointment. Shall I list your upcoming appointments?"
        ) from None
    appt = await ctx.store.get_appointment(str(appointment_id))
    if appt is None:
        raise AppointmentNotFound(
            "I couldn't find that appointment. Shall I list your upcoming appointments?"
        )
    if appt.user_phone != phone or (patient_file is not None and appt.patient_file != patient_file):
        raise NotYourAppointment(NOT_YOURS)
    return appt


async def pick_appointment(
    ctx: ClinicContext, phone: str, which: str | None, patient_file: str | None = None
) -> Appointment:
    """The caller's upcoming appointment they describe in their own words ("my Wednesday
    appointment", "the one at ten", or nothing when they have just one).

    Ids never come from the model (a small one invents them); the words are matched in code
    against this caller's own booked appointments only, so nobody else's can be named. Several
    matches, or none, get a question listing what they do have. `patient_file`: only that
    file's, where the number holds several."""
    upcoming = await ctx.store.list_appointments(
        phone=phone, start=ctx.now(), status="booked", patient_file=patient_file
    )
    tz = ctx.clinic_hours.tz
    if not upcoming:
        raise AppointmentNotFound("You don't have any upcoming appointments with us.")
    words = (which or "").strip()
    matches = upcoming
    if words:
        matches = _described(ctx, upcoming, words)
    if len(matches) == 1:
        return matches[0]
    spoken = spoken_starts([a.start_time for a in upcoming], tz, "and")
    if not matches:
        raise AppointmentNotFound(
            f"I don't see an appointment then. You have {spoken}. Which one do you mean?"
            if len(upcoming) > 1
            else f"I don't see an appointment then. Your upcoming appointment is {spoken}."
        )
    raise WhichAppointment(f"You have appointments on {spoken}. Which one do you mean?")


def _described(ctx: ClinicContext, upcoming: list[Appointment], words: str) -> list[Appointment]:
    try:
        uuid.UUID(words)
    except ValueError:
        pass
    else:  # an id the model copied from an earlier result: only ever one of the caller's own
        return [a for a in upcoming if a.id == words]
    # "the Friday one": "one" names the appointment, it is not a time ("Friday at 1")
    words = re.sub(r"\b(?:one|ones|visit|booking)\b", " ", words, flags=re.IGNORECASE)
    try:
        when = resolve_when(words, ctx.now(), ctx.clinic_hours)
    except AmbiguousTime as exc:
        # "Friday at 10" could be this Friday or next: whichever one they have booked.
        readings = exc.details.get("options") or []
        return [
            a
            for a in upcoming
            if any(_in_reading(a, r) for r in readings if isinstance(r, dict) and "start" in r)
        ]
    except InvalidRequest:
        return upcoming if len(upcoming) == 1 else []
    if when.kind == "window":
        return [a for a in upcoming if when.admits(a.start_time)]
    same = [a for a in upcoming if a.start_time == when.start]
    if same:
        return same
    # "the one at ten": the time of day, whatever the day
    wall = when.start.astimezone(ctx.clinic_hours.tz).time()
    return [a for a in upcoming if a.start_time.astimezone(ctx.clinic_hours.tz).time() == wall]


def _in_reading(appt: Appointment, reading: dict[str, str]) -> bool:
    start = dt.datetime.fromisoformat(reading["start"])
    end = dt.datetime.fromisoformat(reading["end"])
    return start <= appt.start_time < end or appt.start_time == start


def exact_time(ctx: ClinicContext, text: str) -> dt.datetime:
    """Resolve a spoken or ISO time to one exact start (not yet checked against any hours)."""
    resolution = resolve_when(text, ctx.now(), ctx.clinic_hours)
    if resolution.kind != "exact":
        raise InvalidRequest(
            f"Which time {resolution.description} would you like? I need an exact time to book."
        )
    return resolution.start


def exact_slot(ctx: ClinicContext, text: str) -> tuple[dt.datetime, dt.datetime]:
    """Resolve a spoken or ISO time to one exact, bookable [start, end) (aware UTC)."""
    return ctx.clinic_hours.check_bookable(exact_time(ctx, text), ctx.now())


async def free_in(
    ctx: ClinicContext,
    start: dt.datetime,
    end: dt.datetime,
    choice: Choice | None = None,
    *,
    moving: str | None = None,
) -> list[Slot]:
    """Free times in [start, end) for `choice` (default: anyone, one slot long), closures
    excluded; `moving` is an appointment whose own time counts as free."""
    return await free_for(ctx, start, end, choice, moving=moving)


async def alternatives_near(
    ctx: ClinicContext, target: dt.datetime, n: int = 3, choice: Choice | None = None
) -> list[Slot]:
    return await nearest_for(ctx, target, n, choice)


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


async def slot_taken(
    ctx: ClinicContext, wanted: dt.datetime, choice: Choice | None = None
) -> SlotTaken:
    """The store said no; tell the caller what is free nearest to what they wanted."""
    near = sorted(await alternatives_near(ctx, wanted, 3, choice), key=lambda s: s.start)
    alternatives = [slot_view(ctx, s) for s in near]
    tz = ctx.clinic_hours.tz
    when = spoken_datetime(wanted, tz)
    if alternatives:
        message = (
            f"Sorry, {when} is already taken. The nearest openings are "
            f"{spoken_starts([s.start for s in near], tz)}."
        )
    else:
        message = f"Sorry, {when} is already taken, and nothing nearby is free."
    return SlotTaken(message, start=wanted, alternatives=alternatives)


__all__ = [
    "alternatives_near",
    "exact_slot",
    "free_in",
    "own_appointment",
    "phone_of",
    "pick_appointment",
    "require_patient",
    "slot_taken",
    "slot_view",
    "spread",
    "upper_first",
]
