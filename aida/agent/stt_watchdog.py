"""Notice a streaming speech-to-text that stops answering, and hand the call to the next one.

LiveKit's `stt.FallbackAdapter` fails over when a stream raises. A Deepgram socket that stays
open but says nothing never raises: livekit-plugins-deepgram 1.8.9 has no receive timeout and
the server's TCP stack answers the heartbeat, so the caller talks and nothing is transcribed for
the rest of the call. The adapter's `attempt_timeout` is only the connect timeout of a stream.

`WatchedSTT` wraps the streaming STT inside the chain (as LiveKit's own `StreamAdapter` wraps a
non-streaming one) and runs the session's VAD over the same audio. It calls the provider stalled
when the VAD heard the caller and the provider did not answer it within `stall_seconds`:

- the caller has been speaking that long and the provider sent nothing since the speech began
  (a live provider says `SpeechStarted` or an interim within a fraction of a second), or
- the caller stopped that long ago (the end of their voice, not the VAD's end of speech, which
  comes its minimum silence later) and the provider still owes the utterance its final result.

Then the utterance in flight is transcribed by the `rescue` STT (the local Whisper behind it in
the chain), so the caller is not asked to say it again, and the stream fails with a
non-retryable `APITimeoutError`: the adapter marks the provider unavailable, moves the rest of
the call to the next STT and probes the stalled one in the background, as after any failure.
The stall is reported as an `stt_stalled` event (the timeline's `provider_stalled`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterable
from dataclasses import dataclass
from typing import Any, Literal

from livekit import rtc
from livekit.agents import APIConnectOptions, APITimeoutError, stt, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, NotGivenOr
from livekit.agents.vad import VAD, VADEventType

logger = logging.getLogger("aida.providers")

S = stt.SpeechEventType
# what only the provider says: usage is counted locally from the audio sent, so it is no answer
_ANSWERS = frozenset(
    {
        S.START_OF_SPEECH,
        S.INTERIM_TRANSCRIPT,
        S.PREFLIGHT_TRANSCRIPT,
        S.FINAL_TRANSCRIPT,
        S.END_OF_SPEECH,
    }
)
# shorter VAD speech that the provider never acknowledged is a breath or a click, not a caller
# the provider failed to hear (Deepgram sends nothing at all for an empty final)
MIN_UNANSWERED_SPEECH = 0.5
# the stream's own retries: none (the wrapped stream retries its connection itself)
_OWN_CONN_OPTIONS = APIConnectOptions(max_retry=0, timeout=DEFAULT_API_CONNECT_OPTIONS.timeout)


@dataclass
class StallEvent:
    """Emitted as `stt_stalled` when the watched provider did not answer the caller."""

    provider: str
    model: str
    waited_s: float  # from the moment an answer was due to the moment the stall was called
    reason: str  # "no answer while speaking" | "no final result"
    rescued: bool  # the utterance in flight was transcribed by the rescue STT


Reason = Literal["no answer while speaking", "no final result"]


class WatchedSTT(stt.STT[Literal["stt_stalled"]]):
    """A streaming STT whose streams fail when it stops answering (see the module doc)."""

    def __init__(
        self,
        inner: stt.STT,
        *,
        vad: VAD,
        stall_seconds: float,
        rescue: stt.STT | None = None,
    ) -> None:
        if not inner.capabilities.streaming:
            raise ValueError("WatchedSTT watches a streaming STT")
        super().__init__(capabilities=inner.capabilities)
        self._inner = inner
        self._vad = vad
        self._stall_seconds = stall_seconds
        self._rescue = rescue
        self._rescue_warmed = False
        # the wrapped provider's requests are its own (the timeline names who served)
        self._inner.on("metrics_collected", self._forward_metrics)

    @property
    def wrapped_stt(self) -> stt.STT:
        return self._inner

    @property
    def label(self) -> str:
        return self._inner.label

    @property
    def model(self) -> str:
        return self._inner.model

    @property
    def provider(self) -> str:
        return self._inner.provider

    def _forward_metrics(self, *args: Any, **kwargs: Any) -> None:
        self.emit("metrics_collected", *args, **kwargs)

    def _update_session_keyterms(self, keyterms: list[str]) -> None:
        self._inner._update_session_keyterms(keyterms)

    def _push_conversation_item(self, ev: Any) -> None:
        self._inner._push_conversation_item(ev)

    def prewarm(self) -> None:
        self._inner.prewarm()
        self._warm_rescue()

    def _warm_rescue(self) -> None:
        # a local model behind a cloud one loads on first use (providers.prewarm_local); the
        # rescue's first use is a stall, when the caller is already waiting, so it loads (in
        # its own thread: WhisperSTT.prewarm) when the watched provider is first used
        if self._rescue is not None and not self._rescue_warmed:
            self._rescue_warmed = True
            self._rescue.prewarm()

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        return await self._inner.recognize(buffer, language=language, conn_options=conn_options)

    def stream(
        self,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.RecognizeStream:
        self._warm_rescue()
        return _WatchedStream(self, language=language, conn_options=conn_options)

    async def aclose(self) -> None:
        self._inner.off("metrics_collected", self._forward_metrics)


class _WatchedStream(stt.RecognizeStream):
    def __init__(
        self,
        watched: WatchedSTT,
        *,
        language: NotGivenOr[str],
        conn_options: APIConnectOptions,
    ) -> None:
        super().__init__(stt=watched, conn_options=_OWN_CONN_OPTIONS)
        self._watched = watched
        self._language = language
        self._inner_conn_options = conn_options

    async def _metrics_monitor_task(self, event_aiter: AsyncIterable[stt.SpeechEvent]) -> None:
        # the wrapped stream reports its own usage; reporting the forwarded events again here
        # would bill every second twice
        async for _ in event_aiter:
            pass

    async def _run(self) -> None:
        watched = self._watched
        inner = watched._inner.stream(
            language=self._language, conn_options=self._inner_conn_options
        )
        vad_stream = watched._vad.stream()
        limit = watched._stall_seconds

        speaking = False
        speech_started = 0.0  # VAD
        last_answer = 0.0  # anything the provider said
        last_final = 0.0  # a final result or the provider's end of speech
        last_interim = 0.0
        provider_speaking = False
        owed_since: float | None = None  # the caller stopped; the provider owes a final
        owed: list[rtc.AudioFrame] = []  # the utterances it owes, as the VAD cut them
        stalled: tuple[float, Reason] | None = None

        async def forward_input() -> None:
            async for data in self._input_ch:
                if isinstance(data, rtc.AudioFrame):
                    inner.push_frame(data)
                    vad_stream.push_frame(data)
                else:
                    inner.flush()
                    vad_stream.flush()
            with contextlib.suppress(RuntimeError):
                inner.end_input()
            vad_stream.end_input()

        async def forward_events() -> None:
            nonlocal last_answer, last_final, last_interim, owed_since, provider_speaking
            async for ev in inner:
                now = time.monotonic()
                if ev.type in _ANSWERS:
                    last_answer = now
                    if ev.type == S.START_OF_SPEECH:
                        provider_speaking = True
                    elif ev.type in (S.FINAL_TRANSCRIPT, S.END_OF_SPEECH):
                        provider_speaking = provider_speaking and ev.type != S.END_OF_SPEECH
                        last_final = now
                        owed_since = None
                        owed.clear()
                    else:
                        last_interim = now
                self._event_ch.send_nowait(ev)

        async def listen() -> None:
            nonlocal speaking, speech_started, owed_since
            async for ev in vad_stream:
                now = time.monotonic()
                if ev.type == VADEventType.START_OF_SPEECH:
                    speaking, speech_started = True, now - ev.speech_duration
                elif ev.type == VADEventType.END_OF_SPEECH:
                    speaking = False
                    answered = last_answer >= speech_started
                    unfinished = last_final < speech_started or last_interim > last_final
                    if unfinished and (answered or ev.speech_duration >= MIN_UNANSWERED_SPEECH):
                        owed.extend(ev.frames)
                        # owed from the end of the voice, which the VAD reports late by
                        # its minimum silence
                        if owed_since is None:
                            owed_since = now - ev.silence_duration

        async def watch() -> tuple[float, Reason]:
            nonlocal stalled
            while True:
                await asyncio.sleep(0.05)
                now = time.monotonic()
                if stalled is None:
                    # (a provider already inside an utterance has heard the caller; what
                    # it owes then is the final result, below)
                    if (
                        speaking
                        and not provider_speaking
                        and last_answer < speech_started
                        and now - speech_started > limit
                    ):
                        stalled = (now - speech_started, "no answer while speaking")
                    elif owed_since is not None and now - owed_since > limit:
                        stalled = (now - owed_since, "no final result")
                # a stall seen while the caller speaks is acted on when they stop: until then
                # no STT could answer them anyway, and the rescue gets the whole utterance
                if stalled is not None and not speaking:
                    return stalled

        tasks = [
            asyncio.create_task(forward_input(), name="watched_stt_input"),
            asyncio.create_task(listen(), name="watched_stt_vad"),
        ]
        events = asyncio.create_task(forward_events(), name="watched_stt_events")
        watchdog = asyncio.create_task(watch(), name="watched_stt_watchdog")
        try:
            done, _ = await asyncio.wait({events, watchdog}, return_when=asyncio.FIRST_COMPLETED)
            if events in done:
                events.result()  # the provider's own failure, for the adapter to act on
                return
            waited, reason = watchdog.result()
            await utils.aio.cancel_and_wait(events)
            rescued = await self._rescue(list(owed), started=provider_speaking)
            logger.warning(
                "stt provider %s stalled (%s after %.1f s); failing over",
                watched.provider,
                reason,
                waited,
            )
            watched.emit(
                "stt_stalled",
                StallEvent(watched.provider, watched.model, round(waited, 2), reason, rescued),
            )
            raise APITimeoutError(
                f"{watched.provider} did not answer the caller for {waited:.1f} s ({reason})",
                retryable=False,
            )
        finally:
            await utils.aio.cancel_and_wait(*tasks, events, watchdog)
            await vad_stream.aclose()
            await inner.aclose()

    async def _rescue(self, frames: list[rtc.AudioFrame], *, started: bool) -> bool:
        """The utterance the stalled provider swallowed, transcribed by the rescue STT and sent
        on as this stream's final result. False when there is none or it heard nothing."""
        rescue = self._watched._rescue
        if rescue is None or not frames:
            return False
        t0 = time.monotonic()
        try:
            ev = await rescue.recognize(utils.merge_frames(frames), language=self._language)
            logger.info(
                "stt rescue: %.1f s of audio in %.2f s",
                sum(f.duration for f in frames),
                time.monotonic() - t0,
            )
        except Exception as exc:  # the fallback STT still takes over the next utterance
            logger.warning("stt rescue of a stalled utterance failed: %s", type(exc).__name__)
            return False
        if not ev.alternatives or not ev.alternatives[0].text.strip():
            return False
        if not started:  # the provider never said the caller began
            self._event_ch.send_nowait(stt.SpeechEvent(type=S.START_OF_SPEECH))
        self._event_ch.send_nowait(
            stt.SpeechEvent(type=S.FINAL_TRANSCRIPT, alternatives=[ev.alternatives[0]])
        )
        self._event_ch.send_nowait(stt.SpeechEvent(type=S.END_OF_SPEECH))
        return True
