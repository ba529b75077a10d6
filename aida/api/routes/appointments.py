"""GET /api/appointments: one patient's appointments, or the whole clinic's over a window (the
staff calendar). Staff only; each read is audited under the staff key's label."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from aida.api.audit import record_staff_read
from aida.api.deps import (
    STAFF_ERRORS,
    ClockDep,
    HoursDep,
    SettingsDep,
    StaffDep,
    StaffLabel,
    StoreDep,
)
from aida.api.errors import validation_error
from aida.api.params import WindowEnd, WindowStart, date_param, phone_param
from aida.api.schemas import AppointmentOut, AppointmentsPage, ValidationErrorBody
from aida.scheduling.speech import spoken_datetime

router = APIRouter(tags=["appointments"], dependencies=[StaffDep])


# A clinic-wide listing is bounded so one request cannot pull the whole calendar.
MAX_WINDOW = dt.timedelta(days=62)


@router.get(
    "/appointments",
    response_model=AppointmentsPage,
    summary="A patient's appointments, or everyone's in a window",
    description="Oldest first. With `phone`: that patient's appointments, by default only booked "
    "ones that have not ended yet; `status=all` adds cancelled ones, `include_past=true` adds past "
    "ones; an unknown number gives an empty list with `registered: false`. Without `phone`: every "
    "patient's appointments overlapping `from`..`to` (both required, at most 62 days; a date-only "
    "`to` includes that day), each with the patient's name.",
    responses={**STAFF_ERRORS, 422: {"model": ValidationErrorBody}},
)
async def list_appointments(
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    hours: HoursDep,
    staff: StaffLabel,
    phone: Annotated[str | None, Query(max_length=32, examples=["(415) 555-0132"])] = None,
    start: WindowStart = None,
    end: WindowEnd = None,
    status: Literal["booked", "cancelled", "all"] = "booked",
    include_past: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> AppointmentsPage:
    lo = date_param(start, "from", settings, end=False)
    hi = date_param(end, "to", settings, end=True)
    wanted_status = None if status == "all" else status
    names: dict[str, str | None] = {}
    window: dict[str, str] | None = None
    if phone is not None:
        wanted = phone_param(phone, settings)
        patient = await store.get_patient(wanted)
        rows = []
        if patient is not None:
            since = lo if lo is not None or include_past else clock.now()
            rows = await store.list_appointments(
                phone=wanted, start=since, end=hi, status=wanted_status
            )
            names[wanted] = patient.name
        e164: str | None = wanted
    else:
        if lo is None or hi is None:
            raise validation_error(
                ("query", "phone"), "Give a phone number, or both from and to for a window.", None
            )
        if hi <= lo or hi - lo > MAX_WINDOW:
            raise validation_error(
                ("query", "to"),
                "The window must end after it starts and span at most 62 days.",
                end,
            )
        e164, patient = None, None
        window = {"from": lo.isoformat(), "to": hi.isoformat()}
        rows = await store.list_appointments(start=lo, end=hi, status=wanted_status)
        for phone_on_file in {a.user_phone for a in rows}:
            on_file = await store.get_patient(phone_on_file)
            names[phone_on_file] = on_file.name if on_file else None
    tz = hours.tz
    page = rows[offset : offset + limit]
    # A lookup by phone is audited even when it finds nothing: asking about a number is itself
    # a fact about that patient. A window with nothing in it reveals no one.
    if e164 is not None or page:
        await record_staff_read(
            store,
            clock,
            staff,
            "list_appointments_api",
            phone=e164,
            appointment_ids=[a.id for a in page],
            window=window,
        )
    return AppointmentsPage(
        phone=e164,
        patient_name=patient.name if patient else None,
        registered=patient is not None if e164 else None,
        timezone=str(tz),
        items=[
            AppointmentOut(
                id=a.id,
                user_phone=a.user_phone,
                patient_name=names.get(a.user_phone),
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
