"""Clocks and clinics the scheduling tests share."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aida.scheduling.hours import ClinicHours

NY = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
UTC = dt.UTC


def at(text: str, tz: ZoneInfo = NY) -> dt.datetime:
    """A clinic-local wall time, aware: at("2026-03-09 09:00")."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def clinic(tz: ZoneInfo = NY, **overrides: object) -> ClinicHours:
    """The default clinic: Monday to Friday, 9 to 5, 30-minute slots, 90 days ahead."""
    return ClinicHours(tz=tz, **overrides)  # type: ignore[arg-type]


def assert_speakable(message: str) -> None:
    """One short sentence (or a sentence and a question) a voice can read out."""
    assert message and "\n" not in message
    assert message[0].isupper() and message[-1] in ".?"
    assert len(message) < 200
    assert "Traceback" not in message and "Error" not in message
