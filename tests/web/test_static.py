"""The committed client, its vendored livekit-client, and how the API serves it (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aida.api.main import create_app
from aida.api.static import WEB_DIR
from tests.web.seed import settings_for

REPO = Path(__file__).resolve().parents[2]


def test_vendored_livekit_client_is_the_pinned_one() -> None:
    wanted = json.loads((REPO / "web" / "package.json").read_text())["dependencies"][
        "livekit-client"
    ]
    lock = json.loads((REPO / "web" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/livekit-client"]["version"] == wanted
    assert (WEB_DIR / "vendor" / "VERSION").read_text().startswith(f"livekit-client {wanted} ")
    bundle = (WEB_DIR / "vendor" / "livekit-client.esm.mjs").read_text()
    # Self-contained: the browser cannot resolve bare module specifiers.
    assert "\nimport " not in bundle and not bundle.startswith("import ")
    assert "Room" in bundle


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    # Synchronous on purpose: the browser tests keep Playwright's event loop in this thread, so
    # an async test here could not get a loop of its own.
    return TestClient(create_app(settings_for(str(tmp_path / "static.db"))))


def test_the_api_serves_the_client_at_root(client: TestClient) -> None:
    index = client.get("/")
    assert index.status_code == 200
    assert index.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="js/app.js">' in index.text
    csp = index.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert index.headers["x-content-type-options"] == "nosniff"
    for path in ("/js/app.js", "/vendor/livekit-client.esm.mjs"):
        r = client.get(path)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/javascript"), path
    assert (client.get("/css/app.css")).headers["content-type"].startswith("text/css")


def test_the_client_never_shadows_the_api(client: TestClient) -> None:
    missing = client.get("/api/no-such-route")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/json")
    assert (client.get("/api/summaries")).status_code == 401
    assert (client.get("/openapi.json")).json()["info"]["title"] == "Aida API"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    # Not the index page under another name.
    assert (client.get("/api/index.html")).status_code == 404
    assert (client.get("/no-such-file.js")).status_code == 404
