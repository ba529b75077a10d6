"""GET /api/summaries and /api/summaries/{id}: what happened on each call. Staff only.

The list leaves out transcripts and timelines (they are large); the detail has everything the
after-call record stored: summary, transcript, timeline, cost, action items. Each read that returns
records is audited under the staff key's label (ids only, never what was said).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from aida.api.audit import record_staff_read
from aida.api.deps import STAFF_ERRORS, ClockDep, SettingsDep, StaffDep, StaffLabel, StoreDep
from aida.api.errors import ApiError, validation_error
from aida.api.params import date_param, phone_param
from aida.api.schemas import (
    ErrorBody,
    SummariesPage,
    SummaryDetail,
    SummaryItem,
    ValidationErrorBody,
)

router = APIRouter(tags=["summaries"], dependencies=[StaffDep])


@router.get(
    "/summaries",
    response_model=SummariesPage,
    summary="List call summaries",
    description="Newest first. Filter by the caller's phone (any format) and by when the record "
    "was created (`since`/`until`: ISO dates or datetimes, clinic-local when naive).",
    responses={**STAFF_ERRORS, 422: {"model": ValidationErrorBody}},
)
async def list_summaries(
    store: StoreDep,
    settings: SettingsDep,
    clock: ClockDep,
    staff: StaffLabel,
    phone: Annotated[str | None, Query(max_length=32, examples=["(415) 555-0132"])] = None,
    since: Annotated[str | None, Query(max_length=40, examples=["2026-03-01"])] = None,
    until: Annotated[str | None, Query(max_length=40, examples=["2026-03-31"])] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> SummariesPage:
    e164 = phone_param(phone, settings) if phone else None
    lo = date_param(since, "since", settings, end=False)
    hi = date_param(until, "until", settings, end=True)
    if lo and hi and hi <= lo:
        raise validation_error(("query", "until"), "'until' must be later than 'since'.", until)
    # One extra row tells whether there is a next page without a count query.
    rows = await store.list_call_summaries(
        phone=e164, since=lo, until=hi, limit=limit + 1, offset=offset
    )
    page = rows[:limit]
    # As for appointments: a lookup by phone is audited even when it finds nothing.
    if e164 is not None or page:
        await record_staff_read(
            store,
            clock,
            staff,
            "list_call_summaries",
            phone=e164,
            summary_ids=[r.id for r in page],
            since=lo.isoformat() if lo else None,
            until=hi.isoformat() if hi else None,
        )
    return SummariesPage(
        items=[SummaryItem.model_validate(r.model_dump()) for r in page],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(rows) > limit else None,
    )


@router.get(
    "/summaries/{summary_id}",
    response_model=SummaryDetail,
    summary="One call in full",
    responses={
        **STAFF_ERRORS,
        404: {"model": ErrorBody, "description": "No summary with that id."},
        422: {"model": ValidationErrorBody, "description": "The id is not a UUID."},
    },
)
async def get_summary(
    store: StoreDep,
    clock: ClockDep,
    staff: StaffLabel,
    summary_id: Annotated[uuid.UUID, Path(description="The call's id (a UUID).")],
) -> SummaryDetail:
    row = await store.get_call_summary(str(summary_id))
    if row is None:
        raise ApiError(404, "summary_not_found", f"No call summary has the id {summary_id}.")
    await record_staff_read(
        store, clock, staff, "read_call_summary", phone=row.user_phone, summary_id=row.id
    )
    return SummaryDetail.model_validate(row.model_dump())
