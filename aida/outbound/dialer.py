"""Placing one outbound call over LiveKit SIP, whatever it is for (a reminder, a waitlist offer).

The steps, through livekit-api with the worker's credentials (LIVEKIT_URL, LIVEKIT_API_KEY,
LIVEKIT_API_SECRET) and SIP_OUTBOUND_TRUNK_ID:

1. the attempt is saved (`outbound_calls`, outcome "dialing") before anything is dialled, so a
   crash half way still counts against the attempts allowed;
2. `RoomService.CreateRoom` makes the call's room;
3. `AgentDispatchService.CreateDispatch` sends Aida (agent "aida") into it with the job's
   metadata, `{"direction": "outbound", "purpose": ..., "attempt_id": ..., ...ids}`: the worker
   reads it to open the call as an outbound one (aida.outbound.call); no phone number, name or
   appointment detail travels in it;
4. `SIP.CreateSIPParticipant` dials the patient through the outbound trunk and waits until the
   line answers (`wait_until_answered`); the SIP participant joins the room Aida waits in.

The line's answer is the attempt's outcome: answered, busy (486, 600, 603), no answer (408,
480, 487, or ringing past RING_SECONDS) or a trunk error (anything else); a call that did not
connect has its room deleted. A patient who opted out is never dialled (aida.outbound.consent).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.duration_pb2 import Duration
from livekit import api

from aida.config import Settings
from aida.outbound import outcomes
from aida.outbound.consent import is_opted_out
from aida.scheduling.clock import Clock, SystemClock
from aida.store.models import OutboundAttempt, OutboundPurpose
from aida.store.protocol import Store

logger = logging.getLogger("aida.outbound")

AGENT_NAME = "aida"  # agent.py registers the worker under this name
RING_SECONDS = 30  # how long the phone rings before the attempt is "no answer"
ROOM_EMPTY_TIMEOUT_S = 60  # the server closes a room nobody joined after this
REQUEST_TIMEOUT_S = 10.0  # room and dispatch requests (dialling has its own, longer one)

BUSY_CODES = frozenset({486, 600, 603})
NO_ANSWER_CODES = frozenset({408, 480, 487})


@dataclass(frozen=True)
class OutboundCall:
    """What to call, and why: the dialer's whole input.

    `purpose` picks the opening the worker uses ("reminder" | "waitlist_offer"); `refs` are the
    purpose's own ids for the job's metadata (a waitlist entry, a slot hold: ids only, never
    PHI). `id` is the attempt's id (the `outbound_calls` row and the room's name)."""

    purpose: OutboundPurpose
    phone: str  # E.164
    appointment_id: str | None = None
    refs: dict[str, str] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def room_name(self) -> str:
        # no phone number in a room name: room names reach logs and the server's dashboard
        return f"outbound-{self.purpose}-{self.id}"

    def metadata(self) -> dict[str, Any]:
        """The agent dispatch's metadata, which the worker reads (`aida.outbound.call`)."""
        data: dict[str, Any] = {
            "direction": "outbound",
            "purpose": self.purpose,
            "attempt_id": self.id,
        }
        if self.appointment_id is not None:
            data["appointment_id"] = self.appointment_id
        data.update(self.refs)
        return data


def outcome_of_error(exc: BaseException) -> tuple[str, str]:
    """(outcome, error) for a failed dial: busy, no answer, or a trunk error."""
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return outcomes.NO_ANSWER, "timeout"
    code = getattr(exc, "sip_status_code", None)
    status = getattr(exc, "sip_status", None)
    if isinstance(code, int):
        detail = f"{code} {status}" if status else str(code)
        if code in BUSY_CODES:
            return outcomes.BUSY, detail
        if code in NO_ANSWER_CODES:
            return outcomes.NO_ANSWER, detail
        return outcomes.TRUNK_ERROR, detail
    twirp = getattr(exc, "code", None)
    if twirp == "deadline_exceeded":
        return outcomes.NO_ANSWER, "deadline_exceeded"
    return outcomes.TRUNK_ERROR, str(twirp or type(exc).__name__)


def _client(settings: Settings) -> api.LiveKitAPI | None:
    secret = settings.livekit_api_secret
    if not (settings.livekit_url and settings.livekit_api_key and secret is not None):
        return None
    return api.LiveKitAPI(
        url=settings.livekit_url,
        api_key=settings.livekit_api_key,
        api_secret=secret.get_secret_value(),
    )


def sip_request(call: OutboundCall, trunk_id: str) -> api.CreateSIPParticipantRequest:
    return api.CreateSIPParticipantRequest(
        sip_trunk_id=trunk_id,
        sip_call_to=call.phone,
        room_name=call.room_name,
        participant_identity=f"sip-{call.id}",
        participant_name="Patient",
        wait_until_answered=True,
        ringing_timeout=Duration(seconds=RING_SECONDS),
        play_dialtone=False,
    )


async def place_call(
    call: OutboundCall,
    *,
    store: Store,
    settings: Settings,
    clock: Clock | None = None,
) -> OutboundAttempt:
    """Dial `call` and return its attempt, saved with the line's answer as its outcome
    (`outcomes.ANSWERED` when the patient picked up: the agent has the call from there and
    saves what it came to). Never raises for the line's answer; a store that cannot be
    written raises before anything is dialled."""
    clock = clock or SystemClock()
    attempt = OutboundAttempt(
        id=call.id,
        purpose=call.purpose,
        phone=call.phone,
        appointment_id=call.appointment_id,
        refs=dict(call.refs),
        room_name=call.room_name,
        started_at=clock.now(),
    )
    if await is_opted_out(store, call.phone):
        # consent first, whatever the purpose: recorded, never dialled
        return await _finish(store, attempt, clock, outcomes.OPTED_OUT, None)
    lk = _client(settings)
    trunk = settings.sip_outbound_trunk_id
    if lk is None or not trunk:
        missing = "SIP_OUTBOUND_TRUNK_ID" if lk is not None else "LIVEKIT_URL/API_KEY/API_SECRET"
        if lk is not None:
            await lk.aclose()
        return await _finish(store, attempt, clock, outcomes.NOT_CONFIGURED, f"{missing} not set")
    await store.save_outbound_call(attempt)
    async with lk:
        try:
            await asyncio.wait_for(
                lk.room.create_room(
                    api.CreateRoomRequest(name=call.room_name, empty_timeout=ROOM_EMPTY_TIMEOUT_S)
                ),
                REQUEST_TIMEOUT_S,
            )
            await asyncio.wait_for(
                lk.agent_dispatch.create_dispatch(
                    api.CreateAgentDispatchRequest(
                        agent_name=AGENT_NAME,
                        room=call.room_name,
                        metadata=json.dumps(call.metadata(), separators=(",", ":")),
                    )
                ),
                REQUEST_TIMEOUT_S,
            )
        except Exception as exc:
            # the Twirp code, never the message (it may quote the number dialled)
            outcome, error = (
                outcomes.TRUNK_ERROR,
                str(getattr(exc, "code", None) or type(exc).__name__),
            )
            logger.warning("outbound %s: could not set up the call: %s", call.purpose, error)
            await _delete_room(lk, call.room_name)
            return await _finish(store, attempt, clock, outcome, error)
        try:
            await lk.sip.create_sip_participant(sip_request(call, trunk))
        except Exception as exc:
            outcome, error = outcome_of_error(exc)
            logger.info("outbound %s not connected: %s (%s)", call.purpose, outcome, error)
            await _delete_room(lk, call.room_name)
            return await _finish(store, attempt, clock, outcome, error)
    logger.info("outbound %s answered", call.purpose)
    return await _finish(store, attempt, clock, outcomes.ANSWERED, None)


async def _finish(
    store: Store, attempt: OutboundAttempt, clock: Clock, outcome: str, error: str | None
) -> OutboundAttempt:
    # the agent may have saved what the call came to already (a short call): keep that
    if outcome == outcomes.ANSWERED:
        current = await _current(store, attempt)
        if current is not None and current.outcome not in (outcomes.DIALING, outcomes.ANSWERED):
            return current
    done = attempt.model_copy(
        update={"outcome": outcome, "error": error, "updated_at": clock.now()}
    )
    await store.save_outbound_call(done)
    return done


async def _current(store: Store, attempt: OutboundAttempt) -> OutboundAttempt | None:
    rows = await store.list_outbound_calls(
        appointment_id=attempt.appointment_id, phone=attempt.phone, purpose=attempt.purpose
    )
    return next((r for r in rows if r.id == attempt.id), None)


async def _delete_room(lk: api.LiveKitAPI, room: str) -> None:
    try:
        await asyncio.wait_for(lk.room.delete_room(api.DeleteRoomRequest(room=room)), 5.0)
    except Exception as exc:  # best effort: the server closes an empty room itself
        logger.debug("could not delete room: %s", type(exc).__name__)
