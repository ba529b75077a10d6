"""GET /api/summaries and /api/summaries/{id} over SQLite and PostgreSQL (staff only)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from aida.store.models import CallSummary
from tests.api.conftest import STAFF_KEYS, sqlite_only

ALICE = "+12125550143"
BOB = "+14155550132"


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 2, day, hour, tzinfo=dt.UTC)


@pytest.fixture
async def calls(store) -> list[CallSummary]:
    rows = [
        CallSummary(
            id=str(uuid.uuid4()),
            user_phone=phone,
            summary_text=f"Call {n}",
            created_at=created,
            status="complete",
            transcript=[{"role": "user", "text": f"hello {n}"}],
            timeline=[{"type": "tool_call", "name": "find_available_slots"}],
            cost_breakdown={"total_usd": 0.01 * n},
            action_items=[{"text": f"follow up {n}"}],
            duration_seconds=60.0 + n,
        )
        for n, (phone, created) in enumerate(
            [(ALICE, at(2, 15)), (BOB, at(10, 15)), (ALICE, at(20, 15)), (ALICE, at(27, 15))]
        )
    ]
    for phone in (ALICE, BOB):  # callers who proved who they are: their calls are theirs
        await store.upsert_patient(phone, None, dt.date(1980, 1, 1))
    for row in rows:
        await store.save_call_summary(row)
    return rows


async def test_list_newest_first_without_transcripts(client, staff, calls) -> None:
    resp = await client.get("/api/summaries", headers=staff)
    assert resp.status_code == 200
    body = resp.json()
    assert [i["id"] for i in body["items"]] == [c.id for c in reversed(calls)]
    assert body["next_offset"] is None
    first = body["items"][0]
    assert first["summary_text"] == "Call 3" and first["action_items"] == [{"text": "follow up 3"}]
    assert "transcript" not in first and "timeline" not in first


async def test_filter_by_phone_in_any_format_and_dates(client, staff, calls) -> None:
    params = {"phone": "(212) 555-0143", "since": "2026-02-10", "until": "2026-02-25"}
    body = (await client.get("/api/summaries", params=params, headers=staff)).json()
    assert [i["id"] for i in body["items"]] == [calls[2].id]
    alice = (await client.get("/api/summaries", params={"phone": ALICE}, headers=staff)).json()
    assert {i["user_phone"] for i in alice["items"]} == {ALICE} and len(alice["items"]) == 3


async def test_pagination_reports_the_next_page(client, staff, calls) -> None:
    page1 = (await client.get("/api/summaries", params={"limit": 3}, headers=staff)).json()
    assert len(page1["items"]) == 3 and page1["next_offset"] == 3
    page2 = (
        await client.get("/api/summaries", params={"limit": 3, "offset": 3}, headers=staff)
    ).json()
    assert [i["id"] for i in page2["items"]] == [calls[0].id] and page2["next_offset"] is None


async def test_detail_has_transcript_timeline_cost(client, calls) -> None:
    call = calls[1]
    resp = await client.get(f"/api/summaries/{call.id}", headers={"X-API-Key": STAFF_KEYS[1]})
    assert resp.status_code == 200
    body = resp.json()
    assert body["id"] == call.id and body["user_phone"] == BOB
    assert body["transcript"] == [{"role": "user", "text": "hello 1"}]
    assert body["timeline"] == [{"type": "tool_call", "name": "find_available_slots"}]
    assert body["cost_breakdown"] == {"total_usd": 0.01}
    assert dt.datetime.fromisoformat(body["created_at"]) == at(10, 15)


async def test_unknown_id_is_a_clear_404(client, staff) -> None:
    missing = uuid.uuid4()
    resp = await client.get(f"/api/summaries/{missing}", headers=staff)
    assert resp.status_code == 404
    assert resp.json() == {
        "error": "summary_not_found",
        "message": f"No call summary has the id {missing}.",
    }


@sqlite_only
@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/api/summaries/not-a-uuid", "summary_id"),
        ("/api/summaries?phone=123", "phone"),
        ("/api/summaries?since=yesterday", "since"),
        ("/api/summaries?since=2026-03-02&until=2026-03-01", "until"),
        ("/api/summaries?limit=1000", "limit"),
    ],
)
async def test_bad_input_is_422(client, staff, path: str, where: str) -> None:
    resp = await client.get(path, headers=staff)
    assert resp.status_code == 422
    assert where in resp.json()["message"]
