"""The staff credential that guards patient data (summaries, appointments).

A key from STAFF_API_KEYS, sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Keys are
compared in constant time against every configured key, so timing tells nothing about which key or
how much of one matched. With no key configured the guarded endpoints refuse: never open by default.
"""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

from aida.api.errors import ApiError

REALM = "aida-staff"
HOW_TO_AUTHENTICATE = (
    "This endpoint returns patient data and needs a staff credential: send "
    "'Authorization: Bearer <key>' or 'X-API-Key: <key>' with one of the keys in STAFF_API_KEYS."
)
NOT_CONFIGURED = (
    "Staff access is not configured on this server: set STAFF_API_KEYS (comma-separated keys) "
    "in the environment or .env and restart the API."
)


def _digest(value: str) -> bytes:
    # Hashing first gives equal-length inputs, so compare_digest does not leak a key's length.
    return hashlib.sha256(value.encode("utf-8")).digest()


def key_matches(presented: str, keys: list[SecretStr]) -> bool:
    wanted = _digest(presented)
    matched = False
    for key in keys:
        secret = key.get_secret_value()
        # No early exit: every key is compared whatever the outcome.
        matched |= bool(secret) and hmac.compare_digest(wanted, _digest(secret))
    return matched


def check_staff(keys: list[SecretStr], bearer: str | None, api_key: str | None) -> None:
    """Raise the right refusal unless one of the presented credentials is a staff key."""
    if not any(k.get_secret_value() for k in keys):
        raise ApiError(503, "staff_auth_not_configured", NOT_CONFIGURED)
    presented = [c for c in (bearer, api_key) if c]
    if not presented:
        raise ApiError(
            401,
            "unauthorized",
            HOW_TO_AUTHENTICATE,
            {"WWW-Authenticate": f'Bearer realm="{REALM}"'},
        )
    if not any(key_matches(c, keys) for c in presented):
        raise ApiError(
            401,
            "invalid_credential",
            "That staff credential is not valid. " + HOW_TO_AUTHENTICATE,
            {"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'},
        )
