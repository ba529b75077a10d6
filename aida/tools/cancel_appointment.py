"""Cancel one of the patient's own upcoming appointments."""

from __future__ import annotations

import argparse

from aida.errors import InvalidRequest
from aida.tools._common import own_appointment, phone_of
from aida.tools.base import ClinicContext, ToolResult, appointment_view, run_cli
from aida.waitlist.service import on_freed


async def cancel_appointment(
    ctx: ClinicContext, phone: str, appointment_id: str, *, patient_file: str | None = None
) -> ToolResult:
    """`patient_file`: the file the caller verified as, where the number holds several."""
    e164 = phone_of(ctx, phone)
    appt = await own_appointment(ctx, e164, appointment_id, patient_file)
    if appt.status == "booked" and appt.start_time <= ctx.now():
        raise InvalidRequest("That appointment has already started, so I can't cancel it now.")
    was_booked = appt.status == "booked"
    cancelled = await ctx.store.cancel(appt.id, e164, patient_file=patient_file)
    if was_booked:
        # The freed time is held for the first matching waitlist patient (never fails this).
        await on_freed(ctx, appt, actor="waitlist")
    view = appointment_view(cancelled, ctx)
    say = (
        f"Your appointment on {view['spoken']} is cancelled."
        if was_booked
        else f"Your appointment on {view['spoken']} was already cancelled."
    )
    return ToolResult(say=say, data={"appointment": view, "cancelled_now": was_booked})


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await cancel_appointment(ctx, args.phone, args.id)


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--id", required=True, help="the appointment id (see list_appointments)")

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
