"""POST /api/session with a patient assertion from the clinic's portal: verified here and taken
once, its phone used, and a room marker signed here (never the assertion) passed on to the
worker to verify."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jwt
import pytest
from livekit.api import TokenVerifier

from aida.api.main import create_app
from aida.errors import InvalidAssertion
from aida.portal import sign_patient_assertion, verify_room_marker
from tests.api.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, NOW, client_for, make_settings

PORTAL_SECRET = "portal-secret-that-is-long-enough-for-hs256-0123456789"
PHONE = "+12125550143"


@pytest.fixture
def settings(tmp_path: Path):
    return make_settings(tmp_path, portal_identity_secret=PORTAL_SECRET)


@pytest.fixture
def app(settings, clock):
    # The store (SQLite in tmp_path) keeps the assertion ids used.
    return create_app(settings, clock=clock)


def metadata_of(token: str) -> dict:
    claims = TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(token)
    agent_copy = json.loads(next(iter(claims.room_config.agents)).metadata)
    assert json.loads(claims.metadata) == agent_copy
    client = agent_copy.pop("client")  # the client address, as a digest
    assert len(client) == 24 and "127.0.0.1" not in client
    return agent_copy


async def test_a_valid_assertion_proves_the_phone(client) -> None:
    assertion = sign_patient_assertion("(212) 555-0143", PORTAL_SECRET, now=NOW, name="Jordan Lee")
    resp = await client.post("/api/session", json={"patient_assertion": assertion})
    assert resp.status_code == 200, resp.text
    metadata = metadata_of(resp.json()["token"])
    marker = metadata.pop("portal")
    assert metadata == {"phone": PHONE, "name": "Jordan Lee"}
    assert assertion not in json.dumps(metadata) and marker != assertion
    # what the worker will do with it: verify the marker for this room, and no other
    proven = verify_room_marker(marker, PORTAL_SECRET, room=resp.json()["room"], now=NOW)
    assert (proven.phone, proven.name) == (PHONE, "Jordan Lee")
    with pytest.raises(InvalidAssertion):
        verify_room_marker(marker, PORTAL_SECRET, room="aida-another-room", now=NOW)


async def test_one_assertion_starts_one_session(client) -> None:
    """The replay: one assertion used to mint three sessions."""
    assertion = sign_patient_assertion(PHONE, PORTAL_SECRET, now=NOW)
    first = await client.post("/api/session", json={"patient_assertion": assertion})
    assert first.status_code == 200
    for _ in range(2):
        again = await client.post("/api/session", json={"patient_assertion": assertion})
        assert again.status_code == 401 and again.json()["error"] == "assertion_replayed"
        assert "token" not in again.json()


async def test_two_api_processes_on_one_database_start_one_session(settings, clock) -> None:
    """The used ids are in the store, not one process's memory: an assertion replayed to a
    second API (its own app, its own store, the same database) is refused there too."""
    assertion = sign_patient_assertion(PHONE, PORTAL_SECRET, now=NOW)
    async with (
        client_for(create_app(settings, clock=clock)) as one,
        client_for(create_app(settings, clock=clock)) as two,
    ):
        assert (await one.post("/api/session", json={"patient_assertion": assertion})).is_success
        for client in (two, one):
            again = await client.post("/api/session", json={"patient_assertion": assertion})
            assert again.status_code == 401 and again.json()["error"] == "assertion_replayed"


async def test_the_same_phone_in_the_form_is_fine(client) -> None:
    assertion = sign_patient_assertion(PHONE, PORTAL_SECRET, now=NOW)
    resp = await client.post(
        "/api/session",
        json={"phone": "212.555.0143", "name": "Jo", "patient_assertion": assertion},
    )
    assert resp.status_code == 200, resp.text
    metadata = metadata_of(resp.json()["token"])
    assert metadata.pop("portal") and metadata == {"phone": PHONE, "name": "Jo"}


async def test_a_different_phone_in_the_form_is_422(client) -> None:
    assertion = sign_patient_assertion(PHONE, PORTAL_SECRET, now=NOW)
    resp = await client.post(
        "/api/session", json={"phone": "(415) 555-0132", "patient_assertion": assertion}
    )
    assert resp.status_code == 422
    body = resp.json()
    assert body["detail"][0]["loc"] == ["body", "phone"]
    assert "signed-in patient" in body["message"]


@pytest.mark.parametrize(
    "assertion",
    [
        pytest.param(
            sign_patient_assertion(PHONE, "someone-elses-secret-0123456789abcdef", now=NOW),
            id="forged",
        ),
        pytest.param(
            sign_patient_assertion(PHONE, PORTAL_SECRET, now=NOW - dt.timedelta(minutes=30)),
            id="expired",
        ),
        pytest.param(
            jwt.encode(
                {
                    "sub": PHONE,
                    "aud": "aida",
                    "iat": int(NOW.timestamp()),
                    "exp": int(NOW.timestamp()) + 3600,
                    "jti": "a-long-lived-one",
                },
                PORTAL_SECRET,
                algorithm="HS256",
            ),
            id="an-hour-long",
        ),
        pytest.param("not-a-jwt", id="garbage"),
    ],
)
async def test_a_bad_assertion_is_401_and_mints_nothing(client, assertion: str) -> None:
    resp = await client.post("/api/session", json={"phone": PHONE, "patient_assertion": assertion})
    assert resp.status_code == 401
    body = resp.json()
    assert body["error"] == "invalid_assertion"
    assert "sign in to the portal again" in body["message"]
    assert "token" not in body


async def test_expired_says_so(client) -> None:
    stale = sign_patient_assertion(PHONE, PORTAL_SECRET, now=NOW - dt.timedelta(minutes=30))
    body = (await client.post("/api/session", json={"patient_assertion": stale})).json()
    assert "expired" in body["message"]


async def test_without_a_portal_secret_an_assertion_is_503(tmp_path: Path, clock) -> None:
    app = create_app(make_settings(tmp_path), clock=clock)
    assertion = sign_patient_assertion(PHONE, PORTAL_SECRET, now=NOW)
    async with client_for(app) as client:
        resp = await client.post("/api/session", json={"patient_assertion": assertion})
        assert resp.status_code == 503
        assert resp.json()["error"] == "portal_identity_not_configured"
        assert "PORTAL_IDENTITY_SECRET" in resp.json()["message"]
        # and without an assertion nothing changes: the phone is a hint, as before
        plain = await client.post("/api/session", json={"phone": PHONE})
        assert plain.status_code == 200
        assert metadata_of(plain.json()["token"]) == {"phone": PHONE, "name": None}


async def test_a_blank_assertion_is_no_assertion(client) -> None:
    resp = await client.post("/api/session", json={"phone": PHONE, "patient_assertion": "  "})
    assert resp.status_code == 200
    assert metadata_of(resp.json()["token"]) == {"phone": PHONE, "name": None}
