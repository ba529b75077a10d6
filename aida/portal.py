"""Signed patient assertions: how the clinic's portal tells Aida who a signed-in patient is.

A phone number typed into a web form proves nothing. A patient who signed in to the clinic's
portal does not need to prove themselves again, so the portal signs a short-lived JWT (HS256, key
PORTAL_IDENTITY_SECRET) with `sub` = the patient's phone and `aud` = "aida"; the API checks it
before it hands the phone to the agent as proven, and the worker checks it again itself.

Pure: no FastAPI, no settings object, an injectable clock. PyJWT validates the signature, the
audience and that the claims are present; the times are checked here against `now`, which PyJWT
cannot be given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from numbers import Real
from typing import Any

import jwt

from aida.errors import InvalidAssertion, InvalidPhone
from aida.scheduling.phones import normalize_phone

AUDIENCE = "aida"
ALGORITHM = "HS256"
DEFAULT_LIFETIME = dt.timedelta(minutes=10)
# Clock skew between the portal's server and ours.
LEEWAY = dt.timedelta(seconds=30)
# A portal that mints week-long assertions has misunderstood what they are for.
MAX_LIFETIME = dt.timedelta(hours=1)

NOT_VERIFIED = "That patient sign-in could not be verified; please sign in to the portal again."
EXPIRED = "That patient sign-in has expired; please sign in to the portal again."


@dataclass(frozen=True)
class PortalIdentity:
    phone: str  # E.164
    name: str | None = None


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
    another audience, missing `sub`/`aud`/`exp`, or living longer than `MAX_LIFETIME`)."""
    if not secret:
        raise ValueError("verifying a patient assertion needs the portal's secret")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],  # never "none", never a key-confusion algorithm
            audience=AUDIENCE,
            options={
                "require": ["sub", "aud", "exp"],
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
    return PortalIdentity(phone=phone, name=name)


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
