"""Staff key labels, the audit rows every staff read leaves, and GET /api/audit."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr, ValidationError

from aida.api.main import create_app
from aida.api.security import check_staff
from aida.config import StaffKey, parse_staff_keys
from aida.errors import StoreUnavailable
from aida.store.models import AuditEntry, CallSummary
from tests.api.conftest import NOW, STAFF_KEYS, client_for, make_settings, sqlite_only

FRONT, BILLING = "front-desk-key-0123456789abcdef01234567", "billing-key-9876543210fedcba9876543210"
ALICE = "+12125550143"
BOB = "+14155550132"
NY = ZoneInfo("America/New_York")
SECRET_WORDS = "my date of birth is the fourth of July"


@pytest.fixture
def settings(tmp_path: Path):
    return make_settings(tmp_path, staff_api_keys=f"frontdesk:{FRONT}, billing:{BILLING}")


def as_staff(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# --- labels ---


def test_both_forms_of_staff_api_keys() -> None:
    def parsed(raw: str) -> list[tuple[str, str]]:
        entries = [SecretStr(p.strip()) for p in raw.split(",")]
        return [(k.label, k.key.get_secret_value()) for k in parse_staff_keys(entries)]

    assert parsed("alpha-key,beta-key") == [("key1", "alpha-key"), ("key2", "beta-key")]
    assert parsed("frontdesk:abc123,dr.kim:xyz:789") == [
        ("frontdesk", "abc123"),
        ("dr.kim", "xyz:789"),  # only the first colon separates the label
    ]
    assert parsed("plain,frontdesk:abc") == [("key1", "plain"), ("frontdesk", "abc")]
    # something that is no label stays part of the key
    assert parsed("not a label:abc") == [("key1", "not a label:abc")]


ABC, DEF = "abc" * 11, "def" * 11  # keys of 33 bytes


def test_settings_parse_labels_and_drop_empty_keys(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, staff_api_keys=f"frontdesk:{ABC}, orphan:, ,{DEF}")
    assert [(k.label, k.key.get_secret_value()) for k in settings.staff_keys] == [
        ("frontdesk", ABC),
        ("key3", DEF),
    ]


def test_a_label_used_twice_is_refused_at_startup(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="label twice: frontdesk"):
        make_settings(tmp_path, staff_api_keys=f"frontdesk:{ABC},frontdesk:{DEF}")
    with pytest.raises(ValidationError) as caught:
        make_settings(tmp_path, staff_api_keys=f"key2:{ABC},{DEF}")  # the 2nd is key2 by position
    assert ABC not in str(caught.value)  # the keys themselves never appear


def test_short_staff_keys_and_portal_secrets_are_refused_at_startup(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        make_settings(tmp_path, staff_api_keys="frontdesk:a")
    assert "at least 32 bytes" in str(caught.value) and "frontdesk" in str(caught.value)
    with pytest.raises(ValidationError, match="PORTAL_IDENTITY_SECRET needs at least 32 bytes"):
        make_settings(tmp_path, portal_identity_secret="x")


def test_check_staff_returns_the_matching_label() -> None:
    keys = [StaffKey("frontdesk", SecretStr(FRONT)), StaffKey("billing", SecretStr(BILLING))]
    assert check_staff(keys, FRONT, None) == "frontdesk"
    assert check_staff(keys, None, BILLING) == "billing"
    assert check_staff(keys, "wrong", BILLING) == "billing"


# --- audit rows for staff reads ---


@pytest.fixture
async def call(store) -> CallSummary:
    summary = CallSummary(
        id=str(uuid.uuid4()),
        user_phone=ALICE,
        summary_text="Booked a check-up.",
        created_at=NOW - dt.timedelta(days=1),
        transcript=[{"role": "user", "text": SECRET_WORDS}],
        timeline=[{"type": "tool_call", "name": "book_appointment"}],
    )
    await store.upsert_patient(ALICE, None, dt.date(1980, 1, 1))
    await store.save_call_summary(summary)
    return summary


async def staff_rows(store) -> list[AuditEntry]:
    return [r for r in await store.list_audit() if r.actor.startswith("staff:")]


async def test_reading_a_call_is_audited_without_its_words(client, store, call) -> None:
    resp = await client.get(f"/api/summaries/{call.id}", headers=as_staff(BILLING))
    assert resp.status_code == 200
    (row,) = await staff_rows(store)
    assert (row.actor, row.action, row.patient_phone) == (
        "staff:billing",
        "read_call_summary",
        ALICE,
    )
    assert row.detail == {"summary_id": call.id}
    assert row.at == NOW
    stored = json.dumps(row.model_dump(mode="json"))
    assert SECRET_WORDS not in stored and "Booked a check-up" not in stored


@sqlite_only
async def test_listing_calls_is_audited_with_their_ids(client, store, call) -> None:
    resp = await client.get(
        "/api/summaries", params={"phone": "212-555-0143"}, headers=as_staff(FRONT)
    )
    assert resp.status_code == 200
    (row,) = await staff_rows(store)
    assert (row.actor, row.action, row.patient_phone) == (
        "staff:frontdesk",
        "list_call_summaries",
        ALICE,
    )
    assert row.detail == {"summary_ids": [call.id]}
    assert SECRET_WORDS not in json.dumps(row.detail)


@sqlite_only
async def test_a_lookup_that_finds_nothing_is_audited_too(client, store) -> None:
    resp = await client.get("/api/summaries", params={"phone": BOB}, headers=as_staff(FRONT))
    assert resp.status_code == 200 and resp.json()["items"] == []
    resp = await client.get("/api/appointments", params={"phone": BOB}, headers=as_staff(FRONT))
    assert resp.json()["registered"] is False
    rows = await staff_rows(store)
    assert sorted((r.action, r.patient_phone) for r in rows) == [
        ("list_appointments_api", BOB),
        ("list_call_summaries", BOB),
    ]
    # an unfiltered list that returns nothing reveals no one and leaves no row
    await client.get("/api/summaries", headers=as_staff(FRONT))
    assert len(await staff_rows(store)) == 2


async def test_appointment_reads_are_audited(client, store, clock) -> None:
    await store.upsert_patient(ALICE, "Alice Moreno")
    start = dt.datetime(2026, 3, 4, 11, tzinfo=NY)
    appt = (await store.book(ALICE, start, start + dt.timedelta(minutes=30))).appointment
    resp = await client.get("/api/appointments", params={"phone": ALICE}, headers=as_staff(FRONT))
    assert [i["id"] for i in resp.json()["items"]] == [appt.id]
    clock.advance(dt.timedelta(minutes=1))
    window = {"from": "2026-03-02", "to": "2026-03-06"}
    resp = await client.get("/api/appointments", params=window, headers=as_staff(BILLING))
    assert [i["id"] for i in resp.json()["items"]] == [appt.id]
    by_window, by_phone = await staff_rows(store)
    assert (by_phone.actor, by_phone.action, by_phone.patient_phone) == (
        "staff:frontdesk",
        "list_appointments_api",
        ALICE,
    )
    assert by_phone.detail == {"appointment_ids": [appt.id]}
    assert (by_window.actor, by_window.patient_phone) == ("staff:billing", None)
    assert by_window.detail["appointment_ids"] == [appt.id]
    assert by_window.detail["window"] == {
        "from": "2026-03-02T00:00:00-05:00",
        "to": "2026-03-07T00:00:00-05:00",
    }


@sqlite_only
async def test_refused_requests_leave_no_audit_row(client, store, call) -> None:
    assert (await client.get(f"/api/summaries/{call.id}")).status_code == 401
    missing = f"/api/summaries/{uuid.uuid4()}"
    assert (await client.get(missing, headers=as_staff(FRONT))).status_code == 404
    assert await staff_rows(store) == []


@sqlite_only
async def test_no_data_leaves_when_the_audit_row_cannot_be_written(
    client, store, call, monkeypatch
) -> None:
    async def down(entry: AuditEntry) -> None:
        raise StoreUnavailable("I can't reach the appointment book right now.")

    monkeypatch.setattr(store, "record_audit", down)
    resp = await client.get(f"/api/summaries/{call.id}", headers=as_staff(FRONT))
    assert resp.status_code == 503
    assert SECRET_WORDS not in resp.text


async def test_plain_keys_are_audited_by_position(tmp_path: Path, store, clock, call) -> None:
    app = create_app(make_settings(tmp_path), store=store, clock=clock)
    async with client_for(app) as client:
        resp = await client.get(f"/api/summaries/{call.id}", headers=as_staff(STAFF_KEYS[1]))
        assert resp.status_code == 200
    assert [r.actor for r in await staff_rows(store)] == ["staff:key2"]


# --- GET /api/audit ---


@pytest.fixture
async def trail(store) -> list[AuditEntry]:
    rows = [
        AuditEntry(
            at=NOW - dt.timedelta(days=3),
            actor="call:c1",
            action="book_appointment",
            patient_phone=ALICE,
            detail={"appointment_id": str(uuid.uuid4())},
        ),
        AuditEntry(
            at=NOW - dt.timedelta(days=2),
            actor="call:c2",
            action="list_appointments",
            patient_phone=BOB,
        ),
        AuditEntry(
            at=NOW - dt.timedelta(days=1),
            actor="staff:frontdesk",
            action="read_call_summary",
            patient_phone=ALICE,
        ),
    ]
    for row in rows:
        await store.record_audit(row)
    return rows


async def test_audit_lists_newest_first_and_filters(client, store, trail) -> None:
    staff = as_staff(FRONT)
    body = (await client.get("/api/audit", headers=staff)).json()
    assert [i["id"] for i in body["items"]] == [r.id for r in reversed(trail)]
    assert body["items"][2]["detail"] == trail[0].detail
    assert body["items"][2]["at"].startswith(trail[0].at.strftime("%Y-%m-%dT%H:%M:%S"))

    async def ids(**params: object) -> list[str]:
        resp = await client.get("/api/audit", params=params, headers=staff)
        assert resp.status_code == 200, resp.text
        return [i["id"] for i in resp.json()["items"]]

    assert await ids(phone="(212) 555-0143") == [trail[2].id, trail[0].id]
    assert await ids(actor="call:c2") == [trail[1].id]
    since = (NOW - dt.timedelta(days=2)).isoformat()
    until = (NOW - dt.timedelta(days=1)).isoformat()
    assert await ids(since=since, until=until) == [trail[1].id]
    assert await ids(actor="staff:nobody") == []


@sqlite_only
async def test_audit_pages_and_is_itself_audited(client, store, trail, clock) -> None:
    staff = as_staff(BILLING)
    # Up to an hour ago: these reads of the log are themselves logged, at NOW.
    until = (NOW - dt.timedelta(hours=1)).isoformat()
    page1 = (
        await client.get("/api/audit", params={"limit": 2, "until": until}, headers=staff)
    ).json()
    assert [i["id"] for i in page1["items"]] == [trail[2].id, trail[1].id]
    assert page1["next_offset"] == 2
    clock.advance(dt.timedelta(seconds=1))
    page2 = (
        await client.get(
            "/api/audit", params={"limit": 2, "offset": 2, "until": until}, headers=staff
        )
    ).json()
    assert page2["items"][0]["id"] == trail[0].id and page2["next_offset"] is None
    reads = await store.list_audit(actor="staff:billing")
    assert [(r.action, r.detail) for r in reads] == [
        ("list_audit", {"entries": 1}),
        ("list_audit", {"entries": 2}),
    ]


@sqlite_only
async def test_audit_needs_a_staff_key(client, trail) -> None:
    resp = await client.get("/api/audit")
    assert resp.status_code == 401 and resp.json()["error"] == "unauthorized"
    resp = await client.get("/api/audit", headers=as_staff("not-a-key"))
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_credential"
    assert FRONT not in resp.text


async def test_audit_is_closed_without_staff_keys(tmp_path: Path, clock) -> None:
    app = create_app(make_settings(tmp_path, staff_api_keys=""), clock=clock)
    async with client_for(app) as client:
        resp = await client.get("/api/audit", headers=as_staff("anything"))
        assert resp.status_code == 503 and "STAFF_API_KEYS" in resp.json()["message"]


@sqlite_only
@pytest.mark.parametrize(
    "params",
    [
        {"phone": "12"},
        {"since": "yesterday"},
        {"since": "2026-03-02", "until": "2026-03-01"},
        {"limit": 0},
        {"actor": ""},
    ],
)
async def test_audit_rejects_bad_filters(client, params) -> None:
    resp = await client.get("/api/audit", params=params, headers=as_staff(FRONT))
    assert resp.status_code == 422
    assert resp.json()["error"] == "validation_error"
