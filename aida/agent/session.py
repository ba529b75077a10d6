"""One call, from the room to the end: who is calling, the session, the timeline, the record.

`run_call(ctx)` is the worker's entrypoint body and `write_call_record(ctx)` its `on_session_end`
(both registered in agent.py; not to be confused with Aida's `end_call` tool, which closes the
session from her side, aida.agent.handoff). Everything `run_call` would build from settings
(store, providers, clock) can be passed in, which is how the tests run the real entrypoint
offline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import re
import threading
import uuid
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import AgentSession, JobContext, room_io
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    CloseEvent,
    ConversationItemAddedEvent,
    SessionUsageUpdatedEvent,
    UserStateChangedEvent,
)
from livekit.agents.voice.report import SessionReport

from aida.agent.aida import Aida
from aida.agent.dialogue.route import load_profile
from aida.agent.identity import (
    CallerId,
    caller_id_of,
    is_sip_participant,
    names_match,
    origins_of,
)
from aida.agent.keypad import Keypad, wire_keypad
from aida.agent.limits import wire_call_limits
from aida.agent.providers import Providers, build_providers
from aida.agent.room_events import caller_safe
from aida.agent.served import wire_served
from aida.agent.state import Caller, CallState
from aida.agent.timeline import Timeline, TimelinePublisher
from aida.agent.turns import turn_handling
from aida.calls.appointments import appointments_in_call, callback_requests
from aida.config import Settings, get_settings
from aida.outbound.call import OutboundJob, outbound_job
from aida.scheduling.clock import Clock, SystemClock
from aida.store.protocol import Store
from aida.tools.base import ClinicContext

logger = logging.getLogger("aida.call")

CallEndHook = Callable[["LiveCall"], Awaitable[None]]
PUBLISH_DRAIN_SECONDS = 2.0


@dataclass
class LiveCall:
    """A running call: the session, its state (also `session.userdata`) and its publisher."""

    session: AgentSession[CallState]
    state: CallState
    publisher: TimelinePublisher | None
    store: Store
    owns_store: bool
    on_end: list[CallEndHook] = field(default_factory=list)
    # LiveKit's report of the session (history, model usage), when LiveKit ended the call
    report: SessionReport | None = None
    keypad: Keypad | None = None  # a phone call's keys (aida.agent.keypad)
    _closed: bool = False

    async def aclose(self, reason: str = "shutdown") -> None:
        """End of call: let pending writes finish, close the timeline, drain the publisher, run
        the end hooks (the after-call record), close the store. Safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        state = self.state
        await state.wait_for_writes()
        if state.ended_at is None:
            state.ended_at = dt.datetime.now(dt.UTC)
            state.end_reason = state.end_reason or reason
            state.timeline.record("call_ended", reason=state.end_reason)
        refresh_usage(state, self.session)
        if self.publisher is not None:
            # Briefly: the caller has usually left, and the record below matters more.
            await self.publisher.aclose(timeout=PUBLISH_DRAIN_SECONDS)
        for hook in self.on_end:
            try:
                await hook(self)
            except Exception:
                logger.exception("call end hook failed")
        if self.owns_store:
            await self.store.close()
        events = state.timeline.events
        logger.info(
            "call ended: %d timeline events, %d appointment changes, %d action items",
            len(events),
            len(appointments_in_call(events)),
            len(callback_requests(events)),
        )


def refresh_usage(state: CallState, session: AgentSession[Any]) -> None:
    try:
        state.usage = [u.model_dump() for u in session.usage.model_usage]
    except Exception:  # usage is nice to have; never let it break the end of a call
        logger.debug("usage unavailable", exc_info=True)


def wire_timeline(session: AgentSession[CallState], state: CallState) -> None:
    """Session events -> timeline events (and INFO logs without transcript text)."""
    timeline = state.timeline

    @session.on("conversation_item_added")
    def _on_item(ev: ConversationItemAddedEvent) -> None:
        item = ev.item
        role = getattr(item, "role", None)
        if role not in ("user", "assistant"):
            return
        text = item.text_content or ""  # type: ignore[union-attr]
        timeline.record(
            "transcript",
            role=role,
            text=text,
            interrupted=bool(getattr(item, "interrupted", False)),
            item_id=getattr(item, "id", None),
        )
        logger.info("%s turn (%d chars)", role, len(text))
        if role == "assistant":
            state.confirmations.aida_said(text)

    @session.on("agent_state_changed")
    def _on_state(ev: AgentStateChangedEvent) -> None:
        timeline.record("agent_state", old=ev.old_state, new=ev.new_state)
        logger.info("agent %s", ev.new_state)

    @session.on("session_usage_updated")
    def _on_usage(ev: SessionUsageUpdatedEvent) -> None:
        state.usage = [u.model_dump() for u in ev.usage.model_usage]

    @session.on("close")
    def _on_close(ev: CloseEvent) -> None:
        reason = getattr(ev.reason, "value", str(ev.reason))
        if state.ended_at is None:
            state.ended_at = dt.datetime.now(dt.UTC)
            state.end_reason = reason
            timeline.record("call_ended", reason=reason)
        logger.info("session closed: %s", reason)


async def initial_caller(tools: ClinicContext, caller_id: CallerId) -> Caller | None:
    """The caller as the line presents them: a hint from caller ID or the web form (on file or
    not, not yet verified), a patient the clinic's portal vouched for (verified), or nobody."""
    if caller_id.phone is None:
        return None
    files = await tools.store.patients_for(caller_id.phone)
    patient = files[0] if files else None
    if caller_id.source == "portal":
        if len(files) > 1:
            # A family phone: the portal's signed name must pick exactly one of its files, or
            # the assertion proves nobody here and the caller verifies by date of birth.
            named = [
                f
                for f in files
                if f.name and caller_id.name and names_match(caller_id.name, f.name)
            ]
            if len(named) != 1:
                return Caller(phone=caller_id.phone, name=None, source="token", on_file=True)
            patient = named[0]
        if patient is None and caller_id.name:
            patient = await tools.store.upsert_patient(caller_id.phone, caller_id.name)
        return Caller(
            phone=caller_id.phone,
            name=patient.name if patient else caller_id.name,
            source="portal",
            on_file=patient is not None,
            verified=True,
            file_id=patient.file_id if patient else None,
        )
    return Caller(
        phone=caller_id.phone,
        # A hint names its file only where the number has one: on a family phone the first
        # file is not necessarily the caller's.
        name=patient.name if patient and len(files) == 1 else None,
        source="sip" if caller_id.source == "sip" else "token",
        on_file=patient is not None,
    )


def room_options(providers: Providers, participant_identity: str | None) -> room_io.RoomOptions:
    kwargs: dict[str, Any] = {
        # no STT means text in only; no TTS means text out only (the transcription stays on)
        "audio_input": providers.stt is not None,
        "audio_output": providers.tts is not None,
    }
    if participant_identity:
        kwargs["participant_identity"] = participant_identity
    return room_io.RoomOptions(**kwargs)


def _connect_options(providers: Providers) -> dict[str, Any]:
    """The session's connect options where the providers ask for their own (a TTS chain's
    attempt timeout, see build_providers); LiveKit's defaults otherwise."""
    if providers.tts_conn_options is None:
        return {}
    from livekit.agents.voice.agent_session import SessionConnectOptions

    return {"conn_options": SessionConnectOptions(tts_conn_options=providers.tts_conn_options)}


def new_session(
    state: CallState, providers: Providers, settings: Settings
) -> AgentSession[CallState]:
    """The AgentSession of one call, wired to its timeline: the worker and the simulator both
    build calls through here, so what the benchmark measures is what a caller gets."""
    session: AgentSession[CallState] = AgentSession(
        userdata=state,
        llm=providers.llm,
        stt=providers.stt if providers.stt is not None else _not_given(),
        tts=providers.tts if providers.tts is not None else _not_given(),
        vad=providers.vad,
        turn_handling=turn_handling(settings, providers.vad),
        # "away" after this much silence on both sides; aida.agent.limits hangs up then.
        user_away_timeout=settings.idle_hangup_seconds,
        **_connect_options(providers),
    )
    wire_timeline(session, state)
    wire_served(providers, state.timeline)
    if providers.stt is not None and settings.identity_redecode:
        # The local tiny.en keeps this call's last utterances for whisper base to hear an
        # identity turn again (aida.local.redecode); the STT's tasks, started from here,
        # find them through a context variable, so no call sees another's audio.
        from aida.local.redecode import CallAudio, Redecoder, bind_call_audio

        state.call_audio = CallAudio(Redecoder.from_settings(settings))
        bind_call_audio(state.call_audio)
    prefill = getattr(providers.llm, "prefill", None)
    if callable(prefill):
        hold = getattr(providers.llm, "hold_prefill", None)
        # one model can serve several calls: each session holds and releases only its own hold
        owned = functools.partial(hold, owner=session) if callable(hold) else None
        # and a call that has ended stops its prefill and lets go of its hold, so the model is
        # free for the calls still in progress
        ended = threading.Event()

        @session.on("close")
        def _stop_prefill(_ev: CloseEvent) -> None:
            ended.set()
            if owned is not None:
                owned(False)

        wire_prefill(session, functools.partial(prefill, stop=ended), owned)
    return session


def wire_prefill(
    session: AgentSession[CallState],
    prefill: Callable[..., int],
    hold: Callable[[bool], None] | None = None,
) -> None:
    """While Aida speaks and when she has finished, let a local LLM evaluate the conversation so
    far (`LlamaLLM.prefill`), so the caller's next turn pays only for their own words. It runs
    in a worker thread and gives way to any real request, and (with `hold`) waits while the
    caller speaks and is transcribed: the VAD and the speech-to-text are on the path of every
    turn, the prefill only of the turns that go to the model."""
    running: set[asyncio.Future[int]] = set()

    if hold is not None:

        @session.on("user_state_changed")
        def _on_user(ev: UserStateChangedEvent) -> None:
            if ev.new_state == "speaking":
                hold(True)

    @session.on("agent_state_changed")
    def _on_state(ev: AgentStateChangedEvent) -> None:
        if ev.new_state in ("thinking", "speaking") and hold is not None:
            hold(False)  # the caller's turn is transcribed and committed
        if ev.new_state not in ("speaking", "listening") or running:
            return
        try:
            agent = session.current_agent
        except RuntimeError:  # the session is closing
            return
        future = asyncio.get_running_loop().run_in_executor(
            None, prefill, agent.chat_ctx.copy(), list(agent.tools)
        )
        running.add(future)
        future.add_done_callback(_done)

    def _done(future: asyncio.Future[int]) -> None:
        running.discard(future)
        if not future.cancelled() and future.exception() is not None:
            logger.warning("llm prefill failed: %s", type(future.exception()).__name__)


async def run_call(
    ctx: JobContext,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    providers: Providers | None = None,
    clock: Clock | None = None,
    greet: bool = True,
    on_end: list[CallEndHook] | None = None,
) -> LiveCall:
    """Start Aida in the job's room and return the running call. The call ends with the session
    (the caller hangs up); `write_call_record`, LiveKit's `on_session_end`, then records it."""
    settings = settings or get_settings()
    call_id = str(uuid.uuid4())
    # Every log line of this job from here on carries the call and its room (LiveKit adds the
    # fields to each record; its log formats print them).
    ctx.log_context_fields = {
        **ctx.log_context_fields,
        "call_id": call_id,
        "room": loggable_room(ctx.job.room.name),
    }
    await ctx.connect()
    participant = await ctx.wait_for_participant()
    secret = settings.portal_identity_secret
    caller_id = caller_id_of(
        participant,
        ctx.job.metadata,
        settings.phone_region,
        portal_secret=secret.get_secret_value() if secret is not None else None,
        room=ctx.job.room.name or ctx.room.name,
    )

    owns_store = store is None
    if store is None:
        from aida.store.factory import open_store

        store = await open_store(settings)
    tools = ClinicContext(store=store, settings=settings, clock=clock or SystemClock())
    timeline = Timeline(call_id)
    state = CallState(
        call_id=call_id,
        tools=tools,
        timeline=timeline,
        caller_id=caller_id,
        room_name=ctx.room.name,
        participant_identity=participant.identity,
        sip_call=is_sip_participant(participant),
        origins=origins_of(caller_id, participant, ctx.job.metadata),
    )
    state.caller = await initial_caller(tools, caller_id)
    # what Aida may say about the clinic, for clinic_info and the claims guard
    await load_profile(state)
    job = outbound_job(ctx.job.metadata)
    state.outbound = job

    # The room is the caller's side: it sees only caller-safe events (aida.agent.room_events).
    publisher = TimelinePublisher(timeline, ctx.room.local_participant, view=caller_safe)
    publisher.start()

    if providers is None:
        providers = build_providers(
            settings, vad=ctx.proc.userdata.get("vad"), cache=ctx.proc.userdata
        )
    session = new_session(state, providers, settings)
    wire_call_limits(session, state, settings)
    call = LiveCall(
        session=session,
        state=state,
        publisher=publisher,
        store=store,
        owns_store=owns_store,
        on_end=list(on_end or []),
    )
    _CALLS[ctx] = call
    if job is not None:
        # first among the end hooks: the attempt's outcome names the call record it made
        call.on_end.insert(0, _finish_outbound)

    @session.on("close")
    def _end_job(ev: CloseEvent) -> None:
        # The caller hung up (or the session failed): end the job now rather than waiting for
        # the room to empty, so `write_call_record` records the call promptly.
        ctx.shutdown(reason=f"session closed: {getattr(ev.reason, 'value', ev.reason)}")

    timeline.record(
        "call_started",
        room=ctx.room.name,
        caller_id=caller_id.source,
        identified=state.caller is not None,
        verified=bool(state.caller and state.caller.verified),
        on_file=bool(state.caller and state.caller.on_file),
        providers=providers.description,
        direction=state.direction,
        **({"purpose": job.purpose} if job is not None else {}),
    )
    logger.info(
        "call started: caller id %s, %s",
        caller_id.source,
        "on file" if state.caller and state.caller.on_file else "not on file",
    )
    if job is None:
        agent: Aida = Aida(settings, caller=state.caller, greet=greet)
    else:
        # Aida called out: wait for the line to be live (the SIP participant joins while it
        # still rings), then the outbound front (aida.agent.outbound)
        await _line_live(participant)
        agent = await outbound_agent(state, settings, job)
        outbound = agent

        @ctx.room.on("sip_dtmf_received")
        def _on_dtmf(ev: Any) -> None:
            handler = getattr(outbound, "on_dtmf", None)
            if callable(handler):
                handler(str(getattr(ev, "digit", "")))

    await session.start(
        agent=agent,
        room=ctx.room,
        room_options=room_options(providers, participant.identity),
    )
    if state.sip_call:
        # A phone caller may type the date of birth or the number (aida.agent.keypad).
        call.keypad = wire_keypad(session, state, settings, ctx.room)
    return call


SIP_CALL_STATUS = "sip.callStatus"
LINE_LIVE_TIMEOUT_S = 60.0


async def _line_live(participant: Any, timeout: float = LINE_LIVE_TIMEOUT_S) -> None:
    """Until the SIP participant's call is answered ("sip.callStatus" active); a participant
    without the attribute (not SIP, a test room) is live already."""
    waited = 0.0
    while waited < timeout:
        status = (getattr(participant, "attributes", None) or {}).get(SIP_CALL_STATUS)
        if status in (None, "active", "hangup"):
            return
        await asyncio.sleep(0.2)
        waited += 0.2


async def outbound_agent(
    state: CallState, settings: Settings, job: OutboundJob, *, listen_for_silence: bool = True
) -> Aida:
    """The agent for an outbound job: the facts its opening needs, read from the store here.
    Text simulations have no silence to listen for (`listen_for_silence=False`)."""
    import aida.agent.waitlist_offer  # noqa: F401  (registers the "waitlist_offer" agent)
    from aida.agent.outbound import OUTBOUND_AGENTS, OutboundAida
    from aida.calendar.profile import load_edits
    from aida.outbound import call as script

    store = state.tools.store
    appointment = None
    if job.appointment_id is not None:
        appointment = await store.get_appointment(job.appointment_id)
        if appointment is not None and appointment.user_phone != state.caller_phone:
            appointment = None  # not this number's appointment: nothing about it is said
    callback = (await load_edits(store)).phone
    name = state.caller.name if state.caller is not None else None
    if appointment is not None and appointment.patient_file is not None:
        # A family phone: the reminder is for the appointment's own file, by its name.
        files = await store.patients_for(appointment.user_phone)
        name = next((f.name for f in files if f.file_id == appointment.patient_file), None)
    factory = OUTBOUND_AGENTS.get(job.purpose, OutboundAida)
    return factory(
        settings,
        caller=state.caller,
        job=job,
        appointment=appointment,
        patient_name=name,
        callback_number=callback,
        # read when the call starts, so a test can shorten it
        silence_s=script.SILENCE_IS_MACHINE_S if listen_for_silence else None,
    )


async def _finish_outbound(call: LiveCall) -> None:
    from aida.agent.outbound import finish_outbound

    await finish_outbound(call.state)


# The call each job runs: LiveKit hands `on_session_end` only the JobContext.
_CALLS: weakref.WeakKeyDictionary[JobContext, LiveCall] = weakref.WeakKeyDictionary()


async def write_call_record(ctx: JobContext) -> None:
    """LiveKit's `on_session_end` for `run_call` (agent.py). LiveKit runs it once the session
    has closed and before the room disconnects, under the server's `session_end_timeout` (not
    the few seconds a shutdown callback gets): the timeline drains to the room, then the end
    hooks write the call record from the session report; what cannot be written then stays in
    the outbox."""
    call = _CALLS.pop(ctx, None)
    if call is None:  # the call never started (nobody joined, the store was unreachable, ...)
        return
    try:
        call.report = ctx.make_session_report(call.session)
    except RuntimeError as exc:  # e.g. an audio recorder still running: read the session itself
        logger.warning("no session report: %s", exc)
    await call.aclose()


# Seven or more digits in a row (a phone number, with or without separators) in a room name:
# SIP dispatch rules can name rooms after the caller's number.
_DIGIT_RUN = re.compile(r"\+?\(?\d(?:[\s().-]*\d){6,}")


def loggable_room(name: str) -> str:
    """The room name for logs, with any phone number in it masked."""
    return _DIGIT_RUN.sub("•••", name)


def _not_given() -> Any:
    from livekit.agents import NOT_GIVEN

    return NOT_GIVEN
