"""Closures of the clinic's calendar (holidays, staff days): list, add, remove. Staff only.

Adding or removing one is a change to what every caller is offered, so each is in the audit
log under the staff key's label; adding one returns the appointments already booked inside it,
which stay booked (nobody's appointment is cancelled behind their back) for staff to move.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, status

from aida.api.audit import record_staff_read
from aida.api.deps import STAFF_ERRORS, ClockDep, SettingsDep, StaffDep, StaffLabel, StoreDep
from aida.api.errors import ApiError, validation_error
from aida.api.params import WindowEnd, WindowStart, date_param
from aida.api.schemas import (
    AppointmentOut,
    ClosureCreated,
    ClosureIn,
    ClosureOut,
    ClosuresPage,
    ErrorBody,
    ValidationErrorBody,
)
from aida.calendar.closures import closure_window, spoken_closure
from aida.config import Settings
from aida.errors import InvalidRequest
from aida.scheduling.speech import spoken_datetime
from aida.store.models import Appointment, Closure

router = APIRouter(tags=["closures"], dependencies=[StaffDep])

# A closure is days or weeks; a year bounds what one request can shut.
MAX_SPAN = dt.timedelta(days=366)
YEARS = range(2000, 3000)


def closure_out(closure: Closure, settings: Settings) -> ClosureOut:
    tz = settings.tz
    return ClosureOut(
        id=closure.id,
        start=closure.start_time.astimezone(tz),
        end=closure.end_time.astimezone(tz),
        all_day=closure.all_day,
        reason=closure.reason,
        spoken=spoken_closure(closure, tz),
    )


def _appointment_out(appt: Appointment, settings: Settings) -> AppointmentOut:
    tz = settings.tz
    return AppointmentOut(
        id=appt.id,
        user_phone=appt.user_phone,
        start=appt.start_time.astimezone(tz),
        end=appt.end_time.astimezone(tz),
        spoken=spoken_datetime(appt.start_time, tz),
        status=appt.status,
        meta=appt.meta,
    )


@router.get(
    "/closures",
    response_model=ClosuresPage,
    summary="Closures of the clinic",
    description="Earliest first; by default those not over yet. `from`/`to` pick a window.",
    responses={**STAFF_ERRORS, 422: {"model": ValidationErrorBody}},
)
async def list_closures(
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    start: WindowStart = None,
    end: WindowEnd = None,
) -> ClosuresPage:
    lo = date_param(start, "from", settings, end=False)
    hi = date_param(end, "to", settings, end=True)
    if lo is None and hi is None:
        lo = clock.now()
    rows = await store.list_closures(start=lo, end=hi)
    return ClosuresPage(timezone=str(settings.tz), items=[closure_out(c, settings) for c in rows])


@router.post(
    "/closures",
    response_model=ClosureCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Close the clinic to new bookings",
    description="A day (`date`), days (`until`), or part of them (`from_time`/`to_time`), in the "
    "clinic's timezone. Booking into it is refused from then on, by the database; appointments "
    "already in it stay booked and are listed in `affected`.",
    responses={**STAFF_ERRORS, 422: {"model": ValidationErrorBody}},
)
async def add_closure(
    body: ClosureIn,
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    staff: StaffLabel,
) -> ClosureCreated:
    for field, day in (("date", body.date), ("until", body.until)):
        if day is not None and day.year not in YEARS:
            raise validation_error(("body", field), "Give a date between 2000 and 2999.", day)
    try:
        begins, ends, all_day = closure_window(
            settings.tz, body.date, body.until, body.from_time, body.to_time
        )
    except InvalidRequest as exc:
        raise validation_error(("body",), exc.message, None) from None
    if ends - begins > MAX_SPAN:
        raise validation_error(("body", "until"), "A closure can span at most a year.", None)
    added = await store.add_closure(begins, ends, body.reason, all_day=all_day)
    await record_staff_read(
        store,
        clock,
        staff,
        "add_closure",
        closure_id=added.closure.id,
        appointment_ids=[a.id for a in added.affected] or None,
    )
    return ClosureCreated(
        closure=closure_out(added.closure, settings),
        affected=[_appointment_out(a, settings) for a in added.affected],
    )


@router.delete(
    "/closures/{closure_id}",
    response_model=ClosureOut,
    summary="Reopen: remove a closure",
    responses={**STAFF_ERRORS, 404: {"model": ErrorBody}},
)
async def remove_closure(
    closure_id: Annotated[str, Path(max_length=64)],
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    staff: StaffLabel,
) -> ClosureOut:
    removed = await store.remove_closure(closure_id)
    if removed is None:
        raise ApiError(404, "not_found", "There is no closure with that id.")
    await record_staff_read(store, clock, staff, "remove_closure", closure_id=removed.id)
    return closure_out(removed, settings)
