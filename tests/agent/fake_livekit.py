"""A LiveKit server API on 127.0.0.1 for the handoff tests: livekit-api speaks Twirp (protobuf
bodies POSTed to /twirp/livekit.<Service>/<Method>) over aiohttp, so this answers exactly there,
keeps every request as it arrived (decoded, with the bearer token's claims) and replies with what
the test queued: a protobuf message, or a Twirp error body with its HTTP status."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from google.protobuf.message import Message
from livekit import api

API_KEY = "devkey"
API_SECRET = "fake-livekit-secret-0123456789abcdef"

REQUEST_TYPES: dict[str, type[Message]] = {
    "livekit.SIP/TransferSIPParticipant": api.TransferSIPParticipantRequest,
    "livekit.RoomService/DeleteRoom": api.DeleteRoomRequest,
    # outbound calls (aida.outbound.dialer)
    "livekit.RoomService/CreateRoom": api.CreateRoomRequest,
    "livekit.AgentDispatchService/CreateDispatch": api.CreateAgentDispatchRequest,
    "livekit.SIP/CreateSIPParticipant": api.CreateSIPParticipantRequest,
}


@dataclass
class Seen:
    method: str  # "livekit.SIP/TransferSIPParticipant"
    message: Any  # the decoded request
    content_type: str
    claims: Any  # the verified access token's claims


@dataclass
class Answer:
    message: Message | None = None
    status: int = 200
    error: dict[str, Any] | None = None


@dataclass
class FakeLiveKit:
    requests: list[Seen] = field(default_factory=list)
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    url: str = ""
    # called as each request arrives, before the answer: lets a test see what had happened by then
    on_request: Callable[[str], None] | None = None
    _runner: web.AppRunner | None = None

    def answer(self, method: str, message: Message | None = None, **kwargs: Any) -> None:
        self.answers.setdefault(method, []).append(Answer(message=message, **kwargs))

    def seen(self, method: str) -> list[Seen]:
        return [r for r in self.requests if r.method == method]

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await request.read()
        decoded = REQUEST_TYPES[method].FromString(body)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        claims = api.TokenVerifier(API_KEY, API_SECRET).verify(token)
        self.requests.append(Seen(method, decoded, request.content_type, claims))
        if self.on_request is not None:
            self.on_request(method)
        queued = self.answers.get(method) or [Answer()]
        answer = queued.pop(0) if len(queued) > 1 else queued[0]
        if answer.error is not None:
            return web.Response(
                status=answer.status,
                text=json.dumps(answer.error),
                content_type="application/json",
            )
        payload = answer.message.SerializeToString() if answer.message is not None else b""
        return web.Response(status=200, body=payload, content_type="application/protobuf")

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/twirp/{method:.+}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
