"""Book an appointment for a patient at an exact time given in words or ISO; optionally a kind of
visit ("a physical") and a provider ("Dr. Patel") in the caller's words."""

from __future__ import annotations

import argparse

from aida.calendar.plan import Plan, plan_booking
from aida.errors import PatientNotFound, SlotTaken
from aida.store.models import BookingResult, Provider
from aida.tools._common import exact_time, phone_of, slot_taken
from aida.tools.base import ClinicContext, ToolResult, appointment_view, run_cli
from aida.tools.register_patient import clean_name

MAX_REASON = 200


async def book_appointment(
    ctx: ClinicContext,
    phone: str,
    start: str,
    name: str | None = None,
    reason: str | None = None,
    visit_type: str | None = None,
    provider: str | None = None,
    *,
    patient_file: str | None = None,
) -> ToolResult:
    """`patient_file`: the file the caller verified as, where the number holds several."""
    e164 = phone_of(ctx, phone)
    plan = await plan_booking(ctx, exact_time(ctx, start), visit_type, provider)
    patient = await ctx.store.get_patient(e164)
    if patient is None or (name and not patient.name):
        if not name:
            raise PatientNotFound(
                "I need your full name before I can book. What name should I put it under?"
            )
        patient = await ctx.store.upsert_patient(e164, clean_name(name))

    meta = {"reason": " ".join(reason.split())[:MAX_REASON]} if reason and reason.strip() else {}
    booking, who = await book_first_free(ctx, e164, plan, meta, patient_file=patient_file)

    view = appointment_view(booking.appointment, ctx)
    what = plan.what(who)
    if not what:
        when = f"for {view['spoken']}"
    elif what.startswith("with "):
        when = f"{what} on {view['spoken']}"
    else:
        when = f"for {what} on {view['spoken']}"
    if who is not None:
        view["provider"] = who.name
    if plan.choice.visit_type is not None:
        view["visit_type"] = plan.choice.visit_type.name
    if booking.created:
        say = f"You're booked {when}."
    else:
        say = f"You already have that appointment: {view['spoken']}."
    return ToolResult(say=say, data={"appointment": view, "created": booking.created})


async def book_first_free(
    ctx: ClinicContext,
    phone: str,
    plan: Plan,
    meta: dict[str, str],
    *,
    patient_file: str | None = None,
) -> tuple[BookingResult, Provider | None]:
    """Book with the first provider in the plan the store lets have the time. The store decides
    (per-provider no-overlap, closures); a provider taken meanwhile just means the next one.
    A waitlist hold that lapsed by now is released first (the store's constraint counts a hold
    as a booking until then)."""
    await ctx.store.release_expired_holds(ctx.now())
    for who, end in plan.options:
        try:
            booking = await ctx.store.book(
                phone,
                plan.start,
                end,
                meta,
                provider_id=who.id if who else None,
                visit_type_id=plan.visit_type_id,
                patient_file=patient_file,
            )
        except SlotTaken:
            continue
        taken_with = plan.choice.provider(booking.appointment.provider_id)
        return booking, taken_with
    raise await slot_taken(ctx, plan.start, plan.choice) from None


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await book_appointment(
        ctx, args.phone, args.start, args.name, args.reason, args.visit_type, args.provider
    )


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--start", required=True, help='ISO or words: "tomorrow at 10"')
        p.add_argument("--name", help="the patient's name (registers a new patient)")
        p.add_argument("--reason", help="what the visit is for")
        p.add_argument("--visit-type", help='the kind of visit in words, e.g. "a physical"')
        p.add_argument("--provider", help='who with, e.g. "Dr. Patel"')

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
