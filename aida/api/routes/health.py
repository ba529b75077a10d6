"""GET /api/health: liveness plus readiness, and nothing a stranger should not see.

Ready means the store answers; missing LiveKit settings make the service "degraded" (slots and
summaries still work, new voice sessions do not). No secret, URL credential or key appears here:
providers are described by name only, and the description is scrubbed of every configured secret.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from aida.agent.providers import describe_providers
from aida.api.deps import StateDep
from aida.api.schemas import HealthResponse, LiveKitHealth, StoreHealth
from aida.api.state import STORE_DOWN
from aida.api.tokens import missing_livekit
from aida.config import Settings
from aida.errors import StoreUnavailable

log = logging.getLogger("aida.api")
router = APIRouter(tags=["health"])

PING_TIMEOUT_S = 2.0


def describe(settings: Settings) -> dict[str, Any]:
    try:
        return describe_providers(settings)
    except Exception as exc:  # a broken description must not take health down
        log.warning("describe_providers failed: %s", type(exc).__name__)
        return {"mode": settings.providers, "error": "the providers could not be described"}


def _secrets(settings: Settings) -> list[str]:
    values = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        items = value if isinstance(value, list) else [value]
        values += [v.get_secret_value() for v in items if isinstance(v, SecretStr)]
    # A labelled staff key is a secret without its label too.
    values += [k.key.get_secret_value() for k in settings.staff_keys]
    # A DSN carries its password inline; never show any of it.
    values += [u for u in (settings.database_url, settings.supabase_url) if u]
    return [v for v in values if len(v) >= 4]


def scrub(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, SecretStr):
        return "configured"
    if isinstance(value, str):
        return "[redacted]" if any(s in value for s in secrets) else value
    if isinstance(value, dict):
        return {str(k): scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub(v, secrets) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub(str(value), secrets)


@router.get(
    "/health",
    response_model=HealthResponse,
    summary="Liveness and readiness",
    responses={503: {"model": HealthResponse, "description": "Not ready: the store is down."}},
)
async def health(state: StateDep) -> JSONResponse:
    settings = state.settings
    backend: str = settings.store_backend
    store_health = StoreHealth(backend=backend, reachable=True)
    try:
        store = await state.store()
        backend = store.backend
        store_health = StoreHealth(backend=backend, reachable=True)
        await asyncio.wait_for(store.ping(), PING_TIMEOUT_S)
    except (StoreUnavailable, TimeoutError, OSError) as exc:
        # Our own sentence: a driver's message can name hosts or users.
        log.warning("health: store not reachable (%s)", type(exc).__name__)
        store_health = StoreHealth(backend=backend, reachable=False, message=STORE_DOWN)
    missing = missing_livekit(settings)
    ready = store_health.reachable
    body = HealthResponse(
        status="unavailable" if not ready else ("degraded" if missing else "ok"),
        ready=ready,
        store=store_health,
        livekit=LiveKitHealth(configured=not missing, missing=missing),
        providers=scrub(describe(settings), _secrets(settings)),
        staff_auth_configured=bool(settings.staff_keys),
        time=dt.datetime.now(dt.UTC),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ready else 503)
