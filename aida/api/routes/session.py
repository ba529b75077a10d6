"""POST /api/session: a LiveKit token for a fresh room with the agent "aida" dispatched into it.

What the caller told the web form travels to the agent as JSON `{"phone": E.164 or null,
"name": str or null}`, both as the participant's metadata and as the agent dispatch metadata
(the worker reads `ctx.job.metadata`; the participant copy is for anything that only sees the room).
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Body

from aida.api.deps import SessionRateLimit, StateDep
from aida.api.errors import ApiError, validation_error
from aida.api.schemas import ErrorBody, SessionRequest, SessionResponse, ValidationErrorBody
from aida.config import Settings
from aida.errors import InvalidPhone
from aida.scheduling.phones import normalize_phone

router = APIRouter(tags=["session"])


def missing_livekit(settings: Settings) -> list[str]:
    missing = []
    if not settings.livekit_url:
        missing.append("LIVEKIT_URL")
    if not settings.livekit_api_key:
        missing.append("LIVEKIT_API_KEY")
    if settings.livekit_api_secret is None or not settings.livekit_api_secret.get_secret_value():
        missing.append("LIVEKIT_API_SECRET")
    return missing


def session_metadata(phone: str | None, name: str | None) -> str:
    return json.dumps({"phone": phone, "name": name}, separators=(",", ":"))


@router.post(
    "/session",
    response_model=SessionResponse,
    summary="Start a voice session",
    description="Mints a LiveKit access token for a new room and dispatches the agent into it. "
    "Public, rate-limited per client address.",
    responses={
        422: {"model": ValidationErrorBody, "description": "Invalid name or phone number."},
        429: {"model": ErrorBody, "description": "Too many requests; see Retry-After."},
        503: {"model": ErrorBody, "description": "LiveKit is not configured on the server."},
    },
    dependencies=[SessionRateLimit],
)
async def create_session(
    state: StateDep,
    body: Annotated[SessionRequest | None, Body()] = None,
) -> SessionResponse:
    settings = state.settings
    missing = missing_livekit(settings)
    if missing:
        raise ApiError(
            503,
            "livekit_not_configured",
            f"Voice sessions are not configured on this server: set {', '.join(missing)}.",
            missing=missing,
        )
    request = body or SessionRequest()
    name = request.name.strip() if request.name and request.name.strip() else None
    phone = None
    if request.phone and request.phone.strip():
        try:
            phone = normalize_phone(request.phone, settings.phone_region)
        except InvalidPhone as exc:
            raise validation_error(("body", "phone"), exc.message, request.phone) from None
    room = f"aida-{uuid.uuid4().hex}"
    identity = f"web-{uuid.uuid4().hex[:12]}"
    token, expires_at = state.token_minter().mint(
        room=room,
        identity=identity,
        name=name,
        metadata=session_metadata(phone, name),
    )
    assert settings.livekit_url
    return SessionResponse(
        token=token, url=settings.livekit_url, room=room, identity=identity, expires_at=expires_at
    )
