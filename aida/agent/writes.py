"""Booking, moving and cancelling for the caller on the call, each in two steps (read back, then
write on the caller's yes: see `aida.agent.confirmation`), over the core tools in `aida.tools`.

The appointment to move or cancel comes from the caller's own words, resolved against their own
appointments (`pick_appointment`); the model never supplies an id. Every sentence returned is
what Aida says next.
"""

from __future__ import annotations

from aida.agent.dialogue.times import SAME_TIME as _SAME_TIME
from aida.agent.state import CallState
from aida.agent.verification import ensure_verified
from aida.calendar.plan import Plan, plan_booking, plan_move
from aida.errors import AppointmentNotFound, SlotTaken
from aida.scheduling.speech import clock_time, local_iso, spoken_datetime
from aida.tools._common import exact_slot, exact_time, free_in, pick_appointment, slot_taken
from aida.tools.base import ClinicContext, ToolResult
from aida.tools.book_appointment import book_appointment
from aida.tools.cancel_appointment import cancel_appointment
from aida.tools.join_waitlist import join_waitlist
from aida.tools.reschedule_appointment import reschedule_appointment

NOT_BOOKED = "Okay, I haven't booked anything. Which day and time would you like instead?"
NOT_MOVED = "Okay, I've left your appointment as it is. What time would suit you instead?"
NOT_CANCELLED = "Okay, I haven't cancelled anything. Your appointment stays as it is."


def _silent(data: dict[str, object]) -> ToolResult:
    """The same question asked again within one turn: the caller has not answered yet."""
    return ToolResult(say="", data=data)


async def book(
    state: CallState,
    start: str,
    reason: str | None,
    visit_type: str | None = None,
    provider: str | None = None,
) -> ToolResult:
    caller = await ensure_verified(state)
    tools = state.tools
    tz = tools.clinic_hours.tz
    # The visit and provider in the caller's words, resolved in code (asking which visit type
    # when there are several); the time checked against their hours and the clinic's closures.
    plan = await plan_booking(tools, exact_time(tools, start), visit_type, provider)
    begins, end = plan.start, plan.end
    spoken, iso = spoken_datetime(begins, tz), local_iso(begins, tz)
    what = plan.what()
    key = ("book", iso, *_choice_key(plan))
    confirmations = state.confirmations
    step = confirmations.step(key)
    if step == "done":
        return ToolResult(say=f"You're all set for {spoken}.", data={"booked": iso})
    if step == "declined":
        confirmations.declined()
        return ToolResult(say=NOT_BOOKED, data={"declined": iso})
    if step == "repeat":
        return _silent({"awaiting_confirmation": iso})
    if step == "propose" and confirmations.read_back_already(
        begins.astimezone(tz).strftime("%A"), begins.astimezone(tz).hour
    ):
        step = "write"  # the caller just said yes to Aida's own read-back of this time
    if step == "propose":
        mine = await tools.store.list_appointments(
            phone=caller.phone, start=begins, end=end, patient_file=caller.file_id
        )
        if any(a.start_time == begins for a in mine):
            confirmations.written(key, spoken)
            return ToolResult(
                say=f"You already have an appointment at {spoken}.", data={"booked": iso}
            )
        free = await free_in(tools, begins, end, plan.choice)
        if not any(s.start == begins for s in free):
            raise waitlist_offered(await slot_taken(tools, begins, plan.choice), spoken, iso)
        readback = f"Shall I book {_booking(what)}{spoken}?"
        args: dict[str, object] = {"start": iso, "reason": reason}
        # Only what the caller said goes into the repeated call, so a plain booking repeats
        # exactly as it always did.
        if visit_type:
            args["visit_type"] = visit_type
        if provider:
            args["provider"] = provider
        confirmations.propose(key, readback, "book_appointment", args)
        return ToolResult(say=readback, data={"awaiting_confirmation": iso})
    result = await book_appointment(
        tools,
        caller.phone,
        begins.isoformat(),
        reason=reason,
        visit_type=visit_type,
        provider=provider,
        patient_file=caller.file_id,
    )
    confirmations.written(key, result.say)
    # Whoever took it, when the caller left that open.
    taken_by = result.data["appointment"].get("provider")
    done = plan.choice.spoken(next((p for p in plan.choice.providers if p.name == taken_by), None))
    booked_for = f"for {done} on " if done and not done.startswith("with ") else f"{done} on "
    return ToolResult(
        say=f"You're booked {booked_for if done else 'for '}{spoken}.",
        data={**result.data, "booked": iso},
    )


def waitlist_offered(taken: SlotTaken, spoken: str, iso: str) -> SlotTaken:
    """The caller's time is taken: besides the nearest openings, Aida offers the waitlist for
    it (`join_waitlist`); `details["waitlist"]` is the time, for the frame to remember."""
    taken.message += f" If none of those suit you, I can put you on the waitlist for {spoken}."
    taken.args = (taken.message,)
    taken.details["waitlist"] = iso
    return taken


def _booking(what: str) -> str:
    """ "a physical with Dr. Patel on ", "you with Dr. Patel on ", or "" for a plain slot."""
    if not what:
        return ""
    return f"{'you ' if what.startswith('with ') else ''}{what} on "


async def _has_providers(tools: ClinicContext) -> bool:
    return bool(await tools.store.list_providers())


def _choice_key(plan: Plan) -> tuple[str, ...]:
    """What besides the time tells two bookings apart: the visit type and a named provider."""
    parts: list[str] = []
    if plan.choice.visit_type is not None:
        parts.append(f"visit:{plan.choice.visit_type.id}")
    if plan.choice.named:
        parts.append(f"with:{plan.choice.providers[0].id}")
    return tuple(parts)


async def move(state: CallState, which: str | None, new_start: str) -> ToolResult:
    caller = await ensure_verified(state)
    tools = state.tools
    tz = tools.clinic_hours.tz
    if _SAME_TIME.search(new_start or ""):
        # "Friday instead, same time": the clock time of the appointment being moved
        current = await pick_appointment(tools, caller.phone, which)
        clock = clock_time(current.start_time.astimezone(tz).time())
        new_start = " ".join(_SAME_TIME.sub(f" at {clock} ", new_start).split())
    wanted = exact_time(tools, new_start)
    if not await _has_providers(tools):
        exact_slot(tools, new_start)  # the clinic's hours, checked before asking which one
    spoken, iso = spoken_datetime(wanted, tz), local_iso(wanted, tz)
    confirmations = state.confirmations
    if any(k[0] == "move" and k[2] == iso for k in confirmations.done):
        return ToolResult(
            say=f"You're all set: your appointment is now {spoken}.", data={"moved_to": iso}
        )
    appt = await pick_appointment(tools, caller.phone, which, caller.file_id)
    # The same provider and kind of visit: their hours, the visit's length, closures.
    plan = await plan_move(tools, appt, wanted)
    begins, end = plan.start, plan.end
    was = spoken_datetime(appt.start_time, tz)
    if appt.start_time == begins:
        return ToolResult(say=f"Your appointment is already at {spoken}.", data={"moved_to": iso})
    key = ("move", appt.id, iso)
    step = confirmations.step(key)
    if step == "declined":
        confirmations.declined()
        return ToolResult(say=NOT_MOVED, data={"declined": iso})
    if step == "repeat":
        return _silent({"awaiting_confirmation": iso})
    if step == "propose":
        free = await free_in(tools, begins, end, plan.choice, moving=appt.id)
        if not any(s.start == begins for s in free):
            raise await slot_taken(tools, begins, plan.choice)
        readback = f"Shall I move your appointment from {was} to {spoken}?"
        confirmations.propose(
            key,
            readback,
            "reschedule_appointment",
            {"which": local_iso(appt.start_time, tz), "new_start": iso},
        )
        return ToolResult(
            say=readback,
            data={"awaiting_confirmation": iso, "from": local_iso(appt.start_time, tz)},
        )
    result = await reschedule_appointment(
        tools, caller.phone, appt.id, begins.isoformat(), patient_file=caller.file_id
    )
    confirmations.written(key, result.say)
    return ToolResult(
        say=f"Done. Your appointment is moved from {was} to {spoken}.",
        data={**result.data, "moved_to": iso},
    )


async def cancel(state: CallState, which: str | None) -> ToolResult:
    caller = await ensure_verified(state)
    tools = state.tools
    tz = tools.clinic_hours.tz
    confirmations = state.confirmations
    try:
        appt = await pick_appointment(tools, caller.phone, which, caller.file_id)
    except AppointmentNotFound:
        cancelled = [k for k in confirmations.done if k[0] == "cancel"]
        if cancelled:  # asked again after it was done: it is gone, and that is what they wanted
            return ToolResult(say=confirmations.done[cancelled[-1]], data={"cancelled": True})
        raise
    spoken = spoken_datetime(appt.start_time, tz)
    key = ("cancel", appt.id)
    step = confirmations.step(key)
    if step == "done":
        return ToolResult(say=confirmations.done[key], data={"cancelled": True})
    if step == "declined":
        confirmations.declined()
        return ToolResult(say=NOT_CANCELLED, data={"declined": True})
    if step == "repeat":
        return _silent({"awaiting_confirmation": local_iso(appt.start_time, tz)})
    if step == "propose":
        readback = f"Shall I cancel your appointment on {spoken}?"
        confirmations.propose(
            key, readback, "cancel_appointment", {"which": local_iso(appt.start_time, tz)}
        )
        return ToolResult(
            say=readback, data={"awaiting_confirmation": local_iso(appt.start_time, tz)}
        )
    result = await cancel_appointment(tools, caller.phone, appt.id, patient_file=caller.file_id)
    confirmations.written(key, result.say)
    return ToolResult(say=result.say, data={**result.data, "cancelled": True})


async def join(state: CallState, when: str, provider: str | None = None) -> ToolResult:
    """The waitlist for the caller of this call, never a number the model gave."""
    caller = await ensure_verified(state)
    return await join_waitlist(
        state.tools, caller.phone, when, provider, actor=f"call:{state.call_id}"
    )
