"""The Call Aida page in Chromium: no LiveKit configured, the vendored client, the live timeline."""

from __future__ import annotations

import json
import random
import socket
from typing import Any

import pytest
from playwright.sync_api import expect

from aida.agent.timeline import encode
from tests.web.conftest import new_page, serve_api
from tests.web.seed import JORDAN, recorded_timeline, settings_for


def test_says_clearly_that_calls_are_not_set_up(anon_page: Any, shots: Any) -> None:
    page = anon_page
    page.goto("/#/call")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call Aida")
    notice = page.get_by_role("note")
    expect(notice).to_contain_text("Voice calls are not set up on this server")
    expect(notice).to_contain_text("LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET")
    page.get_by_label("Your phone number").fill("(415) 555-0132")
    page.get_by_role("button", name="Call Aida").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(
        "Voice calls are not set up on this server, so Aida cannot be called"
    )
    expect(page.locator(".call-status")).to_have_text("Not connected.")
    expect(page.get_by_role("button", name="Call Aida")).to_be_enabled()
    assert not page.js_errors


def test_vendored_livekit_client_loads_under_the_page_policy(anon_page: Any) -> None:
    page = anon_page
    page.goto("/#/call")
    info = page.evaluate(
        """async () => {
            const lk = await import('/vendor/livekit-client.esm.mjs');
            const room = new lk.Room();
            return { version: lk.version, room: typeof lk.Room, state: room.state,
                     topicEvent: lk.RoomEvent.DataReceived };
        }"""
    )
    assert info == {
        "version": "2.23.0",
        "room": "function",
        "state": "disconnected",
        "topicEvent": "dataReceived",
    }
    assert not page.js_errors


def _feed(page: Any, messages: list[bytes], topic: str | None = None) -> list[bool]:
    return page.evaluate(
        """([messages, topic]) => messages.map((m) =>
            topic === null
              ? window.aidaTimeline.handle(new Uint8Array(m))
              : window.aidaTimeline.handle(new Uint8Array(m), undefined, undefined, topic))""",
        [[list(m) for m in messages], topic],
    )


def test_live_timeline_is_drawn_in_seq_order(anon_page: Any, shots: Any) -> None:
    page = anon_page
    page.goto("/#/call")
    expect(page.locator(".live-grid .empty").first).to_be_visible()
    events = recorded_timeline()
    # The exact bytes the agent's publisher sends on the data topic, in a scrambled order.
    messages = [encode(e) for e in events]
    order = list(range(len(messages)))
    random.Random(7).shuffle(order)
    assert order != sorted(order)
    accepted = _feed(page, [messages[i] for i in order])
    assert all(accepted)

    live = page.get_by_role("list", name="Live timeline")
    items = live.locator(":scope > li")
    expect(items).to_have_count(11)  # agent_state kept but not drawn; tool call + result in one
    seqs = [int(s) for s in items.evaluate_all("els => els.map(e => e.dataset.seq)")]
    assert seqs == sorted(seqs)
    assert seqs[0] == 1 and seqs[-1] == len(events)
    texts = items.all_inner_texts()
    assert "Call started" in texts[0] and "Call ended" in texts[-1]
    tool = texts[3]
    assert "find_available_slots" in tool and "Done" in tool and "413 ms" in tool

    transcript = page.get_by_role("list", name="Live transcript").locator(":scope > li")
    said = [e["text"] for e in events if e["type"] == "transcript"]
    expect(transcript).to_have_count(len(said))
    assert [t.split("\n")[-1] for t in transcript.all_inner_texts()] == said
    assert page.evaluate("window.aidaTimeline.events().map(e => e.seq)") == list(
        range(1, len(events) + 1)
    )
    # The newest agent_state wins even though it arrived out of order.
    expect(page.locator(".agent-state")).to_have_text("Aida is listening.")

    # Duplicates, other topics and foreign payloads are ignored.
    assert _feed(page, [messages[4]]) == [False]
    other = json.dumps(
        {"v": 1, "seq": 99, "call_id": "x", "type": "transcript", "text": "nope"}
    ).encode()
    assert _feed(page, [other], topic="lk.chat") == [False]
    assert _feed(page, [b"not json", b'{"v": 2, "seq": 100}']) == [False, False]
    expect(items).to_have_count(11)
    shots(page, "call-aida")

    # An event too big for one data packet arrives cut down by the agent, and says so.
    big = {
        **events[4],
        "seq": len(events) + 1,
        "tool_call_id": "call_big",
        "args": {"x": "a" * 20_000},
    }
    assert json.loads(encode(big))["truncated"] is True
    assert _feed(page, [encode(big)]) == [True]
    expect(items.last).to_contain_text("the call record keeps it in full")
    assert not page.js_errors


def test_a_result_before_its_call_still_makes_one_entry(anon_page: Any) -> None:
    page = anon_page
    page.goto("/#/call")
    events = recorded_timeline()
    call, result = (e for e in events if e.get("tool_call_id") == "call_2")
    _feed(page, [encode(result)])
    live = page.get_by_role("list", name="Live timeline").locator(":scope > li")
    expect(live).to_have_count(1)
    expect(live.first).to_contain_text("book_appointment")
    _feed(page, [encode(call)])
    expect(live).to_have_count(1)
    assert live.first.get_attribute("data-seq") == str(call["seq"])
    expect(live.first.locator("summary")).to_have_text(["Arguments", "Result"])


def test_phone_sized_screens(phone_page: Any, shots: Any) -> None:
    page = phone_page
    page.goto("/#/calls")
    expect(page.locator("tbody tr")).to_have_count(3)
    # Table rows become labelled cards; nothing scrolls sideways.
    first_cell = page.locator("tbody tr").first.locator("td").nth(1)
    assert (
        page.evaluate("el => getComputedStyle(el, '::before').content", first_cell.element_handle())
        == '"Caller: "'
    )
    expect(first_cell).to_contain_text(JORDAN)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shots(page, "calls-phone")
    page.goto("/#/calendar?view=week&date=2026-03-03")
    expect(page.locator("section.day")).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = page.locator("section.day").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().x)"
    )
    assert len(set(round(x) for x in boxes)) == 1  # one column
    page.goto("/#/call")
    expect(page.get_by_role("button", name="Call Aida")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.js_errors


def test_keyboard_skip_link_and_focus(page: Any) -> None:
    page.goto("/#/calls")
    expect(page.locator("tbody tr")).to_have_count(3)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("location.hash") == "#/calls"
    # Moving to another page puts focus on its heading, for screen readers.
    page.get_by_role("link", name="Calendar").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.get_by_role("link", name="Calendar")).to_have_attribute("aria-current", "page")


def test_an_unreachable_voice_server_is_reported(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # LiveKit configured, but nothing listens at its URL: the page gets a real token, loads
    # livekit-client, tries to connect and must say that it could not.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    settings = settings_for(
        str(tmp_path_factory.mktemp("web-lk") / "lk.db"),
        livekit_url=f"ws://127.0.0.1:{dead_port}",
        livekit_api_key="APIwebTestKey",
        livekit_api_secret="web-test-secret-long-enough-for-hs256-0123456789",
    )
    with serve_api(settings) as url:
        page = new_page(browser, url, signed_in=False)
        try:
            sessions: list[int] = []
            page.on(
                "response",
                lambda r: sessions.append(r.status) if r.url.endswith("/api/session") else None,
            )
            page.goto("/#/call")
            expect(page.get_by_role("heading", level=1)).to_have_text("Call Aida")
            page.get_by_label("Your name").fill("Jordan Lee")
            page.get_by_role("button", name="Call Aida").click()
            expect(page.get_by_role("alert")).to_contain_text(
                "Could not connect to the voice server", timeout=20_000
            )
            assert sessions == [200]
            expect(page.get_by_role("note")).to_be_hidden()  # LiveKit is configured
            expect(page.locator(".call-status")).to_have_text("Not connected.")
            expect(page.get_by_role("button", name="Call Aida")).to_be_enabled()
            expect(page.get_by_role("button", name="Hang up")).to_be_hidden()
            # The browser logs the refused WebSocket itself; nothing else may go wrong.
            assert [e for e in page.js_errors if not e.startswith("WebSocket connection to")] == []
        finally:
            page.context.close()
