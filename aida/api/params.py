"""Query parameters several routes share: a window's bounds to parse, a phone to normalise."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query

from aida.api.errors import validation_error
from aida.config import Settings
from aida.errors import InvalidPhone
from aida.scheduling.phones import normalize_phone

WindowStart = Annotated[
    str | None,
    Query(
        alias="from",
        max_length=40,
        description="Window start (ISO date or datetime).",
        examples=["2026-03-09"],
    ),
]
WindowEnd = Annotated[
    str | None,
    Query(
        alias="to",
        max_length=40,
        description="Window end; a date includes that day.",
        examples=["2026-03-13"],
    ),
]

ISO_HINT = "Use an ISO 8601 date or datetime, e.g. 2026-03-09 or 2026-03-09T09:00:00-05:00."


def parse_bound(raw: str, name: str, tz: dt.tzinfo, *, end: bool) -> dt.datetime:
    """An ISO date or datetime as an aware datetime; naive values are clinic-local.

    A bare date means the start of that day for `from` and the end of it for `to`.
    """
    text = raw.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            if not 1900 <= day.year <= 2999:
                raise ValueError
            start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
            return start + dt.timedelta(days=1) if end else start
        when = dt.datetime.fromisoformat(text)
        if not 1900 <= when.year <= 2999:
            raise ValueError
    except ValueError:
        raise validation_error(
            ("query", name), f"'{raw[:40]}' is not a date or datetime. {ISO_HINT}", raw
        ) from None
    return when.replace(tzinfo=tz) if when.tzinfo is None else when


def date_param(raw: str | None, name: str, settings: Settings, *, end: bool) -> dt.datetime | None:
    return parse_bound(raw, name, settings.tz, end=end) if raw else None


def phone_param(raw: str, settings: Settings, name: str = "phone") -> str:
    try:
        return normalize_phone(raw, settings.phone_region, settings.allow_fictional_numbers)
    except InvalidPhone as exc:
        raise validation_error(("query", name), exc.message, raw) from None
