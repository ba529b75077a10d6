"""Anthropic Messages, streamed, as `livekit-plugins-anthropic` calls it (`base_url` the host).

`POST /v1/messages` with `stream: true` answers in the API's named server-sent events:
`message_start` (with the input tokens), per content block `content_block_start`,
`content_block_delta` (`text_delta`, or `input_json_delta` with a tool call's input split across
events) and `content_block_stop`, a `ping`, then `message_delta` (stop reason, output tokens) and
`message_stop`. Errors are the API's `{"type": "error", ...}` objects with its status codes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from aiohttp import web

from aida.simulate.cloud_doubles.base import Delays, DoubleServer, FaultKind
from aida.simulate.cloud_doubles.script import (
    LLMScript,
    WireRequest,
    anthropic_chat_ctx,
    argument_pieces,
    calls_of,
    estimate_tokens,
    fingerprint,
    text_pieces,
    unwrap,
)
from aida.simulate.scripted_llm import Say


def _error(kind: FaultKind, message: str) -> dict[str, Any]:
    kind_name = "rate_limit_error" if kind == "429" else "api_error"
    return {"type": "error", "error": {"type": kind_name, "message": message}}


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


class AnthropicDouble(DoubleServer):
    provider = "anthropic"

    def __init__(self, script: LLMScript, delays: Delays | None = None) -> None:
        super().__init__(delays)
        self.script = script
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return self.url

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/messages", self._messages)

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._messages_unguarded(request)
        except ConnectionResetError:
            # the client went away mid-stream (LiveKit cancels a preemptive generation it no
            # longer needs), as it may with the real API: nothing more to send
            prepared: web.StreamResponse | None = request.get("stream")
            return prepared if prepared is not None else web.Response(status=499)

    async def _messages_unguarded(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        fault = self.faults.take("messages request", ("429", "500"))
        if fault is not None:
            return self.status_error(fault, _error(fault, "Number of requests exceeded"))
        messages: list[dict[str, Any]] = body.get("messages") or []
        system = body.get("system")
        tools = body.get("tools") or []
        names = [str(t.get("name", "")) for t in tools]
        wire = WireRequest(
            "anthropic", anthropic_chat_ctx(system, messages), names, body.get("tool_choice"), body
        )
        reply = await unwrap(self.script.answer(wire, fingerprint(messages, names)))
        if isinstance(reply, BaseException):
            return self.status_error("500", _error("500", f"{type(reply).__name__}: {reply}"))

        n = next(self._ids)
        model = str(body.get("model") or "")
        prompt = estimate_tokens([system, messages]) + (estimate_tokens(tools) if tools else 0)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream; charset=utf-8", "request-id": f"req_{n}"}
        )
        await response.prepare(request)
        request["stream"] = response
        await asyncio.sleep(self.delays.llm_first_token)
        await response.write(
            _event(
                "message_start",
                {
                    "type": "message_start",
                    "message": {
                        "id": f"msg_double{n}",
                        "type": "message",
                        "role": "assistant",
                        "content": [],
                        "model": model,
                        "stop_reason": None,
                        "stop_sequence": None,
                        "usage": {
                            "input_tokens": prompt,
                            "output_tokens": 1,
                            "cache_creation_input_tokens": 0,
                            "cache_read_input_tokens": 0,
                        },
                    },
                },
            )
        )
        stream_fault = self.faults.take("messages stream", ("drop", "stall"))
        if stream_fault == "drop":
            request.transport.close()  # type: ignore[union-attr]
            return response
        if stream_fault == "stall":
            await self.stall()
            return response
        await response.write(_event("ping", {"type": "ping"}))

        completion = ""
        calls = calls_of(reply)
        if calls:
            for index, call in enumerate(calls):
                args = json.dumps(call.arguments)
                completion += call.name + args
                await response.write(
                    _event(
                        "content_block_start",
                        {
                            "type": "content_block_start",
                            "index": index,
                            "content_block": {
                                "type": "tool_use",
                                "id": f"toolu_double{n}_{index}",
                                "name": call.name,
                                "input": {},
                            },
                        },
                    )
                )
                for piece in argument_pieces(args):
                    await asyncio.sleep(self.delays.llm_token)
                    await response.write(
                        _event(
                            "content_block_delta",
                            {
                                "type": "content_block_delta",
                                "index": index,
                                "delta": {"type": "input_json_delta", "partial_json": piece},
                            },
                        )
                    )
                await response.write(
                    _event("content_block_stop", {"type": "content_block_stop", "index": index})
                )
            stop = "tool_use"
        else:
            text = reply.text if isinstance(reply, Say) else str(reply)
            completion = text
            await response.write(
                _event(
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": 0,
                        "content_block": {"type": "text", "text": ""},
                    },
                )
            )
            for piece in text_pieces(text):
                await asyncio.sleep(self.delays.llm_token)
                await response.write(
                    _event(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": 0,
                            "delta": {"type": "text_delta", "text": piece},
                        },
                    )
                )
            await response.write(
                _event("content_block_stop", {"type": "content_block_stop", "index": 0})
            )
            stop = "end_turn"

        output = estimate_tokens(completion)
        self.usage.append({"model": model, "input_tokens": prompt, "output_tokens": output})
        await response.write(
            _event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": stop, "stop_sequence": None},
                    # the whole message's output tokens, as the API counts them here
                    "usage": {"output_tokens": output},
                },
            )
        )
        await response.write(_event("message_stop", {"type": "message_stop"}))
        await response.write_eof()
        return response
