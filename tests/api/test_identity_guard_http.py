"""Issue 20's attacks on the API, over HTTP against the real app under uvicorn on 127.0.0.1 (its
proxy-header handling included): a forwarded header that picks its own rate-limit bucket, staff
keys guessed at network speed, patient data left in caches; and the pending-patient actions."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import uvicorn

from aida.api.main import create_app
from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.factory import open_store
from tests.api.conftest import NOW, STAFF_KEYS, make_settings

PHONE = "+12125550143"


@contextlib.contextmanager
def serve(settings: Settings) -> Iterator[str]:
    app = create_app(settings, clock=FixedClock(NOW))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # uvicorn's defaults: proxy headers on, believed from 127.0.0.1, which is where we call from
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_a_forwarded_header_does_not_pick_the_rate_limit_bucket(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, session_rate_limit_per_minute=3)
    with serve(settings) as url, httpx.Client(base_url=url) as http:
        codes = [
            http.post("/api/session", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in range(5)
        ]
    assert codes == [200, 200, 200, 429, 429]


def test_wrong_staff_keys_are_throttled_per_address(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, staff_auth_failures_per_minute=10)
    with serve(settings) as url, httpx.Client(base_url=url) as http:
        codes = [
            http.get("/api/summaries", headers={"X-API-Key": f"guess-{n:04d}"}).status_code
            for n in range(30)
        ]
        assert codes == [401] * 10 + [429] * 20
        refused = http.get("/api/summaries", headers={"X-API-Key": "guess"})
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        # the right key from the throttled address waits too: the guesser cannot tell
        right = http.get("/api/summaries", headers={"X-API-Key": STAFF_KEYS[0]})
        assert right.status_code == 429


def test_patient_data_is_never_cached(tmp_path: Path) -> None:
    with serve(make_settings(tmp_path)) as url, httpx.Client(base_url=url) as http:
        staff = {"Authorization": f"Bearer {STAFF_KEYS[0]}"}
        for path in ("/api/summaries", "/api/appointments?phone=2125550143", "/api/audit"):
            resp = http.get(path, headers=staff)
            assert resp.status_code == 200, path
            assert resp.headers["cache-control"] == "no-store", path
        assert http.post("/api/session").headers["cache-control"] == "no-store"
        assert http.get("/api/summaries").headers["cache-control"] == "no-store"  # 401 too


def test_staff_confirm_a_pending_registration(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)

    async def register() -> None:
        store = await open_store(settings)
        try:
            await store.register_pending_patient(PHONE, "Sam Lee", dt.date(1990, 7, 4))
        finally:
            await store.close()

    asyncio.run(register())
    with serve(settings) as url, httpx.Client(base_url=url) as http:
        staff = {"Authorization": f"Bearer {STAFF_KEYS[0]}"}
        assert http.get("/api/patients/pending").status_code == 401
        pending = http.get("/api/patients/pending", headers=staff).json()
        assert pending == [
            {"phone": PHONE, "name": "Sam Lee", "date_of_birth": "1990-07-04", "pending": True}
        ]
        done = http.post("/api/patients/(212) 555-0143/confirm", headers=staff)
        assert done.status_code == 200 and done.json()["pending"] is False
        assert http.get("/api/patients/pending", headers=staff).json() == []
        missing = http.post("/api/patients/+12125550199/confirm", headers=staff)
        assert missing.status_code == 404
        audit = http.get("/api/audit", headers=staff).json()
        actions = [row["action"] for row in audit["items"]] if "items" in audit else audit
        assert "confirm_patient" in str(actions)


def test_a_configured_proxy_is_believed(tmp_path: Path) -> None:
    """FORWARDED_ALLOW_IPS names the proxy (uvicorn reads the same variable): its header then
    names the client, and each client has its own bucket."""
    settings = make_settings(
        tmp_path, session_rate_limit_per_minute=1, forwarded_allow_ips="127.0.0.1"
    )
    with serve(settings) as url, httpx.Client(base_url=url) as http:
        codes = [
            http.post("/api/session", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in (1, 2, 1)
        ]
    assert codes == [200, 200, 429]
