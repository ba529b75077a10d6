"""What every double shares: a local aiohttp server on 127.0.0.1, the delays it answers with, the
faults it has been told to commit, and the usage it reports in its provider's units."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

FaultKind = Literal["drop", "stall", "429", "500"]
FAULT_KINDS: tuple[FaultKind, ...] = ("drop", "stall", "429", "500")


@dataclass(frozen=True)
class Delays:
    """How long the doubles take, in seconds: the provider's own latency, which a clinic cannot
    change. Zero (the default) for tests; `realistic()` for the benchmark."""

    stt_final: float = 0.0  # the caller stopped -> Deepgram's final result
    llm_first_token: float = 0.0  # request -> first streamed token (OpenAI, Anthropic)
    llm_token: float = 0.0  # between streamed tokens
    tts_first_audio: float = 0.0  # a sentence sent -> its first audio chunk (Cartesia)

    @classmethod
    def realistic(cls) -> Delays:
        return cls(stt_final=0.15, llm_first_token=0.35, llm_token=0.01, tts_first_audio=0.12)


@dataclass
class FaultLog:
    at: float
    kind: FaultKind
    where: str  # what the double was doing


@dataclass
class Faults:
    """Faults waiting to happen. `inject(kind)` arms the next `times` chances (a request, a
    connection, an utterance); `down(kind)` keeps failing until `clear()`."""

    armed: list[FaultKind] = field(default_factory=list)
    persistent: FaultKind | None = None
    log: list[FaultLog] = field(default_factory=list)

    def inject(self, kind: FaultKind, times: int = 1) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        self.armed.extend([kind] * times)

    def down(self, kind: FaultKind) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        self.persistent = kind

    def clear(self) -> None:
        self.armed.clear()
        self.persistent = None

    def take(self, where: str, kinds: tuple[FaultKind, ...] = FAULT_KINDS) -> FaultKind | None:
        """The fault to commit now, if one is armed for this kind of chance."""
        kind: FaultKind | None = None
        if self.persistent in kinds:
            kind = self.persistent
        elif self.armed and self.armed[0] in kinds:
            kind = self.armed.pop(0)
        if kind is not None:
            self.log.append(FaultLog(time.time(), kind, where))
        return kind


class DoubleServer:
    """One provider's double. Subclasses add their routes in `routes`."""

    provider = ""  # the provider it stands for, as aida/calls/cost.py names it

    def __init__(self, delays: Delays | None = None) -> None:
        self.delays = delays or Delays()
        self.faults = Faults()
        self.usage: list[dict[str, Any]] = []  # one entry per request/connection, provider units
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> str:
        app = web.Application()
        self.routes(app)
        # a stalled handler is released by `aclose`, so shutting down never waits on one
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self.url

    async def aclose(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def stall(self, limit: float = 120.0) -> None:
        """Say nothing more, until the client gives up or the double closes."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), limit)

    @staticmethod
    def status_error(kind: FaultKind, body: dict[str, Any]) -> web.Response:
        status = 429 if kind == "429" else 500
        headers = {"retry-after": "1"} if status == 429 else {}
        return web.json_response(body, status=status, headers=headers)
