"""Outbound calls offline: a SQLite store in tmp_path, a fixed clock at a weekday 10 AM in New
York (inside REMINDER_CALL_HOURS), and LiveKit's server API faked at its HTTP boundary (Twirp
on 127.0.0.1, tests/agent/fake_livekit.py) so every request the dialer sends is asserted."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.factory import open_store
from aida.store.protocol import Store
from tests.agent.fake_livekit import API_KEY, API_SECRET, FakeLiveKit

TZ = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)  # Monday, 10 AM
JANE = "+12025550143"
TRUNK = "ST_outbound_test"


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
async def livekit() -> AsyncIterator[FakeLiveKit]:
    server = FakeLiveKit()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings(tmp_path: Path, livekit: FakeLiveKit) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path}/t.db",
        default_timezone="America/New_York",
        clinic_name="Riverside Family Clinic",
        livekit_url=livekit.url,
        livekit_api_key=API_KEY,
        livekit_api_secret=SecretStr(API_SECRET),
        sip_outbound_trunk_id=TRUNK,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    store = await open_store(settings)
    yield store
    await store.close()


@pytest.fixture
async def jane(store: Store) -> str:
    await store.upsert_patient(JANE, "Jane Doe", date_of_birth=dt.date(1985, 3, 3))
    return JANE


async def book(store: Store, phone: str, start: dt.datetime, reason: str = "knee pain") -> str:
    booking = await store.book(
        phone,
        start.astimezone(dt.UTC),
        (start + dt.timedelta(minutes=30)).astimezone(dt.UTC),
        {"reason": reason},
    )
    return booking.appointment.id
