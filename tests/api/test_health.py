"""GET /api/health: ready with a reachable store, 503 without one, never a secret in the body."""

from __future__ import annotations

from pathlib import Path

from aida.api.main import create_app
from aida.errors import StoreUnavailable
from tests.api.conftest import LIVEKIT_SECRET, STAFF_KEYS, client_for, make_settings


class DownStore:
    """A store whose database is gone: every call fails the way a backend reports it."""

    backend = "postgres"

    async def ping(self) -> None:
        raise StoreUnavailable("The database did not answer.")

    async def list_appointments(self, *args: object, **kwargs: object) -> list[object]:
        raise StoreUnavailable("The database did not answer.")

    async def close(self) -> None:
        return None


async def test_ready_with_store_and_livekit(client, store) -> None:
    resp = await client.get("/api/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok" and body["ready"] is True
    assert body["store"] == {"backend": store.backend, "reachable": True, "message": None}
    assert body["livekit"] == {"configured": True, "missing": []}
    assert body["staff_auth_configured"] is True
    assert body["providers"]["mode"] == "auto"


async def test_no_secret_in_health(tmp_path: Path, clock, store) -> None:
    secrets = {
        "openai_api_key": "sk-test-openai-secret-value",
        "deepgram_api_key": "dg-test-deepgram-secret",
        "cartesia_api_key": "ca-test-cartesia-secret",
        "anthropic_api_key": "sk-ant-test-secret-value",
    }
    settings = make_settings(tmp_path, cartesia_voice_id="voice-123", **secrets)
    async with client_for(create_app(settings, store=store, clock=clock)) as client:
        text = (await client.get("/api/health")).text
    for value in [*secrets.values(), LIVEKIT_SECRET, *STAFF_KEYS]:
        assert value not in text
    assert "deepgram" in text  # the provider is named, its key is not


async def test_store_down_is_503_not_ready(tmp_path: Path, clock) -> None:
    app = create_app(make_settings(tmp_path), store=DownStore(), clock=clock)  # type: ignore[arg-type]
    async with client_for(app) as client:
        resp = await client.get("/api/health")
        assert resp.status_code == 503
        body = resp.json()
        assert body["ready"] is False and body["status"] == "unavailable"
        assert body["store"]["reachable"] is False
        assert body["store"]["message"]
        # The same outage on a data route is a 503 with the store's sentence.
        slots = await client.get("/api/slots")
        assert slots.status_code == 503
        assert slots.json()["error"] == "store_unavailable"


async def test_unopenable_database_is_503_and_names_no_path(tmp_path: Path, clock) -> None:
    # A file where the database's folder should be: SQLite cannot open it.
    (tmp_path / "blocked").write_text("")
    settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path}/blocked/aida.db")
    async with client_for(create_app(settings, clock=clock)) as client:
        resp = await client.get("/api/health")
    assert resp.status_code == 503
    assert str(tmp_path) not in resp.text


async def test_missing_livekit_is_degraded_but_ready(tmp_path: Path, clock, store) -> None:
    settings = make_settings(tmp_path, livekit_api_key=None)
    async with client_for(create_app(settings, store=store, clock=clock)) as client:
        resp = await client.get("/api/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "degraded" and body["ready"] is True
    assert body["livekit"] == {"configured": False, "missing": ["LIVEKIT_API_KEY"]}
