"""Ending a call and handing the caller to a person: `end_call` and `transfer_to_staff`.

Both speak fixed sentences rather than the model's words: the caller must never hear that they
are being put through when they are not. A transfer is LiveKit's SIP transfer (a SIP REFER to
STAFF_TRANSFER_NUMBER), so it exists only for phone callers; a web caller, a clinic without a
transfer number, or a transfer that fails gets a callback request instead, and is told exactly
that. Every step is a `transfer` event on the timeline (and so in the call record).

The LiveKit server is reached through livekit-api with the worker's own credentials
(LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET); tests point LIVEKIT_URL at a local Twirp
server.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from livekit import api

from aida.agent.state import CallState
from aida.config import Settings
from aida.tools.base import ToolResult

logger = logging.getLogger("aida.handoff")

GOODBYE = "Thank you for calling {clinic}. Goodbye!"
# A verified caller is thanked by name; a caller ID or web form alone proves no name.
GOODBYE_NAMED = "Thank you for calling {clinic}, {name}. Goodbye!"
# On a call Aida placed, nobody called: the same goodbye without "for calling".
GOODBYE_OUTBOUND = "Thank you, and goodbye from {clinic}!"
GOODBYE_OUTBOUND_NAMED = "Thank you, {name}. Goodbye from {clinic}!"
TRANSFERRING = "I'll put you through to a member of our staff now. Please stay on the line."
CALLBACK_INSTEAD = {
    "web_call": "I can't put you through to a person from this call, so I've asked the clinic "
    "staff to call you back.",
    "no_number": "I can't put you through to a person right now, so I've asked the clinic staff "
    "to call you back.",
    "failed": "I'm sorry, I couldn't put you through just now, so I've asked the clinic staff to "
    "call you back.",
}
# Without a phone number on this call nobody can be called back: say so, never promise it.
NO_CALLBACK_NUMBER = {
    "web_call": "I can't put you through to a person from this call. Please phone the clinic "
    "and our staff will help you.",
    "no_number": "I can't put you through to a person right now. Please phone the clinic again "
    "later and our staff will help you.",
    "failed": "I'm sorry, I couldn't put you through just now. Please phone the clinic again "
    "and our staff will help you.",
}
# How long the transfer request may take: LiveKit answers once the staff phone picks up (or
# rings out), so this covers the ringing.
TRANSFER_TIMEOUT_S = 45.0
HANGUP_TIMEOUT_S = 5.0


def livekit_api(settings: Settings) -> api.LiveKitAPI | None:
    """A LiveKit server API client from the worker's settings, or None when they are incomplete."""
    secret = settings.livekit_api_secret
    if not (settings.livekit_url and settings.livekit_api_key and secret is not None):
        return None
    return api.LiveKitAPI(
        url=settings.livekit_url,
        api_key=settings.livekit_api_key,
        api_secret=secret.get_secret_value(),
    )


# --- end_call ------------------------------------------------------------------------------


def goodbye(state: CallState, settings: Settings) -> str:
    """Aida's last sentence, whoever ended the call (the model's end_call or a goodbye read in
    code, aida.agent.understand)."""
    if state.farewell:
        return state.farewell
    verified = state.verified_caller
    first_name = (verified.name or "").split(" ")[0] if verified is not None else ""
    outbound = state.direction == "outbound"
    if first_name:
        named = GOODBYE_OUTBOUND_NAMED if outbound else GOODBYE_NAMED
        return named.format(clinic=settings.clinic_name, name=first_name)
    return (GOODBYE_OUTBOUND if outbound else GOODBYE).format(clinic=settings.clinic_name)


async def end_call(session: Any, state: CallState, settings: Settings) -> ToolResult:
    """Say goodbye, wait until it has been heard, hang up the room (phone callers too), and
    close the session; the usual end of call (the record, `write_call_record`) follows from the
    session's close."""
    await hang_up(session, state, settings, goodbye(state, settings), by="aida")
    return ToolResult(say="", data={"ending": True})


async def hang_up(
    session: Any, state: CallState, settings: Settings, sentence: str, by: str
) -> None:
    """Say `sentence`, wait until it has been heard, hang up the room and close the session;
    once per call (end_call, the idle and the length limits: aida.agent.limits)."""
    if state.closing:
        return
    state.closing = True
    said = session.say(sentence, allow_interruptions=False)
    state.timeline.record("call_closing", by=by)
    logger.info("ending the call (%s)", by)
    await said.wait_for_playout()
    await _delete_room(state, settings)
    session.shutdown(drain=True)


async def _delete_room(state: CallState, settings: Settings) -> None:
    """Deleting the room disconnects everyone in it: the SIP leg hangs up and a web caller sees
    the call end, rather than sitting in a room Aida has left. Best effort: the session closes
    whatever the server answers."""
    lk = livekit_api(settings)
    if lk is None or not state.room_name:
        return
    try:
        async with lk:
            await asyncio.wait_for(
                lk.room.delete_room(api.DeleteRoomRequest(room=state.room_name)),
                HANGUP_TIMEOUT_S,
            )
    except Exception as exc:
        logger.warning("could not delete the room at the end of the call: %s", type(exc).__name__)


# --- transfer_to_staff ---------------------------------------------------------------------


def _callback(state: CallState, reason: str) -> dict[str, Any]:
    note = " ".join(reason.split())[:300]
    item = {
        "kind": "callback",
        "reason": "The caller asked to speak with a person" + (f": {note}" if note else "."),
        "identified": state.verified_caller is not None,
        "ts": state.tools.now().isoformat(),
    }
    # the timeline is the record: the call's action items are built from these events
    state.timeline.record("action_item", item=item)
    return item


def _instead(state: CallState, why: str, reason: str, **fields: Any) -> ToolResult:
    """No transfer: a callback request, and a sentence that says exactly what happened."""
    item = _callback(state, reason)
    sentences = CALLBACK_INSTEAD if state.caller_phone else NO_CALLBACK_NUMBER
    key = why if why in sentences else "no_number"
    return ToolResult(
        say=sentences[key],
        data={"transferred": False, "why": why, "action_item": item, **fields},
    )


def why_not(state: CallState, settings: Settings) -> str | None:
    """Why this call cannot be transferred, or None when it can."""
    if not state.sip_call or not state.participant_identity or not state.room_name:
        return "web_call"
    if settings.staff_transfer_uri is None:
        return "no_number"
    if not livekit_api_configured(settings):
        return "not_configured"
    return None


def livekit_api_configured(settings: Settings) -> bool:
    return bool(settings.livekit_url and settings.livekit_api_key and settings.livekit_api_secret)


async def transfer_to_staff(
    session: Any, state: CallState, settings: Settings, reason: str
) -> ToolResult:
    why = why_not(state, settings)
    if why is not None:
        state.timeline.record("transfer", status="not_possible", why=why)
        logger.info("transfer not possible (%s): callback requested instead", why)
        return _instead(state, why, reason)
    steps = state.timeline.of_type("transfer")
    if steps and steps[-1]["status"] == "started":
        # asked again while the first request is still out (a model repeating itself)
        return ToolResult(say="", data={"transferred": "in_progress"})
    target = settings.staff_transfer_uri
    assert target is not None
    state.timeline.record("transfer", status="started", to=target)
    announcement = session.say(TRANSFERRING, allow_interruptions=False)
    await announcement.wait_for_playout()
    # The caller leaves the room when the transfer succeeds, which may close the session and
    # cancel this tool: the request runs in its own task, which the end of the call waits for
    # (pending_writes), so its outcome is always on the timeline.
    task = asyncio.ensure_future(_transfer(state, settings, target, reason))
    state.pending_writes.add(task)
    task.add_done_callback(state.pending_writes.discard)
    return await asyncio.shield(task)


async def _transfer(state: CallState, settings: Settings, target: str, reason: str) -> ToolResult:
    lk = livekit_api(settings)
    assert lk is not None and state.participant_identity and state.room_name
    request = api.TransferSIPParticipantRequest(
        participant_identity=state.participant_identity,
        room_name=state.room_name,
        transfer_to=target,
        play_dialtone=False,
    )
    try:
        async with lk:
            response = await asyncio.wait_for(
                lk.sip.transfer_sip_participant(request), TRANSFER_TIMEOUT_S
            )
    except Exception as exc:
        code = getattr(exc, "code", None) or type(exc).__name__
        state.timeline.record("transfer", status="failed", to=target, error=str(code))
        logger.warning("transfer failed: %s", code)
        return _instead(state, "failed", reason, error=str(code))
    # A server answers with a status; one that does not (older servers) sends an empty
    # response, which reads as STS_TRANSFER_ONGOING (0): the REFER was accepted.
    if response.status == api.SIPTransferStatus.STS_TRANSFER_FAILED:
        detail = api.SIPTransferReason.Name(response.reason)
        state.timeline.record("transfer", status="failed", to=target, error=detail)
        logger.warning("transfer failed: %s", detail)
        return _instead(state, "failed", reason, error=detail)
    state.timeline.record(
        "transfer",
        status="transferred",
        to=target,
        transfer_status=api.SIPTransferStatus.Name(response.status),
    )
    logger.info("caller transferred to staff")
    return ToolResult(say="", data={"transferred": True})
