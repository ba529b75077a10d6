"""Staff book, move and cancel appointments for a patient (the calendar page's actions).

They go through the very core tools Aida uses on a call (`aida.tools.book_appointment`, ...), so
the same guarantees hold: the store's constraint decides a race (the loser gets a 409 whose
message names the nearest openings), booking the same patient at the same time again returns the
appointment already made, and a move holds the new slot before it releases the old one. Every
change is written to the audit log under the staff key's label, after the change and before the
answer; if that row cannot be written the request fails (the change itself stands, on the
calendar).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response

from aida.api.audit import record_staff_action, staff_actor
from aida.api.deps import STAFF_ERRORS, ClinicDep, StaffDep, StaffLabel
from aida.api.errors import ApiError
from aida.api.params import phone_param
from aida.api.schemas import (
    AppointmentChange,
    AppointmentOut,
    BookRequest,
    ErrorBody,
    MoveRequest,
    ValidationErrorBody,
)
from aida.errors import AppointmentNotFound
from aida.scheduling.speech import spoken_datetime
from aida.store.models import Appointment
from aida.tools.base import ClinicContext
from aida.tools.book_appointment import book_appointment
from aida.tools.cancel_appointment import cancel_appointment
from aida.tools.reschedule_appointment import reschedule_appointment

router = APIRouter(tags=["appointments"], dependencies=[StaffDep])

CHANGE_ERRORS: dict[int | str, dict[str, object]] = {
    **STAFF_ERRORS,
    404: {"model": ErrorBody, "description": "No such appointment, or no such patient."},
    409: {
        "model": ErrorBody,
        "description": "The time is taken (the message names the nearest free times, which are "
        "also in `alternatives`).",
    },
    422: {"model": ValidationErrorBody, "description": "A bad phone number or time."},
}
AppointmentId = Annotated[uuid.UUID, Path(description="The appointment's id (a UUID).")]


async def _out(ctx: ClinicContext, appt: Appointment) -> AppointmentOut:
    patient = await ctx.store.get_patient(appt.user_phone)
    tz = ctx.clinic_hours.tz
    return AppointmentOut(
        id=appt.id,
        user_phone=appt.user_phone,
        patient_name=patient.name if patient else None,
        start=appt.start_time.astimezone(tz),
        end=appt.end_time.astimezone(tz),
        spoken=spoken_datetime(appt.start_time, tz),
        status=appt.status,
        meta=appt.meta,
    )


async def _existing(ctx: ClinicContext, appointment_id: uuid.UUID) -> Appointment:
    appt = await ctx.store.get_appointment(str(appointment_id))
    if appt is None:
        raise ApiError(404, "appointment_not_found", f"No appointment has the id {appointment_id}.")
    return appt


async def _stored(ctx: ClinicContext, appointment_id: str) -> Appointment:
    appt = await ctx.store.get_appointment(appointment_id)
    if appt is None:  # it was just written: only a store failing under us gets here
        raise AppointmentNotFound("The appointment could not be read back.")
    return appt


def _who(out: AppointmentOut) -> str:
    return out.patient_name or out.user_phone


@router.post(
    "/appointments",
    response_model=AppointmentChange,
    status_code=201,
    summary="Book an appointment for a patient",
    description="Books `start` (an ISO datetime, clinic-local when naive, or words such as "
    "'Friday at 9') for the patient with `phone`. A number not on file needs `name`, which "
    "registers the patient. The same patient at the same time again answers 200 with the "
    "appointment already booked (`created: false`); a time someone else holds is a 409.",
    responses={
        **CHANGE_ERRORS,
        200: {"model": AppointmentChange, "description": "Already booked."},
    },
)
async def book(
    body: BookRequest, ctx: ClinicDep, staff: StaffLabel, response: Response
) -> AppointmentChange:
    phone = phone_param(body.phone, ctx.settings, name="phone")
    patient = await ctx.store.get_patient(phone)
    name = (body.name or "").strip() or None
    if (patient is None or not patient.name) and name is None:
        raise ApiError(
            404,
            "patient_not_found",
            "No patient with a name is on file for that number: give the patient's full name "
            "to register them.",
        )
    result = await book_appointment(ctx, phone, body.start, name=name, reason=body.reason)
    created = bool(result.data["created"])
    appt = await _stored(ctx, result.data["appointment"]["id"])
    out = await _out(ctx, appt)
    await record_staff_action(
        ctx.store,
        ctx.clock,
        staff,
        "staff_book_appointment",
        phone=phone,
        appointment_id=appt.id,
        created=created,
    )
    if not created:
        response.status_code = 200
    message = (
        f"Booked {_who(out)} for {out.spoken}."
        if created
        else f"{_who(out)} already has this appointment: {out.spoken}."
    )
    return AppointmentChange(
        message=message, appointment=out, created=created, by=staff_actor(staff)
    )


@router.post(
    "/appointments/{appointment_id}/reschedule",
    response_model=AppointmentChange,
    summary="Move an appointment to another time",
    description="Moves the appointment to `start` in one transaction: the new time is held "
    "before the old one is released, so a 409 (the time is taken) leaves it where it was. "
    "Moving it again to the same time answers with the same new appointment.",
    responses=CHANGE_ERRORS,
)
async def reschedule(
    appointment_id: AppointmentId, body: MoveRequest, ctx: ClinicDep, staff: StaffLabel
) -> AppointmentChange:
    appt = await _existing(ctx, appointment_id)
    result = await reschedule_appointment(ctx, appt.user_phone, appt.id, body.start)
    moved = await _stored(ctx, result.data["appointment"]["id"])
    out = await _out(ctx, moved)
    previous = await _out(ctx, await _stored(ctx, appt.id))
    await record_staff_action(
        ctx.store,
        ctx.clock,
        staff,
        "staff_reschedule_appointment",
        phone=appt.user_phone,
        appointment_id=moved.id,
        previous_id=appt.id,
    )
    message = (
        f"Moved {_who(out)} from {previous.spoken} to {out.spoken}."
        if result.data.get("moved")
        else f"{_who(out)}'s appointment is already at {out.spoken}."
    )
    return AppointmentChange(
        message=message, appointment=out, previous=previous, by=staff_actor(staff)
    )


@router.post(
    "/appointments/{appointment_id}/cancel",
    response_model=AppointmentChange,
    summary="Cancel an appointment",
    description="Cancels an appointment that has not started. Cancelling it again answers with "
    "the cancelled appointment.",
    responses=CHANGE_ERRORS,
)
async def cancel(
    appointment_id: AppointmentId, ctx: ClinicDep, staff: StaffLabel
) -> AppointmentChange:
    appt = await _existing(ctx, appointment_id)
    result = await cancel_appointment(ctx, appt.user_phone, appt.id)
    out = await _out(ctx, await _stored(ctx, appt.id))
    await record_staff_action(
        ctx.store,
        ctx.clock,
        staff,
        "staff_cancel_appointment",
        phone=appt.user_phone,
        appointment_id=appt.id,
    )
    message = (
        f"Cancelled {_who(out)}'s appointment on {out.spoken}."
        if result.data.get("cancelled_now")
        else f"{_who(out)}'s appointment on {out.spoken} was already cancelled."
    )
    return AppointmentChange(message=message, appointment=out, by=staff_actor(staff))
