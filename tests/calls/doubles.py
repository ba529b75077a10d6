"""Test doubles for the after-call record: a scripted LiveKit LLM and stores that fail on cue.

`ScriptLLM` plays one step per `chat()` request: `Say(text)`, `Call(name, args)`, an exception to
raise, or `Slow(seconds, step)`. It reports token usage like a real provider, under the provider
and model names it is given, so the price table applies to it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions

from aida.errors import StoreUnavailable
from aida.store.models import CallSummary
from aida.store.protocol import Store


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Call:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Slow:
    seconds: float
    step: Any


Step = Say | Call | Slow | BaseException | Callable[[llm.ChatContext], Any]


class ScriptLLM(llm.LLM):
    def __init__(
        self,
        script: Sequence[Step] = (),
        *,
        provider: str = "api.openai.com",
        model: str = "gpt-4o-mini",
        prompt_tokens: int = 1000,
        completion_tokens: int = 50,
    ) -> None:
        super().__init__()
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self._provider, self._model = provider, model
        self._usage = (prompt_tokens, completion_tokens)
        self._n = 0

    @property
    def model(self) -> str:
        return self._model

    @property
    def provider(self) -> str:
        return self._provider

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: Any = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        extra_kwargs: Any = NOT_GIVEN,
    ) -> llm.LLMStream:
        self._n += 1
        self.requests.append(
            {
                "chat_ctx": chat_ctx.copy(),
                "tools": [getattr(t, "id", "") for t in tools or []],
                "tool_choice": tool_choice,
            }
        )
        step = self.script.pop(0) if self.script else Say("[script exhausted]")
        if callable(step) and not isinstance(step, BaseException):
            step = step(chat_ctx)
        return _Stream(
            self,
            step,
            self._n,
            chat_ctx=chat_ctx,
            tools=tools or [],
            conn_options=APIConnectOptions(max_retry=0, timeout=conn_options.timeout),
        )


class _Stream(llm.LLMStream):
    def __init__(self, owner: ScriptLLM, step: Any, n: int, **kwargs: Any) -> None:
        super().__init__(owner, **kwargs)
        self._owner, self._step, self._n_id = owner, step, n

    async def _run(self) -> None:
        step = self._step
        while isinstance(step, Slow):
            await asyncio.sleep(step.seconds)
            step = step.step
        if isinstance(step, BaseException):
            raise step
        chunk_id = f"script-{self._n_id}"
        if isinstance(step, Say):
            delta = llm.ChoiceDelta(role="assistant", content=step.text)
        else:
            delta = llm.ChoiceDelta(
                role="assistant",
                tool_calls=[
                    llm.FunctionToolCall(
                        name=step.name,
                        arguments=json.dumps(step.arguments),
                        call_id=f"call_{self._n_id}",
                    )
                ],
            )
        self._event_ch.send_nowait(llm.ChatChunk(id=chunk_id, delta=delta))
        prompt, completion = self._owner._usage
        self._event_ch.send_nowait(
            llm.ChatChunk(
                id=chunk_id,
                usage=llm.CompletionUsage(
                    prompt_tokens=prompt,
                    completion_tokens=completion,
                    total_tokens=prompt + completion,
                ),
            )
        )


def summary_call(text: str, items: Sequence[str] = ()) -> Call:
    return Call("record_call_summary", {"summary_text": text, "action_items": list(items)})


class FlakyStore:
    """Wraps a real store; `down` makes every call raise StoreUnavailable, as a dead database
    would. Counts the summary writes that reached the real store."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.down = False
        self.saves = 0
        self.backend = inner.backend

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        async def guarded(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise StoreUnavailable("Sorry, our system is briefly unavailable.")
            return await attr(*args, **kwargs)

        return guarded

    async def save_call_summary(self, summary: CallSummary) -> None:
        if self.down:
            raise StoreUnavailable("Sorry, our system is briefly unavailable.")
        await self.inner.save_call_summary(summary)
        self.saves += 1

    async def close(self) -> None:  # the test owns the real store
        return None
