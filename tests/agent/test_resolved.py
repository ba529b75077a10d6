"""The instants a tool call's time words mean, as recorded on its `tool_call` event: the same
resolver, clock and hours as the tools, exact times and windows, nothing for unreadable words."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from zoneinfo import ZoneInfo

from aida.agent.resolved import resolved_times
from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store
from aida.tools.base import ClinicContext

NY = ZoneInfo("America/New_York")


def context() -> ClinicContext:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    monday = dt.datetime(2026, 3, 2, 8, 30, tzinfo=NY)
    # resolving words reads no store
    return ClinicContext(store=cast(Store, None), settings=settings, clock=FixedClock(monday))


def test_exact_times_windows_and_words_left_out() -> None:
    args: dict[str, Any] = {
        "start": "Saturday at 8pm",  # outside the hours: still the instant the caller meant
        "new_start": "2026-03-04T10:00:00-05:00",
        "when": "Wednesday morning",
        "which": "my Friday one",  # an appointment, not a time: not resolved
        "reason": "check-up",
    }
    assert resolved_times(context(), args) == {
        "start": "2026-03-07T20:00:00-05:00",
        "new_start": "2026-03-04T10:00:00-05:00",
        "when": {"from": "2026-03-04T09:00:00-05:00", "to": "2026-03-04T12:00:00-05:00"},
    }
    # words the grammar cannot read, or reads two ways, are the tool's to ask about
    assert resolved_times(context(), {"start": "banana", "when": ""}) == {}
    assert resolved_times(context(), {"start": "Friday the 5th at 10"}) == {}
