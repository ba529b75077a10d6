"""Find a few well-spread free appointment times in a window given in words or ISO."""

from __future__ import annotations

import argparse
import datetime as dt

from aida.errors import InvalidRequest
from aida.scheduling.dates import resolve_when
from aida.scheduling.slots import spread
from aida.scheduling.speech import local_iso, spoken_date
from aida.tools._common import alternatives_near, free_in, slot_view, spoken_list, upper_first
from aida.tools.base import ToolContext, ToolResult, run_cli

DEFAULT_SPAN = dt.timedelta(days=7)
MAX_CHOICES = 10


async def find_available_slots(
    ctx: ToolContext, phone: str | None = None, when: str | None = None, limit: int = 5
) -> ToolResult:
    """`phone` is accepted for symmetry with the other tools; availability is the clinic's."""
    limit = max(1, min(int(limit), MAX_CHOICES))
    now = ctx.now()
    tz = ctx.clinic_hours.tz
    resolution = resolve_when(when, now, ctx.clinic_hours) if when and when.strip() else None
    if resolution is not None:
        start, end, description = resolution.start, resolution.end, resolution.description
        exact = resolution.kind == "exact"
    else:
        start, end, description, exact = now, now + DEFAULT_SPAN, "in the coming week", False

    if exact:
        wanted = await free_in(
            ctx, start, start + dt.timedelta(minutes=ctx.clinic_hours.slot_minutes)
        )
        requested_free = bool(wanted)
        others = [s for s in await alternatives_near(ctx, start, n=limit) if s not in wanted]
        choices = (wanted + others)[:limit]
    else:
        if end <= now:
            raise InvalidRequest(f"{upper_first(description)} is already in the past.")
        free = await free_in(ctx, max(start, now), end)
        if resolution is not None:  # "next week in the morning" keeps to mornings
            free = [s for s in free if resolution.admits(s.start)]
        choices = spread(free, n=limit)
        requested_free = bool(choices)
        if not choices:
            choices = await alternatives_near(ctx, max(start, now), n=limit)

    views = [slot_view(ctx, s) for s in choices]
    spoken = spoken_list([v["spoken"] for v in views])
    if not views:
        say = f"I'm sorry, I have nothing free {description} or in the weeks around it."
    elif exact and requested_free:
        say = f"Yes, {views[0]['spoken']} is free."
    elif exact:
        say = f"{upper_first(description)} is taken. The nearest openings are {spoken}."
    elif requested_free:
        say = f"I have {spoken}. Which works best?"
    else:
        say = f"Nothing is free {description}. The nearest openings are {spoken}."
    return ToolResult(
        say=say,
        data={
            "today": spoken_date(now, tz),
            "window": {
                "start": local_iso(start, tz),
                "end": local_iso(end, tz),
                "description": description,
            },
            "requested_time_free": requested_free if exact else None,
            "slots": views,
        },
    )


async def _cli(ctx: ToolContext, args: argparse.Namespace) -> ToolResult:
    return await find_available_slots(ctx, args.phone, args.when, args.limit)


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--when", help='e.g. "tomorrow afternoon", "next week", "2026-12-01"')
        p.add_argument("--limit", type=int, default=5)

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
