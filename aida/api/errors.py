"""How every failure leaves the API: one JSON shape, `{"error": code, "message": sentence, ...}`.

- 422 for invalid input keeps FastAPI's `detail` list and adds a one-line `message`.
- An `AidaError` maps to the 4xx its kind means, with its `to_dict()` as the body.
- `StoreUnavailable` is a 503.
- Anything else is a 500 with a reference id; the server log names the exception type and where it
  was raised, never its message (a driver error can quote a phone number or a DSN).
"""

from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aida.errors import (
    ActionItemNotFound,
    AidaError,
    AppointmentNotFound,
    HoldExpired,
    InvalidRequest,
    NotYourAppointment,
    PatientNotFound,
    SlotTaken,
    StoreUnavailable,
)

log = logging.getLogger("aida.api")


class ApiError(Exception):
    """A refusal the API itself decides (auth, rate limit, missing configuration, not found)."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.headers = headers
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


def status_for(exc: AidaError) -> int:
    if isinstance(exc, StoreUnavailable):
        return 503
    if isinstance(exc, InvalidRequest):  # includes AmbiguousTime and InvalidPhone
        return 422
    if isinstance(exc, PatientNotFound | AppointmentNotFound | ActionItemNotFound):
        return 404
    if isinstance(exc, NotYourAppointment):
        return 403
    if isinstance(exc, SlotTaken):
        return 409
    if isinstance(exc, HoldExpired):  # a waitlist offer whose hold lapsed
        return 410
    return 400


def validation_message(errors: list[dict[str, Any]]) -> str:
    """`body.phone: Enter a valid phone number; query.limit: ...` on one line."""
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body" or len(err["loc"]) == 1)
        msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "Invalid request: " + "; ".join(parts) + more


def validation_error(
    loc: tuple[str | int, ...], message: str, value: Any = None
) -> RequestValidationError:
    """A 422 raised by a route after FastAPI's own validation (e.g. a phone number), same shape."""
    return RequestValidationError(
        [{"type": "value_error", "loc": loc, "msg": message, "input": value}]
    )


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str})
    return JSONResponse(
        status_code=422,
        content={
            "error": "validation_error",
            "message": validation_message(errors),
            "detail": errors,
        },
    )


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(
        jsonable_encoder(exc.to_dict()), status_code=exc.status_code, headers=exc.headers
    )


async def _on_aida_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AidaError)
    status = status_for(exc)
    headers = {"Retry-After": "5"} if status == 503 else None
    return JSONResponse(jsonable_encoder(exc.to_dict()), status_code=status, headers=headers)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (unknown route, wrong method) in our shape."""
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    message = exc.detail if isinstance(exc.detail, str) else "The request could not be served."
    if exc.status_code == 404 and message == "Not Found":
        message = "There is no such endpoint; see /docs for the ones that exist."
    return JSONResponse(
        {"error": codes.get(exc.status_code, "http_error"), "message": message},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(AidaError, _on_aida_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename}:{last.lineno} in {last.name}"


class CatchAllMiddleware:
    """Turns an unhandled exception into a JSON 500 without a stack trace.

    A plain ASGI middleware (not Starlette's `BaseHTTPMiddleware`, which costs a task per request)
    placed inside Starlette's `ServerErrorMiddleware`, so that one never prints a traceback page or
    re-raises into the server's log with the exception's message.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            ref = uuid.uuid4().hex[:12]
            log.error(
                "unhandled %s on %s %s at %s (ref %s)",
                type(exc).__name__,
                scope.get("method"),
                scope.get("path"),
                _where(exc),
                ref,
            )
            # The full traceback only at DEBUG, which production does not enable.
            log.debug("traceback for ref %s", ref, exc_info=exc)
            if started:
                return
            response = JSONResponse(
                {
                    "error": "internal_error",
                    "message": "Something went wrong on our side. Please try again.",
                    "reference": ref,
                },
                status_code=500,
            )
            await response(scope, receive, send)
