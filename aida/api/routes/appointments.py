"""GET /api/appointments?phone=...: one patient's appointments. Staff only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from aida.api.deps import ClockDep, HoursDep, SettingsDep, StaffDep, StoreDep
from aida.api.routes.filters import phone_param
from aida.api.routes.summaries import STAFF_ERRORS
from aida.api.schemas import AppointmentOut, AppointmentsPage, ValidationErrorBody
from aida.scheduling.speech import spoken_datetime

router = APIRouter(tags=["appointments"], dependencies=[StaffDep])


@router.get(
    "/appointments",
    response_model=AppointmentsPage,
    summary="A patient's appointments",
    description="Oldest first. By default only booked appointments that have not ended yet; "
    "`status=all` adds cancelled ones, `include_past=true` adds past ones. An unknown number "
    "gives an empty list with `registered: false`.",
    responses={**STAFF_ERRORS, 422: {"model": ValidationErrorBody}},
)
async def list_appointments(
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    hours: HoursDep,
    phone: Annotated[str, Query(max_length=32, examples=["(415) 555-0132"])],
    status: Literal["booked", "cancelled", "all"] = "booked",
    include_past: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> AppointmentsPage:
    e164 = phone_param(phone, settings)
    patient = await store.get_patient(e164)
    rows = []
    if patient is not None:
        rows = await store.list_appointments(
            phone=e164,
            start=None if include_past else clock.now(),
            status=None if status == "all" else status,
        )
    tz = hours.tz
    page = rows[offset : offset + limit]
    return AppointmentsPage(
        phone=e164,
        patient_name=patient.name if patient else None,
        registered=patient is not None,
        timezone=str(tz),
        items=[
            AppointmentOut(
                id=a.id,
                user_phone=a.user_phone,
                start=a.start_time.astimezone(tz),
                end=a.end_time.astimezone(tz),
                spoken=spoken_datetime(a.start_time, tz),
                status=a.status,
                meta=a.meta,
            )
            for a in page
        ],
        total=len(rows),
        limit=limit,
        offset=offset,
        next_offset=offset + limit if offset + limit < len(rows) else None,
    )
