"""Browser tests of the web client: the real API (uvicorn on 127.0.0.1, a seeded SQLite file)
and Debian's Chromium driven by Playwright.

Chromium is Debian's (`apt-get install -y chromium`; scripts/setup.sh --test installs it); the
browser Playwright would download is never used. Screenshots go to a tmp folder; with
AIDA_UPDATE_SCREENSHOTS=1 they are also written to docs/screenshots/ for the README.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from aida.api.main import create_app
from aida.config import Settings
from aida.scheduling.clock import FixedClock
from tests import pg
from tests.web.seed import BROWSER_TZ, NOW, STAFF_KEY, seed, settings_for

CHROMIUM = os.environ.get("AIDA_CHROMIUM", "/usr/bin/chromium")
# The flags this machine needs: no sandbox as root, and no background traffic to Google's hosts,
# which the closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = REPO / "docs" / "screenshots"


class LiveServer:
    def __init__(self, url: str, data: dict[str, str]) -> None:
        self.url = url
        self.data = data


@contextlib.contextmanager
def serve_api(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, in a thread; yields its base URL."""
    app = create_app(settings, clock=FixedClock(NOW))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))

    def serve() -> None:
        asyncio.run(server.serve(sockets=[sock]))

    thread = threading.Thread(target=serve, name="web-test-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API did not start for the browser tests")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("web") / "web.db"
    settings = settings_for(str(db))
    # In a thread of its own: sync Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        data = pool.submit(asyncio.run, seed(settings)).result()
    with serve_api(settings) as url:
        yield LiveServer(url, data)


# Per package, not per session: sync Playwright keeps an event loop running in the main thread
# while it is open, and async tests outside tests/web would find no loop of their own.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if pg.postgres_required():  # CI / the test script: a missing browser is a failure
            pytest.fail(
                f"{CHROMIUM} is missing: scripts/setup.sh --test installs it", pytrace=False
            )
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) "
            "to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, base_url: str, *, signed_in: bool, phone: bool = False) -> Any:
    options: dict[str, Any] = {"base_url": base_url, "timezone_id": BROWSER_TZ, "locale": "en-US"}
    if phone:
        options.update(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
    else:
        options.update(viewport={"width": 1280, "height": 900})
    context = browser.new_context(**options)
    context.set_default_timeout(8000)
    if signed_in:
        context.add_init_script(f"sessionStorage.setItem('aida.staffKey', {STAFF_KEY!r});")
    page = context.new_page()
    # The browser's clock agrees with the API's fixed clock ("today" is Monday 2 March 2026).
    page.clock.set_fixed_time(NOW)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A 401 or 422 the page expects still logs "Failed to load resource"; anything else is a bug.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    p = new_page(browser, live_server.url, signed_in=True)
    yield p
    p.context.close()


@pytest.fixture
def anon_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    p = new_page(browser, live_server.url, signed_in=False)
    yield p
    p.context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    p = new_page(browser, live_server.url, signed_in=True, phone=True)
    yield p
    p.context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("screenshots")
    keep = os.environ.get("AIDA_UPDATE_SCREENSHOTS") == "1"

    def take(page: Any, name: str, *, full_page: bool = True) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert path.stat().st_size > 5000, "the screenshot is blank"
        if keep:
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
        return path

    return take
