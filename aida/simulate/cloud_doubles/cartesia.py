"""Cartesia's websocket TTS (`wss://api.cartesia.ai/tts/websocket`), as `livekit-plugins-cartesia`
streams it (`base_url` the host).

Each message names a `context_id` and carries a piece of `transcript` with `continue: true`, the
last one `continue: false`; `{"context_id", "cancel": true}` drops a context. For every piece the
double answers, under the same `context_id`, `chunk` messages (base64 `pcm_s16le` at the asked
`sample_rate`, about 100 ms each), `timestamps` (words with start and end seconds) when
`add_timestamps` is set, and, once the last piece is spoken, `done`. Errors are `error` messages
with a `status_code`, as the API sends them on the socket.

The audio is the local voice (hibari), so the caller hears real speech. Where it is simpler than
Cartesia: each piece is spoken on its own (no prosody across pieces), word timings are spread
evenly over the piece, and `max_buffer_delay_ms` is ignored (the plugin sends whole sentences).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import WSMsgType, web

from aida.simulate.cloud_doubles.base import Delays, DoubleServer

logger = logging.getLogger("aida.simulate.cloud_doubles")

# text -> float32 mono audio at VOICE_RATE, sentence by sentence (blocking; run in a thread)
Synthesizer = Callable[[str], Iterable[np.ndarray]]
VOICE_RATE = 24_000
CHUNK_S = 0.1


def _pcm_bytes(audio: np.ndarray, rate: int) -> bytes:
    audio = np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0)
    if rate != VOICE_RATE and audio.size:
        positions = np.arange(0, audio.size, VOICE_RATE / rate)
        audio = np.interp(positions, np.arange(audio.size), audio).astype(np.float32)
    return (audio * 32767.0).astype("<i2").tobytes()


@dataclass
class _Context:
    id: str
    pieces: asyncio.Queue[tuple[str, dict[str, Any]] | None] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[None] | None = None
    characters: int = 0
    cancelled: bool = False


class CartesiaDouble(DoubleServer):
    provider = "cartesia"

    def __init__(self, synthesize: Synthesizer, delays: Delays | None = None) -> None:
        super().__init__(delays)
        self.synthesize = synthesize
        self.contexts: list[str] = []  # every context id seen, in order
        self.connections = 0
        self._refuse: list[str] = []

    @property
    def base_url(self) -> str:
        return self.url

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/tts/websocket", self._websocket)

    def refuse_next(self, status: str, times: int = 1) -> None:
        self._refuse.extend([status] * times)

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        refused = self._refuse.pop(0) if self._refuse else None
        refused = refused or self.faults.take("connect", ("429", "500"))
        if refused is not None:
            return web.json_response(
                {"error": "double refused the connection"}, status=429 if refused == "429" else 500
            )
        self.connections += 1
        ws = web.WebSocketResponse()
        ws.headers.update({"x-request-id": f"double-{self.connections}"})
        await ws.prepare(request)
        contexts: dict[str, _Context] = {}
        send_lock = asyncio.Lock()

        async def send(message: dict[str, Any]) -> None:
            async with send_lock:
                if not ws.closed:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await ws.send_str(json.dumps(message))

        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                context_id = str(data.get("context_id") or "")
                if data.get("cancel"):
                    if context_id in contexts:
                        contexts[context_id].cancelled = True
                    continue
                fault = self.faults.take("transcript", ("drop", "stall", "429", "500"))
                if fault == "drop":
                    if request.transport is not None:
                        request.transport.close()
                    break
                if fault == "stall":
                    await self.stall()
                    break
                if fault in ("429", "500"):
                    await send(
                        {
                            "type": "error",
                            "context_id": context_id,
                            "status_code": int(fault),
                            "done": True,
                            "title": "Rate limited" if fault == "429" else "Internal error",
                            "error": "double fault",
                        }
                    )
                    continue
                context = contexts.get(context_id)
                if context is None:
                    context = contexts[context_id] = _Context(context_id)
                    self.contexts.append(context_id)
                    context.task = asyncio.create_task(self._speak(context, send))
                transcript = str(data.get("transcript") or "")
                context.characters += len(transcript)
                context.pieces.put_nowait((transcript, data))
                if not data.get("continue", False):
                    context.pieces.put_nowait(None)
        finally:
            for context in contexts.values():
                if context.task is not None:
                    context.task.cancel()
                self.usage.append({"context_id": context.id, "characters": context.characters})
        return ws

    def _render(self, text: str) -> list[np.ndarray]:
        return list(self.synthesize(text))

    async def _speak(self, context: _Context, send: Callable[[dict[str, Any]], Any]) -> None:
        while True:
            item = await context.pieces.get()
            if item is None:
                if not context.cancelled:
                    await send(
                        {"type": "done", "done": True, "status_code": 200, "context_id": context.id}
                    )
                return
            text, request = item
            if context.cancelled or not text.strip():
                continue
            fmt = request.get("output_format") or {}
            rate = int(fmt.get("sample_rate", VOICE_RATE))
            asked = time.time()
            pieces = await asyncio.to_thread(self._render, text)
            audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
            # the provider's own latency to the first audio, measured from the request
            await asyncio.sleep(max(0.0, asked + self.delays.tts_first_audio - time.time()))
            pcm = _pcm_bytes(audio, rate)
            step = int(rate * CHUNK_S) * 2
            for i in range(0, len(pcm), step):
                if context.cancelled:
                    break
                await send(
                    {
                        "type": "chunk",
                        "data": base64.b64encode(pcm[i : i + step]).decode(),
                        "done": False,
                        "status_code": 206,
                        "step_time": round((time.time() - asked) * 1000, 1),
                        "context_id": context.id,
                    }
                )
            if request.get("add_timestamps") and not context.cancelled:
                words = text.split()
                seconds = len(pcm) / 2 / rate
                each = seconds / max(1, len(words))
                await send(
                    {
                        "type": "timestamps",
                        "context_id": context.id,
                        "status_code": 206,
                        "done": False,
                        "word_timestamps": {
                            "words": words,
                            "start": [round(i * each, 3) for i in range(len(words))],
                            "end": [round((i + 1) * each, 3) for i in range(len(words))],
                        },
                    }
                )
