"""Book an appointment for a patient at an exact time given in words or ISO."""

from __future__ import annotations

import argparse

from aida.errors import PatientNotFound, SlotTaken
from aida.tools._common import exact_slot, phone_of, slot_taken
from aida.tools.base import ClinicContext, ToolResult, appointment_view, run_cli
from aida.tools.register_patient import clean_name

MAX_REASON = 200


async def book_appointment(
    ctx: ClinicContext,
    phone: str,
    start: str,
    name: str | None = None,
    reason: str | None = None,
) -> ToolResult:
    e164 = phone_of(ctx, phone)
    begins, end = exact_slot(ctx, start)
    patient = await ctx.store.get_patient(e164)
    if patient is None or (name and not patient.name):
        if not name:
            raise PatientNotFound(
                "I need your full name before I can book. What name should I put it under?"
            )
        patient = await ctx.store.upsert_patient(e164, clean_name(name))

    meta = {"reason": " ".join(reason.split())[:MAX_REASON]} if reason and reason.strip() else {}
    try:
        booking = await ctx.store.book(e164, begins, end, meta)
    except SlotTaken:
        raise await slot_taken(ctx, begins) from None

    view = appointment_view(booking.appointment, ctx)
    if booking.created:
        say = f"You're booked for {view['spoken']}."
    else:
        say = f"You already have that appointment: {view['spoken']}."
    return ToolResult(say=say, data={"appointment": view, "created": booking.created})


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await book_appointment(ctx, args.phone, args.start, args.name, args.reason)


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--start", required=True, help='ISO or words: "tomorrow at 10"')
        p.add_argument("--name", help="the patient's name (registers a new patient)")
        p.add_argument("--reason", help="what the visit is for")

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
