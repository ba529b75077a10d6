"""The call printed as it happens, from its timeline: what Aida says and which tools she calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

Printer = Callable[[str], None]


def echo(
    say: Printer, started: float, *, user_label: str | None = "heard "
) -> Callable[[dict[str, Any]], None]:
    """A timeline sink printing each line with the seconds since `started`. `user_label` None
    leaves the caller's lines out (the text mode prints them itself, as sent)."""

    def sink(event: dict[str, Any]) -> None:
        kind = event.get("type")
        stamp = f"[{time.time() - started:6.1f}s]"
        if kind == "transcript":
            if event.get("role") == "user":
                if user_label is None:
                    return
                who = user_label
            else:
                who = "Aida  "
            cut = " (interrupted)" if event.get("interrupted") else ""
            say(f"{stamp} {who}: {event.get('text', '')}{cut}")
        elif kind == "tool_call":
            args = ", ".join(f"{k}={v!r}" for k, v in (event.get("args") or {}).items())
            say(f"{stamp} tool  : {event.get('name')}({args})")
        elif kind == "tool_result":
            if event.get("ok"):
                outcome = (event.get("result") or {}).get("say", "ok")
            else:
                outcome = "error: " + str((event.get("error") or {}).get("message", "?"))
            say(f"{stamp}      -> {outcome} ({event.get('duration_ms')} ms)")

    return sink
