"""Signed patient assertions: how the clinic's portal tells Aida who a signed-in patient is.

A phone number typed into a web form proves nothing. A patient who signed in to the clinic's
portal does not need to prove themselves again, so the portal signs a short-lived JWT (HS256, key
PORTAL_IDENTITY_SECRET) with `sub` = the patient's phone, `aud` = "aida", a `jti` and at most
five minutes to live; the API checks it and takes each `jti` once. The assertion itself goes no
further: the API hands the worker a room marker it signs itself (`sign_room_marker`), bound to
the one room the session is for, which the worker verifies before treating the caller as proven.

Pure: no FastAPI, no settings object, an injectable clock. PyJWT validates the signature, the
audience and that the claims are present; the times are checked here against `now`, which PyJWT
cannot be given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from numbers import Real
from typing import Any

import jwt

from aida.errors import InvalidAssertion, InvalidPhone
from aida.scheduling.phones import normalize_phone

AUDIENCE = "aida"
ALGORITHM = "HS256"
DEFAULT_LIFETIME = dt.timedelta(minutes=5)
# Clock skew between the portal's server and ours.
LEEWAY = dt.timedelta(seconds=30)
# An assertion is for starting one session now: a replayed or leaked one must die quickly.
MAX_LIFETIME = dt.timedelta(minutes=5)
# The room marker the API hands the worker (another audience, another key derived from the
# same secret, so neither token can pass for the other).
ROOM_AUDIENCE = "aida-room"

NOT_VERIFIED = "That patient sign-in could not be verified; please sign in to the portal again."
EXPIRED = "That patient sign-in has expired; please sign in to the portal again."


@dataclass(frozen=True)
class PortalIdentity:
    phone: str  # E.164
    name: str | None = None
    jti: str | None = None  # the assertion's id, taken once
    expires: dt.datetime | None = None


def sign_patient_assertion(
    phone: str,
    secret: str,
    *,
    expires_in: dt.timedelta = DEFAULT_LIFETIME,
    now: dt.datetime | None = None,
    name: str | None = None,
) -> str:
    """The JWT a portal sends for a signed-in patient (what the clinic's portal implements;
    here for tests and for portals written in Python)."""
    if not secret:
        raise ValueError("a patient assertion needs a non-empty secret")
    if expires_in > MAX_LIFETIME:
        raise ValueError(f"a patient assertion lives at most {MAX_LIFETIME}")
    issued = _now(now)
    claims: dict[str, Any] = {
        "sub": phone,
        "aud": AUDIENCE,
        "iat": int(issued.timestamp()),
        "exp": int((issued + expires_in).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    if name:
        claims["name"] = name
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_patient_assertion(
    token: str,
    secret: str,
    *,
    now: dt.datetime | None = None,
    region: str = "US",
    allow_fictional: bool | None = None,
) -> PortalIdentity:
    """Who the assertion says the patient is, or `InvalidAssertion` (forged, expired, meant for
    another audience, missing `sub`/`aud`/`exp`/`iat`/`jti`, or living longer than
    `MAX_LIFETIME`). That each `jti` is taken once is the caller's to check (it keeps state)."""
    if not secret:
        raise ValueError("verifying a patient assertion needs the portal's secret")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],  # never "none", never a key-confusion algorithm
            audience=AUDIENCE,
            options={
                "require": ["sub", "aud", "exp", "iat", "jti"],
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidTokenError as exc:
        raise InvalidAssertion(NOT_VERIFIED) from exc

    current = _now(now)
    expires = _instant(claims.get("exp"))
    if expires is None:
        raise InvalidAssertion(NOT_VERIFIED)
    if current > expires + LEEWAY:
        raise InvalidAssertion(EXPIRED)
    issued = current
    if "iat" in claims:
        iat = _instant(claims["iat"])
        if iat is None or iat > current + LEEWAY:
            raise InvalidAssertion(NOT_VERIFIED)
        issued = iat
    if expires - issued > MAX_LIFETIME + LEEWAY:
        raise InvalidAssertion(NOT_VERIFIED)
    if "nbf" in claims:
        not_before = _instant(claims["nbf"])
        if not_before is None or not_before > current + LEEWAY:
            raise InvalidAssertion(NOT_VERIFIED)

    try:
        phone = normalize_phone(str(claims["sub"]), region, allow_fictional)
    except InvalidPhone as exc:
        raise InvalidAssertion(NOT_VERIFIED) from exc
    name = claims.get("name")
    name = (" ".join(name.split()) or None) if isinstance(name, str) else None
    jti = claims.get("jti")
    if not isinstance(jti, str) or not 8 <= len(jti) <= 128:
        raise InvalidAssertion(NOT_VERIFIED)
    return PortalIdentity(phone=phone, name=name, jti=jti, expires=expires)


def _marker_key(secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"aida room marker v1", hashlib.sha256).digest()


def sign_room_marker(
    identity: PortalIdentity,
    secret: str,
    *,
    room: str,
    lifetime: dt.timedelta,
    now: dt.datetime | None = None,
) -> str:
    """What the API gives the worker for a patient it verified: this patient, this room only."""
    issued = _now(now)
    claims: dict[str, Any] = {
        "sub": identity.phone,
        "aud": ROOM_AUDIENCE,
        "room": room,
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
    }
    if identity.name:
        claims["name"] = identity.name
    return jwt.encode(claims, _marker_key(secret), algorithm=ALGORITHM)


def verify_room_marker(
    token: str, secret: str, *, room: str, now: dt.datetime | None = None
) -> PortalIdentity:
    """The patient the API vouched for in `room`, or `InvalidAssertion` (forged, expired, for
    another room)."""
    try:
        claims = jwt.decode(
            token,
            _marker_key(secret),
            algorithms=[ALGORITHM],
            audience=ROOM_AUDIENCE,
            options={"require": ["sub", "aud", "exp", "room"], "verify_exp": False},
        )
    except jwt.InvalidTokenError as exc:
        raise InvalidAssertion(NOT_VERIFIED) from exc
    expires = _instant(claims.get("exp"))
    if expires is None or _now(now) > expires + LEEWAY:
        raise InvalidAssertion(EXPIRED)
    if not isinstance(claims.get("room"), str) or not hmac.compare_digest(claims["room"], room):
        raise InvalidAssertion(NOT_VERIFIED)
    name = claims.get("name")
    return PortalIdentity(phone=str(claims["sub"]), name=name if isinstance(name, str) else None)


def _now(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def _instant(value: object) -> dt.datetime | None:
    """A NumericDate claim as an aware datetime, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    try:
        return dt.datetime.fromtimestamp(float(value), dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
