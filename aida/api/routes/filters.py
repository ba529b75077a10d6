"""Query parameters several staff routes share: a phone to normalise, a date bound to parse."""

from __future__ import annotations

import datetime as dt

from aida.api.errors import validation_error
from aida.api.routes.slots import parse_bound
from aida.config import Settings
from aida.errors import InvalidPhone
from aida.scheduling.phones import normalize_phone


def phone_param(raw: str, settings: Settings, name: str = "phone") -> str:
    try:
        return normalize_phone(raw, settings.phone_region)
    except InvalidPhone as exc:
        raise validation_error(("query", name), exc.message, raw) from None


def date_param(raw: str | None, name: str, settings: Settings, *, end: bool) -> dt.datetime | None:
    return parse_bound(raw, name, settings.tz, end=end) if raw else None
