"""Who may be calling: the phone number the line or the web form presents, before any tool runs.

The caller ID a SIP trunk puts on the SIP participant (`sip.phoneNumber`) and the `phone` a web
visitor typed (our API copies it into the token and dispatch metadata) are hints: caller ID can be
spoofed and anyone can type a number. They let Aida find the file and ask "Am I speaking with
Jane?"; the caller is verified only by `identify_caller` (name and date of birth, see
`aida.agent.verification`) or by a patient assertion signed by the clinic's portal, which the
worker checks here itself with PORTAL_IDENTITY_SECRET (source "portal").
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
CallerIdSource = Literal["sip", "token", "portal", "none"]


@dataclass(frozen=True)
class CallerId:
    phone: str | None  # E.164, or None when no usable number was presented
    source: CallerIdSource
    name: str | None = None  # from a portal assertion only

    @property
    def known(self) -> bool:
        return self.phone is not None


NO_CALLER_ID = CallerId(phone=None, source="none")


def is_sip_participant(participant: Any) -> bool:
    """A phone caller, who came in through a SIP trunk (and can be transferred)."""
    from livekit import rtc

    return getattr(participant, "kind", None) == rtc.ParticipantKind.PARTICIPANT_KIND_SIP


def _metadata_field(raw: str | None, key: str) -> str | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get(key), str):
        return data[key]
    return None


def _portal_identity(
    raws: tuple[str | None, ...], secret: str | None, region: str
) -> CallerId | None:
    if not secret:
        return None
    from aida.errors import InvalidAssertion
    from aida.portal import verify_patient_assertion

    for raw in raws:
        token = _metadata_field(raw, "assertion")
        if not token:
            continue
        try:
            identity = verify_patient_assertion(token, secret, region=region)
        except InvalidAssertion:
            logger.info("portal assertion refused; the web phone stays a hint")
            continue
        return CallerId(phone=identity.phone, source="portal", name=identity.name)
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


def caller_id_of(
    participant: Any,
    job_metadata: str | None,
    region: str = "US",
    portal_secret: str | None = None,
) -> CallerId:
    """Who the line says is calling: a valid portal assertion first (proof), then SIP caller ID,
    then the phone in the dispatch (job) metadata or the participant's token metadata (hints);
    `NO_CALLER_ID` when none yields a valid number."""
    raws = (job_metadata, getattr(participant, "metadata", None))
    portal = _portal_identity(raws, portal_secret, region)
    if portal is not None:
        return portal
    if participant is not None and is_sip_participant(participant):
        attrs = getattr(participant, "attributes", None) or {}
        phone = _normalized(attrs.get(SIP_PHONE_ATTRIBUTE), region)
        if phone:
            return CallerId(phone=phone, source="sip")
    for raw in raws:
        phone = _normalized(_metadata_field(raw, "phone"), region)
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
