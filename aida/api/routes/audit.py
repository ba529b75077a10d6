"""GET /api/audit: who read or changed which patient's data, newest first. Staff only.

The voice agent's rows have actor "call:<call id>", the API's "staff:<key label>". Reading the log
is itself audited: it lists patients' phone numbers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aida.api.audit import record_staff_read
from aida.api.deps import STAFF_ERRORS, ClockDep, SettingsDep, StaffDep, StaffLabel, StoreDep
from aida.api.errors import validation_error
from aida.api.params import date_param, phone_param
from aida.api.schemas import AuditEntryOut, AuditPage, ValidationErrorBody

router = APIRouter(tags=["audit"], dependencies=[StaffDep])


@router.get(
    "/audit",
    response_model=AuditPage,
    summary="The audit log",
    description="Newest first. Filter by when (`since`/`until`: ISO dates or datetimes, "
    "clinic-local when naive; a date-only `until` includes that day), by the patient's phone "
    "(any format) and by actor (exactly, e.g. `staff:frontdesk` or `call:<id>`).",
    responses={**STAFF_ERRORS, 422: {"model": ValidationErrorBody}},
)
async def list_audit(
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    staff: StaffLabel,
    since: Annotated[str | None, Query(max_length=40, examples=["2026-03-01"])] = None,
    until: Annotated[str | None, Query(max_length=40, examples=["2026-03-31"])] = None,
    phone: Annotated[str | None, Query(max_length=32, examples=["(415) 555-0132"])] = None,
    actor: Annotated[
        str | None, Query(min_length=1, max_length=120, examples=["staff:frontdesk"])
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> AuditPage:
    e164 = phone_param(phone, settings) if phone else None
    lo = date_param(since, "since", settings, end=False)
    hi = date_param(until, "until", settings, end=True)
    if lo and hi and hi <= lo:
        raise validation_error(("query", "until"), "'until' must be later than 'since'.", until)
    # One extra row tells whether there is a next page without a count query.
    rows = await store.list_audit(
        since=lo, until=hi, phone=e164, actor=actor, limit=limit + 1, offset=offset
    )
    page = rows[:limit]
    if page:
        await record_staff_read(
            store, clock, staff, "list_audit", phone=e164, entries=len(page), actor=actor
        )
    return AuditPage(
        items=[AuditEntryOut.model_validate(r.model_dump()) for r in page],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(rows) > limit else None,
    )
