"""Keypad (DTMF) entry on phone calls: the date of birth and the phone number typed, not said.

Speech-to-text garbles digits on an 8 kHz line; keys cannot be misheard. Over SIP each key a
caller presses reaches the room as LiveKit's `sip_dtmf_received` event (`rtc.SipDTMF`); keys from
anyone but the caller's own participant are ignored, as LiveKit's room input ignores them. The
keys are collected here, in code: the pound key (or a pause of `PAUSE_SECONDS`, LiveKit's
`GetDtmfTask` default) ends an entry and the star key starts it again. `GetDtmfTask` itself is
not used: it hands the digits to the model to record (and logs them at INFO, in a log field);
here the digits never reach the model and are checked in code.

An entry of eight digits is a date of birth (month, day, year; day, month, year outside the US),
read by the one date parser (`aida.scheduling.birthdates`); nine to fifteen a phone number, read
by the one phone reader (`aida.scheduling.phones`); more, in eights, several dates (a spray).
A date goes to `identify_caller` with the name of the caller's last attempt, or the one name
they said: the very path of a spoken date (`aida.agent.verification`), so an attempt is one name
and one date, several dates in one entry are a failed attempt with one guess per distinct date,
and every entry is reserved and counted in the store like a spoken one. The call is made by code
in a reply of its own, as the code reader makes it, so what follows (the request that waited,
the refusal) is what a spoken date would get.

Digits are PHI: never logged and never in the room. The timeline records `keypad` events with
what the entry was read as and how many keys it had, which is all the room sees of it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Literal

from livekit.agents import AgentSession
from livekit.agents.llm import ChatContext, ChatMessage

from aida.agent.claims import claim_in_words, names_in_words
from aida.agent.state import CallState
from aida.agent.verification import KEYPAD_PHONE, keypad_date_offer
from aida.config import Settings
from aida.errors import InvalidPhone
from aida.scheduling.phones import normalize_phone

logger = logging.getLogger("aida.keypad")

# LiveKit's GetDtmfTask waits this long after a key for the next one.
PAUSE_SECONDS = 4.0
# A date of birth typed in full: MMDDYYYY (DDMMYYYY outside the US).
DATE_KEYS = 8
# E.164 allows at most 15 digits; 9 is the shortest national number worth reading.
PHONE_KEYS = range(9, 16)
# One entry holds at most a year of dates; keys past it are dropped (the entry still counts).
MAX_KEYS = DATE_KEYS * 366

Entry = Literal["date_of_birth", "dates_of_birth", "phone", "unreadable"]

UNREADABLE = (
    "Sorry, I didn't get that. Please type your date of birth as eight digits: {parts}, then "
    "the pound key."
)
PHONE_NOTED = (
    "Thank you, I have the number. Now please tell me your full name and your date of birth."
)
PHONE_TOO = "Thank you. Please also type the phone number on your file, then the pound key."
NAME_TOO = "Thank you. And your first and last name, please?"
# The marker in the context of the reply that carries out a keypad entry (never said).
NOTE = "The caller typed on the keypad; code checks it."


def entry_kind(digits: str) -> Entry:
    if len(digits) == DATE_KEYS:
        return "date_of_birth"
    if len(digits) in PHONE_KEYS:
        return "phone"
    if len(digits) > DATE_KEYS and len(digits) % DATE_KEYS == 0:
        return "dates_of_birth"
    return "unreadable"


def dates_text(digits: str) -> str:
    """Typed dates as the one date parser reads them: "03031985" -> "03/03/1985" (month first,
    or day first outside the US, as the parser is told)."""
    chunks = [digits[i : i + DATE_KEYS] for i in range(0, len(digits), DATE_KEYS)]
    return " ".join(f"{c[:2]}/{c[2:4]}/{c[4:]}" for c in chunks)


def _date_parts(settings: Settings) -> str:
    if settings.phone_region != "US":
        return "two for the day, two for the month and four for the year"
    return "two for the month, two for the day and four for the year"


def _spelled_name(name: str, spelled: tuple[str, ...]) -> str:
    """The name with the words the caller spelled, as a caller's spelling is passed on
    ("quayma sante K-W-A-M-E"), so the letters still win."""
    letters = " ".join("-".join(w.upper()) for w in spelled)
    return f"{name} {letters}".strip()


def name_for_keypad(state: CallState) -> str | None:
    """The name a typed date goes with: the one of the caller's last attempt, else the one name
    they said in the call (None when none, or several)."""
    last = state.last_claim
    if last is not None and last.name:
        return _spelled_name(last.name, last.spelled)
    for line in reversed(state.caller_lines):
        names = names_in_words(line)
        if len(names) == 1:
            return names[0]
        if names:
            return None
    return None


class Keypad:
    """The keys of one call's caller, turned into identity attempts."""

    def __init__(
        self,
        session: AgentSession[CallState],
        state: CallState,
        settings: Settings,
        *,
        pause: float = PAUSE_SECONDS,
    ) -> None:
        self._session = session
        self._state = state
        self._settings = settings
        self._pause = pause
        self._keys: list[str] = []
        self._timer: asyncio.TimerHandle | None = None
        self._lock = asyncio.Lock()  # entries are handled one at a time, in order
        self._tasks: set[asyncio.Task[None]] = set()

    # --- keys ---------------------------------------------------------------------------------

    def on_dtmf(self, ev: Any) -> None:
        """`sip_dtmf_received` (an `rtc.SipDTMF`)."""
        participant = getattr(ev, "participant", None)
        caller = self._state.participant_identity
        if caller is not None and getattr(participant, "identity", None) != caller:
            return  # only the caller's own keys
        digit = str(getattr(ev, "digit", "") or "")
        if digit == "#":
            self._finish()
        elif digit == "*":
            self._cancel_timer()
            self._keys.clear()
        elif digit.isdigit() and len(digit) == 1:
            if len(self._keys) < MAX_KEYS:
                self._keys.append(digit)
            self._cancel_timer()
            self._timer = asyncio.get_running_loop().call_later(self._pause, self._finish)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _finish(self) -> None:
        self._cancel_timer()
        digits, self._keys = "".join(self._keys), []
        if not digits:
            return
        task = asyncio.ensure_future(self._handle(digits))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the entries under way (tests; the end of a call)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def close(self) -> None:
        self._cancel_timer()
        self._keys.clear()

    # --- entries ------------------------------------------------------------------------------

    async def _handle(self, digits: str) -> None:
        async with self._lock:
            try:
                await self._entry(digits)
            except RuntimeError as exc:  # the session closed meanwhile
                logger.info("keypad entry dropped: %s", type(exc).__name__)

    async def _entry(self, digits: str) -> None:
        state, settings = self._state, self._settings
        kind = entry_kind(digits)
        state.timeline.record("keypad", entry=kind, keys=len(digits))
        logger.info("keypad entry: %s, %d keys", kind, len(digits))  # never the digits
        if state.verified_caller is not None or state.emergency is not None:
            return  # nothing to check (an emergency is answered by its reminder, spoken)
        if kind == "unreadable":
            self._say(UNREADABLE.format(parts=_date_parts(settings)))
            return
        if kind == "phone":
            try:
                state.keyed_phone = normalize_phone(digits, settings.phone_region)
            except InvalidPhone as exc:
                self._say(f"{exc.message} {KEYPAD_PHONE}")
                return
            date = state.keyed_date or self._last_date()
            name = name_for_keypad(state)
            if date is None or name is None:
                self._say(PHONE_NOTED if date is None else NAME_TOO)
                return
            await self._identify(name, date)
            return
        date = dates_text(digits)
        name = name_for_keypad(state)
        if name is None:
            state.keyed_date = date
            self._say(NAME_TOO)
            return
        if state.caller is None and state.keyed_phone is None:
            state.keyed_date = date  # no caller ID: the number first (what the file is)
            self._say(PHONE_TOO)
            return
        await self._identify(name, date)

    def _last_date(self) -> str | None:
        last = self._state.last_claim
        return last.date.isoformat() if last is not None and last.date is not None else None

    def _say(self, text: str) -> None:
        self._session.say(text)

    async def _identify(self, name: str, date: str) -> None:
        """identify_caller with the typed date, called by code in a reply of its own (the one
        whose context ends in the marker), as the code reader calls it; waits for the reply."""
        state = self._state
        state.keyed_date = None
        marker = ChatMessage(role="system", content=[NOTE], id=f"keypad_{uuid.uuid4().hex[:12]}")
        state.keypad_calls[marker.id] = {"full_name": name, "date_of_birth": date}
        chat_ctx: ChatContext = self._session.current_agent.chat_ctx.copy()
        chat_ctx.items.append(marker)
        handle = self._session.generate_reply(chat_ctx=chat_ctx)
        await handle


def keypad_call(state: CallState, chat_ctx: ChatContext) -> dict[str, Any] | None:
    """The identify_caller arguments of the keypad entry this reply carries out, or None: the
    reply's context has the entry's marker after the caller's last message (taken once)."""
    for item in reversed(chat_ctx.items):
        if item.id in state.keypad_calls:
            return state.keypad_calls.pop(item.id)
        if item.type != "message" or getattr(item, "role", None) == "user":
            return None
    return None


def keyed_date_with_name(state: CallState, text: str) -> dict[str, Any] | None:
    """identify_caller's arguments when a date typed before any name waits and the caller's
    turn now says one name and no date; None otherwise."""
    date = state.keyed_date
    if date is None or state.verified_caller is not None:
        return None
    if state.caller is None and state.keyed_phone is None:
        return None
    today = state.tools.now().astimezone(state.tools.clinic_hours.tz).date()
    claim = claim_in_words(text, today, day_first=state.tools.settings.phone_region != "US")
    if claim.dates:
        return None
    # The turn read as the words before the date it goes with ("Jane Doe" -> "Jane Doe born"),
    # so the one name reader takes a bare name as it takes one said before a date.
    names = claim.names or names_in_words(f"{text} born")
    if len(names) != 1:
        return None
    state.keyed_date = None
    return {"full_name": _spelled_name(names[0], claim.spelled), "date_of_birth": date}


def wire_keypad(
    session: AgentSession[CallState], state: CallState, settings: Settings, room: Any
) -> Keypad:
    """Listen to the caller's keys in `room` for the rest of the session."""
    keypad = Keypad(session, state, settings)
    room.on("sip_dtmf_received", keypad.on_dtmf)

    @session.on("close")
    def _off(_ev: Any) -> None:
        keypad.close()
        room.off("sip_dtmf_received", keypad.on_dtmf)

    return keypad


__all__ = ["Keypad", "keypad_call", "keypad_date_offer", "wire_keypad"]
