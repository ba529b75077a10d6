"""POST /api/session: a LiveKit token for a fresh room with the agent "aida" dispatched into it.

What the caller told the web form travels to the agent as JSON `{"phone": E.164 or null,
"name": str or null}`, both as the participant's metadata and as the agent dispatch metadata
(the worker reads `ctx.job.metadata`; the participant copy is for anything that only sees the room).
A phone typed into the form is only a hint. A patient signed in to the clinic's portal sends the
portal's signed assertion instead: it is verified here (401 when it fails, or when its `jti` was
used before), its phone is used, and the assertion goes no further: the worker gets `"portal"`, a
marker this service signs for this one room (`aida.portal.sign_room_marker`), and verifies it.
`"client"` is a digest of the client's address, so the worker can count identity attempts per
origin without the address itself ever reaching a call record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Request

from aida.api.deps import SessionRateLimit, StateDep, client_address
from aida.api.errors import ApiError, validation_error
from aida.api.schemas import ErrorBody, SessionRequest, SessionResponse, ValidationErrorBody
from aida.api.tokens import missing_livekit
from aida.config import Settings
from aida.errors import InvalidAssertion, InvalidPhone
from aida.portal import PortalIdentity, sign_room_marker, verify_patient_assertion
from aida.scheduling.clock import Clock
from aida.scheduling.phones import normalize_phone

router = APIRouter(tags=["session"])


PORTAL_NOT_CONFIGURED = (
    "Signed-in patient sessions are not configured on this server: set PORTAL_IDENTITY_SECRET "
    "(the secret the patient portal signs with) and restart the API."
)


REPLAYED = "That patient sign-in was already used; please sign in to the portal again."


def session_metadata(
    phone: str | None, name: str | None, marker: str | None = None, client: str | None = None
) -> str:
    data: dict[str, str | None] = {"phone": phone, "name": name}
    if marker:
        data["portal"] = marker
    if client:
        data["client"] = client
    return json.dumps(data, separators=(",", ":"))


def client_digest(address: str, secret: str) -> str:
    """An opaque, stable name for a client address (keyed, so it cannot be reversed by hashing
    every address)."""
    key = hashlib.sha256(b"aida client origin:" + secret.encode("utf-8")).digest()
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


def verified_patient(token: str, settings: Settings, clock: Clock) -> PortalIdentity:
    secret = settings.portal_identity_secret
    if secret is None or not secret.get_secret_value():
        raise ApiError(503, "portal_identity_not_configured", PORTAL_NOT_CONFIGURED)
    try:
        return verify_patient_assertion(
            token,
            secret.get_secret_value(),
            now=clock.now(),
            region=settings.phone_region,
            allow_fictional=settings.allow_fictional_numbers,
        )
    except InvalidAssertion as exc:
        raise ApiError(401, exc.code, exc.message) from None


@router.post(
    "/session",
    response_model=SessionResponse,
    summary="Start a voice session",
    description="Mints a LiveKit access token for a new room and dispatches the agent into it. "
    "Public, rate-limited per client address.",
    responses={
        401: {
            "model": ErrorBody,
            "description": "The patient assertion is forged, expired, already used or not "
            "meant for Aida.",
        },
        422: {
            "model": ValidationErrorBody,
            "description": "Invalid name or phone number, or a phone that differs from the "
            "assertion's.",
        },
        429: {"model": ErrorBody, "description": "Too many requests; see Retry-After."},
        503: {
            "model": ErrorBody,
            "description": "LiveKit, or (for an assertion) PORTAL_IDENTITY_SECRET, is not "
            "configured on the server.",
        },
    },
    dependencies=[SessionRateLimit],
)
async def create_session(
    state: StateDep,
    http: Request,
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
            phone = normalize_phone(
                request.phone, settings.phone_region, settings.allow_fictional_numbers
            )
        except InvalidPhone as exc:
            raise validation_error(("body", "phone"), exc.message, request.phone) from None
    assertion = (request.patient_assertion or "").strip() or None
    room = f"aida-{uuid.uuid4().hex}"
    marker = None
    if assertion is not None:
        patient = verified_patient(assertion, settings, state.clock)
        now = state.clock.now()
        # Taken in the store, so every API process sees the same used ids (one session each).
        store = await state.store()
        if patient.jti is None or not await store.take_assertion_id(
            patient.jti, patient.expires or now, now
        ):
            raise ApiError(401, "assertion_replayed", REPLAYED)
        if phone is not None and phone != patient.phone:
            raise validation_error(
                ("body", "phone"),
                "That phone number is not the signed-in patient's; leave it out or sign in again.",
                request.phone,
            )
        phone = patient.phone
        # The portal's (signed) name over what was typed, which is only a display name.
        name = (patient.name or "")[:80] or name
        secret = settings.portal_identity_secret
        assert secret is not None  # verified_patient refused otherwise
        marker = sign_room_marker(
            PortalIdentity(phone=patient.phone, name=name),
            secret.get_secret_value(),
            room=room,
            lifetime=dt.timedelta(seconds=settings.livekit_token_ttl),
            now=state.clock.now(),
        )
    identity = f"web-{uuid.uuid4().hex[:12]}"
    livekit_secret = settings.livekit_api_secret
    client = client_digest(
        client_address(http), livekit_secret.get_secret_value() if livekit_secret else ""
    )
    token, expires_at = state.token_minter().mint(
        room=room,
        identity=identity,
        name=name,
        metadata=session_metadata(phone, name, marker, client),
    )
    assert settings.livekit_url
    return SessionResponse(
        token=token, url=settings.livekit_url, room=room, identity=identity, expires_at=expires_at
    )
