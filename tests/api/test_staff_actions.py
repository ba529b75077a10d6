"""Staff who act: book, move and cancel for a patient, and mark a call's action items done,
over SQLite and PostgreSQL; every change audited under the staff key's label."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from aida.store.models import CallSummary
from tests.api.conftest import STAFF_KEYS, sqlite_only

NY = ZoneInfo("America/New_York")
ALICE = "+12125550143"
BOB = "+14155550132"
# Wednesday 4 March 2026, 10 AM in New York (the clock stands at Monday 2 March, 9 AM).
WED_10 = "2026-03-04T10:00:00"
BOB_STAFF = {"Authorization": f"Bearer {STAFF_KEYS[1]}"}


@pytest.fixture
async def patients(store) -> None:  # type: ignore[no-untyped-def]
    await store.upsert_patient(ALICE, "Alice Moreno")
    await store.upsert_patient(BOB, "Bob Chen")


async def audit_actions(store) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    return [(e.actor, e.action, e.patient_phone) for e in await store.list_audit()]


# --- booking -------------------------------------------------------------------------------


async def test_book_for_a_patient_then_the_same_again(client, staff, store, patients) -> None:
    body = {"phone": "(212) 555-0143", "start": WED_10, "reason": "annual check-up"}
    resp = await client.post("/api/appointments", json=body, headers=staff)
    assert resp.status_code == 201, resp.text
    made = resp.json()
    assert made["message"] == "Booked Alice Moreno for Wednesday, March 4 at 10 AM."
    assert made["created"] is True and made["by"] == "staff:key1"
    appt = made["appointment"]
    assert appt["user_phone"] == ALICE and appt["patient_name"] == "Alice Moreno"
    assert appt["start"] == "2026-03-04T10:00:00-05:00" and appt["status"] == "booked"
    assert appt["meta"] == {"reason": "annual check-up"}

    # a double click: the same appointment back, nothing new
    again = await client.post("/api/appointments", json=body, headers=staff)
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["appointment"]["id"] == appt["id"]
    assert "already has this appointment" in again.json()["message"]
    assert [a.id for a in await store.list_appointments(phone=ALICE)] == [appt["id"]]
    assert await audit_actions(store) == [
        ("staff:key1", "staff_book_appointment", ALICE),
        ("staff:key1", "staff_book_appointment", ALICE),
    ]


async def test_a_taken_slot_is_a_clear_409(client, staff, store, patients) -> None:
    first = await client.post(
        "/api/appointments", json={"phone": ALICE, "start": WED_10}, headers=staff
    )
    assert first.status_code == 201
    taken = await client.post(
        "/api/appointments", json={"phone": BOB, "start": WED_10}, headers=BOB_STAFF
    )
    assert taken.status_code == 409
    err = taken.json()
    assert err["error"] == "slot_taken"
    assert err["message"].startswith("Sorry, Wednesday, March 4 at 10 AM is already taken.")
    assert "nearest openings" in err["message"] and err["alternatives"]
    assert await store.list_appointments(phone=BOB) == []
    # nothing happened, so nothing is audited for the second key
    assert [a for a in await audit_actions(store) if a[0] == "staff:key2"] == []


async def test_two_staff_racing_for_one_slot(client, staff, store, patients) -> None:
    replies = await asyncio.gather(
        client.post("/api/appointments", json={"phone": ALICE, "start": WED_10}, headers=staff),
        client.post("/api/appointments", json={"phone": BOB, "start": WED_10}, headers=BOB_STAFF),
    )
    assert sorted(r.status_code for r in replies) == [201, 409]
    booked = await store.list_appointments(
        start=dt.datetime(2026, 3, 4, 10, tzinfo=NY), end=dt.datetime(2026, 3, 4, 11, tzinfo=NY)
    )
    assert len(booked) == 1


@sqlite_only
async def test_a_new_number_needs_a_name(client, staff, store) -> None:
    body = {"phone": "(646) 555-0100", "start": WED_10}
    missing = await client.post("/api/appointments", json=body, headers=staff)
    assert missing.status_code == 404
    assert missing.json()["error"] == "patient_not_found"
    assert "give the patient's full name" in missing.json()["message"]
    made = await client.post("/api/appointments", json={**body, "name": "Dana Cruz"}, headers=staff)
    assert made.status_code == 201
    assert made.json()["appointment"]["patient_name"] == "Dana Cruz"


@sqlite_only
@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"phone": "12", "start": WED_10}, "validation_error"),
        ({"phone": ALICE, "start": "banana"}, "invalid_request"),
        ({"phone": ALICE, "start": "2026-03-07T10:00:00"}, "invalid_request"),  # a Saturday
        ({"phone": ALICE, "start": "2026-02-27T10:00:00"}, "invalid_request"),  # the past
        ({"phone": ALICE}, "validation_error"),
    ],
)
async def test_bad_input_changes_nothing(client, staff, store, patients, body, error) -> None:
    resp = await client.post("/api/appointments", json=body, headers=staff)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"] == error and resp.json()["message"]
    assert await store.list_appointments() == []


@sqlite_only
async def test_staff_credentials_are_required(client, store, patients) -> None:
    resp = await client.post("/api/appointments", json={"phone": ALICE, "start": WED_10})
    assert resp.status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    appt = str(uuid.uuid4())
    for path in (f"/api/appointments/{appt}/cancel", f"/api/appointments/{appt}/reschedule"):
        assert (await client.post(path, json={"start": WED_10}, headers=wrong)).status_code == 401
    assert await store.list_appointments() == []
    assert await store.list_audit() == []


# --- moving and cancelling -----------------------------------------------------------------


async def test_move_holds_the_new_time_first(client, staff, store, patients) -> None:
    made = await client.post(
        "/api/appointments", json={"phone": ALICE, "start": WED_10}, headers=staff
    )
    appt_id = made.json()["appointment"]["id"]
    bob = await client.post(
        "/api/appointments", json={"phone": BOB, "start": "2026-03-05T09:00:00"}, headers=staff
    )
    assert bob.status_code == 201

    # into Bob's slot: refused, and Alice keeps hers
    clash = await client.post(
        f"/api/appointments/{appt_id}/reschedule",
        json={"start": "2026-03-05T09:00:00"},
        headers=staff,
    )
    assert clash.status_code == 409 and "already taken" in clash.json()["message"]
    assert (await store.get_appointment(appt_id)).status == "booked"

    moved = await client.post(
        f"/api/appointments/{appt_id}/reschedule",
        json={"start": "2026-03-05T14:30:00"},
        headers=staff,
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["message"] == (
        "Moved Alice Moreno from Wednesday, March 4 at 10 AM to Thursday, March 5 at 2:30 PM."
    )
    assert body["previous"]["id"] == appt_id and body["previous"]["status"] == "cancelled"
    assert body["appointment"]["start"] == "2026-03-05T14:30:00-05:00"
    assert [a.id for a in await store.list_appointments(phone=ALICE)] == [body["appointment"]["id"]]
    # the same move again: the same new appointment
    again = await client.post(
        f"/api/appointments/{appt_id}/reschedule",
        json={"start": "2026-03-05T14:30:00"},
        headers=staff,
    )
    assert again.status_code == 200
    assert again.json()["appointment"]["id"] == body["appointment"]["id"]
    actions = [a[1] for a in await audit_actions(store)]
    assert actions.count("staff_reschedule_appointment") == 2


async def test_cancel_then_again(client, staff, store, patients) -> None:
    made = await client.post(
        "/api/appointments", json={"phone": BOB, "start": WED_10}, headers=staff
    )
    appt_id = made.json()["appointment"]["id"]
    gone = await client.post(f"/api/appointments/{appt_id}/cancel", headers=BOB_STAFF)
    assert gone.status_code == 200
    assert (
        gone.json()["message"] == "Cancelled Bob Chen's appointment on Wednesday, March 4 at 10 AM."
    )
    assert gone.json()["appointment"]["status"] == "cancelled"
    assert gone.json()["by"] == "staff:key2"
    again = await client.post(f"/api/appointments/{appt_id}/cancel", headers=staff)
    assert again.status_code == 200 and "was already cancelled" in again.json()["message"]
    assert await store.list_appointments(phone=BOB) == []
    assert ("staff:key2", "staff_cancel_appointment", BOB) in await audit_actions(store)


@sqlite_only
async def test_unknown_appointment(client, staff) -> None:
    missing = str(uuid.uuid4())
    resp = await client.post(f"/api/appointments/{missing}/cancel", headers=staff)
    assert resp.status_code == 404 and resp.json()["error"] == "appointment_not_found"
    bad = await client.post("/api/appointments/not-a-uuid/cancel", headers=staff)
    assert bad.status_code == 422


# --- action items --------------------------------------------------------------------------


async def save_call(store, minutes: int, items: int, phone: str | None = ALICE) -> str:  # type: ignore[no-untyped-def]
    call_id = str(uuid.uuid4())
    await store.save_call_summary(
        CallSummary(
            id=call_id,
            user_phone=phone,
            summary_text="A call.",
            created_at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes),
            action_items=[
                {"kind": "callback", "text": f"Call the patient back: item {n}", "source": "call"}
                for n in range(items)
            ]
            or None,
        )
    )
    return call_id


async def test_mark_an_action_item_done_and_open_it_again(client, staff, store, clock) -> None:
    call_id = await save_call(store, 0, 2)
    path = f"/api/summaries/{call_id}/action-items/1/done"
    done = await client.put(path, headers=staff)
    assert done.status_code == 200, done.text
    assert done.json() == {
        "index": 1,
        "done": True,
        "done_at": "2026-03-02T14:00:00Z",
        "done_by": "staff:key1",
    }
    # a colleague marking it again does not take it over
    again = await client.put(path, headers=BOB_STAFF)
    assert again.json()["done_by"] == "staff:key1"

    detail = (await client.get(f"/api/summaries/{call_id}", headers=staff)).json()
    assert [s["done"] for s in detail["action_items_state"]] == [False, True]
    assert detail["action_items_state"][1]["done_by"] == "staff:key1"
    assert detail["open_action_items"] == 1

    reopened = await client.delete(path, headers=staff)
    assert reopened.status_code == 200 and reopened.json()["done"] is False
    detail = (await client.get(f"/api/summaries/{call_id}", headers=staff)).json()
    assert detail["open_action_items"] == 2
    actions = [(a, act) for a, act, _ in await audit_actions(store) if "action_item" in act]
    # (the fixed clock gives them all one time, so their order is the id's)
    assert sorted(actions) == [
        ("staff:key1", "mark_action_item_done"),
        ("staff:key1", "reopen_action_item"),
        ("staff:key2", "mark_action_item_done"),
    ]


@sqlite_only
async def test_only_items_that_exist(client, staff, store) -> None:
    call_id = await save_call(store, 0, 1)
    past_end = await client.put(f"/api/summaries/{call_id}/action-items/1/done", headers=staff)
    assert past_end.status_code == 404 and past_end.json()["error"] == "action_item_not_found"
    assert "has 1 action items" in past_end.json()["message"]
    nobody = await client.put(f"/api/summaries/{uuid.uuid4()}/action-items/0/done", headers=staff)
    assert nobody.status_code == 404 and nobody.json()["error"] == "summary_not_found"
    negative = await client.put(f"/api/summaries/{call_id}/action-items/-1/done", headers=staff)
    assert negative.status_code == 422
    anonymous = await client.put(f"/api/summaries/{call_id}/action-items/0/done")
    assert anonymous.status_code == 401
    assert await store.list_action_items_done([call_id]) == []


async def test_the_calls_list_can_put_open_items_first(client, staff, store) -> None:
    old_open = await save_call(store, 0, 1)
    mid_done = await save_call(store, 10, 1, phone=BOB)
    new_none = await save_call(store, 20, 0, phone=None)
    await client.put(f"/api/summaries/{mid_done}/action-items/0/done", headers=staff)

    newest = (await client.get("/api/summaries", headers=staff)).json()
    assert [i["id"] for i in newest["items"]] == [new_none, mid_done, old_open]
    listed = (
        await client.get("/api/summaries", params={"order": "open_first"}, headers=staff)
    ).json()
    assert [i["id"] for i in listed["items"]] == [old_open, new_none, mid_done]
    assert [i["open_action_items"] for i in listed["items"]] == [1, 0, 0]
    assert listed["items"][2]["action_items_state"][0]["done_by"] == "staff:key1"
    page = (
        await client.get(
            "/api/summaries", params={"order": "open_first", "limit": 1, "offset": 1}, headers=staff
        )
    ).json()
    assert [i["id"] for i in page["items"]] == [new_none]
