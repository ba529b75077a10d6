"""Staff work on action items through the Supabase backend: the exact PostgREST requests
supabase-py sends (a recording server with scripted replies), and the same requests answered by
the real SQL (`mark_action_item_done`, the `has_open_action_items` computed field) on PostgreSQL
through the PostgREST double. The whole staff-actions contract runs on this backend too
(`test_contract_staff_actions.py`, via tests/store/conftest.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest

from aida.errors import ActionItemNotFound
from aida.store.models import ActionItemDone, CallSummary
from aida.store.supabase import SupabaseStore
from tests.store.postgrest_double import FakePostgrest
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


@pytest.mark.postgres
async def test_the_requests_against_the_real_sql(postgrest: FakePostgrest) -> None:
    store = make_store(postgrest.url)
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
        postgrest.requests.clear()
        listed = await store.list_call_summaries(open_first=True)
        assert [r.id for r in listed] == [open_old, none_new]
        # ordered by the computed field, which PostgreSQL evaluated
        assert "order=has_open_action_items.desc,created_at.desc,id.desc" in only(postgrest).query

        first = await store.mark_action_item_done(open_old, 0, "staff:a", AT)
        assert first == ActionItemDone(call_id=open_old, index=0, done_at=AT, done_by="staff:a")
        later = AT + dt.timedelta(minutes=1)
        assert await store.mark_action_item_done(open_old, 0, "staff:b", later) == first
        await store.mark_action_item_done(open_old, 1, "staff:a", AT)
        listed = await store.list_call_summaries(open_first=True)
        assert [r.id for r in listed] == [none_new, open_old]

        # the function's own refusal (AI414), for a call without items and one that is not there
        postgrest.requests.clear()
        for call_id in (none_new, str(uuid.uuid4())):
            with pytest.raises(ActionItemNotFound):
                await store.mark_action_item_done(call_id, 0, "staff:a", AT)
        assert [r.path for r in postgrest.requests] == ["/rest/v1/rpc/mark_action_item_done"] * 2

        await store.reopen_action_item(open_old, 1)
        postgrest.requests.clear()
        marks = await store.list_action_items_done([open_old, none_new, "junk"])
        assert [(m.call_id, m.index) for m in marks] == [(open_old, 0)]
        assert ("call_id", f"in.({open_old},{none_new})") in only(postgrest).params
    finally:
        await store.close()
