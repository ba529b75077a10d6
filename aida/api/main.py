"""The FastAPI application: `create_app(...)` for tests and embedding, `app` for `uvicorn api:app`.

Routes live under /api (one module per area in `aida/api/routes/`), OpenAPI at /docs.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import Mount

from aida.api.errors import CatchAllMiddleware, install_error_handlers
from aida.api.routes import (
    action_items,
    appointments,
    audit,
    clinic_profile,
    health,
    patients,
    session,
    slots,
    staff_appointments,
    summaries,
    waitlist,
)
from aida.api.routes import closures as closure_routes
from aida.api.security import NoStoreMiddleware
from aida.api.state import AppState
from aida.api.static import mount_web
from aida.config import Settings, get_settings
from aida.errors import StoreUnavailable
from aida.scheduling.clock import Clock
from aida.store.protocol import Store

log = logging.getLogger("aida.api")

DESCRIPTION = """\
Aida's API for the web client.

- **Public**: `POST /api/session` (a LiveKit token for a new room with the agent), `GET /api/slots`,
  `GET /api/health`.
- **Staff only** (patient data): `GET /api/summaries`, `GET /api/summaries/{id}`,
  `GET /api/appointments`, `GET /api/audit`, `GET|POST /api/closures`,
  `DELETE /api/closures/{id}`, `GET|PUT /api/clinic/profile`; and staff actions:
  `POST /api/appointments` (book),
  `POST /api/appointments/{id}/reschedule`, `POST /api/appointments/{id}/cancel`,
  `PUT`/`DELETE /api/summaries/{id}/action-items/{index}/done`, `GET /api/patients/pending`,
  `POST /api/patients/{phone}/confirm`. Send `Authorization: Bearer <key>`
  or `X-API-Key: <key>` with a key from `STAFF_API_KEYS`; every read of patient data and every
  change is recorded in the audit log under that key's label.

Errors are JSON `{"error": code, "message": sentence}`; invalid input is a 422 that also carries
FastAPI's `detail` list.
"""


class _QuerylessAccessLog(logging.Filter):
    """Drops the query string from uvicorn's access log lines: `?phone=...` is patient data."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def _redact_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _QuerylessAccessLog) for f in access.filters):
        access.addFilter(_QuerylessAccessLog())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: AppState = app.state.aida
    _redact_access_log()
    try:
        await state.store()
    except StoreUnavailable:
        # Serve anyway: health reports it (503) and the store is retried on the next request.
        log.warning("store not reachable at startup; will retry on demand")
    try:
        yield
    finally:
        await state.close()


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, clock: Clock | None = None
) -> FastAPI:
    """Build the app. A `store` given here is used as is and not closed by the app."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Aida API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=_lifespan,
    )
    app.state.aida = AppState(settings, store=store, clock=clock)
    for module in (session, health, slots, summaries, appointments, audit):
        app.include_router(module.router, prefix="/api")
    app.include_router(closure_routes.router, prefix="/api")
    app.include_router(clinic_profile.router, prefix="/api")
    for module in (staff_appointments, action_items, patients, waitlist):  # staff actions
        app.include_router(module.router, prefix="/api")
    install_error_handlers(app)
    app.add_middleware(CatchAllMiddleware)
    app.add_middleware(NoStoreMiddleware)
    if settings.backend_cors_origins:
        # Staff auth is a header, not a cookie: no credentials mode, so "*" stays safe.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.backend_cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
            expose_headers=["Retry-After"],
            max_age=600,
        )
    _serve_web(app)
    return app


def _serve_web(app: FastAPI) -> None:
    """The web client answers only what no route matched, not even partly.

    A mount at "/" fully matches every path, so Starlette would prefer it to a route that matches
    the path but not the method: `GET /api/session` would be the client's 404, not our 405. As the
    router's default app it sees only what is left over.
    """
    mount_web(app)
    web = app.router.routes.pop()
    assert isinstance(web, Mount) and web.path == "", "mount_web must add the mount at /"
    app.router.default = web.app


app = create_app()
