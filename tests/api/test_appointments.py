"""GET /api/appointments?phone=... over SQLite and PostgreSQL (staff only)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aida.store.models import Appointment
from tests.api.conftest import sqlite_only

NY = ZoneInfo("America/New_York")
ALICE = "+12125550143"
BOB = "+14155550132"
HALF_HOUR = dt.timedelta(minutes=30)


def local(m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(2026, m, d, h, mi, tzinfo=NY)


@pytest.fixture
async def booked(store) -> dict[str, Appointment]:
    await store.upsert_patient(ALICE, "Alice Moreno")
    await store.upsert_patient(BOB, "Bob Chen")
    out = {}
    for key, phone, start in [
        ("past", ALICE, local(2, 20, 10)),
        ("soon", ALICE, local(3, 4, 11)),
        ("later", ALICE, local(3, 17, 14, 30)),
        ("bob", BOB, local(3, 5, 9)),
        ("dropped", ALICE, local(3, 6, 15)),
    ]:
        out[key] = (await store.book(phone, start, start + HALF_HOUR)).appointment
    await store.cancel(out["dropped"].id, ALICE)
    return out


async def test_upcoming_booked_by_default(client, staff, booked) -> None:
    resp = await client.get("/api/appointments", params={"phone": "212-555-0143"}, headers=staff)
    assert resp.status_code == 200
    body = resp.json()
    assert body["phone"] == ALICE and body["patient_name"] == "Alice Moreno"
    assert body["registered"] is True and body["timezone"] == "America/New_York"
    assert [i["id"] for i in body["items"]] == [booked["soon"].id, booked["later"].id]
    soon = body["items"][0]
    assert soon["start"] == "2026-03-04T11:00:00-05:00"
    assert soon["spoken"] == "Wednesday, March 4 at 11 AM"
    # After the switch to daylight time the offset changes, the wall time does not.
    assert body["items"][1]["start"] == "2026-03-17T14:30:00-04:00"
    assert body["total"] == 2 and body["next_offset"] is None


async def test_all_statuses_and_past(client, staff, booked) -> None:
    params = {"phone": ALICE, "status": "all", "include_past": "true"}
    body = (await client.get("/api/appointments", params=params, headers=staff)).json()
    assert [(i["id"], i["status"]) for i in body["items"]] == [
        (booked["past"].id, "booked"),
        (booked["soon"].id, "booked"),
        (booked["dropped"].id, "cancelled"),
        (booked["later"].id, "booked"),
    ]
    cancelled = (
        await client.get(
            "/api/appointments", params={"phone": ALICE, "status": "cancelled"}, headers=staff
        )
    ).json()
    assert [i["id"] for i in cancelled["items"]] == [booked["dropped"].id]


async def test_unknown_number_is_an_empty_unregistered_list(client, staff, booked) -> None:
    body = (
        await client.get("/api/appointments", params={"phone": "+13125550199"}, headers=staff)
    ).json()
    assert body == {
        "phone": "+13125550199",
        "patient_name": None,
        "registered": False,
        "timezone": "America/New_York",
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
        "next_offset": None,
    }


@sqlite_only
@pytest.mark.parametrize(
    ("query", "where"),
    [("", "phone"), ("?phone=12", "phone"), ("?phone=%2B12125550143&status=gone", "status")],
)
async def test_bad_input_is_422(client, staff, query: str, where: str) -> None:
    resp = await client.get(f"/api/appointments{query}", headers=staff)
    assert resp.status_code == 422
    assert where in resp.json()["message"]


async def test_clinic_window_lists_every_patients_appointments_with_names(
    client, staff, booked
) -> None:
    params = {"from": "2026-03-02", "to": "2026-03-06", "status": "all"}
    body = (await client.get("/api/appointments", params=params, headers=staff)).json()
    assert body["phone"] is None and body["registered"] is None
    assert [(i["id"], i["patient_name"]) for i in body["items"]] == [
        (booked["soon"].id, "Alice Moreno"),
        (booked["bob"].id, "Bob Chen"),
        (booked["dropped"].id, "Alice Moreno"),
    ]
    booked_only = (
        await client.get(
            "/api/appointments", params={"from": "2026-03-02", "to": "2026-03-06"}, headers=staff
        )
    ).json()
    assert booked["dropped"].id not in [i["id"] for i in booked_only["items"]]


@sqlite_only
@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-03-02"},
        {"from": "2026-03-09", "to": "2026-03-02"},
        {"from": "2026-01-01", "to": "2026-06-01"},
    ],
)
async def test_a_clinic_window_must_be_bounded(client, staff, params) -> None:
    resp = await client.get("/api/appointments", params=params, headers=staff)
    assert resp.status_code == 422


async def test_a_clinic_window_needs_staff_credentials(client, booked) -> None:
    params = {"from": "2026-03-02", "to": "2026-03-06"}
    assert (await client.get("/api/appointments", params=params)).status_code == 401
