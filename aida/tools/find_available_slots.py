"""Find a few well-spread free appointment times in a window given in words or ISO.

`requested_window` and `free_in_window` are the search itself, which GET /api/slots shares: the
tool picks a few well-spread times from it, the API pages through all of it.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass

from aida.calendar.catalog import Catalog, Choice
from aida.calendar.closures import covering, spoken_closure
from aida.errors import InvalidRequest
from aida.scheduling.dates import Resolution, resolve_when
from aida.scheduling.hours import ClinicHours
from aida.scheduling.slots import Slot, spread
from aida.scheduling.speech import local_iso, spoken_date, spoken_starts
from aida.tools._common import alternatives_near, free_in, slot_view, upper_first
from aida.tools.base import ClinicContext, ToolResult, run_cli

DEFAULT_SPAN = dt.timedelta(days=7)
MAX_CHOICES = 10


@dataclass(frozen=True)
class Window:
    """Where to look for free slots. It may begin before now; the past is never offered."""

    start: dt.datetime
    end: dt.datetime
    description: str
    exact: bool = False  # one time was asked for; [start, end) is that one slot
    # "next week in the morning": only slots this admits are listed.
    resolution: Resolution | None = None

    def admits(self, slot: Slot) -> bool:
        return self.resolution is None or self.resolution.admits(slot.start)


def requested_window(when: str | None, now: dt.datetime, hours: ClinicHours) -> Window:
    """`when` in words, resolved as Aida resolves a caller's words; without it, the coming week."""
    if not when or not when.strip():
        return Window(now, now + DEFAULT_SPAN, "in the coming week")
    r = resolve_when(when, now, hours)
    if r.kind == "exact":
        return Window(r.start, r.end, r.description, exact=True)
    return Window(r.start, r.end, r.description, resolution=r)


async def free_in_window(
    ctx: ClinicContext, window: Window, choice: Choice | None = None
) -> list[Slot]:
    """Every free, bookable slot the window admits, in order (closures excluded; `choice`:
    which visit and providers, default anyone for one slot)."""
    now = ctx.now()
    # Nothing past the horizon is bookable: do not ask the store about it.
    horizon = now + dt.timedelta(days=ctx.clinic_hours.horizon_days + 2)
    lo, hi = max(window.start, now), min(window.end, horizon)
    if lo >= hi:
        return []
    return [s for s in await free_in(ctx, lo, hi, choice) if window.admits(s)]


async def find_available_slots(
    ctx: ClinicContext,
    phone: str | None = None,
    when: str | None = None,
    limit: int = 5,
    visit_type: str | None = None,
    provider: str | None = None,
    *,
    ask_visit_type: bool = True,
) -> ToolResult:
    """`phone` is accepted for symmetry with the other tools; availability is the clinic's.
    `visit_type` and `provider` are the caller's words; with several visit types and none
    said, this asks which (`WhichVisitType`), since the length decides what is free, unless
    `ask_visit_type` is off (a staff listing: anyone, one slot long)."""
    limit = max(1, min(int(limit), MAX_CHOICES))
    now = ctx.now()
    tz = ctx.clinic_hours.tz
    window = requested_window(when, now, ctx.clinic_hours)
    start, end, description, exact = window.start, window.end, window.description, window.exact
    choice = (await Catalog.load(ctx.store)).choose(visit_type, provider, ask=ask_visit_type)

    if exact:
        wanted = await free_in_window(ctx, window, choice)
        requested_free = bool(wanted)
        others = [s for s in await alternatives_near(ctx, start, limit, choice) if s not in wanted]
        choices = (wanted + others)[:limit]
    else:
        if end <= now:
            raise InvalidRequest(f"{upper_first(description)} is already in the past.")
        choices = spread(await free_in_window(ctx, window, choice), n=limit)
        requested_free = bool(choices)
        if not choices:
            choices = await alternatives_near(ctx, max(start, now), limit, choice)

    if not (exact and requested_free):
        choices = sorted(choices, key=lambda s: s.start)  # heard in order, each day said once
    views = [_view(ctx, s, choice) for s in choices]
    spoken = spoken_starts([s.start for s in choices], tz)
    # Nothing free because the clinic is closed then: say so, and why, not "it's taken".
    closed = None
    if not requested_free and end > now:
        closed = covering(await ctx.store.list_closures(start=max(start, now), end=end), start, end)
    what = choice.spoken()
    if not views:
        say = f"I'm sorry, I have nothing free {description} or in the weeks around it."
    elif closed is not None:
        say = f"We're closed {spoken_closure(closed, tz)}. The nearest openings are {spoken}."
    elif exact and requested_free:
        say = f"Yes, {views[0]['spoken']} is free" + (f" for {what}." if what else ".")
    elif exact:
        say = f"{upper_first(description)} is taken. The nearest openings are {spoken}."
    elif requested_free:
        lead = "I have"
        if what:
            lead = f"{upper_first(what) if what.startswith('with ') else 'For ' + what}, I have"
        say = f"{lead} {spoken}. Which works best?"
    else:
        say = f"Nothing is free {description}. The nearest openings are {spoken}."
    data: dict[str, object] = {
        "today": spoken_date(now, tz),
        "window": {
            "start": local_iso(start, tz),
            "end": local_iso(end, tz),
            "description": description,
        },
        "requested_time_free": requested_free if exact else None,
        "slots": views,
    }
    if closed is not None:
        data["closed"] = {"reason": closed.reason, "spoken": spoken_closure(closed, tz)}
    if choice.visit_type is not None:
        data["visit_type"] = choice.visit_type.name
    return ToolResult(say=say, data=data)


def _view(ctx: ClinicContext, slot: Slot, choice: Choice) -> dict[str, str]:
    view = slot_view(ctx, slot)
    who = choice.provider(slot.provider_id)
    if who is not None:
        view["provider"] = who.name
    return view


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await find_available_slots(
        ctx, args.phone, args.when, args.limit, args.visit_type, args.provider
    )


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--when", help='e.g. "tomorrow afternoon", "next week", "2026-12-01"')
        p.add_argument("--limit", type=int, default=5)
        p.add_argument("--visit-type", help='the kind of visit in words, e.g. "a physical"')
        p.add_argument("--provider", help='who with, e.g. "Dr. Patel"')

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
