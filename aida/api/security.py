"""The staff credential that guards patient data (summaries, appointments, the audit log).

A key from STAFF_API_KEYS, sent as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Keys are
compared in constant time against every configured key, so timing tells nothing about which key or
how much of one matched. With no key configured the guarded endpoints refuse: never open by default.
A match yields the key's label ("frontdesk" in "frontdesk:<key>", else "key<N>"), which the routes
write to the audit log.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from pydantic import SecretStr

from aida.api.errors import ApiError
from aida.config import StaffKey

REALM = "aida-staff"
HOW_TO_AUTHENTICATE = (
    "This endpoint returns patient data and needs a staff credential: send "
    "'Authorization: Bearer <key>' or 'X-API-Key: <key>' with one of the keys in STAFF_API_KEYS."
)
NOT_CONFIGURED = (
    "Staff access is not configured on this server: set STAFF_API_KEYS (comma-separated "
    "label:key pairs or keys) in the environment or .env and restart the API."
)


def _digest(value: str) -> bytes:
    # Hashing first gives equal-length inputs, so compare_digest does not leak a key's length.
    return hashlib.sha256(value.encode("utf-8")).digest()


def key_matches(presented: str, keys: list[SecretStr]) -> bool:
    return matching_label(presented, [StaffKey(str(i), k) for i, k in enumerate(keys)]) is not None


def matching_label(presented: str, keys: list[StaffKey]) -> str | None:
    """The label of the key `presented` equals, or None."""
    wanted = _digest(presented)
    label: str | None = None
    for key in keys:
        secret = key.key.get_secret_value()
        # No early exit: every key is compared whatever the outcome.
        hit = bool(secret) and hmac.compare_digest(wanted, _digest(secret))
        if hit and label is None:
            label = key.label
    return label


def check_staff(keys: list[StaffKey], bearer: str | None, api_key: str | None) -> str:
    """The label of the staff key presented; otherwise raise the right refusal."""
    if not any(k.key.get_secret_value() for k in keys):
        raise ApiError(503, "staff_auth_not_configured", NOT_CONFIGURED)
    presented = [c for c in (bearer, api_key) if c]
    if not presented:
        raise ApiError(
            401,
            "unauthorized",
            HOW_TO_AUTHENTICATE,
            {"WWW-Authenticate": f'Bearer realm="{REALM}"'},
        )
    labels = [matching_label(c, keys) for c in presented]
    label = next((lb for lb in labels if lb is not None), None)
    if label is None:
        raise ApiError(
            401,
            "invalid_credential",
            "That staff credential is not valid. " + HOW_TO_AUTHENTICATE,
            {"WWW-Authenticate": f'Bearer realm="{REALM}", error="invalid_token"'},
        )
    return label


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every /api/ answer: patient data (and session tokens) must
    not stay in a browser's or a proxy's cache. Pure ASGI, so streaming is left alone."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or not str(scope.get("path", "")).startswith("/api/"):
            await self.app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message.get("type") == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"
                ]
                headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)
