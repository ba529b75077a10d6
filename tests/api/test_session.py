"""POST /api/session: token claims, the metadata the agent reads, 422s, 503, rate limit."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jwt
import pytest
from livekit.api import TokenVerifier

from aida.api.main import create_app
from aida.api.routes.session import session_metadata
from aida.api.tokens import TokenMinter, livekit_token
from tests.api.conftest import LIVEKIT_KEY, LIVEKIT_SECRET, client_for, make_settings


@pytest.fixture
def app(settings, clock):
    # Minting a token never touches the store: no need to run these against each backend.
    return create_app(settings, clock=clock)


def without_client(metadata: dict) -> dict:
    """The metadata less `client`: a keyed digest of the caller's address (an origin for the
    identity checks, never the address itself)."""
    client = metadata.pop("client")
    assert len(client) == 24 and "203.0.113.7" not in client
    return metadata


async def test_token_grants_room_dispatch_ttl_and_metadata(client, settings) -> None:
    resp = await client.post("/api/session", json={"name": "Jordan Lee", "phone": "(212) 555-0143"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["url"] == "wss://livekit.test"
    assert body["room"].startswith("aida-") and len(body["room"]) > 20
    assert body["identity"].startswith("web-")

    claims = TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(body["token"])
    video = claims.video
    assert video is not None
    assert video.room_join is True
    assert video.room == body["room"]
    assert (video.can_publish, video.can_subscribe, video.can_publish_data) == (True, True, True)
    assert video.room_admin is None and video.room_create is None
    assert claims.identity == body["identity"]
    assert claims.name == "Jordan Lee"

    expected = {"phone": "+12125550143", "name": "Jordan Lee"}
    assert without_client(json.loads(claims.metadata)) == expected
    assert claims.room_config is not None
    agents = list(claims.room_config.agents)
    assert [a.agent_name for a in agents] == ["aida"]
    assert without_client(json.loads(agents[0].metadata)) == expected

    raw = jwt.decode(body["token"], options={"verify_signature": False})
    assert raw["iss"] == LIVEKIT_KEY
    assert raw["exp"] - raw["nbf"] == settings.livekit_token_ttl
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert abs(expires_at.timestamp() - raw["exp"]) <= 1


async def test_each_session_gets_a_fresh_room_and_identity(client) -> None:
    first = (await client.post("/api/session")).json()
    second = (await client.post("/api/session", json={})).json()
    assert first["room"] != second["room"]
    assert first["identity"] != second["identity"]


async def test_anonymous_session_carries_null_metadata_and_no_name(client) -> None:
    body = (await client.post("/api/session")).json()
    claims = TokenVerifier(LIVEKIT_KEY, LIVEKIT_SECRET).verify(body["token"])
    assert without_client(json.loads(claims.metadata)) == {"phone": None, "name": None}
    assert claims.name == ""


async def test_token_signed_with_another_secret_is_rejected(client) -> None:
    body = (await client.post("/api/session")).json()
    with pytest.raises(jwt.InvalidSignatureError):
        TokenVerifier(LIVEKIT_KEY, "another-secret-of-sufficient-length-000000").verify(
            body["token"]
        )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"phone": "not a number"}, "phone"),
        ({"name": "x" * 81}, "name"),
        ({"phone": 5}, "phone"),
    ],
)
async def test_invalid_body_is_a_readable_422(client, payload, field) -> None:
    resp = await client.post("/api/session", json=payload)
    assert resp.status_code == 422
    body = resp.json()
    assert body["error"] == "validation_error"
    assert body["message"].startswith("Invalid request: ")
    assert field in body["message"]
    assert body["detail"][0]["loc"][-1] == field


async def test_malformed_json_is_a_422_not_a_500(client) -> None:
    resp = await client.post(
        "/api/session", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 422
    assert resp.json()["error"] == "validation_error"


@pytest.mark.parametrize(("allowed", "status"), [(True, 200), (False, 422)])
async def test_fictional_numbers_follow_the_setting(
    tmp_path: Path, clock, allowed: bool, status: int
) -> None:
    settings = make_settings(tmp_path, allow_fictional_numbers=allowed)
    async with client_for(create_app(settings, clock=clock)) as client:
        resp = await client.post("/api/session", json={"phone": "555-123-4567"})
    assert resp.status_code == status


async def test_without_livekit_settings_503_names_the_missing_variables(
    tmp_path: Path, clock
) -> None:
    settings = make_settings(tmp_path, livekit_url=None, livekit_api_secret=None)
    async with client_for(create_app(settings, clock=clock)) as client:
        resp = await client.post("/api/session")
    assert resp.status_code == 503
    body = resp.json()
    assert body["error"] == "livekit_not_configured"
    assert body["missing"] == ["LIVEKIT_URL", "LIVEKIT_API_SECRET"]
    assert "LIVEKIT_URL" in body["message"] and "LIVEKIT_API_SECRET" in body["message"]


async def test_rate_limit_is_per_client_with_retry_after(tmp_path: Path, clock) -> None:
    app = create_app(make_settings(tmp_path, session_rate_limit_per_minute=3), clock=clock)
    async with client_for(app, "198.51.100.1") as noisy, client_for(app, "198.51.100.2") as other:
        codes = [(await noisy.post("/api/session")).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        refused = await noisy.post("/api/session")
        assert refused.status_code == 429
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        body = refused.json()
        assert body["error"] == "rate_limited"
        assert "3 per minute" in body["message"]
        assert body["retry_after_seconds"] == retry_after
        # Another address has its own window.
        assert (await other.post("/api/session")).status_code == 200


@pytest.mark.parametrize("name", ["Jordan Lee", None])
def test_fast_minter_matches_livekit_access_token(name: str | None) -> None:
    metadata = session_metadata("+12125550143", name)
    fields = {"room": "aida-abc", "identity": "web-123", "name": name, "metadata": metadata}
    fast, _ = TokenMinter(LIVEKIT_KEY, LIVEKIT_SECRET, 900).mint(**fields)
    reference = livekit_token(LIVEKIT_KEY, LIVEKIT_SECRET, ttl=900, **fields).to_jwt()

    def claims(token: str) -> dict:
        raw = jwt.decode(token, LIVEKIT_SECRET, algorithms=["HS256"], issuer=LIVEKIT_KEY)
        # Minted a moment apart: compare the lifetime, not the instants.
        return {**raw, "exp": raw["exp"] - raw["nbf"], "nbf": None}

    assert claims(fast) == claims(reference)
    assert jwt.get_unverified_header(fast) == jwt.get_unverified_header(reference)
