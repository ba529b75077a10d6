"""Dependencies the routes declare, as `Annotated` aliases (`SettingsDep`, `StoreDep`, ...).

Each reads the process-wide `AppState` from `app.state.aida`; tests replace any of them with
`app.dependency_overrides[get_store] = ...` or build the app with their own settings/store/clock.
All are `async def` although none awaits much: FastAPI runs a plain `def` dependency in a worker
thread, which cost more than the rest of a token request put together.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from aida.api.errors import ApiError
from aida.api.schemas import ErrorBody
from aida.api.security import check_staff
from aida.api.state import AppState
from aida.config import Settings
from aida.scheduling.clock import Clock
from aida.scheduling.hours import ClinicHours
from aida.store.protocol import Store
from aida.tools.base import ClinicContext


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.aida
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_app_settings(state: StateDep) -> Settings:
    return state.settings


async def get_store(state: StateDep) -> Store:
    return await state.store()


async def get_clock(state: StateDep) -> Clock:
    return state.clock


async def get_hours(state: StateDep) -> ClinicHours:
    return state.hours


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
ClockDep = Annotated[Clock, Depends(get_clock)]
HoursDep = Annotated[ClinicHours, Depends(get_hours)]


async def get_clinic(
    settings: SettingsDep, store: StoreDep, clock: ClockDep, hours: HoursDep
) -> ClinicContext:
    """What a tool's core needs, so a route answers exactly as Aida does on a call."""
    return ClinicContext(store=store, settings=settings, clock=clock, hours=hours)


ClinicDep = Annotated[ClinicContext, Depends(get_clinic)]

# auto_error=False: a missing credential gets our 401 (which says how to authenticate), not
# FastAPI's bare 403. Declaring both schemes puts an "Authorize" button on /docs.
_bearer = HTTPBearer(auto_error=False, description="A staff key from STAFF_API_KEYS.")
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="A staff key from STAFF_API_KEYS."
)


async def require_staff(
    request: Request,
    state: StateDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> str:
    """The label of the staff key presented (e.g. "frontdesk"), for the audit log. Wrong keys
    are counted per client address: past STAFF_AUTH_FAILURES_PER_MINUTE the address waits (429),
    so keys cannot be guessed at network speed."""
    address = client_address(request)
    limiter = state.staff_failures
    wait = limiter.waiting(address)
    if wait is not None:
        raise _too_many(wait, "wrong staff keys", limiter.limit)
    try:
        return check_staff(
            state.settings.staff_keys, bearer.credentials if bearer else None, api_key
        )
    except ApiError as exc:
        if exc.status_code == 401 and (bearer is not None or api_key):
            limiter.hit(address)
        raise


def _too_many(wait: float, what: str, limit: int) -> ApiError:
    seconds = max(1, int(wait + 0.999))
    return ApiError(
        429,
        "rate_limited",
        f"Too many {what} from this address: the limit is {limit} per minute. Try again in "
        f"{seconds} seconds.",
        {"Retry-After": str(seconds)},
        retry_after_seconds=seconds,
    )


# On a router: refuses anyone without a staff key. As a parameter (`staff: StaffLabel`): the same
# check (FastAPI runs it once per request), and the route learns whose key it was.
StaffDep = Depends(require_staff)
StaffLabel = Annotated[str, Depends(require_staff)]
# What a staff route can answer besides its own responses, for /docs.
STAFF_ERRORS: dict[int | str, dict[str, object]] = {
    429: {"model": ErrorBody, "description": "Too many wrong staff keys from this address."},
    401: {"model": ErrorBody, "description": "No or wrong staff credential; the body says how."},
    503: {"model": ErrorBody, "description": "Staff keys not configured, or the store is down."},
}


# Every request that carries a forwarded header nobody configured us to trust shares this key.
UNTRUSTED_FORWARDED = "forwarded-untrusted"


def client_address(request: Request) -> str:
    """The client's address, for rate limits and origins. uvicorn believes X-Forwarded-For from
    127.0.0.1 by default, so a careless local proxy would let anyone pick their own bucket: unless
    FORWARDED_ALLOW_IPS names the proxy (uvicorn reads the same variable), a request that
    carries the header is counted under one shared key instead (docs/security.md)."""
    state: AppState = request.app.state.aida
    if not state.settings.forwarded_allow_ips and (
        "x-forwarded-for" in request.headers or "forwarded" in request.headers
    ):
        return UNTRUSTED_FORWARDED
    return request.client.host if request.client else "unknown"


async def rate_limit_session(request: Request) -> None:
    # Reads the state directly rather than through StateDep: each nested dependency costs
    # FastAPI a resolution step on the hottest route.
    state: AppState = request.app.state.aida
    wait = state.limiter.hit(client_address(request))
    if wait is not None:
        raise _too_many(wait, "session requests", state.limiter.limit)


SessionRateLimit = Depends(rate_limit_session)
