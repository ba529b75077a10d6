"""Caller ID from SIP and from our API's metadata, and the name check."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from livekit import rtc

from aida.agent.identity import NO_CALLER_ID, caller_id_of, names_match

SIP = rtc.ParticipantKind.PARTICIPANT_KIND_SIP
STANDARD = rtc.ParticipantKind.PARTICIPANT_KIND_STANDARD


def participant(kind: int = STANDARD, attributes: dict | None = None, metadata: str = ""):  # type: ignore[no-untyped-def]
    return SimpleNamespace(kind=kind, attributes=attributes or {}, metadata=metadata)


def test_sip_caller_id_normalized() -> None:
    cid = caller_id_of(participant(SIP, {"sip.phoneNumber": "(202) 555-0143"}), "")
    assert (cid.phone, cid.source) == ("+12025550143", "sip")


def test_sip_attribute_on_a_non_sip_participant_is_not_trusted() -> None:
    # a web participant cannot claim a caller ID by setting an attribute on itself
    assert caller_id_of(participant(STANDARD, {"sip.phoneNumber": "+12025550143"}), "") == (
        NO_CALLER_ID
    )


@pytest.mark.parametrize("raw", ["anonymous", "", "restricted", "12"])
def test_withheld_or_bad_sip_number_means_none(raw: str) -> None:
    assert caller_id_of(participant(SIP, {"sip.phoneNumber": raw}), "") == NO_CALLER_ID


def test_dispatch_metadata_then_token_metadata() -> None:
    p = participant(metadata=json.dumps({"phone": "+1 202 555 0199"}))
    assert caller_id_of(p, "").phone == "+12025550199"
    assert caller_id_of(p, json.dumps({"phone": "202-555-0111"})).phone == "+12025550111"
    assert caller_id_of(p, "").source == "token"


@pytest.mark.parametrize("meta", ["not json", "[1,2]", '{"phone": 5}', '{"name": "x"}'])
def test_unusable_metadata_is_ignored(meta: str) -> None:
    assert caller_id_of(participant(metadata=meta), meta) == NO_CALLER_ID


def test_no_participant() -> None:
    assert caller_id_of(None, None) == NO_CALLER_ID


@pytest.mark.parametrize(
    ("said", "on_file", "ok"),
    [
        ("Jane Doe", "Jane Doe", True),
        ("jane doe", "Jane Doe", True),
        ("Jane Doe.", "Jane  Doe", True),
        ("Mary Smith", "Mary Ann Smith", True),
        ("Mary Ann Smith", "Mary Ann Smith", True),
        ("Mary", "Mary Ann Smith", False),
        ("Jane Smith", "Jane Doe", False),
        ("Jane Doe Smith", "Jane Doe", False),
        ("", "Jane Doe", False),
        ("O'Brien Pat", "Pat O'Brien", True),
    ],
)
def test_names_match(said: str, on_file: str, ok: bool) -> None:
    assert names_match(said, on_file) is ok
