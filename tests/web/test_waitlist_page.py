"""The waitlist page in Chromium: staff add a patient in words, see the entry, and remove it.
Its own server and database (it changes data)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import LiveServer, new_page, serve_api
from tests.web.seed import JORDAN, seed, settings_for
from tests.web.test_accessibility import AXE, violations
from tests.web.test_staff_actions import read_store


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("web-waitlist") / "waitlist.db"
    settings = settings_for(str(db))
    with ThreadPoolExecutor(1) as pool:
        data = pool.submit(asyncio.run, seed(settings)).result()
    with serve_api(settings) as url:
        live = LiveServer(url, data)
        live.data["db"] = str(db)
        yield live


def test_add_then_remove_from_the_waitlist(browser: Any, server: LiveServer) -> None:
    page = new_page(browser, server.url, signed_in=True)
    try:
        page.goto("/#/waitlist")
        expect(page.get_by_role("heading", level=1)).to_have_text("Waitlist")
        expect(page.get_by_text("Nobody is on the waitlist.")).to_be_visible()
        page.get_by_label("Patient phone").fill("(415) 555-0132")
        page.get_by_label("Wanted time").fill("any Tuesday morning")
        page.get_by_role("button", name="Add to waitlist").click()
        expect(
            page.get_by_text("On the waitlist for any Tuesday between 9 AM and 12 PM.")
        ).to_be_visible()
        row = page.locator("tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Jordan Lee")
        expect(row).to_contain_text("waiting")
        page.evaluate(AXE + ";0")
        assert violations(page) == []

        page.once("dialog", lambda d: d.accept())
        page.get_by_role("button", name="Remove Jordan Lee from the waitlist").click()
        expect(page.get_by_text("Nobody is on the waitlist.")).to_be_visible()
        [entry] = read_store(server, "list_waitlist")
        assert entry.patient_phone == JORDAN and entry.status == "removed"
        audit = read_store(server, "list_audit", actor="staff:key1")
        actions = {e.action for e in audit}
        assert {"add_waitlist_entry", "remove_waitlist_entry", "read_waitlist"} <= actions
        assert not page.js_errors
    finally:
        page.context.close()
