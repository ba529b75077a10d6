"""Everything one call knows, kept on `AgentSession.userdata` (a `CallState`).

The after-call record reads it: `timeline.events` (the ordered events, the one record of what
happened: the appointments changed and the action items are built from them, in
`aida.calls.appointments`), `caller`, `usage` and the call's times.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aida.agent.claims import Claim
from aida.agent.confirmation import Confirmations
from aida.agent.dialogue.frame import Frame
from aida.agent.identity import NO_CALLER_ID, CallerId
from aida.agent.timeline import Timeline
from aida.calendar.profile import ClinicProfile
from aida.safety import EmergencyMatch
from aida.tools.base import ClinicContext

if TYPE_CHECKING:
    from aida.local.redecode import CallAudio

# Within one call, a caller who fails the identity check this many times is offered a callback
# instead of more tries, whichever numbers they give (the store also counts per number, across
# calls: IDENTITY_MAX_FAILURES).
MAX_IDENTIFY_ATTEMPTS = 3


@dataclass
class Caller:
    """The patient this call is about. Caller ID ("sip") and the web form ("token") only say who
    it may be; `verified` is set once the caller proved it (name and date of birth matching the
    file, or a portal assertion signed by the clinic), and then it is fixed for the call."""

    phone: str  # E.164; never logged at INFO
    name: str | None
    source: Literal["sip", "token", "spoken", "portal"]
    on_file: bool  # a patient record exists for this phone
    new_patient: bool = False  # registered during this call
    verified: bool = False
    # The file verified, where the number holds several (an EHR's Patient id): bookings go on
    # it. None where the phone is the file.
    file_id: str | None = None


@dataclass
class CallState:
    call_id: str
    tools: ClinicContext
    timeline: Timeline
    caller_id: CallerId = NO_CALLER_ID
    caller: Caller | None = None
    room_name: str | None = None
    # The caller's participant in the room and whether it is a phone line (SIP): what
    # transfer_to_staff transfers; `closing` once end_call said goodbye (aida.agent.handoff).
    participant_identity: str | None = None
    sip_call: bool = False
    closing: bool = False
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    ended_at: dt.datetime | None = None
    end_reason: str | None = None
    # one dict per provider+model (LiveKit's *ModelUsage, dumped), refreshed on every
    # `session_usage_updated`: {"type": "llm_usage", "provider", "model", "input_tokens", ...}
    usage: list[dict[str, Any]] = field(default_factory=list)
    identify_failures: int = 0
    # The emergency the caller described and has not called off; write tools refuse meanwhile.
    emergency: EmergencyMatch | None = None
    emergency_turn: int = -1  # the caller turn (Confirmations.caller_turns) it was last seen in
    screened_messages: set[str] = field(default_factory=set)  # caller message ids checked
    caller_lines: list[str] = field(default_factory=list)  # what the caller said (never logged)
    # (phone, date of birth) pairs already counted as failed checks (see aida.agent.verification)
    tried_identities: set[tuple[str, dt.date]] = field(default_factory=set)
    tried_claims: set[tuple[str, str, tuple[dt.date, ...]]] = field(default_factory=set)
    # Where identity attempts of this call come from, counted apart from the file they aim at:
    # "sip:<caller id>", "ip:<client address digest>", "lk:<participant identity>".
    origins: tuple[str, ...] = ()
    # Identity checks of one call run one at a time (a turn's tool calls run concurrently).
    identity_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_refusal: str | None = None
    refused_at_turn: int = 0  # len(caller_lines) when last_refusal was said
    asked_again: int = 0  # how many ways of asking again were used (each is used once)
    # The last attempt's name and dates: a date typed on the keypad next is checked with its name.
    last_claim: Claim | None = None
    # Typed on the keypad (aida.agent.keypad): the phone number on the caller's file, a date of
    # birth waiting for the name or the number to go with it, and the identify_caller calls
    # waiting for their reply to run (by the id of the marker message in the reply's context).
    keyed_phone: str | None = None
    keyed_date: str | None = None
    keypad_calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The call's last utterances, for whisper base to hear an identity turn again when tiny.en's
    # transcript failed to verify (aida.local.redecode); None without the local speech-to-text.
    call_audio: CallAudio | None = None
    incomplete_file_reported: bool = False
    guessing_reported: bool = False
    # Read-backs waiting for the caller's yes, and the writes done (see aida.agent.confirmation).
    confirmations: Confirmations = field(default_factory=Confirmations)
    # One write at a time per call, held across cancellation (see aida.agent.aida).
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending_writes: set[asyncio.Task[Any]] = field(default_factory=set)
    # What earlier turns settled, for reading plain turns in code (see aida.agent.dialogue).
    dialog: Frame = field(default_factory=Frame)
    # What Aida may say about the clinic in this call (loaded at the start of the call, or by
    # the first clinic_info; None until then): aida.agent.dialogue.clinic and the claims guard.
    profile: ClinicProfile | None = None
    # An outbound call (aida.outbound.call.OutboundJob): its purpose and attempt; None inbound.
    outbound: Any = None
    outbound_outcome: str | None = None  # what it came to, once known (aida.outbound.outcomes)
    # The last sentence when the call ends with something other than the usual goodbye (an
    # outbound call's "your appointment is confirmed", a voicemail message).
    farewell: str | None = None

    @property
    def direction(self) -> str:
        return "outbound" if self.outbound is not None else "inbound"

    @property
    def caller_phone(self) -> str | None:
        return self.caller.phone if self.caller else None

    @property
    def verified_caller(self) -> Caller | None:
        """The caller once proven; tools that reveal or change patient data act only for them."""
        return self.caller if self.caller is not None and self.caller.verified else None

    async def wait_for_writes(self) -> None:
        """Let writes the model's turn was cancelled around finish before the call is recorded."""
        if self.pending_writes:
            await asyncio.gather(*list(self.pending_writes), return_exceptions=True)
