"""Reading a scenario's fields: phone numbers, local times, dates, phrases, and the one rule
for keys: a key the format does not have is an error naming it and where it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from aida.errors import InvalidPhone
from aida.scheduling.phones import normalize_phone

CALLER = "caller"  # stands for the number the line presents in `patients`, `appointments`, `expect`


class ScenarioError(ValueError):
    """A scenario file that cannot be run; the message names the file and the field."""


def only(raw: dict[str, Any], allowed: Iterable[str], where: str) -> None:
    """Refuse keys the format does not have: a typo ("bookd") must not pass as no rule."""
    known = sorted(allowed)
    unknown = sorted(str(k) for k in raw if k not in known)
    if unknown:
        keys = ", ".join(repr(k) for k in unknown)
        raise ScenarioError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {keys} "
            f"(known here: {', '.join(known)})"
        )


def mapping(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: expected a mapping")
    return raw


def listing(raw: Any, where: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}: expected a list")
    return raw


def phone(raw: Any, caller: str | None, where: str, region: str) -> str:
    if raw == CALLER:
        if caller is None:
            raise ScenarioError(f"{where}: 'caller' needs a caller or web_phone to stand for")
        return caller
    try:
        return normalize_phone(str(raw), region)
    except InvalidPhone as exc:
        raise ScenarioError(f"{where}: {raw!r} is not a phone number") from exc


def when(raw: Any, tz: ZoneInfo, where: str) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        try:
            value = dt.datetime.fromisoformat(str(raw))
        except ValueError as exc:
            raise ScenarioError(f"{where}: {raw!r} is not an ISO date and time") from exc
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ScenarioError(f"{where}: {raw!r} is not an ISO date") from exc


def text(raw: Any, where: str) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool) or not str(raw).strip():
        raise ScenarioError(f"{where}: expected a non-empty phrase")
    return str(raw).strip()


def phrases(raw: Any, where: str) -> tuple[str, ...]:
    """A list of phrases (a bare phrase is a list of one)."""
    items = raw if isinstance(raw, list) else [raw]
    return tuple(text(p, f"{where}[{i}]") for i, p in enumerate(items))


def alternatives(raw: Any, where: str) -> tuple[tuple[str, ...], ...]:
    """Checks, each a list of alternatives (a bare phrase is a check with one)."""
    if not isinstance(raw, list):
        raise ScenarioError(f"{where} must be a list of checks")
    out = []
    for i, check in enumerate(raw):
        at = f"{where}[{i}]"
        options = check if isinstance(check, list) else [check]
        if not options:
            raise ScenarioError(f"{at}: a check needs at least one phrase")
        out.append(tuple(text(a, at) for a in options))
    return tuple(out)
