"""The Store contract for staff work on a call's action items, on SQLite, a real PostgreSQL and
Supabase (its requests answered by the real SQL function and computed field, tests/store/
conftest.py): marking done (who and when, once), reopening, and the calls list with open items
first."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest

from aida.errors import ActionItemNotFound
from aida.store.models import CallSummary
from aida.store.protocol import Store

UTC = dt.UTC
T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
ITEM = {"kind": "callback", "text": "Call the patient back: billing", "source": "call"}


async def record(store: Store, minutes: int, items: int) -> str:
    call_id = str(uuid.uuid4())
    await store.save_call_summary(
        CallSummary(
            id=call_id,
            summary_text=f"call at +{minutes} min",
            created_at=T0 + dt.timedelta(minutes=minutes),
            action_items=[{**ITEM, "n": n} for n in range(items)] if items else None,
        )
    )
    return call_id


async def test_marking_done_records_who_and_when_once(store: Store) -> None:
    call = await record(store, 0, 2)
    at = T0 + dt.timedelta(hours=1)
    mark = await store.mark_action_item_done(call, 1, "staff:frontdesk", at)
    assert (mark.call_id, mark.index, mark.done_by, mark.done_at) == (
        call,
        1,
        "staff:frontdesk",
        at,
    )
    assert mark.done_at.tzinfo is not None
    # a second click, or a colleague a minute later: the first mark stands
    again = await store.mark_action_item_done(call, 1, "staff:dr.kim", at + dt.timedelta(minutes=1))
    assert again == mark
    assert await store.list_action_items_done([call]) == [mark]

    await store.reopen_action_item(call, 1)
    assert await store.list_action_items_done([call]) == []
    await store.reopen_action_item(call, 1)  # nothing to reopen is fine
    await store.reopen_action_item("not-a-uuid", 0)


async def test_only_items_that_exist_can_be_marked(store: Store) -> None:
    with_items = await record(store, 0, 1)
    without = await record(store, 1, 0)
    for call_id, index in (
        (with_items, 1),  # past the end
        (with_items, -1),
        (without, 0),  # a call with no action items
        (str(uuid.uuid4()), 0),  # no such call
        ("not-a-uuid", 0),
    ):
        with pytest.raises(ActionItemNotFound):
            await store.mark_action_item_done(call_id, index, "staff:frontdesk", T0)
    assert await store.list_action_items_done([with_items, without]) == []


async def test_marks_are_listed_per_call(store: Store) -> None:
    a, b = await record(store, 0, 3), await record(store, 1, 1)
    await store.mark_action_item_done(a, 2, "staff:x", T0)
    await store.mark_action_item_done(a, 0, "staff:y", T0)
    await store.mark_action_item_done(b, 0, "staff:x", T0)
    marks = await store.list_action_items_done([a])
    assert [(m.call_id, m.index, m.done_by) for m in marks] == [
        (a, 0, "staff:y"),
        (a, 2, "staff:x"),
    ]
    assert len(await store.list_action_items_done([a, b, "junk"])) == 3
    assert await store.list_action_items_done([]) == []


async def test_racing_marks_of_one_item_leave_one_mark(store: Store) -> None:
    call = await record(store, 0, 1)
    marks = await asyncio.gather(
        *(
            store.mark_action_item_done(call, 0, f"staff:s{n}", T0 + dt.timedelta(seconds=n))
            for n in range(8)
        )
    )
    assert len({(m.done_by, m.done_at) for m in marks}) == 1  # everyone sees the winner
    assert await store.list_action_items_done([call]) == [marks[0]]


async def test_calls_with_open_items_come_first(store: Store) -> None:
    open_old = await record(store, 0, 2)  # oldest, two open items
    done_mid = await record(store, 10, 1)
    none_new = await record(store, 20, 0)  # newest, nothing to do
    await store.mark_action_item_done(done_mid, 0, "staff:frontdesk", T0)

    def ids(rows: list[CallSummary]) -> list[str]:
        return [r.id for r in rows]

    assert ids(await store.list_call_summaries()) == [none_new, done_mid, open_old]
    assert ids(await store.list_call_summaries(open_first=True)) == [
        open_old,
        none_new,
        done_mid,
    ]
    page = await store.list_call_summaries(open_first=True, limit=1, offset=1)
    assert ids(page) == [none_new]

    # one item done is not enough: the call stays open until both are
    await store.mark_action_item_done(open_old, 0, "staff:frontdesk", T0)
    assert ids(await store.list_call_summaries(open_first=True))[0] == open_old
    await store.mark_action_item_done(open_old, 1, "staff:frontdesk", T0)
    assert ids(await store.list_call_summaries(open_first=True)) == [
        none_new,
        done_mid,
        open_old,
    ]
    # reopening puts it back on top
    await store.reopen_action_item(done_mid, 0)
    assert ids(await store.list_call_summaries(open_first=True))[0] == done_mid
