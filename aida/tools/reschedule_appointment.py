"""Move one of the patient's appointments to a new time: the new slot is held before the old
one is released, in one transaction, so a failure leaves the original booked."""

from __future__ import annotations

import argparse

from aida.calendar.plan import plan_move
from aida.errors import InvalidRequest, SlotTaken
from aida.tools._common import exact_time, own_appointment, phone_of, slot_taken
from aida.tools.base import ClinicContext, ToolResult, appointment_view, run_cli
from aida.waitlist.service import on_freed


async def reschedule_appointment(
    ctx: ClinicContext,
    phone: str,
    appointment_id: str,
    new_start: str,
    *,
    patient_file: str | None = None,
) -> ToolResult:
    """`patient_file`: the file the caller verified as, where the number holds several."""
    e164 = phone_of(ctx, phone)
    appt = await own_appointment(ctx, e164, appointment_id, patient_file)
    # Same provider, same kind of visit and length; the new time checked against their hours
    # and the clinic's closures (which the store enforces too).
    plan = await plan_move(ctx, appt, exact_time(ctx, new_start))
    begins, end = plan.start, plan.end
    if appt.status == "booked" and appt.start_time <= ctx.now():
        raise InvalidRequest("That appointment has already started, so I can't move it now.")
    if appt.status == "booked" and appt.start_time == begins:
        view = appointment_view(appt, ctx)
        return ToolResult(
            say=f"Your appointment is already at {view['spoken']}.",
            data={"appointment": view, "previous": view, "moved": False},
        )
    # A lapsed waitlist hold must not keep the new time from the caller.
    await ctx.store.release_expired_holds(ctx.now())
    try:
        moved = await ctx.store.reschedule(appt.id, e164, begins, end, patient_file=patient_file)
    except SlotTaken:
        raise await slot_taken(ctx, begins, plan.choice) from None
    # The old time is free now: held for the first matching waitlist patient.
    await on_freed(ctx, appt, actor="waitlist")
    view = appointment_view(moved, ctx)
    previous = appointment_view(appt, ctx)
    return ToolResult(
        say=f"Done. Your appointment is moved from {previous['spoken']} to {view['spoken']}.",
        data={"appointment": view, "previous": previous, "moved": True},
    )


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await reschedule_appointment(ctx, args.phone, args.id, args.start)


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--id", required=True, help="the appointment id (see list_appointments)")
        p.add_argument("--start", required=True, help='the new time, ISO or words: "Friday at 9"')

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
