"""List the patient's appointments, upcoming by default."""

from __future__ import annotations

import argparse

from aida.scheduling.speech import spoken_starts
from aida.tools._common import phone_of
from aida.tools.base import ClinicContext, ToolResult, appointment_view, run_cli


async def list_appointments(
    ctx: ClinicContext,
    phone: str,
    include_past: bool = False,
    *,
    patient_file: str | None = None,
) -> ToolResult:
    """`patient_file`: the file the caller verified as, where the number holds several (a
    family phone): the caller hears only that file's appointments."""
    e164 = phone_of(ctx, phone)
    since = None if include_past else ctx.now()
    appts = await ctx.store.list_appointments(
        phone=e164, start=since, status="booked", patient_file=patient_file
    )
    views = [appointment_view(a, ctx) for a in appts]
    if not views:
        say = (
            "You have no upcoming appointments."
            if not include_past
            else "You have no appointments."
        )
    elif len(views) == 1:
        say = f"You have one appointment: {views[0]['spoken']}."
    else:
        starts = [a.start_time for a in appts]
        spoken = spoken_starts(starts, ctx.clinic_hours.tz, "and")
        say = f"You have {len(views)} appointments: {spoken}."
    return ToolResult(say=say, data={"appointments": views})


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await list_appointments(ctx, args.phone, args.include_past)


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--include-past", action="store_true")

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
