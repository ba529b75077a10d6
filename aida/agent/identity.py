"""Who is calling: the phone number the line or our API vouches for, before any tool runs.

Two sources are trusted because neither is under the caller's control: the caller ID that a SIP
trunk puts on the SIP participant (`sip.phoneNumber`), and the `phone` our API writes into the
token or dispatch metadata when it issues a web session. Anything the caller says is not a source
here; that goes through `identify_caller` and the name on file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Literal

from aida.errors import InvalidPhone
from aida.scheduling.phones import normalize_phone

logger = logging.getLogger("aida.identity")

SIP_PHONE_ATTRIBUTE = "sip.phoneNumber"
CallerIdSource = Literal["sip", "token", "none"]


@dataclass(frozen=True)
class CallerId:
    phone: str | None  # E.164, or None when nothing trustworthy was presented
    source: CallerIdSource

    @property
    def known(self) -> bool:
        return self.phone is not None


NO_CALLER_ID = CallerId(phone=None, source="none")


def _is_sip(participant: Any) -> bool:
    from livekit import rtc

    return getattr(participant, "kind", None) == rtc.ParticipantKind.PARTICIPANT_KIND_SIP


def _phone_from_metadata(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("phone"), str):
        return data["phone"]
    return None


def _normalized(raw: str | None, region: str) -> str | None:
    if not raw:
        return None
    try:
        return normalize_phone(raw, region)
    except InvalidPhone:
        # "anonymous", "restricted" or a malformed header: treat as no caller ID, Aida will ask.
        logger.info("caller id present but not a usable phone number")
        return None


def caller_id_of(participant: Any, job_metadata: str | None, region: str = "US") -> CallerId:
    """The trusted caller ID: SIP caller ID first, then the dispatch (job) metadata our API set,
    then the participant's token metadata; `NO_CALLER_ID` when none yields a valid number."""
    if participant is not None and _is_sip(participant):
        attrs = getattr(participant, "attributes", None) or {}
        phone = _normalized(attrs.get(SIP_PHONE_ATTRIBUTE), region)
        if phone:
            return CallerId(phone=phone, source="sip")
    for raw in (job_metadata, getattr(participant, "metadata", None)):
        phone = _normalized(_phone_from_metadata(raw), region)
        if phone:
            return CallerId(phone=phone, source="token")
    return NO_CALLER_ID


def _name_tokens(name: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in name.casefold())
    return cleaned.split()


def names_match(said: str, on_file: str) -> bool:
    """Whether the name a caller gave matches the name on file closely enough to trust.

    Speech-to-text drops punctuation and casing and callers skip middle names, so: every word the
    caller said must be in the name on file, and they must say at least the first and the last
    word of it ("Mary Smith" matches "Mary Ann Smith"; "Mary" alone does not).
    """
    said_tokens, file_tokens = _name_tokens(said), _name_tokens(on_file)
    if not said_tokens or not file_tokens:
        return False
    if not set(said_tokens) <= set(file_tokens):
        return False
    return file_tokens[0] in said_tokens and file_tokens[-1] in said_tokens
