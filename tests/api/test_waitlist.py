"""The staff waitlist API: list, add, edit, remove; every request audited under the key's label;
removing an entry with an open offer withdraws it and passes the held time to the next match."""

from __future__ import annotations

import datetime as dt

from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from aida.tools.book_appointment import book_appointment
from aida.tools.cancel_appointment import cancel_appointment
from tests.api.conftest import sqlite_only

ANN, BOB, CAT = "+12025550101", "+12025550102", "+12025550103"


async def test_staff_only(client) -> None:
    assert (await client.get("/api/waitlist")).status_code == 401
    assert (await client.post("/api/waitlist", json={})).status_code == 401


async def test_add_list_edit_remove_audited(
    client, staff, store: Store, settings: Settings, clock: FixedClock
) -> None:
    for phone in (ANN, BOB, CAT):
        await store.upsert_patient(phone, f"Pat {phone[-1]}")
    ctx = ClinicContext(store=store, settings=settings, clock=clock)
    appt = await book_appointment(ctx, ANN, "Thursday at 3")

    bob = await client.post(
        "/api/waitlist", json={"phone": "(202) 555-0102", "when": "Thursday at 3"}, headers=staff
    )
    assert bob.status_code == 201, bob.text
    assert bob.json()["wanted"] == "Thursday, March 5 at 3 PM"
    assert bob.json()["updated_by"] == "staff:key1"
    again = await client.post(
        "/api/waitlist", json={"phone": BOB, "when": "Thursday at 3"}, headers=staff
    )
    assert again.status_code == 200 and again.json()["id"] == bob.json()["id"]
    clock.advance(dt.timedelta(minutes=1))  # Cat asked later than Bob
    cat = await client.post(
        "/api/waitlist",
        json={"phone": CAT, "when": "any Thursday afternoon", "note": "prefers late"},
        headers=staff,
    )
    assert cat.status_code == 201 and cat.json()["weekly"] and cat.json()["note"] == "prefers late"

    # Ann cancels: Bob, first on the list, is offered the time
    await cancel_appointment(ctx, ANN, str(appt.data["appointment"]["id"]))
    listed = (await client.get("/api/waitlist", headers=staff)).json()["entries"]
    assert [e["phone"] for e in listed] == [BOB, CAT]
    assert listed[0]["status"] == "offered" and listed[0]["offer"]["status"] == "offered"
    assert listed[0]["patient_name"] == "Pat 2"

    # staff take Bob off: his offer is withdrawn and the held time goes to Cat
    gone = await client.delete(f"/api/waitlist/{bob.json()['id']}", headers=staff)
    assert gone.status_code == 200 and gone.json()["status"] == "removed"
    assert gone.json()["offer"]["status"] == "withdrawn"
    listed = (await client.get("/api/waitlist", headers=staff)).json()["entries"]
    assert [(e["phone"], e["status"]) for e in listed] == [(CAT, "offered")]
    held = await store.list_appointments(status="held")
    assert [a.user_phone for a in held] == [CAT]

    edited = await client.patch(
        f"/api/waitlist/{cat.json()['id']}", json={"note": "call after 5"}, headers=staff
    )
    assert edited.status_code == 200 and edited.json()["note"] == "call after 5"
    assert edited.json()["status"] == "offered"  # a note changes nothing else

    actions = [(r.actor, r.action) for r in await store.list_audit() if r.actor.startswith("staff")]
    for action in ("read_waitlist", "add_waitlist_entry", "update_waitlist_entry"):
        assert ("staff:key1", action) in actions
    assert ("staff:key1", "remove_waitlist_entry") in actions
    assert ("staff:key1", "waitlist_withdrawn") in actions


@sqlite_only
async def test_bad_input(client, staff, store: Store) -> None:
    await store.upsert_patient(ANN, "Ann")
    bad_time = await client.post(
        "/api/waitlist", json={"phone": ANN, "when": "the Monday after Easter"}, headers=staff
    )
    assert bad_time.status_code == 422
    nobody = await client.post(
        "/api/waitlist", json={"phone": "+12025550199", "when": "Thursday at 3"}, headers=staff
    )
    assert nobody.status_code == 404
    missing = await client.patch(
        "/api/waitlist/00000000-0000-0000-0000-000000000000", json={}, headers=staff
    )
    assert missing.status_code == 404
