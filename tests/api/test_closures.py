"""GET/POST/DELETE /api/closures over SQLite and PostgreSQL: staff close days and hours, each
change is audited, and the public slots stop offering the closed time at once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.api.conftest import NOW, sqlite_only

NY = ZoneInfo("America/New_York")
PHONE = "+12125550143"


async def staff_rows(store, action: str) -> list:  # type: ignore[no-untyped-def]
    return [r for r in await store.list_audit() if r.action == action]


async def test_staff_only(client) -> None:
    assert (await client.get("/api/closures")).status_code == 401
    resp = await client.post("/api/closures", json={"date": "2026-11-26"})
    assert resp.status_code == 401
    assert (await client.delete("/api/closures/x")).status_code == 401


async def test_close_a_day_list_it_and_reopen(client, staff, store) -> None:
    resp = await client.post(
        "/api/closures", json={"date": "2026-11-26", "reason": "Thanksgiving"}, headers=staff
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    closure = body["closure"]
    assert closure["start"] == "2026-11-26T00:00:00-05:00"
    assert closure["end"] == "2026-11-27T00:00:00-05:00"
    assert closure["all_day"] is True and closure["reason"] == "Thanksgiving"
    assert closure["spoken"] == "on Thursday, November 26 for Thanksgiving"
    assert body["affected"] == []
    (added,) = await staff_rows(store, "add_closure")
    assert (added.actor, added.patient_phone, added.at) == ("staff:key1", None, NOW)
    assert added.detail == {"closure_id": closure["id"]}

    listed = (await client.get("/api/closures", headers=staff)).json()
    assert listed["timezone"] == "America/New_York"
    assert [c["id"] for c in listed["items"]] == [closure["id"]]
    window = {"from": "2026-12-01", "to": "2026-12-31"}
    assert (await client.get("/api/closures", params=window, headers=staff)).json()["items"] == []

    gone = await client.delete(f"/api/closures/{closure['id']}", headers=staff)
    assert gone.status_code == 200 and gone.json() == closure
    (removed,) = await staff_rows(store, "remove_closure")
    assert removed.detail == {"closure_id": closure["id"]}
    again = await client.delete(f"/api/closures/{closure['id']}", headers=staff)
    assert again.status_code == 404 and again.json()["error"] == "not_found"
    assert (await client.get("/api/closures", headers=staff)).json()["items"] == []


async def test_closed_hours_leave_the_public_slots_at_once(client, staff) -> None:
    params = {"from": "2026-03-04", "to": "2026-03-04", "limit": 50}
    before = (await client.get("/api/slots", params=params)).json()
    assert before["total"] == 16
    resp = await client.post(
        "/api/closures",
        json={"date": "2026-03-04", "from_time": "13:00", "to_time": "17:00", "reason": "Training"},
        headers=staff,
    )
    assert resp.status_code == 201
    assert resp.json()["closure"]["spoken"] == (
        "on Wednesday, March 4 from 1 PM to 5 PM for Training"
    )
    after = (await client.get("/api/slots", params=params)).json()
    assert after["total"] == 8
    assert all(dt.datetime.fromisoformat(i["start"]).hour < 13 for i in after["items"])


async def test_appointments_already_inside_are_kept_and_listed(client, staff, store) -> None:
    await store.upsert_patient(PHONE, "Alice Moreno")
    start = dt.datetime(2026, 3, 5, 10, 0, tzinfo=NY)
    appt = (await store.book(PHONE, start, start + dt.timedelta(minutes=30))).appointment
    resp = await client.post(
        "/api/closures",
        json={"date": "2026-03-05", "until": "2026-03-06", "reason": "Flood"},
        headers=staff,
    )
    assert resp.status_code == 201
    body = resp.json()
    assert body["closure"]["spoken"] == "from Thursday, March 5 to Friday, March 6 for Flood"
    assert [(a["id"], a["status"]) for a in body["affected"]] == [(appt.id, "booked")]
    assert (await store.get_appointment(appt.id)).status == "booked"
    (added,) = await staff_rows(store, "add_closure")
    assert added.detail["appointment_ids"] == [appt.id]


@sqlite_only
async def test_bad_closures_are_422_and_change_nothing(client, staff, store) -> None:
    for body in (
        {"date": "2026-11-27", "until": "2026-11-26"},
        {"date": "2026-11-26", "from_time": "17:00", "to_time": "09:00"},
        {"date": "1999-12-31"},
        {"date": "2026-01-01", "until": "2027-06-01"},
        {"date": "26/11/2026"},
        {"date": "2026-11-26", "reason": "x" * 201},
    ):
        resp = await client.post("/api/closures", json=body, headers=staff)
        assert resp.status_code == 422, (body, resp.text)
        assert resp.json()["message"]
    assert await store.list_closures() == []
    assert await staff_rows(store, "add_closure") == []


async def test_slots_for_a_visit_type_and_a_provider(client, store) -> None:
    patel = await store.save_provider("Dr. Patel", "Mon-Fri 09:00-17:00")
    await store.save_provider("Dr. Kim", "Tue,Thu 08:00-12:00")
    await store.save_visit_type("Physical", 60, [patel.id])
    await store.save_visit_type("Follow-up", 30)
    day = {"from": "2026-03-03", "to": "2026-03-03", "limit": 200}
    physicals = (await client.get("/api/slots", params={**day, "visit_type": "physical"})).json()
    assert physicals["total"] == 15  # 9:00 to 4:00, every half hour, an hour each
    first = physicals["items"][0]
    assert (first["start"], first["end"]) == (
        "2026-03-03T09:00:00-05:00",
        "2026-03-03T10:00:00-05:00",
    )
    kim = await client.get(
        "/api/slots", params={**day, "visit_type": "follow-up", "provider": "Dr. Kim"}
    )
    assert [i["start"][11:16] for i in kim.json()["items"]] == [
        "08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
    ]  # fmt: skip
    # everyone, one slot long, when nothing is said: Dr. Kim's 8 AM and the clinic's day
    anyone = (await client.get("/api/slots", params=day)).json()
    assert anyone["total"] == 18
    unknown = await client.get("/api/slots", params={**day, "provider": "Dr. Smith"})
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_provider"
