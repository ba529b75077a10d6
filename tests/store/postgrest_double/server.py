"""A PostgREST stand-in on 127.0.0.1: records every request exactly as it arrived and answers
with scripted replies, or else from a backend (`PostgrestOnPostgres`: a real PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl

from aiohttp import web


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: str  # the raw query string, still percent-encoded as sent
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def params(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON value; None sends no body
    raw: bytes | None = None  # sent as is (e.g. a proxy's HTML error page)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def error_body(
    code: str, message: str, details: str | None = None, hint: str | None = None
) -> dict:
    """PostgREST's documented error body."""
    return {"code": code, "details": details, "hint": hint, "message": message}


class Backend(Protocol):
    async def handle(self, request: Recorded) -> Reply: ...


class FakePostgrest:
    def __init__(self, backend: Backend | None = None) -> None:
        self.requests: list[Recorded] = []
        self.replies: deque[Reply] = deque()
        self.backend = backend
        self._runner: web.AppRunner | None = None
        self.url = ""

    def reply(self, status: int = 200, body: Any = None, **kwargs: Any) -> None:
        self.replies.append(Reply(status=status, body=body, **kwargs))

    def error(self, status: int, code: str, message: str, **kwargs: Any) -> None:
        self.replies.append(Reply(status=status, body=error_body(code, message, **kwargs)))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # A client that gives up (a timeout) cancels its handler, so a delayed reply never holds
        # up the server's shutdown.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        recorded = Recorded(
            method=request.method,
            path=request.path,
            query=request.query_string,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.read(),
        )
        self.requests.append(recorded)
        if self.replies:
            reply = self.replies.popleft()
        elif self.backend is not None:
            reply = await self.backend.handle(recorded)
        else:
            reply = Reply(
                599, error_body("TEST", f"no reply scripted for {request.method} {request.path}")
            )
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.raw is not None:
            return web.Response(status=reply.status, body=reply.raw, headers=reply.headers)
        if reply.body is None:
            return web.Response(status=reply.status, headers=reply.headers)
        return web.Response(
            status=reply.status,
            body=json.dumps(reply.body).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", **reply.headers},
        )
