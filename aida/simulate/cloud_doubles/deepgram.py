"""Deepgram's live streaming API (`wss://api.deepgram.com/v1/listen`), as
`livekit-plugins-deepgram` uses it (`base_url` .../v1/listen).

The socket takes the query the plugin sends (`encoding=linear16`, `sample_rate`, `interim_results`,
`endpointing`, `vad_events`, `utterance_end_ms`), binary audio, and the JSON control messages
`KeepAlive`, `Finalize` and `CloseStream`. It answers with `SpeechStarted` when the caller starts
(with `vad_events`), interim `Results` (`is_final: false`) while they speak, a final `Results`
(`is_final` and `speech_final`) once they stop for the endpointing silence, `UtteranceEnd` after
`utterance_end_ms` of silence when asked for, and `Metadata` (the audio duration) on close.

The words are real: Whisper (the local model) transcribes the caller's audio, so what the agent
hears is what the caller said. As Deepgram does, an interim result says the utterance so far and
the final all of it; to keep up in real time on a CPU (Whisper encodes a whole 30 s window for
any input, so every transcription costs the same) the double transcribes each piece of audio
once: the first `interim_every` seconds, cut at a pause between words, for the one interim
result, and the rest for the final, which joins the two texts. Where it is simpler than
Deepgram: speech is found by the audio's energy, not a model; one interim result per utterance;
word timings are spread evenly over the utterance; the endpoint is at least 0.4 s of silence
(the plugin asks for 25 ms; see MIN_ENDPOINT_S); and an interim result is never revised except
by adding words.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import WSMsgType, web

from aida.simulate.cloud_doubles.base import Delays, DoubleServer

logger = logging.getLogger("aida.simulate.cloud_doubles")

# 16 kHz mono float32 -> the words it says (blocking; run in a thread)
Transcriber = Callable[[np.ndarray], str]

WHISPER_RATE = 16_000
VOICED_RMS = 300.0  # int16 RMS of a 10 ms window that counts as speech (the line is silent else)
# The plugin asks for 25 ms. Real Deepgram would then end utterances at every sentence break and
# answer each within milliseconds; Whisper on a CPU cannot, so the double ends an utterance only
# after a pause longer than the simulated caller's breath between sentences (0.25 s) and shorter
# than the session's VAD silence (0.55 s): one caller line, one utterance.
MIN_ENDPOINT_S = 0.4
MODEL_INFO = {"name": "general-nova-3", "version": "double", "arch": "nova-3"}


def _resample_to_16k(pcm: np.ndarray, rate: int) -> np.ndarray:
    audio = pcm.astype(np.float32) / 32768.0
    if rate == WHISPER_RATE or audio.size == 0:
        return audio
    positions = np.arange(0, audio.size, rate / WHISPER_RATE)
    return np.interp(positions, np.arange(audio.size), audio).astype(np.float32)


def _words(text: str, start: float, end: float, confidence: float) -> list[dict[str, Any]]:
    tokens = text.split()
    if not tokens:
        return []
    step = (end - start) / len(tokens)
    return [
        {
            "word": re.sub(r"[^\w']", "", token).lower(),
            "start": round(start + i * step, 3),
            "end": round(start + (i + 1) * step, 3),
            "confidence": confidence,
            "punctuated_word": token,
        }
        for i, token in enumerate(tokens)
    ]


@dataclass
class _Utterance:
    start_s: float  # stream time of the first voiced window
    samples: list[np.ndarray] = field(default_factory=list)
    last_voiced_s: float = 0.0
    last_voiced_wall: float = 0.0
    cut: int = 0  # samples of the utterance already handed to a piece
    texts_queued: bool = False  # its one interim piece is queued
    texts: list[str] = field(default_factory=list)  # the pieces' transcripts, in order

    @property
    def size(self) -> int:
        return sum(c.size for c in self.samples)

    def piece(self, start: int, end: int) -> np.ndarray:
        return np.concatenate(self.samples)[start:end]


class DeepgramDouble(DoubleServer):
    provider = "deepgram"

    def __init__(
        self,
        transcribe: Transcriber,
        delays: Delays | None = None,
        *,
        interim_every: float = 1.5,
    ) -> None:
        super().__init__(delays)
        self.transcribe = transcribe
        self.interim_every = interim_every
        self.sent: list[dict[str, Any]] = []  # every message sent, for tests
        self.keepalives = 0
        self.connections = 0
        self._refuse: list[str] = []  # statuses for the next connection attempts

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1/listen"

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/v1/listen", self._listen)

    async def _listen(self, request: web.Request) -> web.StreamResponse:
        refused = self._refuse.pop(0) if self._refuse else None
        refused = refused or self.faults.take("connect", ("429", "500"))
        if refused is not None:
            status = 429 if refused == "429" else 500
            return web.json_response(
                {
                    "err_code": "TOO_MANY_REQUESTS" if status == 429 else "INTERNAL_SERVER_ERROR",
                    "err_msg": "double refused the connection",
                    "request_id": str(uuid.uuid4()),
                },
                status=status,
            )
        self.connections += 1
        request_id = str(uuid.uuid4())
        ws = web.WebSocketResponse()
        ws.headers.update({"dg-request-id": request_id})
        await ws.prepare(request)
        session = _Session(self, ws, request.query, request_id, request)
        try:
            await session.run()
        finally:
            await session.finish()
        return ws

    def refuse_next(self, status: str, times: int = 1) -> None:
        self._refuse.extend([status] * times)


class _Session:
    """One websocket connection: audio in, results out, in order."""

    def __init__(
        self,
        double: DeepgramDouble,
        ws: web.WebSocketResponse,
        query: Any,
        request_id: str,
        request: web.Request,
    ) -> None:
        self.double = double
        self.ws = ws
        self.request = request
        self.request_id = request_id
        self.rate = int(query.get("sample_rate", WHISPER_RATE))
        self.interim = query.get("interim_results", "true") == "true"
        self.vad_events = query.get("vad_events", "false") == "true"
        endpointing = query.get("endpointing", "10")
        self.endpoint_s = (
            float("inf") if endpointing == "false" else max(MIN_ENDPOINT_S, int(endpointing) / 1000)
        )
        utterance_end = query.get("utterance_end_ms")
        self.utterance_end_s = int(utterance_end) / 1000 if utterance_end else None
        self.model = query.get("model", "nova-3")
        self.samples_in = 0
        self.opened = time.time()
        self.utterance: _Utterance | None = None
        self.last_word_end: float | None = None  # for UtteranceEnd
        self.tail: list[np.ndarray] = []  # the pending partial 10 ms window
        self.results: asyncio.Queue[Any] = asyncio.Queue()
        self.sender = asyncio.create_task(self._send_loop())
        self.stalled = False
        self.dropped = False

    @property
    def now_s(self) -> float:
        return self.samples_in / self.rate

    async def run(self) -> None:
        async for msg in self.ws:
            if msg.type == WSMsgType.BINARY:
                self._audio(np.frombuffer(msg.data, dtype=np.int16))
            elif msg.type == WSMsgType.TEXT:
                kind = json.loads(msg.data).get("type")
                if kind == "KeepAlive":
                    self.double.keepalives += 1
                elif kind == "Finalize":
                    self._endpoint(from_finalize=True)
                elif kind == "CloseStream":
                    self._endpoint(from_finalize=False)
                    break
            if self.dropped:
                return

    def _audio(self, pcm: np.ndarray) -> None:
        window = self.rate // 100
        if self.tail:
            pcm = np.concatenate([*self.tail, pcm])
            self.tail = []
        whole = pcm.size - pcm.size % window
        if whole < pcm.size:
            self.tail = [pcm[whole:]]
        for i in range(0, whole, window):
            chunk = pcm[i : i + window]
            self.samples_in += chunk.size
            rms = float(np.sqrt(np.mean(chunk.astype(np.float32) ** 2)))
            voiced = rms >= VOICED_RMS
            u = self.utterance
            if voiced:
                if u is None:
                    u = self.utterance = _Utterance(start_s=self.now_s - chunk.size / self.rate)
                    if self.vad_events:
                        self._queue(
                            {"type": "SpeechStarted", "channel": [0], "timestamp": u.start_s}
                        )
                u.last_voiced_s = self.now_s
                u.last_voiced_wall = time.time()
            if u is not None:
                u.samples.append(chunk)
                size = u.size
                pending_s = (size - u.cut) / self.rate
                if (
                    self.interim
                    and not voiced
                    and not u.texts_queued
                    and pending_s >= self.double.interim_every
                ):
                    # a pause between words: the audio up to here is a piece of its own
                    self._queue(("interim", u, u.cut, size))
                    u.cut = size
                    u.texts_queued = True
                if not voiced and self.now_s - u.last_voiced_s >= self.endpoint_s:
                    self._endpoint(from_finalize=False)
            elif (
                self.utterance_end_s is not None
                and self.last_word_end is not None
                and self.now_s - self.last_word_end >= self.utterance_end_s
            ):
                self._queue(
                    {"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": self.last_word_end}
                )
                self.last_word_end = None

    def _endpoint(self, *, from_finalize: bool) -> None:
        u, self.utterance = self.utterance, None
        if u is None:
            return
        self.last_word_end = u.last_voiced_s
        self._queue(("final", u, u.cut, u.size, from_finalize))

    def _queue(self, item: Any) -> None:
        self.results.put_nowait(item)

    async def _send_loop(self) -> None:
        while True:
            item = await self.results.get()
            if item is None:
                return
            if isinstance(item, dict):
                await self._send(item)
                continue
            kind, u, start, end = item[0], item[1], item[2], item[3]
            if kind == "final":
                fault = self.double.faults.take("final result", ("drop", "stall", "429", "500"))
                if fault is not None:
                    await self._fail(fault)
                    return
            audio = _resample_to_16k(u.piece(start, end), self.rate)
            try:
                piece = (
                    await asyncio.to_thread(self.double.transcribe, audio) if end > start else ""
                )
            except Exception:
                logger.exception("deepgram double: transcription failed")
                piece = ""
            if piece.strip():
                u.texts.append(piece.strip())
            text = " ".join(u.texts)
            end_s = u.start_s + end / self.rate
            if kind == "final":
                # the provider's own latency, counted from the end of the caller's voice
                due = u.last_voiced_wall + self.double.delays.stt_final
                await asyncio.sleep(max(0.0, due - time.time()))
            await self._send(
                self._results(
                    text,
                    u.start_s,
                    end_s,
                    is_final=kind == "final",
                    from_finalize=kind == "final" and bool(item[4]),
                )
            )

    def _results(
        self, text: str, start: float, end: float, *, is_final: bool, from_finalize: bool
    ) -> dict[str, Any]:
        confidence = 0.98 if text else 0.0
        return {
            "type": "Results",
            "channel_index": [0, 1],
            "duration": round(end - start, 3),
            "start": round(start, 3),
            "is_final": is_final,
            "speech_final": is_final and not from_finalize,
            "from_finalize": from_finalize,
            "channel": {
                "alternatives": [
                    {
                        "transcript": text,
                        "confidence": confidence,
                        "words": _words(text, start, end, confidence),
                    }
                ]
            },
            "metadata": {
                "request_id": self.request_id,
                "model_info": MODEL_INFO,
                "model_uuid": "00000000-0000-0000-0000-000000000003",
            },
        }

    async def _send(self, message: dict[str, Any]) -> None:
        if self.ws.closed:
            return
        self.double.sent.append(message)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.send_str(json.dumps(message))

    async def _fail(self, fault: str) -> None:
        if fault == "stall":
            self.stalled = True  # keep reading audio, never answer again on this socket
            return
        if fault in ("429", "500"):
            self.double.refuse_next(fault)
        self.dropped = True
        transport = self.request.transport
        if transport is not None:
            transport.close()  # no close frame: the connection is simply gone

    async def finish(self) -> None:
        if not self.dropped and not self.stalled:
            self._queue(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.sender, 30)
        self.sender.cancel()
        seconds = self.samples_in / self.rate
        self.double.usage.append(
            {
                "model": self.model,
                "audio_seconds": round(seconds, 3),
                "connection_seconds": round(time.time() - self.opened, 3),
            }
        )
        if not self.ws.closed and not self.dropped:
            with contextlib.suppress(Exception):
                await self.ws.send_str(
                    json.dumps(
                        {
                            "type": "Metadata",
                            "transaction_key": "deprecated",
                            "request_id": self.request_id,
                            "created": dt.datetime.now(dt.UTC).isoformat(),
                            "duration": round(seconds, 3),
                            "channels": 1,
                            "model_info": MODEL_INFO,
                        }
                    )
                )
                await self.ws.close()
