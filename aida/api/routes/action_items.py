"""PUT and DELETE /api/summaries/{id}/action-items/{index}/done: staff mark a call's action item
done, or open again. Staff only, audited like every staff read and change.

An action item is the call record's `action_items[index]` (the record is written once per call,
so positions do not move); whether it is done lives in its own table, keyed by call and index
(`Store.mark_action_item_done`). Marking twice keeps the first mark: who did it, and when.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path

from aida.api.audit import record_staff_action, staff_actor
from aida.api.deps import STAFF_ERRORS, ClockDep, StaffDep, StaffLabel, StoreDep
from aida.api.errors import ApiError
from aida.api.schemas import ActionItemState, ErrorBody, ValidationErrorBody
from aida.store.models import ActionItemDone, CallSummary
from aida.store.protocol import Store

router = APIRouter(tags=["summaries"], dependencies=[StaffDep])

CallId = Annotated[uuid.UUID, Path(description="The call's id (a UUID).")]
ItemIndex = Annotated[int, Path(ge=0, le=999, description="The item's position, from 0.")]
ERRORS: dict[int | str, dict[str, object]] = {
    **STAFF_ERRORS,
    404: {"model": ErrorBody, "description": "No such call, or it has no item at that index."},
    422: {"model": ValidationErrorBody},
}


def item_states(
    items: Sequence[Any] | None, marks: Sequence[ActionItemDone]
) -> list[ActionItemState]:
    done = {m.index: m for m in marks}
    return [
        ActionItemState(
            index=i,
            done=i in done,
            done_at=done[i].done_at if i in done else None,
            done_by=done[i].done_by if i in done else None,
        )
        for i in range(len(items or []))
    ]


async def states_by_call(
    store: Store, rows: Sequence[CallSummary]
) -> dict[str, list[ActionItemState]]:
    """Every listed call's item states, with one query for the whole page."""
    with_items = [r.id for r in rows if r.action_items]
    marks = await store.list_action_items_done(with_items) if with_items else []
    by_call: dict[str, list[ActionItemDone]] = {}
    for mark in marks:
        by_call.setdefault(mark.call_id, []).append(mark)
    return {r.id: item_states(r.action_items, by_call.get(r.id, [])) for r in rows}


async def _call(store: Store, call_id: uuid.UUID, index: int) -> CallSummary:
    row = await store.get_call_summary(str(call_id))
    if row is None:
        raise ApiError(404, "summary_not_found", f"No call summary has the id {call_id}.")
    if index >= len(row.action_items or []):
        raise ApiError(
            404,
            "action_item_not_found",
            f"That call has {len(row.action_items or [])} action items; there is none at "
            f"index {index}.",
        )
    return row


@router.put(
    "/summaries/{summary_id}/action-items/{index}/done",
    response_model=ActionItemState,
    summary="Mark a call's action item done",
    description="Records who (the staff key's label) and when. Marking an item that is already "
    "done changes nothing and answers with the first mark.",
    responses=ERRORS,
)
async def mark_done(
    summary_id: CallId, index: ItemIndex, store: StoreDep, clock: ClockDep, staff: StaffLabel
) -> ActionItemState:
    row = await _call(store, summary_id, index)
    mark = await store.mark_action_item_done(row.id, index, staff_actor(staff), clock.now())
    await record_staff_action(
        store,
        clock,
        staff,
        "mark_action_item_done",
        phone=row.user_phone,
        summary_id=row.id,
        index=index,
    )
    return ActionItemState(index=index, done=True, done_at=mark.done_at, done_by=mark.done_by)


@router.delete(
    "/summaries/{summary_id}/action-items/{index}/done",
    response_model=ActionItemState,
    summary="Open a call's action item again",
    responses=ERRORS,
)
async def reopen(
    summary_id: CallId, index: ItemIndex, store: StoreDep, clock: ClockDep, staff: StaffLabel
) -> ActionItemState:
    row = await _call(store, summary_id, index)
    await store.reopen_action_item(row.id, index)
    await record_staff_action(
        store,
        clock,
        staff,
        "reopen_action_item",
        phone=row.user_phone,
        summary_id=row.id,
        index=index,
    )
    return ActionItemState(index=index, done=False)
