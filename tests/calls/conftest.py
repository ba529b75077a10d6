"""The after-call record, offline: a SQLite store in tmp_path, an outbox next to it, scripted LLMs.

The clock of the recorded call stands at Monday, March 2, 2026, 8:00 AM in New York (the clinic is
open weekdays 9 to 5 in 30-minute slots), like the agent's tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aida.calls.outbox import Outbox
from aida.config import Settings
from aida.errors import StoreUnavailable
from aida.scheduling.clock import FixedClock
from aida.store.protocol import Store
from aida.store.sqlite import SqliteStore
from aida.tools.base import ClinicContext
from tests.calls.doubles import FlakyStore

TZ = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=TZ)
CALLER = "+12025550143"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "aida.db"


@pytest.fixture
def settings(tmp_path: Path, db_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{db_path}",
        outbox_dir=tmp_path / "outbox",
        outbox_retry_seconds=60,
        default_timezone="America/New_York",
        clinic_name="Riverside Family Clinic",
        providers="cloud",  # no local model: summaries come from the scripted doubles only
        understand_in_code=False,  # the scripted LLM plays every turn of these calls
    )


@pytest.fixture
def outbox(settings: Settings) -> Outbox:
    return Outbox(settings.outbox_dir)


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    store = SqliteStore(db_path)
    await store.migrate()
    yield store
    await store.close()


@pytest.fixture
def flaky(store: Store) -> FlakyStore:
    return FlakyStore(store)


class Factory:
    """A store factory for the code under test; `unreachable` makes opening fail."""

    def __init__(self, flaky: FlakyStore) -> None:
        self.flaky = flaky
        self.unreachable = False
        self.opened = 0

    async def __call__(self) -> Store:
        if self.unreachable:
            raise StoreUnavailable("Sorry, our system is briefly unavailable.")
        self.opened += 1
        return self.flaky  # type: ignore[return-value]


@pytest.fixture
def store_factory(flaky: FlakyStore) -> Factory:
    return Factory(flaky)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def tools(store: Store, settings: Settings, clock: FixedClock) -> ClinicContext:
    return ClinicContext(store=store, settings=settings, clock=clock)


async def count_rows(db_path: Path) -> int:
    import aiosqlite

    async with aiosqlite.connect(db_path) as conn:
        rows = list(await conn.execute_fetchall("select count(*) from call_summaries"))
    return int(rows[0][0])
