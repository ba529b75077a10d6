"""axe-core (WCAG 2 A/AA and best-practice rules: labels, landmarks, contrast, names, ARIA) on
every page, at desktop and phone sizes. axe-core is vendored in tests/web/vendor by
`web/build.mjs`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import LiveServer, new_page
from tests.web.seed import JORDAN_CALL

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()

# Visited in one document (hash routes), so axe is loaded once per screen size.
PAGES = [
    ("calls", "/#/calls", "tbody tr"),
    ("call", f"/#/calls/{JORDAN_CALL}", ".timeline li"),
    ("calendar", "/#/calendar?view=week&date=2026-03-03", ".entry.appt"),
    ("call-aida", "/#/call", "form.call-form"),
]


def violations(page: Any) -> list[str]:
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice'],"
        " resultTypes: ['violations']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_pages_have_no_axe_violations(browser: Any, live_server: LiveServer, phone: bool) -> None:
    page = new_page(browser, live_server.url, signed_in=True, phone=phone)
    found: dict[str, list[str]] = {}
    try:
        page.goto(PAGES[0][1])
        page.wait_for_selector(PAGES[0][2])
        # Evaluated, not added as a <script>: the page's CSP rightly refuses inline scripts.
        page.evaluate(AXE + ";0")
        for name, route, ready in PAGES:
            page.evaluate("route => { location.hash = route.slice(1); }", route)
            page.wait_for_selector(ready)
            if name == "call":
                page.locator("details").first.evaluate("d => d.open = true")
            found[name] = violations(page)
        page.get_by_role("button", name="Sign out").click()
        page.evaluate("location.hash = '#/calls'")
        page.wait_for_selector("form.signin")
        found["sign-in"] = violations(page)
        assert page.evaluate("location.pathname") == "/"  # one document all along
    finally:
        page.context.close()
    assert found == {name: [] for name in [*(p[0] for p in PAGES), "sign-in"]}
