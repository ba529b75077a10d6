"""Staff credential on the patient-data routes: 401s that say how, 503 when unconfigured."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from aida.api.main import create_app
from aida.api.security import key_matches
from tests.api.conftest import STAFF_KEYS, client_for, make_settings

GUARDED = [
    "/api/summaries",
    "/api/summaries/7d444840-9dc0-11d1-b245-5ffdce74fad2",
    "/api/appointments?phone=%2B12125550143",
]


@pytest.fixture
def app(settings, clock):
    # The refusals happen before any store call; the lazily opened SQLite is never touched.
    return create_app(settings, clock=clock)


@pytest.mark.parametrize("path", GUARDED)
async def test_no_credential_is_401_saying_how(client, path: str) -> None:
    resp = await client.get(path)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    body = resp.json()
    assert body["error"] == "unauthorized"
    assert "Authorization: Bearer" in body["message"] and "X-API-Key" in body["message"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-a-staff-key"},
        {"X-API-Key": "not-a-staff-key"},
        {"Authorization": f"Basic {STAFF_KEYS[0]}"},
        {"Authorization": f"Bearer {STAFF_KEYS[0]}x"},
    ],
)
async def test_wrong_credential_is_401(client, headers: dict[str, str]) -> None:
    resp = await client.get("/api/summaries", headers=headers)
    assert resp.status_code == 401
    assert resp.json()["error"] in {"invalid_credential", "unauthorized"}
    assert STAFF_KEYS[0] not in resp.text


async def test_without_staff_keys_patient_data_stays_closed(tmp_path: Path, clock) -> None:
    app = create_app(make_settings(tmp_path, staff_api_keys=""), clock=clock)
    async with client_for(app) as client:
        for path in GUARDED:
            resp = await client.get(path, headers={"Authorization": "Bearer anything"})
            assert resp.status_code == 503
            assert "STAFF_API_KEYS" in resp.json()["message"]


def test_key_matching_is_exact_and_checks_every_key() -> None:
    keys = [SecretStr(k) for k in STAFF_KEYS]
    assert key_matches(STAFF_KEYS[1], keys)
    assert not key_matches(STAFF_KEYS[1][:-1], keys)
    assert not key_matches("", keys)
    assert not key_matches("", [SecretStr("")])
