"""The after-call note: an LLM writes `summary_text` and `action_items`, or the timeline does.

The model is asked through LiveKit's `llm.LLM` interface with one forced tool call
(`record_call_summary`), which every provider we use supports (OpenAI, Anthropic, the local
llama.cpp model), so its answer is structured and validated. The facts (appointments booked,
cancelled or moved, preferences, callbacks) come from the timeline and are given to the model; the
model never decides them. When every model fails, `timeline_summary` writes a plain note from
the timeline alone, marked `status="timeline_only"`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from livekit.agents import APIConnectOptions, function_tool, llm
from pydantic import BaseModel, Field, ValidationError, field_validator

from aida.calls.appointments import callback_requests, failed_writes
from aida.config import Settings
from aida.store.models import CallSummary

logger = logging.getLogger("aida.calls.summary")

SUMMARY_TOOL = "record_call_summary"
MAX_TRANSCRIPT_CHARS = 6_000  # the local model reads ~50 tokens/s on 2 cores; keep prompts short
MAX_ACTION_ITEMS = 10
END_REASONS = {
    "participant_disconnected": "the caller hung up",
    "user_initiated": "the call was ended from the session",
    "job_shutdown": "the worker shut down",
    "error": "an error ended it",
}

Status = Literal["complete", "timeline_only"]


class SummaryDraft(BaseModel):
    """What the model must produce; anything else is a failed attempt."""

    summary_text: str = Field(min_length=1, max_length=2_000)
    action_items: list[str] = Field(default_factory=list, max_length=MAX_ACTION_ITEMS)

    @field_validator("summary_text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("empty summary")
        return value

    @field_validator("action_items", mode="before")
    @classmethod
    def _items(cls, value: Any) -> Any:
        if isinstance(value, list):
            # models sometimes answer objects ({"text": ...}) where strings were asked for
            value = [
                v.get("text", v.get("description", "")) if isinstance(v, dict) else v for v in value
            ]
            return [" ".join(str(v).split())[:300] for v in value if str(v).strip()]
        return value


@dataclass
class Summary:
    text: str
    action_items: list[dict[str, Any]]
    status: Status
    model: dict[str, str] | None = None  # {"provider", "model"} of the LLM that wrote it
    usage: list[dict[str, Any]] = field(default_factory=list)  # what summarising consumed
    errors: list[str] = field(default_factory=list)  # one line per failed LLM, no patient data


@function_tool(name=SUMMARY_TOOL)
async def _record_call_summary(summary_text: str, action_items: list[str]) -> None:
    """Record the note about this call for the clinic staff.

    Args:
        summary_text: Two or three plain sentences: who called, what they wanted, what was done.
        action_items: What the clinic staff still has to do after this call; empty if nothing.
    """


# --- the facts and the prompt -------------------------------------------------------------------


def conversation_lines(record: CallSummary) -> list[str]:
    """ "Caller: ..." / "Aida: ..." lines, from the transcript or else the timeline."""
    lines: list[str] = []
    for item in record.transcript or []:
        if item.get("type", "message") != "message" or item.get("role") not in (
            "user",
            "assistant",
        ):
            continue
        content = item.get("content") or []
        text = (
            " ".join(c for c in content if isinstance(c, str))
            if isinstance(content, list)
            else str(content)
        )
        if text.strip():
            lines.append(
                f"{'Caller' if item['role'] == 'user' else 'Aida'}: {' '.join(text.split())}"
            )
    if lines:
        return lines
    for event in record.timeline or []:
        if event.get("type") == "transcript" and str(event.get("text", "")).strip():
            who = "Caller" if event.get("role") == "user" else "Aida"
            lines.append(f"{who}: {' '.join(str(event['text']).split())}")
    return lines


def _clip(lines: list[str], limit: int = MAX_TRANSCRIPT_CHARS) -> str:
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    head, tail = text[: limit // 3], text[-(2 * limit // 3) :]
    return f"{head}\n[... middle of the call left out ...]\n{tail}"


def caller_name(record: CallSummary) -> str | None:
    for event in reversed(record.timeline or []):
        result = (
            event.get("result") if event.get("type") == "tool_result" and event.get("ok") else None
        )
        if isinstance(result, Mapping) and result.get("name") and result.get("identified"):
            return str(result["name"])
    return None


def facts(record: CallSummary) -> dict[str, Any]:
    return {
        "caller_name": caller_name(record),
        "caller_identified": record.user_phone is not None,
        "duration_seconds": record.duration_seconds,
        "ended_because": END_REASONS.get(record.end_reason or "", record.end_reason),
        "appointment_changes": [
            {k: v for k, v in a.items() if k in ("action", "spoken", "previous", "reason")}
            for a in record.appointments_in_call or []
        ],
        "preferences_noted": record.preferences or {},
        "callbacks_requested": [i["text"] for i in callback_requests(record.timeline or [])],
    }


def build_prompt(record: CallSummary, clinic_name: str) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(
        role="system",
        content=(
            f"You write the note the front desk of {clinic_name} reads after a phone call handled "
            "by Aida, the clinic's voice assistant. Answer only by calling "
            f"`{SUMMARY_TOOL}` once.\n"
            "- summary_text: at most three short sentences (under 70 words): who called, what "
            "they wanted, and what was done.\n"
            "- The FACTS are what the clinic's systems recorded. State appointment changes "
            "exactly as listed there and no others; never invent dates, times or names.\n"
            "- action_items: short imperative tasks for the staff that remain open after the "
            "call (a callback, a question Aida could not answer). An empty list if none."
        ),
    )
    ctx.add_message(
        role="user",
        content=(
            f"FACTS:\n{json.dumps(facts(record), ensure_ascii=False, default=str)}\n\n"
            f"CONVERSATION:\n{_clip(conversation_lines(record)) or '(nothing was said)'}"
        ),
    )
    return ctx


# --- asking the models ------------------------------------------------------------------------


def _parse(arguments: str) -> SummaryDraft:
    data = json.loads(arguments)
    if isinstance(data, dict) and isinstance(data.get("arguments"), dict):
        data = data["arguments"]  # `{"name": ..., "arguments": {...}}` spelled out in text
    return SummaryDraft.model_validate(data)


def _text_json(text: str) -> str | None:
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else None


def _usage(model: llm.LLM, usage: llm.CompletionUsage) -> dict[str, Any]:
    return {
        "type": "llm_usage",
        "provider": model.provider,
        "model": model.model,
        "input_tokens": usage.prompt_tokens,
        "input_cached_tokens": usage.prompt_cached_tokens,
        "input_cache_creation_tokens": usage.cache_creation_tokens,
        "output_tokens": usage.completion_tokens,
        "purpose": "summary",
    }


async def ask(
    model: llm.LLM, chat_ctx: llm.ChatContext, timeout: float
) -> tuple[SummaryDraft, list[dict[str, Any]]]:
    """One model, one forced tool call; raises when the answer is missing or invalid."""
    arguments: str | None = None
    text = ""
    usage: list[dict[str, Any]] = []
    stream = model.chat(
        chat_ctx=chat_ctx,
        tools=[_record_call_summary],
        tool_choice="required",
        conn_options=APIConnectOptions(max_retry=0, timeout=timeout),
    )
    async with stream:
        async for chunk in stream:
            if chunk.usage is not None:
                usage = [_usage(model, chunk.usage)]
            if chunk.delta is None:
                continue
            text += chunk.delta.content or ""
            for call in chunk.delta.tool_calls:
                if call.name == SUMMARY_TOOL and call.arguments:
                    arguments = call.arguments
    raw = arguments or _text_json(text)
    if raw is None:
        raise ValueError("the model did not call the summary tool")
    try:
        return _parse(raw), usage
    except (ValueError, ValidationError) as exc:
        raise ValueError(f"invalid summary arguments: {type(exc).__name__}") from None


def _merge_items(from_call: list[dict[str, Any]], drafted: list[str]) -> list[dict[str, Any]]:
    items = list(from_call)
    seen = {i["text"].lower() for i in items}
    for text in drafted:
        if text.lower() not in seen:
            items.append({"kind": "follow_up", "text": text, "source": "summary"})
            seen.add(text.lower())
    return items


async def summarize(
    record: CallSummary,
    llms: Sequence[llm.LLM],
    *,
    clinic_name: str = "the clinic",
    timeout: float = 60.0,
) -> Summary:
    """Try each model in order; the first valid answer wins. Every model failing (or none
    given) gives the timeline-only summary, with one error line per model tried."""
    chat_ctx = build_prompt(record, clinic_name)
    from_call = callback_requests(record.timeline or []) + _failed_write_items(record)
    errors: list[str] = []
    spent: list[dict[str, Any]] = []
    for model in llms:
        label = f"{model.provider}/{model.model}"
        try:
            draft, usage = await asyncio.wait_for(ask(model, chat_ctx, timeout), timeout)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # any provider failure means: try the next one
            reason = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
            errors.append(f"{label}: {reason}")
            logger.warning("summary by %s failed: %s", label, reason)
            continue
        spent.extend(usage)
        return Summary(
            text=draft.summary_text,
            action_items=_merge_items(from_call, draft.action_items),
            status="complete",
            model={"provider": model.provider, "model": model.model},
            usage=spent,
            errors=errors,
        )
    fallback = timeline_summary(record)
    fallback.errors = errors
    return fallback


def _failed_write_items(record: CallSummary) -> list[dict[str, Any]]:
    what = {
        "book_appointment": "a booking",
        "cancel_appointment": "a cancellation",
        "reschedule_appointment": "a change of appointment",
    }
    return [
        {
            "kind": "follow_up",
            "source": "call",
            "text": f"Check with the patient: {what.get(str(f['name']), 'a change')} failed "
            "because of a system error during the call.",
        }
        for f in failed_writes(record.timeline or [])
    ]


# --- without any model ----------------------------------------------------------------------------


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "a call"
    minutes, secs = divmod(round(seconds), 60)
    return f"a {minutes} min {secs} s call" if minutes else f"a {secs} s call"


def timeline_summary(record: CallSummary) -> Summary:
    """A factual note from the timeline alone, for when no model could write one."""
    f = facts(record)
    parts = [f"{_duration(record.duration_seconds).capitalize()}"]
    if f["ended_because"]:
        parts[0] += f"; {f['ended_because']}"
    parts[0] += "."
    if f["caller_name"]:
        parts.append(f"Caller: {f['caller_name']}.")
    elif not f["caller_identified"]:
        parts.append("The caller was not identified.")
    verbs = {"booked": "Booked", "cancelled": "Cancelled", "rescheduled": "Moved"}
    for change in record.appointments_in_call or []:
        verb = verbs.get(change.get("action", ""), str(change.get("action")))
        when = change.get("spoken") or change.get("start")
        if change.get("action") == "rescheduled" and change.get("previous"):
            previous = change["previous"].get("spoken") or change["previous"].get("start")
            parts.append(f"{verb} an appointment from {previous} to {when}.")
        else:
            parts.append(f"{verb} an appointment on {when}.")
    if not record.appointments_in_call:
        parts.append("No appointment was booked, cancelled or moved.")
    if f["preferences_noted"]:
        noted = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in f["preferences_noted"].items())
        parts.append(f"Preferences noted: {noted}.")
    turns = sum(
        1
        for e in record.timeline or []
        if e.get("type") == "transcript" and e.get("role") == "user"
    )
    parts.append(f"The caller spoke {turns} time{'s' if turns != 1 else ''}.")
    parts.append("(Built from the call's timeline: no language model summary was available.)")
    items = callback_requests(record.timeline or []) + _failed_write_items(record)
    return Summary(text=" ".join(parts), action_items=items, status="timeline_only")


# --- which models -------------------------------------------------------------------------------


def build_summary_llms(settings: Settings) -> list[llm.LLM]:
    """OPENAI_MODEL when OpenAI has a key, then Anthropic when it has one, then the local model
    unless PROVIDERS=cloud. A provider that cannot be built is left out, never fatal."""
    models: list[llm.LLM] = []

    def secret(value: Any) -> str | None:
        text = value.get_secret_value().strip() if value is not None else ""
        return text or None

    if key := secret(settings.openai_api_key):
        from livekit.plugins import openai

        models.append(openai.LLM(model=settings.openai_model, api_key=key))
    if key := secret(settings.anthropic_api_key):
        from livekit.plugins import anthropic

        models.append(anthropic.LLM(model=settings.anthropic_model, api_key=key))
    if settings.providers != "cloud":
        try:
            from aida.local import build_llm

            models.append(build_llm(settings))
        except Exception as exc:  # weights not installed: summaries fall back to the timeline
            logger.warning("local model unavailable for summaries: %s", type(exc).__name__)
    return models
