"""What every one of Aida's tool calls goes through: timeline, audit, errors, speech, safe writes.

A tool speaks its own sentence (`session.say`) and asks the model for no follow-up: the core
tools already compose the sentence to say, so a second LLM request per tool turn (evaluating the
whole result, then paraphrasing it, sometimes wrongly) buys nothing but seconds. What the model
keeps in its context is compact: the few ISO times or flags it may need for the next call, while
the sentence itself is in the conversation as Aida's message. A tool that leaves the next step
to the model on success (identify_caller: the caller's request is still waiting) says nothing and
asks for a reply instead. Errors are speakable sentences, always spoken as they are.

Writes (book, move, cancel) are made safe against barge-in and repeats: they do nothing if the
turn was already interrupted, then forbid interruptions, run under the call's write lock and are
shielded from cancellation, so an abandoned turn still finishes (or never starts) its single
write; the store itself makes a repeated booking or move return the same appointment.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from livekit.agents import RunContext, llm
from livekit.agents.llm import ToolError

from aida.agent.resolved import resolved_times
from aida.agent.state import CallState
from aida.agent.verification import audit
from aida.errors import AidaError, SlotTaken
from aida.safety import write_refusal
from aida.tools.base import ToolResult

logger = logging.getLogger("aida.agent")

Ctx = RunContext[CallState]
Brief = Callable[[ToolResult], dict[str, Any]]

# Tools that read or change a patient's records: each call is in the audit trail.
PATIENT_DATA_TOOLS = frozenset(
    {
        "list_appointments",
        "book_appointment",
        "cancel_appointment",
        "reschedule_appointment",
        "remember_preference",
        "join_waitlist",
    }
)
INTERNAL_ERROR = (
    "Sorry, something went wrong on my side. I can have the clinic staff call you back."
)
INTERRUPTED = "Nothing was changed, because the caller interrupted before it was confirmed."


def audit_detail(result: ToolResult) -> dict[str, Any]:
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


def _error_output(exc: AidaError) -> dict[str, Any]:
    out: dict[str, Any] = {"error": exc.code}
    # A taken slot, or a closed day (ClinicClosed carries the nearest openings in its details).
    alternatives = (
        exc.alternatives if isinstance(exc, SlotTaken) else exc.details.get("alternatives")
    )
    if alternatives:
        # exact starts, so the model can propose one without working out a date
        out["alternatives"] = [a["start"] for a in alternatives]
    return out


def _compact(data: dict[str, Any]) -> str:
    return json.dumps(data, default=str, separators=(",", ":"))


async def run_tool(
    ctx: Ctx,
    name: str,
    args: dict[str, Any],
    op: Callable[[], Awaitable[ToolResult]],
    *,
    brief: Brief | None = None,
    write: bool = False,
    emergency_number: str = "911",
) -> llm.ToolResult | str:
    """Run one tool call. With `brief`, the tool speaks its sentence and the model gets
    `brief(result)` with no reply asked; without, the model gets the whole result and replies."""
    state = ctx.userdata
    tool_call_id = ctx.function_call.call_id
    # the instants the time words mean, by the tools' own resolver (aida.agent.resolved)
    resolved = resolved_times(state.tools, args)
    extra = {"resolved": resolved} if resolved else {}
    state.timeline.record("tool_call", tool_call_id=tool_call_id, name=name, args=args, **extra)
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
        state.dialog.after_tool(name, args, ok, fields.get("result") or error)
        outcome = "ok" if ok else f"error {error.get('code') or error.get('error')}"
        logger.info("tool %s %s in %.0f ms", name, outcome, duration_ms)

    def refused(message: str, output: dict[str, Any]) -> llm.ToolResult:
        # Refusals are speakable sentences: said as they are, not paraphrased by the model.
        ctx.session.say(message)
        return llm.ToolResult(_compact(output), reply_required=False)

    async def body() -> llm.ToolResult | str:
        try:
            if write and state.emergency is not None:
                raise ToolError(write_refusal(emergency_number))
            result = await op()
        except AidaError as exc:
            finish(False, error=exc.to_dict())
            return refused(exc.message, _error_output(exc))
        except ToolError as exc:
            finish(False, error={"error": "refused", "message": exc.message})
            return refused(exc.message, {"error": "refused"})
        except asyncio.CancelledError:
            finish(False, error={"error": "cancelled", "message": "cancelled"})
            raise
        except Exception as exc:
            logger.exception("tool %s failed", name)
            finish(False, error={"error": "internal", "message": type(exc).__name__})
            return refused(INTERNAL_ERROR, {"error": "internal"})
        finish(True, result=result.to_dict())
        if name in PATIENT_DATA_TOOLS and state.verified_caller is not None:
            await audit(state, name, state.verified_caller.phone, **audit_detail(result))
        if brief is None:
            return _compact(result.to_dict())
        if result.say:
            ctx.session.say(result.say)
        return llm.ToolResult(_compact(brief(result)), reply_required=False)

    if not write:
        return await body()

    if ctx.speech_handle.interrupted:
        finish(False, error={"error": "interrupted", "message": INTERRUPTED})
        return INTERRUPTED
    try:
        ctx.disallow_interruptions()
    except RuntimeError:  # interrupted between the check and here
        finish(False, error={"error": "interrupted", "message": INTERRUPTED})
        return INTERRUPTED

    async def locked() -> llm.ToolResult | str:
        async with state.write_lock:
            return await body()

    task = asyncio.ensure_future(locked())
    state.pending_writes.add(task)
    task.add_done_callback(state.pending_writes.discard)
    # If the turn is cancelled now, the write still completes (and is recorded); the model sees
    # the outcome when it asks again, and a repeat returns the same row.
    return await asyncio.shield(task)
