"""The staff dashboard in Chromium: sign-in gate, calls list, one call, calendar."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from aida.calls.cost import cost_breakdown, load_price_table
from tests.web.conftest import LiveServer
from tests.web.seed import (
    ANON_CALL,
    EMERGENCY_ITEM,
    JORDAN,
    JORDAN_CALL,
    MARIA,
    MARIA_CALL,
    STAFF_KEY,
    SUMMARY,
    USAGE,
)


def _api_requests(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/api/" in r.url else None)
    return seen


def test_sign_in_gates_patient_data(anon_page: Any, shots: Any) -> None:
    page = anon_page
    requests = _api_requests(page)
    page.goto("/#/calls")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to see calls")
    # Nothing of patient data was asked for, nor drawn.
    assert not [u for u in requests if "/api/summaries" in u or "/api/appointments" in u]
    assert JORDAN not in page.content()
    shots(page, "sign-in")

    page.get_by_label("Staff API key").fill("not-the-key")
    page.get_by_label("Staff API key").press("Enter")  # the keyboard submits the form
    expect(page.get_by_role("alert")).to_have_text(
        "That staff key was not accepted. Check it and try again."
    )
    assert page.evaluate("sessionStorage.getItem('aida.staffKey')") is None
    expect(page.locator("table")).to_have_count(0)
    assert JORDAN not in page.content()

    page.goto("/#/calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to see calendar")
    page.get_by_label("Staff API key").fill(STAFF_KEY)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar")
    assert page.evaluate("sessionStorage.getItem('aida.staffKey')") == STAFF_KEY

    page.get_by_role("link", name="Calls", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to see calls")
    expect(page.locator("table")).to_have_count(0)
    assert JORDAN not in page.content()
    assert page.evaluate("sessionStorage.getItem('aida.staffKey')") is None
    assert not page.js_errors


def test_a_revoked_key_signs_out(browser: Any, live_server: LiveServer) -> None:
    from tests.web.conftest import new_page

    page = new_page(browser, live_server.url, signed_in=False)
    try:
        page.context.add_init_script("sessionStorage.setItem('aida.staffKey', 'revoked-key')")
        page.goto("/#/calls")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to see calls")
        expect(page.get_by_role("status").first).to_contain_text("not accepted any more")
        assert JORDAN not in page.content()
    finally:
        page.context.close()


def test_calls_list_open_items_first_and_filters(page: Any, shots: Any) -> None:
    page.goto("/#/calls")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    # the two calls with action items nobody has done yet come first, newest first; then Maria's
    assert [rows.nth(i).get_attribute("data-id") for i in range(3)] == [
        JORDAN_CALL,
        ANON_CALL,
        MARIA_CALL,
    ]
    expect(rows.nth(0).locator('td[data-label="To do"]')).to_have_text("1 open")
    expect(rows.nth(1).locator('td[data-label="To do"]')).to_have_text("2 open")
    expect(rows.nth(2).locator('td[data-label="To do"]')).to_have_text("—")
    # Maria's was her reminder call (Aida called out); a record without a direction is inbound
    expect(rows.nth(2).locator('td[data-label="Direction"]')).to_have_text("Outbound")
    expect(rows.nth(0).locator('td[data-label="Direction"]')).to_have_text("Inbound")
    expect(rows.nth(1).locator('td[data-label="Direction"]')).to_have_text("Inbound")
    first = rows.nth(0)
    expect(first).to_contain_text(JORDAN)
    expect(first).to_contain_text(SUMMARY)
    expect(first).to_contain_text("1 booked")
    expect(first).to_contain_text("23 s")
    # Started 15:50 UTC = 8:50 AM in Denver (the browser itself is in Tokyo).
    expect(first.get_by_role("link")).to_have_text("Mon, Mar 2, 2026, 8:50 AM")
    expect(rows.nth(1)).to_contain_text("Unknown caller")
    expect(rows.nth(1)).to_contain_text("Timeline only")
    shots(page, "calls")

    page.get_by_label("Caller phone").fill("(303) 555-0148")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(MARIA)

    page.get_by_role("button", name="Clear").click()
    expect(rows).to_have_count(3)
    page.get_by_label("From").fill("2026-03-02")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(JORDAN)

    page.get_by_label("Caller phone").fill("12")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".status.alert")).to_contain_text("phone")
    assert not page.js_errors


def test_call_page_shows_summary_and_timeline(page: Any, shots: Any) -> None:
    page.goto("/#/calls")
    page.locator(f'tr[data-id="{JORDAN_CALL}"] a').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Call with {JORDAN}")
    expect(page.locator(".summary-text")).to_have_text(SUMMARY)
    expect(page.locator(".action-items")).to_contain_text(
        "Call the patient back: check whether the insurance covers the check-up"
    )
    expect(page.locator(".changes")).to_contain_text("Booked Tuesday, March 3 at 10:30 AM")
    total = cost_breakdown(USAGE, load_price_table())["total_usd"]
    assert 0.01 <= total < 0.1  # three significant digits are then four decimals
    expect(page.locator(".total")).to_have_text(f"Total ${total:.4f}")
    cost = page.locator(".cost-table")
    expect(cost.locator("tbody tr")).to_have_count(3)
    expect(cost).to_contain_text("openai · gpt-4o-mini")
    expect(cost).to_contain_text("4,096 input tokens × $0.15/million")
    expect(cost).to_contain_text("0.375 audio minutes")

    items = page.locator(".timeline > li")
    # 15 events, agent_state hidden, each tool call and its result in one entry: 11 entries.
    expect(items).to_have_count(11)
    seqs = [int(s) for s in items.evaluate_all("els => els.map(e => e.dataset.seq)")]
    assert seqs == sorted(seqs)
    texts = items.all_inner_texts()
    assert texts[0].startswith("+0:01.5") and "Call started" in texts[0]
    assert "Aida" in texts[1] and "Hello, this is Aida" in texts[1]
    assert "Caller" in texts[2] and "check-up tomorrow morning" in texts[2]
    assert "find_available_slots" in texts[3] and "Done" in texts[3] and "413 ms" in texts[3]
    assert "I have 10:30 AM or 11:00 AM tomorrow." in texts[3]
    assert "book_appointment" in texts[6] and "38 ms" in texts[6]
    assert "remember_preference" in texts[7] and "Failed" in texts[7]
    assert "The database is busy right now." in texts[7]
    assert "Callback requested" in texts[8] and "insurance covers" in texts[8]
    assert "Goodbye" in texts[9] and "Call ended" in texts[10]

    # Arguments and results open from the keyboard.
    summary = items.nth(3).locator("summary", has_text="Arguments")
    summary.focus()
    page.keyboard.press("Enter")
    expect(items.nth(3).locator("pre").first).to_contain_text('"when": "tomorrow morning"')

    page.get_by_label("Show when Aida was listening, thinking or speaking").check()
    expect(items).to_have_count(12)
    expect(items.nth(2)).to_contain_text("Aida is listening")
    turns = page.locator(".transcript > li")
    expect(turns).to_have_count(5)
    expect(turns.nth(0)).to_have_text("Aida 8:50 AMHello, this is Aida at Riverside Family Clinic.")
    expect(turns.nth(2)).to_contain_text("Tool call find_available_slots")
    expect(turns.nth(2).locator("pre")).to_contain_text('"when": "tomorrow morning"')
    expect(turns.nth(3)).to_contain_text("I have 10:30 AM or 11:00 AM tomorrow.")
    shots(page, "call")
    assert not page.js_errors


def test_a_call_without_timeline_or_cost(page: Any) -> None:
    page.goto(f"/#/calls/{MARIA_CALL}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Call with {MARIA}")
    expect(page.locator(".changes")).to_contain_text("Cancelled Thursday, March 5 at 9 AM")
    expect(page.get_by_text("No timeline recorded for this call.")).to_be_visible()
    expect(page.get_by_text("No transcript recorded.")).to_be_visible()
    expect(page.get_by_text("No cost recorded.")).to_be_visible()
    expect(page.get_by_text("No action items.")).to_be_visible()
    page.get_by_role("link", name="← All calls").click()
    expect(page.locator("tbody tr")).to_have_count(3)


def test_a_possible_emergency_is_shown_first(page: Any, shots: Any) -> None:
    page.goto(f"/#/calls/{ANON_CALL}")
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Possible emergency.")
    expect(banner).to_contain_text(EMERGENCY_ITEM)
    items = page.locator(".action-items li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(EMERGENCY_ITEM)  # stored second, shown first
    expect(items.nth(0)).to_have_class("urgent")
    expect(items.nth(1)).to_contain_text("billing")
    expect(page.locator("section:has(#sec-timeline)")).to_contain_text("Possible emergency")
    shots(page, "call-emergency")
    assert not page.js_errors


def test_unknown_call_says_so(page: Any) -> None:
    page.goto("/#/calls/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call not found")
    expect(page.get_by_role("alert")).to_contain_text("No call summary has the id")


def test_calendar_draws_in_the_clinic_timezone(page: Any, shots: Any) -> None:
    page.goto("/#/calendar?view=week&date=2026-03-03")
    expect(page.locator(".lead")).to_contain_text("America/Denver (MST)")
    days = page.locator("section.day")
    expect(days).to_have_count(7)
    assert days.evaluate_all("els => els.map(e => e.dataset.day)") == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-06",
        "2026-03-07",
        "2026-03-08",
    ]
    tuesday = page.locator('section[data-day="2026-03-03"]')
    appt = tuesday.locator(".entry.appt")
    expect(appt).to_have_count(1)
    expect(appt.locator(".time")).to_have_text("10:30 AM – 11:00 AM")
    expect(appt).to_contain_text("Jordan Lee")
    expect(appt).to_contain_text("annual check-up")
    # Its slot is not offered as free; its neighbours are.
    free = tuesday.locator(".entry.free .time").all_inner_texts()
    assert "10:30 AM" not in free and "10:00 AM" in free and "11:00 AM" in free
    assert free[0] == "9:00 AM"
    wednesday = page.locator('section[data-day="2026-03-04"]')
    expect(wednesday.locator(".entry.appt .time")).to_have_text("2:00 PM – 2:30 PM")
    expect(wednesday.locator(".entry.appt")).to_contain_text("Maria Garcia")
    thursday = page.locator('section[data-day="2026-03-05"]')
    expect(thursday.locator(".entry.appt")).to_have_count(0)  # cancelled: hidden by default
    expect(page.locator('section[data-day="2026-03-07"]')).to_contain_text("No free slots.")
    shots(page, "calendar")

    page.get_by_label("Show cancelled").check()
    page.get_by_role("button", name="Show").click()
    expect(thursday.locator(".entry.appt.status-cancelled .time")).to_have_text("9:00 AM – 9:30 AM")

    page.get_by_role("link", name="Day", exact=True).click()
    expect(page.locator("section.day")).to_have_count(1)
    expect(page.locator(".lead")).to_contain_text("Tuesday, March 3, 2026")
    page.get_by_role("link", name="Next day →").click()
    expect(page.locator('section[data-day="2026-03-04"] .entry.appt')).to_contain_text(
        "Maria Garcia"
    )

    page.get_by_label("Patient phone").fill("415 555 0132")
    page.get_by_label("Go to date").fill("2026-03-03")
    page.get_by_role("button", name="Show").click()
    expect(page.locator('section[data-day="2026-03-03"] .entry.appt')).to_contain_text("Jordan Lee")
    expect(page.locator(".status").first).to_contain_text("1 appointment for 415 555 0132")
    assert not page.js_errors
