"""GET/PUT /api/clinic/profile: staff read the profile a call would use and set its facts; each
request is audited, bad input is a 422 naming the field."""

from __future__ import annotations

from tests.api.conftest import NOW, sqlite_only


async def test_staff_only(client) -> None:
    assert (await client.get("/api/clinic/profile")).status_code == 401
    assert (await client.put("/api/clinic/profile", json={})).status_code == 401


async def test_default_then_set_and_read_back(client, staff, store) -> None:
    resp = await client.get("/api/clinic/profile", headers=staff)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["edits"] == {k: None for k in body["edits"]}
    profile = body["profile"]
    assert profile["address"] is None and profile["insurance_accepted"] == []
    assert profile["hours"]["mon"] == [{"open": "09:00", "close": "17:00"}]

    await client.post(
        "/api/closures", json={"date": "2026-11-26", "reason": "Thanksgiving"}, headers=staff
    )
    edits = {
        "address": "12 Main St",
        "hours": {"sat": "09:00-12:00"},
        "insurance_accepted": ["Aetna", "Cigna"],
        "facts": {"wifi": "Ask at the desk"},
    }
    put = await client.put("/api/clinic/profile", json=edits, headers=staff)
    assert put.status_code == 200, put.text
    profile = put.json()["profile"]
    assert profile["address"] == "12 Main St"
    assert profile["hours"]["sat"] == [{"open": "09:00", "close": "12:00"}]
    assert [h["reason"] for h in profile["holidays"]] == ["Thanksgiving"]
    again = (await client.get("/api/clinic/profile", headers=staff)).json()
    assert again["profile"] == profile
    assert again["edits"]["facts"] == {"wifi": "Ask at the desk"}

    audit = [r for r in await store.list_audit() if r.action == "update_clinic_profile"]
    assert [(r.actor, r.at, r.detail) for r in audit] == [
        ("staff:key1", NOW, {"fields": ["address", "facts", "hours", "insurance_accepted"]})
    ]
    assert any(r.action == "read_clinic_profile" for r in await store.list_audit())


@sqlite_only
async def test_bad_input_is_a_422_naming_the_field(client, staff) -> None:
    resp = await client.put(
        "/api/clinic/profile", json={"hours": {"mon": "17:00-09:00"}}, headers=staff
    )
    assert resp.status_code == 422
    assert "hours" in str(resp.json()["detail"])
    resp = await client.put("/api/clinic/profile", json={"opening": "9-5"}, headers=staff)
    assert resp.status_code == 422 and "opening" in str(resp.json()["detail"])
