"""Aida, the receptionist: her instructions and her tools.

Each `@function_tool` wraps one of the core tools in `aida.tools` for the caller of this call
(`CallState.caller` on the session's userdata): none of them takes a phone number from the model,
so there is no argument through which the model could act for somebody else. Core errors become
`ToolError`s carrying their speakable message, so the model can recover. Every call is recorded on
the timeline with its arguments, outcome and duration.

Writes (book, move, cancel) are made safe against barge-in and repeats: they do nothing if the
turn was already interrupted, then forbid interruptions, run under the call's write lock and are
shielded from cancellation, so an abandoned turn still finishes (or never starts) its single write;
the store itself makes a repeated booking or move return the same appointment.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from livekit.agents import Agent, ModelSettings, RunContext, StopResponse, function_tool, llm
from livekit.agents.llm import ChatContext, ChatMessage, ToolError

from aida.agent.prompts import build_instructions, caller_context, greeting
from aida.agent.state import Caller, CallState
from aida.agent.verification import audit, require_verified, verify_caller
from aida.config import Settings
from aida.errors import AidaError, InvalidPhone, SlotTaken
from aida.safety import detect_emergency, emergency_message, is_all_clear, write_refusal
from aida.scheduling.phones import mask_phone, normalize_phone
from aida.scheduling.speech import spoken_datetime
from aida.tools.base import ToolResult
from aida.tools.book_appointment import book_appointment
from aida.tools.cancel_appointment import cancel_appointment
from aida.tools.find_available_slots import find_available_slots
from aida.tools.list_appointments import list_appointments
from aida.tools.reschedule_appointment import reschedule_appointment
from aida.tools.update_preferences import update_preferences

logger = logging.getLogger("aida.agent")

# Tools that read or change a patient's records: each call is in the audit trail.
PATIENT_DATA_TOOLS = frozenset(
    {
        "list_appointments",
        "book_appointment",
        "cancel_appointment",
        "reschedule_appointment",
        "remember_preference",
    }
)
INTERNAL_ERROR = (
    "Sorry, something went wrong on my side. I can have the clinic staff call you back."
)
INTERRUPTED = "Nothing was changed, because the caller interrupted before it was confirmed."

Ctx = RunContext[CallState]


def _tool_output(result: ToolResult) -> str:
    return json.dumps(result.to_dict(), default=str)


def _audit_detail(result: ToolResult) -> dict[str, Any]:
    """Which rows a tool touched, never what anybody said."""
    detail: dict[str, Any] = {}
    appointment = result.data.get("appointment")
    if isinstance(appointment, dict) and appointment.get("id"):
        detail["appointment_id"] = appointment["id"]
    previous = result.data.get("previous")
    if isinstance(previous, dict) and previous.get("id"):
        detail["previous_id"] = previous["id"]
    appointments = result.data.get("appointments")
    if isinstance(appointments, list):
        detail["appointment_ids"] = [a.get("id") for a in appointments if isinstance(a, dict)]
    return detail


def _error_message(exc: AidaError) -> str:
    message = exc.message
    if isinstance(exc, SlotTaken) and exc.alternatives:
        starts = ", ".join(a["start"] for a in exc.alternatives)
        message += f" (Their exact start times, to book one: {starts}.)"
    return message


class Aida(Agent):
    def __init__(self, settings: Settings, *, caller: Caller | None, greet: bool = True) -> None:
        chat_ctx = ChatContext.empty()
        # The per-call facts go in a message after the instructions, so the instructions (the
        # cacheable prefix) are the same for every call.
        chat_ctx.add_message(role="system", content=caller_context(caller))
        super().__init__(instructions=build_instructions(settings), chat_ctx=chat_ctx)
        self._settings = settings
        self._greet = greet

    async def on_enter(self) -> None:
        if self._greet:
            self.session.generate_reply(instructions=greeting(self._settings))

    # --- the emergency guard ------------------------------------------------------------------
    # A small model does not reliably keep a safety rule written in its prompt, so every caller
    # turn is checked in code before the model sees it. On a match Aida says a fixed message at
    # once; the model is not asked for this turn (so no tool runs in it), the write tools refuse
    # until the caller says it is not an emergency, and the call record gets an urgent item.
    # Voice turns are checked in `on_user_turn_completed` (final transcripts, before the LLM);
    # typed turns (console, web chat, text simulations) reach the model without that hook, so
    # `llm_node` checks any caller message not checked yet. Each message is checked once.

    def _screen(self, message: ChatMessage) -> str | None:
        """The fixed emergency message for this caller message, or None to go on."""
        state: CallState = self.session.userdata
        if message.id in state.screened_messages:
            return None
        state.screened_messages.add(message.id)
        text = message.text_content or ""
        match = detect_emergency(text)
        if match is None:
            if state.emergency is not None and is_all_clear(text):
                state.emergency = None
                state.timeline.record("emergency_cleared")
                logger.info("emergency called off by the caller")
            return None
        if state.emergency is None:
            state.timeline.record("emergency", kind=match.kind, category=match.category)
            state.timeline.record(
                "action_item",
                item={
                    "kind": "emergency",
                    "urgent": True,
                    "reason": "The caller described a possible emergency "
                    f"({match.category.replace('_', ' ')}) and was told to call emergency "
                    "services. Check on the patient now.",
                    "identified": state.verified_caller is not None,
                    "ts": state.tools.now().isoformat(),
                },
            )
        state.emergency = match
        logger.warning("emergency guard: %s (%s)", match.category, match.kind)
        settings = self._settings
        return emergency_message(match.kind, settings.emergency_number, settings.crisis_line)

    async def on_user_turn_completed(self, turn_ctx: ChatContext, new_message: ChatMessage) -> None:
        message = self._screen(new_message)
        if message is None:
            return
        with contextlib.suppress(RuntimeError):
            # Drop what the model may have started on this turn already (preemptive generation).
            self.session.interrupt(force=True)
        # StopResponse drops the turn; keep the caller's words in the conversation and the record.
        self._chat_ctx.items.append(new_message)
        self.session._conversation_item_added(new_message)
        self.session.say(message, allow_interruptions=False)
        raise StopResponse()

    async def llm_node(
        self, chat_ctx: ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterator[llm.ChatChunk | str]:
        last = next((m for m in reversed(chat_ctx.messages()) if m.role == "user"), None)
        message = self._screen(last) if last is not None else None
        if message is not None:
            yield message
            return
        async for chunk in Agent.default.llm_node(self, chat_ctx, tools, model_settings):
            yield chunk

    # --- the machinery every tool goes through ---------------------------------------------

    async def _invoke(
        self,
        ctx: Ctx,
        name: str,
        args: dict[str, Any],
        op: Callable[[], Awaitable[ToolResult]],
        *,
        write: bool = False,
    ) -> str:
        state = ctx.userdata
        tool_call_id = ctx.function_call.call_id
        state.timeline.record("tool_call", tool_call_id=tool_call_id, name=name, args=args)
        logger.info("tool %s started", name)
        started = time.perf_counter()

        def finish(ok: bool, **fields: Any) -> None:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            state.timeline.record(
                "tool_result",
                tool_call_id=tool_call_id,
                name=name,
                ok=ok,
                duration_ms=duration_ms,
                **fields,
            )
            error = fields.get("error", {})
            outcome = "ok" if ok else f"error {error.get('code') or error.get('error')}"
            logger.info("tool %s %s in %.0f ms", name, outcome, duration_ms)

        async def body() -> ToolResult:
            try:
                if write and state.emergency is not None:
                    raise ToolError(write_refusal(self._settings.emergency_number))
                result = await op()
            except AidaError as exc:
                finish(False, error=exc.to_dict())
                raise ToolError(_error_message(exc)) from None
            except ToolError as exc:
                finish(False, error={"error": "refused", "message": exc.message})
                raise
            except asyncio.CancelledError:
                finish(False, error={"error": "cancelled", "message": "cancelled"})
                raise
            except Exception as exc:
                logger.exception("tool %s failed", name)
                finish(False, error={"error": "internal", "message": type(exc).__name__})
                raise ToolError(INTERNAL_ERROR) from None
            finish(True, result=result.to_dict())
            if name in PATIENT_DATA_TOOLS and state.verified_caller is not None:
                await audit(state, name, state.verified_caller.phone, **_audit_detail(result))
            return result

        if not write:
            return _tool_output(await body())

        if ctx.speech_handle.interrupted:
            finish(False, error={"error": "interrupted", "message": INTERRUPTED})
            return INTERRUPTED
        try:
            ctx.disallow_interruptions()
        except RuntimeError:  # interrupted between the check and here
            finish(False, error={"error": "interrupted", "message": INTERRUPTED})
            return INTERRUPTED

        async def locked() -> ToolResult:
            async with state.write_lock:
                return await body()

        task = asyncio.ensure_future(locked())
        state.pending_writes.add(task)
        task.add_done_callback(state.pending_writes.discard)
        # If the turn is cancelled now, the write still completes (and is recorded); the
        # model sees the outcome when it asks again, and a repeat returns the same row.
        return _tool_output(await asyncio.shield(task))

    def _phone(self, ctx: Ctx) -> str:
        return require_verified(ctx.userdata).phone

    # --- tools -----------------------------------------------------------------------------

    @function_tool
    async def get_current_time(self, ctx: Ctx) -> str:
        """Today's date and the current time at the clinic. Call it before working out what
        "today", "tomorrow" or "next week" means."""
        tools = ctx.userdata.tools
        now = tools.now()
        tz = tools.clinic_hours.tz

        async def op() -> ToolResult:
            spoken = spoken_datetime(now, tz, with_year=True)
            return ToolResult(say=f"It is {spoken}.", data={"now": now.astimezone(tz).isoformat()})

        return await self._invoke(ctx, "get_current_time", {}, op)

    @function_tool
    async def identify_caller(
        self, ctx: Ctx, full_name: str, date_of_birth: str, phone: str | None = None
    ) -> str:
        """Confirm who the caller is, before anything about their appointments is revealed or
        changed, and before booking. Also registers a new patient.

        Args:
            full_name: The caller's full name as they said it.
            date_of_birth: Their date of birth in their own words, e.g. "March 3rd 1985".
            phone: The phone number on their patient file, as they said it. Leave empty when
                the call note says the caller ID number is known.
        """
        state = ctx.userdata
        masked = {"full_name": full_name, "date_of_birth": "given", "phone": self._mask(phone)}
        return await self._invoke(
            ctx,
            "identify_caller",
            masked,
            lambda: verify_caller(state, self._settings, full_name, date_of_birth, phone),
        )

    def _mask(self, phone: str | None) -> str | None:
        if not phone:
            return None
        try:
            return mask_phone(normalize_phone(phone, self._settings.phone_region))
        except InvalidPhone:
            return "invalid"

    @function_tool
    async def find_available_slots(self, ctx: Ctx, when: str | None = None) -> str:
        """Find free appointment times.

        Args:
            when: The day, time or range the caller wants in their words ("tomorrow afternoon",
                "next Tuesday at 10", "next week") or ISO 8601. Empty for the coming week.
        """
        tools = ctx.userdata.tools
        return await self._invoke(
            ctx,
            "find_available_slots",
            {"when": when},
            lambda: find_available_slots(tools, None, when),
        )

    @function_tool
    async def book_appointment(self, ctx: Ctx, start: str, reason: str | None = None) -> str:
        """Book an appointment for the caller. Only after they confirmed the weekday, date and
        time you read back to them.

        Args:
            start: The start time in the caller's own words (e.g. "tomorrow at 3pm") or the
                ISO 8601 time from find_available_slots; never work out dates yourself.
            reason: What the visit is for, in a few words, if the caller said.
        """
        state = ctx.userdata

        async def op() -> ToolResult:
            phone = self._phone(ctx)
            result = await book_appointment(state.tools, phone, start, reason=reason)
            if result.data.get("created"):
                state.appointments_in_call.append(
                    {"action": "booked", "appointment": result.data["appointment"]}
                )
            return result

        return await self._invoke(
            ctx, "book_appointment", {"start": start, "reason": reason}, op, write=True
        )

    @function_tool
    async def list_appointments(self, ctx: Ctx, include_past: bool = False) -> str:
        """List the caller's own appointments (upcoming unless include_past).

        Args:
            include_past: Also include appointments that already happened.
        """
        state = ctx.userdata
        return await self._invoke(
            ctx,
            "list_appointments",
            {"include_past": include_past},
            lambda: list_appointments(state.tools, self._phone(ctx), include_past),
        )

    @function_tool
    async def cancel_appointment(self, ctx: Ctx, appointment_id: str) -> str:
        """Cancel one of the caller's appointments, after they confirmed which one.

        Args:
            appointment_id: The id from list_appointments.
        """
        state = ctx.userdata

        async def op() -> ToolResult:
            phone = self._phone(ctx)
            result = await cancel_appointment(state.tools, phone, appointment_id)
            if result.data.get("cancelled_now"):
                state.appointments_in_call.append(
                    {"action": "cancelled", "appointment": result.data["appointment"]}
                )
            return result

        return await self._invoke(
            ctx, "cancel_appointment", {"appointment_id": appointment_id}, op, write=True
        )

    @function_tool
    async def reschedule_appointment(self, ctx: Ctx, appointment_id: str, new_start: str) -> str:
        """Move one of the caller's appointments to a new time, after they confirmed the new
        weekday, date and time. The old time is released only once the new one is held.

        Args:
            appointment_id: The id from list_appointments.
            new_start: The new start time in the caller's own words (e.g. "Friday at 9") or
                the ISO 8601 time from find_available_slots; never work out dates yourself.
        """
        state = ctx.userdata

        async def op() -> ToolResult:
            phone = self._phone(ctx)
            result = await reschedule_appointment(state.tools, phone, appointment_id, new_start)
            if result.data.get("moved"):
                state.appointments_in_call.append(
                    {
                        "action": "rescheduled",
                        "appointment": result.data["appointment"],
                        "previous": result.data["previous"],
                    }
                )
            return result

        return await self._invoke(
            ctx,
            "reschedule_appointment",
            {"appointment_id": appointment_id, "new_start": new_start},
            op,
            write=True,
        )

    @function_tool
    async def remember_preference(self, ctx: Ctx, topic: str, preference: str) -> str:
        """Note a scheduling preference of the caller's for next time.

        Args:
            topic: What it is about, e.g. "time_of_day", "doctor", "reminders".
            preference: What they prefer, e.g. "mornings", "Dr. Patel", "text messages".
        """
        state = ctx.userdata
        return await self._invoke(
            ctx,
            "remember_preference",
            {"topic": topic, "preference": preference},
            lambda: update_preferences(state.tools, self._phone(ctx), {topic: preference}),
        )

    @function_tool
    async def request_callback(self, ctx: Ctx, reason: str) -> str:
        """Ask the clinic staff to call the caller back, when you cannot help with something.

        Args:
            reason: A short note for the staff on what the caller needs.
        """
        state = ctx.userdata

        async def op() -> ToolResult:
            item = {
                "kind": "callback",
                "reason": " ".join(reason.split())[:300],
                "identified": state.caller is not None,
                "ts": state.tools.now().isoformat(),
            }
            state.action_items.append(item)
            state.timeline.record("action_item", item=item)
            return ToolResult(
                say="I've asked the clinic staff to call you back.", data={"action_item": item}
            )

        return await self._invoke(ctx, "request_callback", {"reason": reason}, op)
