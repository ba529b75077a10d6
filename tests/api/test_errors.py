"""Failures leave as JSON with a message: unknown routes, 500s without a trace or PHI, CORS."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from aida.api.deps import get_store
from aida.api.main import create_app
from tests.api.conftest import client_for, make_settings

PHONE = "+12125550143"


@pytest.fixture
def app(settings, clock):
    return create_app(settings, clock=clock)


async def test_unexpected_exception_is_a_json_500_without_trace(app, client, caplog) -> None:
    async def broken_store() -> None:
        raise RuntimeError(f"driver exploded while reading {PHONE} at postgres://u:pw@db")

    app.dependency_overrides[get_store] = broken_store
    with caplog.at_level(logging.INFO, logger="aida.api"):
        resp = await client.get("/api/slots")
    assert resp.status_code == 500
    body = resp.json()
    assert body["error"] == "internal_error"
    assert body["reference"]
    assert "Traceback" not in resp.text and PHONE not in resp.text and "pw@" not in resp.text
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert "RuntimeError" in logged and body["reference"] in logged
    assert PHONE not in logged and "pw@" not in logged


async def test_unknown_route_is_json_404(client) -> None:
    resp = await client.get("/api/nope")
    assert resp.status_code == 404
    assert resp.json()["error"] == "not_found"


async def test_wrong_method_is_json_405(client) -> None:
    resp = await client.get("/api/session")
    assert resp.status_code == 405
    assert resp.json()["error"] == "method_not_allowed"


async def test_cors_allows_configured_origin_only(tmp_path: Path, clock) -> None:
    settings = make_settings(tmp_path, backend_cors_origins="https://clinic.example")
    async with client_for(create_app(settings, clock=clock)) as client:
        preflight = {"Access-Control-Request-Method": "POST"}
        ok = await client.options(
            "/api/session", headers={"Origin": "https://clinic.example", **preflight}
        )
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://clinic.example"
        bad = await client.options(
            "/api/session", headers={"Origin": "https://evil.example", **preflight}
        )
        assert "access-control-allow-origin" not in bad.headers


def test_access_log_drops_query_strings() -> None:
    from aida.api.main import _QuerylessAccessLog

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/api/appointments?phone={PHONE}", "1.1", 200),
        None,
    )
    assert _QuerylessAccessLog().filter(record)
    assert PHONE not in record.getMessage()
    assert "/api/appointments" in record.getMessage()
