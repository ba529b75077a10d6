"""GET /api/slots over SQLite and PostgreSQL: the grid, bookings, pagination, windows in words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.api.conftest import NOW, sqlite_only

NY = ZoneInfo("America/New_York")
PHONE = "+12125550143"


def local(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=NY)


async def all_items(client, **params: object) -> list[dict]:
    items, offset = [], 0
    while True:
        page = (await client.get("/api/slots", params={**params, "offset": offset})).json()
        items += page["items"]
        if page["next_offset"] is None:
            return items
        offset = page["next_offset"]


async def test_coming_week_by_default_with_offsets_and_spoken_text(client) -> None:
    resp = await client.get("/api/slots", params={"limit": 200})
    assert resp.status_code == 200
    body = resp.json()
    assert body["timezone"] == "America/New_York"
    assert body["window"]["description"] == "in the coming week"
    items = body["items"]
    # It is 9:00 on Monday: 9:30 is the first start still ahead; 9-to-5 in 30-minute slots
    # leaves 15 starts today and 16 on each of Tuesday to Friday. Seven days of elapsed time
    # cross the switch to daylight time, so the window ends at 10:00 EDT next Monday: 2 more.
    assert items[0] == {
        "start": "2026-03-02T09:30:00-05:00",
        "end": "2026-03-02T10:00:00-05:00",
        "spoken": "Monday, March 2 at 9:30 AM",
    }
    assert body["total"] == 15 + 4 * 16 + 2 == len(items)
    assert items[-1]["start"] == "2026-03-09T09:30:00-04:00"
    starts = [dt.datetime.fromisoformat(i["start"]) for i in items]
    assert starts == sorted(starts)
    assert all(NOW < s < NOW + dt.timedelta(days=7) for s in starts)
    assert all(s.astimezone(NY).weekday() < 5 for s in starts)


async def test_booked_slot_is_not_offered(client, store) -> None:
    await store.upsert_patient(PHONE, "Jordan Lee")
    start = local(2026, 3, 3, 10)
    await store.book(PHONE, start, start + dt.timedelta(minutes=30))
    items = await all_items(client, **{"from": "2026-03-03", "to": "2026-03-03"})
    starts = [i["start"] for i in items]
    assert "2026-03-03T10:00:00-05:00" not in starts
    assert "2026-03-03T09:30:00-05:00" in starts and "2026-03-03T10:30:00-05:00" in starts
    assert len(starts) == 15


async def test_pages_join_up_to_the_whole_window(client) -> None:
    whole = (await client.get("/api/slots", params={"limit": 200})).json()["items"]
    first = (await client.get("/api/slots", params={"limit": 30})).json()
    assert first["next_offset"] == 30 and first["items"] == whole[:30]
    assert await all_items(client, limit=30) == whole
    last = (await client.get("/api/slots", params={"limit": 30, "offset": 60})).json()
    assert last["next_offset"] is None and len(last["items"]) == len(whole) - 60


async def test_offset_follows_daylight_saving(client) -> None:
    # US clocks go forward on Sunday 8 March 2026: same wall times, new offset.
    items = (
        await client.get("/api/slots", params={"from": "2026-03-09", "to": "2026-03-09"})
    ).json()
    assert items["items"][0]["start"] == "2026-03-09T09:00:00-04:00"


async def test_when_in_words(client) -> None:
    body = (await client.get("/api/slots", params={"when": "next week", "limit": 200})).json()
    days = {dt.datetime.fromisoformat(i["start"]).date() for i in body["items"]}
    assert days == {dt.date(2026, 3, d) for d in range(9, 14)}
    assert "week" in body["window"]["description"]


async def test_when_with_a_time_of_day_keeps_only_those_times(client) -> None:
    body = (await client.get("/api/slots", params={"when": "tomorrow morning"})).json()
    starts = [dt.datetime.fromisoformat(i["start"]) for i in body["items"]]
    assert starts and all(s.date() == dt.date(2026, 3, 3) and s.hour < 12 for s in starts)


@sqlite_only
@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"from": "next tuesday"}, "from"),
        ({"from": "2026-03-09", "to": "2026-03-02"}, "to"),
        ({"when": "next week", "from": "2026-03-09"}, "when"),
        ({"limit": 0}, "limit"),
        ({"from": "9999-12-31"}, "from"),
    ],
)
async def test_bad_windows_are_422_naming_the_parameter(client, params, where) -> None:
    resp = await client.get("/api/slots", params=params)
    assert resp.status_code == 422
    body = resp.json()
    assert body["error"] == "validation_error"
    assert where in body["message"]


@sqlite_only
async def test_words_not_understood_are_a_422_with_a_sentence(client) -> None:
    resp = await client.get("/api/slots", params={"when": "blorptember the fifth"})
    assert resp.status_code == 422
    body = resp.json()
    assert body["error"] in {"invalid_request", "ambiguous_time"}
    assert body["message"].endswith((".", "?"))


async def test_window_in_the_past_or_beyond_the_horizon_is_empty(client) -> None:
    past = (
        await client.get("/api/slots", params={"from": "2026-02-02", "to": "2026-02-06"})
    ).json()
    assert past["items"] == [] and past["total"] == 0
    far = (await client.get("/api/slots", params={"from": "2027-06-01", "to": "2027-06-30"})).json()
    assert far["items"] == [] and far["next_offset"] is None
