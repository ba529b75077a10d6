"""No page draws a JavaScript value as text: `Element.append(null)` writes the word "null", which
is how the sign-in and calendar pages once showed a stray "null" under their heading."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.seed import ANON_CALL, MARIA_CALL

# Text nodes that are a value's default string, never words a page means to say.
STRAY = ["null", "undefined", "NaN", "[object Object]"]

_STRAY_NODES = """(stray) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    if (stray.includes(text)) found.push(`${n.parentElement.tagName.toLowerCase()}: ${text}`);
  }
  return found;
}"""


def _strays(page: Any) -> list[str]:
    found: list[str] = page.evaluate(_STRAY_NODES, STRAY)
    return found


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/#/calls", "Sign in to see calls"), ("/#/calendar", "Sign in to see calendar")],
)
def test_sign_in_pages_draw_no_stray_values(anon_page: Any, path: str, heading: str) -> None:
    anon_page.goto(path)
    expect(anon_page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(anon_page.get_by_label("Staff API key")).to_be_visible()
    assert _strays(anon_page) == []
    # the paragraph right under the heading is the page's lead, not a leftover value
    first = anon_page.locator("main h1 + *")
    expect(first).to_have_class("lead")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/#/calls", "Calls"),
        ("/#/calendar?view=week&date=2026-03-03", "Calendar"),
        ("/#/calendar?view=day&date=2026-03-04", "Calendar"),
        (f"/#/calls/{MARIA_CALL}", None),
        (f"/#/calls/{ANON_CALL}", None),
        ("/#/call", "Call Aida"),
        ("/#/nowhere", "Page not found"),
    ],
)
def test_staff_pages_draw_no_stray_values(page: Any, path: str, heading: str | None) -> None:
    page.goto(path)
    h1 = page.get_by_role("heading", level=1)
    if heading is not None:
        expect(h1).to_have_text(heading)
    else:
        expect(h1).to_contain_text("Call with")
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")
    assert _strays(page) == []
    assert page.js_errors == []
