"""OpenAI Chat Completions, streamed, as `livekit-plugins-openai` calls it (`base_url` .../v1).

`POST /v1/chat/completions` with `stream: true` answers in server-sent events the way the API
does: a first chunk with the role, the text a word per chunk, or each tool call opened with its id
and name and its arguments split across the following chunks (by `index`), a last choice chunk
with `finish_reason` (`stop` or `tool_calls`), then, when `stream_options.include_usage` is set, a
chunk with no choices and the request's `usage`, and `data: [DONE]`. `GET /v1/models` lists the
model (the plugin's prewarm). Errors are the API's JSON error objects with its status codes.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

from aiohttp import web

from aida.simulate.cloud_doubles.base import Delays, DoubleServer, FaultKind
from aida.simulate.cloud_doubles.script import (
    LLMScript,
    WireRequest,
    argument_pieces,
    calls_of,
    estimate_tokens,
    fingerprint,
    openai_chat_ctx,
    text_pieces,
    unwrap,
)
from aida.simulate.scripted_llm import Say


def _error(kind: FaultKind | str, message: str) -> dict[str, Any]:
    if kind == "429":
        return {
            "error": {
                "message": message,
                "type": "requests",
                "param": None,
                "code": "rate_limit_exceeded",
            }
        }
    return {"error": {"message": message, "type": "server_error", "param": None, "code": None}}


class OpenAIDouble(DoubleServer):
    provider = "openai"

    def __init__(self, script: LLMScript, delays: Delays | None = None) -> None:
        super().__init__(delays)
        self.script = script
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"object": "list", "data": [{"id": "gpt-4o", "object": "model", "owned_by": "openai"}]}
        )

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._chat_unguarded(request)
        except ConnectionResetError:
            # the client went away mid-stream (LiveKit cancels a preemptive generation it no
            # longer needs), as it may with the real API: nothing more to send
            prepared: web.StreamResponse | None = request.get("stream")
            return prepared if prepared is not None else web.Response(status=499)

    async def _chat_unguarded(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        fault = self.faults.take("chat request", ("429", "500"))
        if fault is not None:
            text = "Rate limit reached" if fault == "429" else "The server had an error"
            return self.status_error(fault, _error(fault, text))
        if not body.get("stream"):
            return web.json_response(
                _error("400", "this double answers streaming requests"), status=400
            )
        messages: list[dict[str, Any]] = body.get("messages") or []
        tools = body.get("tools") or []
        names = [t.get("function", {}).get("name", "") for t in tools]
        wire = WireRequest(
            "openai", openai_chat_ctx(messages), names, body.get("tool_choice"), body
        )
        key = fingerprint(messages, names)
        reply = await unwrap(self.script.answer(wire, key))
        if isinstance(reply, BaseException):  # a scripted outage
            return self.status_error("500", _error("500", f"{type(reply).__name__}: {reply}"))

        n = next(self._ids)
        model = str(body.get("model") or "")
        created = int(time.time())
        base = {
            "id": f"chatcmpl-double{n}",
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": "fp_double",
        }
        with_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            data: dict[str, Any] = {
                **base,
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }
            if with_usage:
                data["usage"] = None
            return b"data: " + json.dumps(data).encode() + b"\n\n"

        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream; charset=utf-8", "x-request-id": f"req_{n}"}
        )
        await response.prepare(request)
        request["stream"] = response
        await asyncio.sleep(self.delays.llm_first_token)

        calls = calls_of(reply)
        if calls:
            first = calls[0]
            args = json.dumps(first.arguments)
            opening: dict[str, Any] = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "index": 0,
                        "id": f"call_double{n}_0",
                        "type": "function",
                        "function": {"name": first.name, "arguments": ""},
                    }
                ],
            }
        else:
            opening = {"role": "assistant", "content": "", "refusal": None}
        await response.write(chunk(opening))

        stream_fault = self.faults.take("chat stream", ("drop", "stall"))
        if stream_fault == "drop":
            request.transport.close()  # type: ignore[union-attr]
            return response
        if stream_fault == "stall":
            await self.stall()
            return response

        completion = ""
        if calls:
            for i, call in enumerate(calls):
                args = json.dumps(call.arguments)
                completion += call.name + args
                if i > 0:
                    await response.write(
                        chunk(
                            {
                                "tool_calls": [
                                    {
                                        "index": i,
                                        "id": f"call_double{n}_{i}",
                                        "type": "function",
                                        "function": {"name": call.name, "arguments": ""},
                                    }
                                ]
                            }
                        )
                    )
                for piece in argument_pieces(args):
                    await asyncio.sleep(self.delays.llm_token)
                    await response.write(
                        chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
                    )
            await response.write(chunk({}, "tool_calls"))
        else:
            text = reply.text if isinstance(reply, Say) else str(reply)
            completion = text
            for piece in text_pieces(text):
                await asyncio.sleep(self.delays.llm_token)
                await response.write(chunk({"content": piece}))
            await response.write(chunk({}, "stop"))

        prompt = estimate_tokens(messages) + (estimate_tokens(tools) if tools else 0)
        output = estimate_tokens(completion)
        self.usage.append({"model": model, "prompt_tokens": prompt, "completion_tokens": output})
        if with_usage:
            usage = {
                **base,
                "choices": [],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": output,
                    "total_tokens": prompt + output,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
                },
            }
            await response.write(b"data: " + json.dumps(usage).encode() + b"\n\n")
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response
