"""What the LLM doubles answer: the scripted LLM's steps (`aida.simulate.scripted_llm`), played
from the wire.

Both LLM doubles (OpenAI and Anthropic) take their answers from one `LLMScript`, so a request that
fails over from one to the other gets the same answer. A request is read back into LiveKit's
`ChatContext` (messages, tool calls, tool outputs), so a scenario's steps and their placeholders
(`{tool.field}`, `aida.simulate.script`) work exactly as they do in the scripted LLM.

The same conversation always gets the same answer: a request whose messages equal one already
answered is answered again without taking a step. That is what LiveKit's `FallbackAdapter` needs,
since after a failure it sends the failed request again in the background to see whether the
provider has recovered; only distinct requests count in `requests`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import llm

from aida.simulate.scripted_llm import EXHAUSTED, Call, Reply, Say, Slow, Step


@dataclass
class WireRequest:
    """One distinct request as the provider received it."""

    provider: str  # "openai" | "anthropic"
    chat_ctx: llm.ChatContext
    tool_names: list[str]
    tool_choice: Any
    body: dict[str, Any]

    @property
    def instructions(self) -> str:
        parts = []
        for item in self.chat_ctx.items:
            if isinstance(item, llm.ChatMessage) and item.role in ("system", "developer"):
                parts.append(item.text_content or "")
        return "\n".join(parts)


@dataclass
class LLMScript:
    """The steps still to play, shared by the LLM doubles; the interface `TextSimulator` drives
    (`script`, `extend`, `requests`) is the scripted LLM's."""

    script: list[Step] = field(default_factory=list)
    requests: list[WireRequest] = field(default_factory=list)
    repeats: int = 0  # requests answered again (a fallback's recovery probe)
    _answered: dict[str, Reply] = field(default_factory=dict)

    def extend(self, steps: Sequence[Step]) -> None:
        self.script.extend(steps)

    @property
    def exhausted(self) -> bool:
        return not self.script

    def answer(self, request: WireRequest, fingerprint: str) -> Reply:
        """The reply to `request`: the next step, or the earlier answer to the same request (also
        when the double failed while delivering it: the step is taken once, whoever delivers)."""
        if fingerprint in self._answered:
            self.repeats += 1
            return self._answered[fingerprint]
        self.requests.append(request)
        step: Step = self.script.pop(0) if self.script else Say(EXHAUSTED)
        reply = (
            step(request.chat_ctx)
            if callable(step) and not isinstance(step, BaseException)
            else step
        )
        self._answered[fingerprint] = reply
        return reply


def fingerprint(messages: Any, system: Any = None) -> str:
    data = json.dumps([system, messages], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


async def unwrap(reply: Reply) -> Reply:
    """Wait out `Slow` steps; what remains is a reply, tool calls, or an exception."""
    while isinstance(reply, Slow):
        await asyncio.sleep(reply.seconds)
        reply = reply.step
    return reply


def calls_of(reply: Reply) -> list[Call]:
    if isinstance(reply, Call):
        return [reply]
    if isinstance(reply, list):
        return list(reply)
    return []


def estimate_tokens(value: Any) -> int:
    """Tokens as a rough count (about four characters each). The doubles have no tokenizer; the
    count only has to be the one they report, in the provider's unit."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return max(1, math.ceil(len(text) / 4))


def text_pieces(text: str) -> list[str]:
    """A reply as the API streams it: a word (with its following space) at a time."""
    pieces: list[str] = []
    current = ""
    for ch in text:
        current += ch
        if ch == " ":
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def argument_pieces(arguments: str, size: int = 8) -> list[str]:
    """Tool call arguments split across chunks, as the APIs send them (a few characters each,
    cutting through keys and strings)."""
    return [arguments[i : i + size] for i in range(0, len(arguments), size)] or [""]


# --- wire messages -> ChatContext ---------------------------------------------------------------


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = []
    for part in content:
        if isinstance(part, dict) and part.get("type") in ("text", "input_text"):
            parts.append(str(part.get("text", "")))
        elif isinstance(part, str):
            parts.append(part)
    return "".join(parts)


def openai_chat_ctx(messages: list[dict[str, Any]]) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    names: dict[str, str] = {}
    for message in messages:
        role = message.get("role")
        if role in ("system", "developer", "user"):
            ctx.add_message(role=role, content=_text(message.get("content")))
        elif role == "assistant":
            if message.get("content"):
                ctx.add_message(role="assistant", content=_text(message["content"]))
            for tool_call in message.get("tool_calls") or []:
                function = tool_call.get("function", {})
                names[tool_call["id"]] = function.get("name", "")
                ctx.items.append(
                    llm.FunctionCall(
                        call_id=tool_call["id"],
                        name=function.get("name", ""),
                        arguments=function.get("arguments", ""),
                    )
                )
        elif role == "tool":
            call_id = str(message.get("tool_call_id", ""))
            ctx.items.append(
                llm.FunctionCallOutput(
                    call_id=call_id,
                    name=names.get(call_id, ""),
                    output=_text(message.get("content")),
                    is_error=False,  # the Chat Completions format does not carry it
                )
            )
    return ctx


def anthropic_chat_ctx(system: Any, messages: list[dict[str, Any]]) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    if system:
        ctx.add_message(role="system", content=_text(system))
    names: dict[str, str] = {}
    for message in messages:
        role = message.get("role")
        content = message.get("content")
        if isinstance(content, str):
            ctx.add_message(role=role or "user", content=content)
            continue
        for block in content or []:
            kind = block.get("type")
            if kind == "text" and block.get("text"):
                ctx.add_message(role=role or "user", content=block["text"])
            elif kind == "tool_use":
                names[block["id"]] = block.get("name", "")
                ctx.items.append(
                    llm.FunctionCall(
                        call_id=block["id"],
                        name=block.get("name", ""),
                        arguments=json.dumps(block.get("input") or {}),
                    )
                )
            elif kind == "tool_result":
                call_id = str(block.get("tool_use_id", ""))
                ctx.items.append(
                    llm.FunctionCallOutput(
                        call_id=call_id,
                        name=names.get(call_id, ""),
                        output=_text(block.get("content")),
                        is_error=bool(block.get("is_error")),
                    )
                )
    return ctx
