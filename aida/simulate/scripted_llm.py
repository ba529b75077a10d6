"""A deterministic LLM: it plays a script, one step per request. The agent's and the after-call
summariser's tests use it, and so do scripted scenarios (`aida simulate --text --scripted`), which
is why it lives in the package rather than under tests/.

Each step is a reply (`say(...)`), one or more tool calls (`call(...)`), an exception to raise
(a provider that is down), `Slow(seconds, step)`, or a function of the chat context the model
received that returns one of those (to use an id a tool just returned). Every request is kept
(`requests`: the chat context, the tools offered and the tool choice), so tests can check what the
model was told. Usage is reported under the provider and model names given, so the price table
applies to it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions

EXHAUSTED = "[script exhausted]"


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


Reply = Say | Call | list[Call] | Slow | BaseException
Step = Reply | Callable[[llm.ChatContext], Reply]


def say(text: str) -> Say:
    return Say(text)


def call(name: str, **arguments: Any) -> Call:
    return Call(name, arguments)


@dataclass
class Request:
    chat_ctx: llm.ChatContext
    tools: list[llm.Tool]
    tool_choice: Any = None

    @property
    def tool_names(self) -> list[str]:
        return [getattr(t, "id", "") for t in self.tools]

    def tool_parameters(self) -> dict[str, set[str]]:
        """Tool name -> the parameter names in the JSON schema the model is given."""
        from livekit.agents.llm.utils import build_legacy_openai_schema

        params: dict[str, set[str]] = {}
        for tool in self.tools:
            if isinstance(tool, llm.FunctionTool):
                schema = build_legacy_openai_schema(tool, internally_tagged=True)
                params[schema["name"]] = set(schema["parameters"].get("properties", {}))
        return params

    @property
    def instructions(self) -> str:
        """The system/developer text the model was given (the agent's instructions first)."""
        parts = []
        for item in self.chat_ctx.items:
            if isinstance(item, llm.ChatMessage) and item.role in ("system", "developer"):
                parts.append(item.text_content or "")
        return "\n".join(parts)


def tool_outputs(chat_ctx: llm.ChatContext) -> list[llm.FunctionCallOutput]:
    return [i for i in chat_ctx.items if i.type == "function_call_output"]


def last_output(chat_ctx: llm.ChatContext) -> dict[str, Any]:
    """The latest tool output, parsed (errors come back as {"error": message})."""
    out = tool_outputs(chat_ctx)[-1]
    if out.is_error:
        return {"error": out.output}
    try:
        return json.loads(out.output)
    except ValueError:
        return {"text": out.output}


class ScriptedLLM(llm.LLM):
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
        self.script: list[Step] = list(script)
        self.requests: list[Request] = []
        self._provider, self._model = provider, model
        self.usage_per_request = (prompt_tokens, completion_tokens)
        self._ids = itertools.count(1)

    @property
    def model(self) -> str:
        return self._model

    @property
    def provider(self) -> str:
        return self._provider

    def extend(self, steps: Sequence[Step]) -> None:
        self.script.extend(steps)

    @property
    def exhausted(self) -> bool:
        return not self.script

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
        self.requests.append(
            Request(chat_ctx=chat_ctx.copy(), tools=list(tools or []), tool_choice=tool_choice)
        )
        step: Step = self.script.pop(0) if self.script else Say(EXHAUSTED)
        reply = step(chat_ctx) if callable(step) and not isinstance(step, BaseException) else step
        return _ScriptedStream(
            self,
            reply,
            next(self._ids),
            chat_ctx=chat_ctx,
            tools=tools or [],
            # a scripted failure is the provider's answer: LiveKit must not retry it
            conn_options=APIConnectOptions(max_retry=0, timeout=conn_options.timeout),
        )


class _ScriptedStream(llm.LLMStream):
    def __init__(self, owner: ScriptedLLM, reply: Reply, n: int, **kwargs: Any) -> None:
        super().__init__(owner, **kwargs)
        self._owner = owner
        self._reply = reply
        self._n = n

    async def _run(self) -> None:
        reply = self._reply
        while isinstance(reply, Slow):
            await asyncio.sleep(reply.seconds)
            reply = reply.step
        if isinstance(reply, BaseException):
            raise reply
        chunk_id = f"scripted-{self._n}"
        if isinstance(reply, Say):
            delta = llm.ChoiceDelta(role="assistant", content=reply.text)
        else:
            calls = reply if isinstance(reply, list) else [reply]
            delta = llm.ChoiceDelta(
                role="assistant",
                tool_calls=[
                    llm.FunctionToolCall(
                        name=c.name,
                        arguments=json.dumps(c.arguments),
                        call_id=f"call_{self._n}_{i}",
                    )
                    for i, c in enumerate(calls)
                ],
            )
        self._event_ch.send_nowait(llm.ChatChunk(id=chunk_id, delta=delta))
        prompt, completion = self._owner.usage_per_request
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
