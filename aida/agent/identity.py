"""Who may be calling: the phone number the line or the web form presents, before any tool runs.

The caller ID a SIP trunk puts on the SIP participant (`sip.phoneNumber`) and the `phone` a web
visitor typed (our API copies it into the token and dispatch metadata) are hints: caller ID can be
spoofed and anyone can type a number. They let Aida find the file and ask "Am I speaking with
Jane?"; the caller is verified only by `identify_caller` (name and date of birth, see
`aida.agent.verification`) or by a patient assertion signed by the clinic's portal, which the API
verified and replaced with a room marker bound to this room, checked here with
PORTAL_IDENTITY_SECRET (source "portal").
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
    raws: tuple[str | None, ...], secret: str | None, room: str | None
) -> CallerId | None:
    if not secret or not room:
        return None
    from aida.errors import InvalidAssertion
    from aida.portal import verify_room_marker

    for raw in raws:
        token = _metadata_field(raw, "portal")
        if not token:
            continue
        try:
            identity = verify_room_marker(token, secret, room=room)
        except InvalidAssertion:
            logger.info("portal room marker refused; the web phone stays a hint")
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
    room: str | None = None,
) -> CallerId:
    """Who the line says is calling: a valid room marker for `room` first (the API verified a
    portal assertion: proof), then SIP caller ID, then the phone in the dispatch (job) metadata
    or the participant's token metadata (hints); `NO_CALLER_ID` when none yields a valid
    number."""
    raws = (job_metadata, getattr(participant, "metadata", None))
    portal = _portal_identity(raws, portal_secret, room)
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


def origins_of(caller_id: CallerId, participant: Any, job_metadata: str | None) -> tuple[str, ...]:
    """Where this call's identity attempts come from, to count them apart from the file they aim
    at: the caller ID of a phone line, the web client's address (a digest the API put in the
    dispatch metadata, which only the API can sign), and the LiveKit identity."""
    origins: list[str] = []
    if caller_id.source == "sip" and caller_id.phone:
        origins.append(f"sip:{caller_id.phone}")
    client = _metadata_field(job_metadata, "client")
    if client:
        origins.append(f"ip:{client[:64]}")
    identity = getattr(participant, "identity", None)
    if isinstance(identity, str) and identity:
        origins.append(f"lk:{identity[:64]}")
    return tuple(origins)


def _name_tokens(name: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in name.casefold())
    return cleaned.split()


# How close two written forms of one name must be (Jaro-Winkler): nearly the same letters
# ("Kwami" for "Kwame", "Sante" for "Asante"), or fairly close letters with the same sound
# (metaphone: "Catherine" and "Kathryn"). Not "Jane" and "John": same sound, too few letters.
SAME_LETTERS = 0.85
SAME_SOUND_LETTERS = 0.7


def sounds_alike(said: str, on_file: str) -> bool:
    """One word of a name as speech-to-text wrote it against the word on file."""
    if said == on_file:
        return True
    if len(said) < 2 or len(on_file) < 2:
        return False
    import jellyfish

    similarity = jellyfish.jaro_winkler_similarity(said, on_file)
    if similarity >= SAME_LETTERS:
        return True
    return similarity >= SAME_SOUND_LETTERS and (
        jellyfish.metaphone(said) == jellyfish.metaphone(on_file)
    )


def _with_spelling(said: list[str], spelled: list[str]) -> list[str]:
    """A word the caller spelled out replaces the word it was heard as ("Quayma" spelled
    "K-W-A-M-E": the letters win)."""
    import jellyfish

    words = list(said)
    for letters in spelled:
        if not words:
            break
        best = max(
            range(len(words)), key=lambda i: jellyfish.jaro_winkler_similarity(words[i], letters)
        )
        words[best] = letters
    return words


def names_match(said: str, on_file: str, spelled: tuple[str, ...] | list[str] = ()) -> bool:
    """Whether the name a caller gave matches the name on file closely enough to trust, given
    that the date of birth must match exactly as well.

    Speech-to-text drops punctuation and casing, writes names by their sound ("Quayma Sante" for
    "Kwame Asante") and callers skip middle names, so: every word the caller said (a spelled word
    replacing the one it was heard as) must sound like a word of the name on file, and the
    first and the last word on file must each be matched. "Mary Smith" matches "Mary Ann
    Smith"; "Mary" alone does not, nor does a list of names.
    """
    said_tokens, file_tokens = _name_tokens(said), _name_tokens(on_file)
    if not said_tokens or not file_tokens or len(said_tokens) > len(file_tokens) + 1:
        return False
    if spelled:
        said_tokens = _with_spelling(said_tokens, _name_tokens(" ".join(spelled)))
    if not all(any(sounds_alike(w, f) for f in file_tokens) for w in said_tokens):
        return False
    return all(
        any(sounds_alike(w, f) for w in said_tokens) for f in (file_tokens[0], file_tokens[-1])
    )
