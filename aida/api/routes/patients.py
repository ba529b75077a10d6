"""GET /api/patients/pending and POST /api/patients/{phone}/confirm: new patients registered from
a number that proves nothing (caller ID, the web form) wait for staff, who confirm them once they
checked who registered. Staff only, audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from aida.api.audit import record_staff_action, record_staff_read
from aida.api.deps import STAFF_ERRORS, ClockDep, SettingsDep, StaffDep, StaffLabel, StoreDep
from aida.api.errors import ApiError, validation_error
from aida.api.schemas import ErrorBody, PendingPatient
from aida.errors import InvalidPhone, PatientNotFound
from aida.scheduling.phones import normalize_phone

router = APIRouter(tags=["patients"], dependencies=[StaffDep])

Phone = Annotated[str, Path(description="The patient's phone number (E.164 or as dialled).")]


@router.get(
    "/patients/pending",
    response_model=list[PendingPatient],
    summary="New patients waiting for staff to confirm them",
    responses=STAFF_ERRORS,
)
async def pending(store: StoreDep, clock: ClockDep, staff: StaffLabel) -> list[PendingPatient]:
    rows = await store.list_pending_patients()
    await record_staff_read(store, clock, staff, "list_pending_patients", count=len(rows))
    return [PendingPatient(phone=p.phone, name=p.name, date_of_birth=p.date_of_birth) for p in rows]


@router.post(
    "/patients/{phone}/confirm",
    response_model=PendingPatient,
    summary="Confirm a pending registration",
    description="The registration was checked by staff: the file is an ordinary one from now on.",
    responses={**STAFF_ERRORS, 404: {"model": ErrorBody, "description": "No such patient."}},
)
async def confirm(
    phone: Phone, store: StoreDep, clock: ClockDep, settings: SettingsDep, staff: StaffLabel
) -> PendingPatient:
    try:
        e164 = normalize_phone(phone, settings.phone_region, settings.allow_fictional_numbers)
    except InvalidPhone as exc:
        raise validation_error(("path", "phone"), exc.message, phone) from None
    try:
        patient = await store.confirm_patient(e164)
    except PatientNotFound:
        raise ApiError(404, "patient_not_found", "No patient has that phone number.") from None
    await record_staff_action(store, clock, staff, "confirm_patient", phone=e164)
    return PendingPatient(
        phone=patient.phone, name=patient.name, date_of_birth=patient.date_of_birth, pending=False
    )
