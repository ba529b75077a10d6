"""Fixtures for the API tests: settings with known keys, a fixed clock, the app and an ASGI client.

`store` comes from the root conftest: each test that uses it runs against SQLite and against the
real PostgreSQL (skipped, loudly, where PostgreSQL cannot be started).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from aida.api.main import create_app
from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store

LIVEKIT_KEY = "APIaidaTestKey"
LIVEKIT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
STAFF_KEYS = ("staff-key-alpha-0123456789abcdef0123456", "staff-key-beta-6543210987654321fedcba9")
# Monday 2 March 2026, 9:00 AM in New York (EST, UTC-5): the clinic has just opened.
NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


# For tests of input handling, which is the same whatever the backend: PostgreSQL costs a fresh
# database (about a second) per test.
sqlite_only = pytest.mark.parametrize("store", ["sqlite"], indirect=True)


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "livekit_url": "wss://livekit.test",
        "livekit_api_key": LIVEKIT_KEY,
        "livekit_api_secret": LIVEKIT_SECRET,
        "livekit_token_ttl": 900,
        "staff_api_keys": ",".join(STAFF_KEYS),
        "session_rate_limit_per_minute": 1000,
        "database_url": f"sqlite:///{tmp_path / 'api.db'}",
        "default_timezone": "America/New_York",
        "providers": "auto",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def build_app(settings: Settings, store: Store | None, clock: FixedClock) -> FastAPI:
    return create_app(settings, store=store, clock=clock)


@pytest.fixture
def app(settings: Settings, store: Store, clock: FixedClock) -> FastAPI:
    return build_app(settings, store, clock)


@asynccontextmanager
async def client_for(
    app: FastAPI, client_host: str = "203.0.113.7"
) -> AsyncIterator[httpx.AsyncClient]:
    """An ASGI client posing as `client_host`; closes whatever store the app opened itself
    (httpx's transport runs no lifespan)."""
    transport = httpx.ASGITransport(app=app, client=(client_host, 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        await app.state.aida.close()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


@pytest.fixture
def staff() -> dict[str, str]:
    return {"Authorization": f"Bearer {STAFF_KEYS[0]}"}
