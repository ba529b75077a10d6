"""Booking, moving and cancelling for the caller on the call, each in two steps (read back, then
write on the caller's yes: see `aida.agent.confirmation`), over the core tools in `aida.tools`.

The appointment to move or cancel comes from the caller's own words, resolved against their own
appointments (`pick_appointment`); the model never supplies an id. Every sentence returned is
what Aida says next.
"""

from __future__ import annotations

from aida.agent.state import CallState
from aida.agent.verification import ensure_verified
from aida.errors import AppointmentNotFound
from aida.scheduling.speech import local_iso, spoken_datetime
from aida.tools._common import exact_slot, free_in, pick_appointment, slot_taken
from aida.tools.base import ToolResult
from aida.tools.book_appointment import book_appointment
from aida.tools.cancel_appointment import cancel_appointment
from aida.tools.reschedule_appointment import reschedule_appointment

NOT_BOOKED = "Okay, I haven't booked anything. Which day and time would you like instead?"
NOT_MOVED = "Okay, I've left your appointment as it is. What time would suit you instead?"
NOT_CANCELLED = "Okay, I haven't cancelled anything. Your appointment stays as it is."


def _silent(data: dict[str, object]) -> ToolResult:
    """The same question asked again within one turn: the caller has not answered yet."""
    return ToolResult(say="", data=data)


async def book(state: CallState, start: str, reason: str | None) -> ToolResult:
    caller = await ensure_verified(state)
    tools = state.tools
    tz = tools.clinic_hours.tz
    begins, end = exact_slot(tools, start)
    spoken, iso = spoken_datetime(begins, tz), local_iso(begins, tz)
    key = ("book", iso)
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
        mine = await tools.store.list_appointments(phone=caller.phone, start=begins, end=end)
        if any(a.start_time == begins for a in mine):
            confirmations.written(key, spoken)
            return ToolResult(
                say=f"You already have an appointment at {spoken}.", data={"booked": iso}
            )
        if not await free_in(tools, begins, end):
            raise await slot_taken(tools, begins)
        readback = f"Shall I book {spoken}?"
        confirmations.propose(key, readback, "book_appointment", {"start": iso, "reason": reason})
        return ToolResult(say=readback, data={"awaiting_confirmation": iso})
    result = await book_appointment(tools, caller.phone, begins.isoformat(), reason=reason)
    confirmations.written(key, result.say)
    return ToolResult(say=f"You're booked for {spoken}.", data={**result.data, "booked": iso})


async def move(state: CallState, which: str | None, new_start: str) -> ToolResult:
    caller = await ensure_verified(state)
    tools = state.tools
    tz = tools.clinic_hours.tz
    begins, end = exact_slot(tools, new_start)
    spoken, iso = spoken_datetime(begins, tz), local_iso(begins, tz)
    confirmations = state.confirmations
    if any(k[0] == "move" and k[2] == iso for k in confirmations.done):
        return ToolResult(
            say=f"You're all set: your appointment is now {spoken}.", data={"moved_to": iso}
        )
    appt = await pick_appointment(tools, caller.phone, which)
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
        if not await free_in(tools, begins, end):
            raise await slot_taken(tools, begins)
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
    result = await reschedule_appointment(tools, caller.phone, appt.id, begins.isoformat())
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
        appt = await pick_appointment(tools, caller.phone, which)
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
    result = await cancel_appointment(tools, caller.phone, appt.id)
    confirmations.written(key, result.say)
    return ToolResult(say=result.say, data={**result.data, "cancelled": True})
