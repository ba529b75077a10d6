"""Remember what a patient prefers (a doctor, mornings, reminders by text, ...).

One name for the agent's tool, the timeline, the audit trail and this core:
`python -m aida.tools.remember_preference --phone ... --set time_of_day=morning`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from aida.errors import InvalidRequest
from aida.tools._common import phone_of, require_patient
from aida.tools.base import ClinicContext, ToolResult, run_cli

MAX_KEYS = 20
MAX_VALUE = 200


def clean_preferences(preferences: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(preferences, dict) or not preferences:
        raise InvalidRequest("Which preference should I note?")
    if len(preferences) > MAX_KEYS:
        raise InvalidRequest("That's more preferences than I can note at once.")
    cleaned: dict[str, Any] = {}
    for key, value in preferences.items():
        key = str(key).strip().lower().replace(" ", "_")[:50]
        if not key:
            raise InvalidRequest("Which preference should I note?")
        if isinstance(value, str):
            value = " ".join(value.split())[:MAX_VALUE]
        elif not isinstance(value, bool | int | float) and value is not None:
            value = json.dumps(value)[:MAX_VALUE]
        cleaned[key] = value
    return cleaned


async def remember_preference(
    ctx: ClinicContext, phone: str, preferences: dict[str, Any]
) -> ToolResult:
    e164 = phone_of(ctx, phone)
    await require_patient(ctx, e164)
    patient = await ctx.store.merge_preferences(e164, clean_preferences(preferences))
    return ToolResult(say="I've noted that.", data={"preferences": patient.preferences})


def _parse_pairs(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidRequest(f"--set expects key=value, got {pair!r}")
        out[key] = value
    return out


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await remember_preference(ctx, args.phone, _parse_pairs(args.set))


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
