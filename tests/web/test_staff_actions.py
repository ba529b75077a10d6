"""Staff who act, in Chromium: book, move and cancel from the calendar, two tabs racing for one
slot, and action items marked done. These tests change data, so they get a server and a seeded
database of their own (the other browser tests share one that must stay as seeded)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import expect

from aida.store.factory import open_store
from aida.store.models import Appointment, AuditEntry
from tests.web.conftest import LiveServer, new_page, serve_api
from tests.web.seed import ANON_CALL, JORDAN, JORDAN_CALL, MARIA, MARIA_CALL, seed, settings_for
from tests.web.test_accessibility import AXE, violations


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("web-staff") / "staff.db"
    settings = settings_for(str(db))
    with ThreadPoolExecutor(1) as pool:
        data = pool.submit(asyncio.run, seed(settings)).result()
    with serve_api(settings) as url:
        live = LiveServer(url, data)
        live.data["db"] = str(db)
        yield live


def read_store(server: LiveServer, what: str, **kwargs: Any) -> Any:
    """The rows as the database holds them (in a thread: Playwright's loop runs in this one)."""

    async def read() -> Any:
        store = await open_store(settings_for(server.data["db"]))
        try:
            return await getattr(store, what)(**kwargs)
        finally:
            await store.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, read()).result()


def booked_at(server: LiveServer, start_utc: dt.datetime) -> list[Appointment]:
    rows = read_store(
        server, "list_appointments", start=start_utc, end=start_utc + dt.timedelta(minutes=30)
    )
    return [a for a in rows if a.start_time == start_utc]


@pytest.fixture
def staff_page(browser: Any, server: LiveServer) -> Iterator[Any]:
    page = new_page(browser, server.url, signed_in=True)
    yield page
    page.context.close()


def test_book_from_a_free_slot(staff_page: Any, server: LiveServer, shots: Any) -> None:
    page = staff_page
    page.goto("/#/calendar?view=day&date=2026-03-04")
    page.get_by_role("button", name="Book Wednesday, March 4 at 9 AM").click()
    panel = page.locator(".action-panel")
    expect(panel.get_by_role("heading")).to_have_text("Book Wed, Mar 4, 2026, 9:00 AM")
    expect(page.get_by_label("Patient's phone number")).to_be_focused()
    page.evaluate(AXE + ";0")
    assert violations(page) == []  # the open panel too

    # a typo keeps the form, and what was typed, open
    page.get_by_label("Patient's phone number").fill("12")
    page.get_by_label("Reason for the visit").fill("follow-up")
    page.get_by_role("button", name="Book appointment").click()
    expect(panel.get_by_role("alert")).to_contain_text("phone")
    expect(page.get_by_label("Reason for the visit")).to_have_value("follow-up")

    page.get_by_label("Patient's phone number").fill("(415) 555-0132")
    page.get_by_role("button", name="Book appointment").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Booked Jordan Lee for Wednesday, March 4 at 9 AM."
    )
    day = page.locator('section[data-day="2026-03-04"]')
    nine = day.locator(".entry.appt", has_text="9:00 AM")
    expect(nine).to_contain_text("Jordan Lee")
    expect(nine).to_contain_text("follow-up")
    expect(page.get_by_role("button", name="Book Wednesday, March 4 at 9 AM")).to_have_count(0)
    shots(page, "calendar-booked")

    [appt] = booked_at(server, dt.datetime(2026, 3, 4, 16, 0, tzinfo=dt.UTC))
    assert appt.user_phone == JORDAN and appt.meta == {"reason": "follow-up"}
    audit: list[AuditEntry] = read_store(server, "list_audit", actor="staff:key1")
    assert ("staff_book_appointment", JORDAN) in [(e.action, e.patient_phone) for e in audit]
    assert not page.js_errors


def test_two_tabs_race_for_one_slot(browser: Any, server: LiveServer, shots: Any) -> None:
    tabs = [new_page(browser, server.url, signed_in=True) for _ in range(2)]
    try:
        for tab, phone in zip(tabs, (JORDAN, MARIA), strict=True):
            tab.goto("/#/calendar?view=day&date=2026-03-05")
            tab.get_by_role("button", name="Book Thursday, March 5 at 10 AM").click()
            tab.get_by_label("Patient's phone number").fill(phone)
        # both submit before either answer is back
        for tab in tabs:
            tab.get_by_role("button", name="Book appointment").click()
        outcomes = []
        for tab in tabs:
            message = tab.locator("main .alert").first
            expect(message).to_be_visible()
            outcomes.append((message.get_attribute("role"), message.inner_text()))
        winners = [text for role, text in outcomes if role == "status"]
        losers = [text for role, text in outcomes if role == "alert"]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert winners[0].startswith("Booked ") and "Thursday, March 5 at 10 AM" in winners[0]
        assert losers[0].startswith("Sorry, Thursday, March 5 at 10 AM is already taken.")
        assert "The nearest openings are" in losers[0]
        loser = tabs[[role for role, _ in outcomes].index("alert")]
        shots(loser, "calendar-slot-taken")
        # both tabs now draw the winner's appointment, and the slot is offered to nobody
        [appt] = booked_at(server, dt.datetime(2026, 3, 5, 17, 0, tzinfo=dt.UTC))
        name = "Jordan Lee" if appt.user_phone == JORDAN else "Maria Garcia"
        assert winners[0].startswith(f"Booked {name} ")
        for tab in tabs:
            ten = tab.locator(".entry.appt", has_text="10:00 AM")
            expect(ten).to_contain_text(name)
            offer = tab.get_by_role("button", name="Book Thursday, March 5 at 10 AM")
            expect(offer).to_have_count(0)
            assert not tab.js_errors
    finally:
        for tab in tabs:
            tab.context.close()


def test_move_then_cancel(staff_page: Any, server: LiveServer) -> None:
    page = staff_page
    page.goto("/#/calendar?view=day&date=2026-03-03")
    page.get_by_role("button", name="Move Jordan Lee's appointment at 10:30 AM").click()
    page.get_by_label("New time").select_option(label="Tue, Mar 3, 2026, 11:00 AM")
    page.get_by_role("button", name="Move appointment").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Moved Jordan Lee from Tuesday, March 3 at 10:30 AM to Tuesday, March 3 at 11 AM."
    )
    day = page.locator('section[data-day="2026-03-03"]')
    expect(day.locator(".entry.appt .time")).to_have_text("11:00 AM – 11:30 AM")
    # the old time is free again
    expect(page.get_by_role("button", name="Book Tuesday, March 3 at 10:30 AM")).to_be_visible()

    page.get_by_role("button", name="Cancel Jordan Lee's appointment at 11:00 AM").click()
    expect(page.locator(".action-panel")).to_contain_text(
        "Cancel Jordan Lee's appointment on Tue, Mar 3, 2026, 11:00 AM?"
    )
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Cancelled Jordan Lee's appointment on Tuesday, March 3 at 11 AM."
    )
    expect(day.locator(".entry.appt")).to_have_count(0)
    upcoming = read_store(server, "list_appointments", phone=JORDAN)
    assert all(a.start_time.date() != dt.date(2026, 3, 3) for a in upcoming)
    actions = [e.action for e in read_store(server, "list_audit", actor="staff:key1")]
    assert "staff_reschedule_appointment" in actions and "staff_cancel_appointment" in actions
    assert not page.js_errors


def test_action_items_done_and_the_calls_list(staff_page: Any, server: LiveServer) -> None:
    page = staff_page
    page.goto(f"/#/calls/{JORDAN_CALL}")
    item = page.locator(".action-items li").first
    done = item.get_by_role("checkbox", name="Done")
    expect(done).not_to_be_checked()
    done.check()
    expect(item).to_contain_text("Done by key1, Mon, Mar 2, 2026, 9:00 AM")
    expect(item).to_have_class("done")
    marks = read_store(server, "list_action_items_done", call_ids=[JORDAN_CALL])
    assert [(m.index, m.done_by) for m in marks] == [(0, "staff:key1")]

    page.reload()  # it is the server's state, not the page's
    expect(page.locator(".action-items li").first.get_by_role("checkbox")).to_be_checked()

    page.get_by_role("link", name="← All calls").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    # Jordan's call has nothing open now: the anonymous call's items come first
    assert [rows.nth(i).get_attribute("data-id") for i in range(3)] == [
        ANON_CALL,
        JORDAN_CALL,
        MARIA_CALL,
    ]
    expect(rows.nth(1).locator('td[data-label="To do"]')).to_have_text("All done")

    page.goto(f"/#/calls/{JORDAN_CALL}")
    page.locator(".action-items li").first.get_by_role("checkbox", name="Done").uncheck()
    expect(page.locator(".action-items li").first).not_to_have_class("done")
    assert read_store(server, "list_action_items_done", call_ids=[JORDAN_CALL]) == []
    assert not page.js_errors


def test_a_transfer_is_drawn_on_the_live_timeline(browser: Any, server: LiveServer) -> None:
    """The events aida.agent.handoff records, as the agent's publisher encodes them."""
    from aida.agent.timeline import Timeline, encode

    timeline = Timeline("call-transfer")
    timeline.record("transfer", status="started", to="tel:+12025550100")
    timeline.record("transfer", status="failed", to="tel:+12025550100", error="STR_REJECTED")
    timeline.record("transfer", status="not_possible", why="web_call")
    timeline.record("call_closing", by="aida")
    page = new_page(browser, server.url, signed_in=False)
    try:
        page.goto("/#/call")
        accepted = page.evaluate(
            "ms => ms.map((m) => window.aidaTimeline.handle(new Uint8Array(m)))",
            [list(encode(e)) for e in timeline.events],
        )
        assert accepted == [True] * 4
        items = page.get_by_role("list", name="Live timeline").locator(":scope > li")
        expect(items).to_have_count(4)
        texts = items.all_inner_texts()
        assert "Transferring to staff" in texts[0] and "tel:+12025550100" in texts[0]
        assert "Transfer failed: callback requested" in texts[1] and "STR_REJECTED" in texts[1]
        assert "No transfer possible: callback requested" in texts[2] and "Web call" in texts[2]
        assert "Aida said goodbye and hung up" in texts[3]
        assert not page.js_errors
    finally:
        page.context.close()
