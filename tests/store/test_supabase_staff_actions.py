"""Staff work on action items through the Supabase backend: the exact PostgREST requests, and the
same contract as SQLite and PostgreSQL against the fake PostgREST's rows (the SQL function and
the computed field themselves run on the real PostgreSQL in the contract tests)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest

from aida.errors import ActionItemNotFound
from aida.store.models import ActionItemDone, CallSummary
from aida.store.supabase import SupabaseStore
from tests.store.supabase_fake import FakePostgrest, PostgrestState
from tests.store.test_supabase_http import SUMMARY_COLUMNS, assert_rpc, make_store, only

CALL = "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"
OTHER_CALL = "0b9e8d7c-6a5f-4e3d-9c2b-1a0f9e8d7c6b"
AT = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
MARK_ROW = {
    "call_id": CALL,
    "item_index": 1,
    "done_at": "2026-12-01T15:00:00+00:00",
    "done_by": "staff:frontdesk",
}


@pytest.fixture
async def fake() -> AsyncIterator[FakePostgrest]:
    server = FakePostgrest()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def store(fake: FakePostgrest) -> AsyncIterator[SupabaseStore]:
    s = make_store(fake.url)
    yield s
    await s.close()


async def test_mark_is_one_rpc(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(200, MARK_ROW)
    mark = await store.mark_action_item_done(CALL.upper(), 1, "staff:frontdesk", AT)
    assert_rpc(
        only(fake),
        "mark_action_item_done",
        {
            "p_call_id": CALL,
            "p_item_index": 1,
            "p_done_by": "staff:frontdesk",
            "p_done_at": "2026-12-01T15:00:00+00:00",
        },
    )
    assert mark == ActionItemDone(call_id=CALL, index=1, done_at=AT, done_by="staff:frontdesk")


async def test_no_such_item(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.error(400, "AI414", "no such action item")
    with pytest.raises(ActionItemNotFound):
        await store.mark_action_item_done(CALL, 5, "staff:frontdesk", AT)
    with pytest.raises(ActionItemNotFound):  # refused before anything is sent
        await store.mark_action_item_done("not-a-uuid", 0, "staff:frontdesk", AT)
    assert len(fake.requests) == 1


async def test_reopen_and_list_requests(fake: FakePostgrest, store: SupabaseStore) -> None:
    fake.reply(204)
    await store.reopen_action_item(CALL, 1)
    req = only(fake)
    assert (req.method, req.path) == ("DELETE", "/rest/v1/action_items_done")
    assert req.query == f"call_id=eq.{CALL}&item_index=eq.1"
    assert "return=minimal" in req.headers["prefer"]

    fake.requests.clear()
    fake.reply(200, [MARK_ROW])
    marks = await store.list_action_items_done([CALL, OTHER_CALL, "junk"])
    req = only(fake)
    assert (req.method, req.path) == ("GET", "/rest/v1/action_items_done")
    assert req.params == [
        ("select", "call_id,item_index,done_at,done_by"),
        ("call_id", f"in.({CALL},{OTHER_CALL})"),
        ("order", "call_id.asc,item_index.asc"),
    ]
    assert [m.index for m in marks] == [1]
    fake.requests.clear()
    assert await store.list_action_items_done(["junk"]) == []
    assert fake.requests == []


async def test_open_first_orders_by_the_computed_field(
    fake: FakePostgrest, store: SupabaseStore
) -> None:
    fake.reply(200, [])
    await store.list_call_summaries(limit=5, open_first=True)
    assert only(fake).query == (
        f"select={SUMMARY_COLUMNS}"
        "&order=has_open_action_items.desc,created_at.desc,id.desc&offset=0&limit=5"
    )


async def test_the_contract_against_the_rows() -> None:
    state = PostgrestState()
    server = FakePostgrest(state)
    await server.start()
    store = make_store(server.url)
    try:
        ids = []
        for minutes, items in ((0, 2), (10, 0)):
            call_id = str(uuid.uuid4())
            ids.append(call_id)
            await store.save_call_summary(
                CallSummary(
                    id=call_id,
                    created_at=AT + dt.timedelta(minutes=minutes),
                    action_items=[{"kind": "callback", "text": "x"}] * items or None,
                )
            )
        open_old, none_new = ids
        listed = await store.list_call_summaries(open_first=True)
        assert [r.id for r in listed] == [open_old, none_new]
        first = await store.mark_action_item_done(open_old, 0, "staff:a", AT)
        assert await store.mark_action_item_done(open_old, 0, "staff:b", AT) == first
        await store.mark_action_item_done(open_old, 1, "staff:a", AT)
        listed = await store.list_call_summaries(open_first=True)
        assert [r.id for r in listed] == [none_new, open_old]
        with pytest.raises(ActionItemNotFound):
            await store.mark_action_item_done(none_new, 0, "staff:a", AT)
        await store.reopen_action_item(open_old, 1)
        assert [m.index for m in await store.list_action_items_done([open_old])] == [0]
    finally:
        await store.close()
        await server.stop()
