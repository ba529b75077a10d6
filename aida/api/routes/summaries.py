"""GET /api/summaries and /api/summaries/{id}: what happened on each call. Staff only.

The list leaves out transcripts and timelines (they are large); the detail has everything the
after-call record stored: summary, transcript, timeline, cost, action items. Each read that returns
records is audited under the staff key's label (ids only, never what was said).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Path, Query

from aida.api.audit import record_staff_read
from aida.api.deps import STAFF_ERRORS, ClockDep, SettingsDep, StaffDep, StaffLabel, StoreDep
from aida.api.errors import ApiError, validation_error
from aida.api.params import date_param, phone_param
from aida.api.routes.action_items import states_by_call
from aida.api.schemas import (
    ActionItemState,
    ErrorBody,
    SummariesPage,
    SummaryDetail,
    SummaryItem,
    ValidationErrorBody,
)
from aida.store.models import CallSummary

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
    order: Annotated[
        Literal["newest", "open_first"],
        Query(description="`open_first`: calls with action items not yet done come first."),
    ] = "newest",
) -> SummariesPage:
    e164 = phone_param(phone, settings) if phone else None
    lo = date_param(since, "since", settings, end=False)
    hi = date_param(until, "until", settings, end=True)
    if lo and hi and hi <= lo:
        raise validation_error(("query", "until"), "'until' must be later than 'since'.", until)
    # One extra row tells whether there is a next page without a count query.
    rows = await store.list_call_summaries(
        phone=e164,
        since=lo,
        until=hi,
        limit=limit + 1,
        offset=offset,
        open_first=order == "open_first",
    )
    page = rows[:limit]
    states = await states_by_call(store, page)
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
        items=[_with_states(SummaryItem, r, states[r.id]) for r in page],
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
    states = await states_by_call(store, [row])
    await record_staff_read(
        store, clock, staff, "read_call_summary", phone=row.user_phone, summary_id=row.id
    )
    return _with_states(SummaryDetail, row, states[row.id])


M = TypeVar("M", bound=SummaryItem)


def _with_states(model: type[M], row: CallSummary, states: list[ActionItemState]) -> M:
    return model.model_validate(
        {
            **row.model_dump(),
            "action_items_state": states,
            "open_action_items": sum(1 for s in states if not s.done),
        }
    )
