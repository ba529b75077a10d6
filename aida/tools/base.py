"""What every tool shares: the context it acts in, what it returns, and how it runs by hand.

Tools are plain async functions over the store. The agent wraps them as LiveKit function tools,
the API and the CLIs call them directly; all of them get a `ClinicContext` and return a `ToolResult`
(structured data plus one sentence Aida can say), or raise an `AidaError` with a speakable message.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aida.config import Settings, get_settings
from aida.errors import AidaError
from aida.scheduling.clock import Clock, SystemClock
from aida.scheduling.hours import ClinicHours
from aida.scheduling.speech import local_iso, spoken_datetime
from aida.store.models import Appointment
from aida.store.protocol import Store


@dataclass
class ClinicContext:
    """The clinic a tool acts on: its store, settings, clock and hours (not LiveKit's
    `llm.ToolContext`, the set of tools a model may call)."""

    store: Store
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    hours: ClinicHours | None = None

    def __post_init__(self) -> None:
        if self.hours is None:
            self.hours = ClinicHours.from_settings(self.settings)

    @property
    def clinic_hours(self) -> ClinicHours:
        assert self.hours is not None
        return self.hours

    def now(self) -> dt.datetime:
        return self.clock.now()


@dataclass
class ToolResult:
    say: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"say": self.say, **self.data}


def appointment_view(appt: Appointment, ctx: ClinicContext) -> dict[str, Any]:
    """An appointment as tools, the model and the timeline see it: local times, spoken form."""
    tz = ctx.clinic_hours.tz
    view: dict[str, Any] = {
        "id": appt.id,
        "start": local_iso(appt.start_time, tz),
        "end": local_iso(appt.end_time, tz),
        "spoken": spoken_datetime(appt.start_time, tz),
        "status": appt.status,
    }
    reason = appt.meta.get("reason")
    if reason:
        view["reason"] = reason
    return view


# --- running a tool by hand: `python -m aida.tools.<name> --phone ... ` ---

ToolRunner = Callable[[ClinicContext, argparse.Namespace], Awaitable[ToolResult]]


def run_cli(
    description: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    runner: ToolRunner,
    argv: list[str] | None = None,
) -> int:
    """Parse flags, open the configured store, run the tool, print JSON on stdout.

    Any failure is one line on stderr and a non-zero exit, never a traceback: these commands are
    for clinic staff and operators as much as for engineers.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--phone", required=True, help="the patient's phone number (any format)")
    parser.add_argument("--now", help="pretend the current time is this ISO datetime (testing)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        result = asyncio.run(_run(runner, args))
    except AidaError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except Exception as exc:  # the last line of defence for a by-hand command
        print(f"error: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1
    print(json.dumps(result.to_dict(), indent=2, default=str))
    return 0


async def _run(runner: ToolRunner, args: argparse.Namespace) -> ToolResult:
    from aida.scheduling.clock import FixedClock
    from aida.store.factory import open_store

    settings = get_settings()
    clock: Clock = SystemClock()
    if args.now:
        at = dt.datetime.fromisoformat(args.now)
        if at.tzinfo is None:
            at = at.replace(tzinfo=settings.tz)
        clock = FixedClock(at)
    store = await open_store(settings)
    try:
        return await runner(ClinicContext(store=store, settings=settings, clock=clock), args)
    finally:
        await store.close()
