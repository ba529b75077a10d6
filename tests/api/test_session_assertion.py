"""POST /api/session with a patient assertion from the clinic's portal: verified here, its phone
used, and the token passed on to the worker to verify again."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from livekit.api import TokenVerifier

from aida.api.main import create_app
from aida.portal import sign_patient_assertion, verify_patient_assertion
from tests.api.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, NOW, client_for, make_settings

PORTAL_SECRET = "portal-secret-that-is-long-enough-for-hs256-0123456789"
PHONE = "+12125550143"


@pytest.fixture
def settings(tmp_path: Path):
    return make_settings(tmp_path, portal_identity_secret=PORTAL_SECRET)


@pytest.fixture
def app(settings, clock):
    # Minting a token never touches the store.
    return create_app(settings, clock=clock)


def metadata_of(token: str) -> dict:
    claims = TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(token)
    agent_copy = json.loads(next(iter(claims.room_config.agents)).metadata)
    assert json.loads(claims.metadata) == agent_copy
    return agent_copy


async def test_a_valid_assertion_proves_the_phone(client) -> None:
    assertion = sign_patient_assertion("(212) 555-0143", PORTAL_SECRET, now=NOW, name="Jordan Lee")
    resp = await client.post("/api/session", json={"patient_assertion": assertion})
    assert resp.status_code == 200, resp.text
    metadata = metadata_of(resp.json()["token"])
    assert metadata == {"phone": PHONE, "name": "Jordan Lee", "assertion": assertion}
    # what the worker will do with it: verify it again on its own
    again = verify_patient_assertion(metadata["assertion"], PORTAL_SECRET, now=NOW)
    assert again.phone == PHONE


async def test_the_same_phone_in_the_form_is_fine(client) -> None:
    assertion = sign_patient_assertion(PHONE, PORTAL_SECRET, now=NOW)
    resp = await client.post(
        "/api/session",
        json={"phone": "212.555.0143", "name": "Jo", "patient_assertion": assertion},
    )
    assert resp.status_code == 200, resp.text
    assert metadata_of(resp.json()["token"]) == {
        "phone": PHONE,
        "name": "Jo",
        "assertion": assertion,
    }


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
