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
from collections.abc import Sequence
from typing import Any

from livekit.agents import APIConnectOptions, function_tool, llm
from pydantic import BaseModel, Field, ValidationError, field_validator

from aida.calls.appointments import callback_requests
from aida.calls.notes import (
    Summary,
    conversation_lines,
    facts,
    failed_write_items,
    timeline_summary,
)
from aida.local.priority import ModelYielded, background
from aida.store.models import CallSummary

logger = logging.getLogger("aida.calls.summary")

SUMMARY_TOOL = "record_call_summary"
MAX_TRANSCRIPT_CHARS = 6_000  # the local model reads ~50 tokens/s on 2 cores; keep prompts short
MAX_ACTION_ITEMS = 10


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


@function_tool(name=SUMMARY_TOOL)
async def _record_call_summary(summary_text: str, action_items: list[str]) -> None:
    """Record the note about this call for the clinic staff.

    Args:
        summary_text: Two or three plain sentences: who called, what they wanted, what was done.
        action_items: What the clinic staff still has to do after this call; empty if nothing.
    """


# --- the facts and the prompt -------------------------------------------------------------------


def _clip(lines: list[str], limit: int = MAX_TRANSCRIPT_CHARS) -> str:
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    head, tail = text[: limit // 3], text[-(2 * limit // 3) :]
    return f"{head}\n[... middle of the call left out ...]\n{tail}"


def instructions(clinic_name: str) -> str:
    """The summary's system prompt: the same for every call of a clinic, so a local model keeps
    it evaluated (and `aida models prepare` saves it) like Aida's own instructions."""
    return (
        f"You write the note the front desk of {clinic_name} reads after a phone call handled "
        "by Aida, the clinic's voice assistant. Answer only by calling "
        f"`{SUMMARY_TOOL}` once.\n"
        "- summary_text: at most three short sentences (under 70 words): who called, what "
        "they wanted, and what was done.\n"
        "- The FACTS are what the clinic's systems recorded. State appointment changes "
        "exactly as listed there and no others; never invent dates, times or names.\n"
        "- action_items: short imperative tasks for the staff that remain open after the "
        "call (a callback, a question Aida could not answer). An empty list if none."
    )


def summary_tools() -> list[llm.Tool]:
    return [_record_call_summary]


def build_prompt(record: CallSummary, clinic_name: str) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content=instructions(clinic_name))
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
    # background: on the host's shared local model a caller's turn goes first, and the summary
    # gives way (ModelYielded) rather than hold the context; other providers ignore the mark
    with background():
        stream = model.chat(
            chat_ctx=chat_ctx,
            tools=summary_tools(),
            # named, not just "required": the local model then starts inside this call
            tool_choice={"type": "function", "function": {"name": SUMMARY_TOOL}},
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
    from_call = callback_requests(record.timeline or []) + failed_write_items(record)
    errors: list[str] = []
    spent: list[dict[str, Any]] = []
    yielded = False
    for model in llms:
        label = f"{model.provider}/{model.model}"
        try:
            draft, usage = await asyncio.wait_for(ask(model, chat_ctx, timeout), timeout)
        except asyncio.CancelledError:
            raise
        except ModelYielded:
            # not the model's failure: a caller needed it; the outbox drain tries again
            yielded = True
            errors.append(f"{label}: gave way to a live call")
            logger.info("summary by %s deferred: a live call needed the model", label)
            continue
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
    fallback.deferred = yielded
    return fallback
