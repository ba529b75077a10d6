"""Signed patient assertions from the portal: what verifies, and everything that must not."""

from __future__ import annotations

import datetime as dt
import warnings

import jwt
import pytest

from aida.errors import AidaError, InvalidAssertion
from aida.portal import (
    EXPIRED,
    LEEWAY,
    NOT_VERIFIED,
    PortalIdentity,
    sign_patient_assertion,
    sign_room_marker,
    verify_patient_assertion,
    verify_room_marker,
)

SECRET = "portal-secret-that-is-long-enough-for-hs256-0123456789"
NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
PHONE = "+12125550143"


def claims(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sub": PHONE,
        "aud": "aida",
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + dt.timedelta(minutes=5)).timestamp()),
        "jti": "assertion-0001",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def forge(secret: str = SECRET, algorithm: str = "HS256", **overrides: object) -> str:
    with warnings.catch_warnings():  # HS512 with our 54-byte secret: short, and beside the point
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        return jwt.encode(claims(**overrides), secret, algorithm=algorithm)


def refused(token: str, *, now: dt.datetime = NOW) -> InvalidAssertion:
    with pytest.raises(InvalidAssertion) as caught:
        verify_patient_assertion(token, SECRET, now=now)
    return caught.value


def test_round_trip() -> None:
    token = sign_patient_assertion(PHONE, SECRET, now=NOW, name="  Jordan   Lee ")
    identity = verify_patient_assertion(token, SECRET, now=NOW)
    assert (identity.phone, identity.name) == (PHONE, "Jordan Lee")
    raw = jwt.decode(
        token, SECRET, algorithms=["HS256"], audience="aida", options={"verify_exp": False}
    )
    assert (raw["sub"], raw["aud"]) == (PHONE, "aida")
    assert raw["exp"] - raw["iat"] == 300  # five minutes at most
    assert identity.jti == raw["jti"] and len(raw["jti"]) >= 16


def test_the_phone_is_normalised_in_the_clinics_region() -> None:
    token = sign_patient_assertion("(212) 555-0143", SECRET, now=NOW)
    identity = verify_patient_assertion(token, SECRET, now=NOW, region="US")
    assert (identity.phone, identity.name) == (PHONE, None)


def test_valid_until_expiry_plus_leeway_then_expired() -> None:
    token = sign_patient_assertion(PHONE, SECRET, now=NOW, expires_in=dt.timedelta(minutes=5))
    expiry = NOW + dt.timedelta(minutes=5)
    assert verify_patient_assertion(token, SECRET, now=expiry + LEEWAY).phone == PHONE
    error = refused(token, now=expiry + LEEWAY + dt.timedelta(seconds=1))
    assert error.message == EXPIRED
    assert error.code == "invalid_assertion" and isinstance(error, AidaError)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(forge(secret="another-portals-secret-0123456789abcdef"), id="wrong-secret"),
        pytest.param(forge(aud="someone-else"), id="wrong-audience"),
        pytest.param(forge(aud=["billing", "reports"]), id="audience-list-without-aida"),
        pytest.param(forge(aud=None), id="no-audience"),
        pytest.param(forge(sub=None), id="no-subject"),
        pytest.param(forge(exp=None), id="no-expiry"),
        pytest.param(forge(exp="tomorrow"), id="expiry-not-a-number"),
        pytest.param(forge(sub="not a phone"), id="subject-not-a-phone"),
        pytest.param(forge(algorithm="HS512"), id="another-algorithm"),
        pytest.param(
            jwt.encode(claims(), None, algorithm="none"),  # type: ignore[arg-type]
            id="unsigned",
        ),
        pytest.param(
            forge(iat=int((NOW + dt.timedelta(hours=1)).timestamp())), id="issued-in-the-future"
        ),
        pytest.param(
            forge(nbf=int((NOW + dt.timedelta(minutes=5)).timestamp())), id="not-yet-valid"
        ),
        pytest.param(
            forge(exp=int((NOW + dt.timedelta(days=30)).timestamp())), id="lives-too-long"
        ),
        pytest.param(
            forge(exp=int((NOW + dt.timedelta(minutes=20)).timestamp())), id="over-five-minutes"
        ),
        pytest.param(forge(jti=None), id="no-jti"),
        pytest.param(forge(iat=None), id="no-issued-at"),
        pytest.param("not.a.jwt", id="garbage"),
        pytest.param("", id="empty"),
    ],
)
def test_forged_or_malformed_assertions_are_refused(token: str) -> None:
    error = refused(token)
    assert error.message == NOT_VERIFIED
    assert PHONE not in error.message


def test_a_tampered_payload_breaks_the_signature() -> None:
    header, _, signature = sign_patient_assertion(PHONE, SECRET, now=NOW).split(".")
    other = sign_patient_assertion("+12125550199", "attacker-secret-0123456789abcdef0123", now=NOW)
    assert refused(f"{header}.{other.split('.')[1]}.{signature}").message == NOT_VERIFIED


def test_an_audience_list_that_includes_aida_is_accepted() -> None:
    token = forge(aud=["portal", "aida"])
    assert verify_patient_assertion(token, SECRET, now=NOW).phone == PHONE


def test_misuse_is_a_programming_error_not_a_refusal() -> None:
    with pytest.raises(ValueError):
        sign_patient_assertion(PHONE, "", now=NOW)
    with pytest.raises(ValueError):
        sign_patient_assertion(PHONE, SECRET, now=NOW, expires_in=dt.timedelta(days=1))
    with pytest.raises(ValueError):
        verify_patient_assertion(forge(), "", now=NOW)
    with pytest.raises(ValueError):
        verify_patient_assertion(forge(), SECRET, now=dt.datetime(2026, 3, 2, 14, 0))


def test_a_room_marker_holds_for_its_room_only() -> None:
    """What the API forwards to the worker instead of the assertion: bound to one room."""
    identity = PortalIdentity(PHONE, "Jordan Lee")
    ttl = dt.timedelta(minutes=10)
    marker = sign_room_marker(identity, SECRET, room="aida-1", lifetime=ttl, now=NOW)
    back = verify_room_marker(marker, SECRET, room="aida-1", now=NOW)
    assert (back.phone, back.name) == (PHONE, "Jordan Lee")
    for bad in (
        lambda: verify_room_marker(marker, SECRET, room="aida-2", now=NOW),
        lambda: verify_room_marker(marker, SECRET + "x", room="aida-1", now=NOW),
        lambda: verify_room_marker(marker, SECRET, room="aida-1", now=NOW + ttl + LEEWAY * 2),
        # an assertion is no marker, nor the other way round
        lambda: verify_room_marker(
            sign_patient_assertion(PHONE, SECRET, now=NOW), SECRET, room="aida-1", now=NOW
        ),
        lambda: verify_patient_assertion(marker, SECRET, now=NOW),
    ):
        with pytest.raises(InvalidAssertion):
            bad()
