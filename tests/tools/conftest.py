from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.factory import open_store
from aida.tools.base import ClinicContext

TZ = ZoneInfo("America/New_York")
# Monday 30 November 2026, 08:00 in the clinic: before opening, so today's slots are still ahead.
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=TZ)
JANE = "+12025550143"
MARCUS = "+12025550178"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/tools.db",
        default_timezone="America/New_York",
        outbox_dir=tmp_path / "outbox",
    )


@pytest.fixture
async def ctx(settings):
    store = await open_store(settings)
    await store.upsert_patient(JANE, "Jane Doe")
    await store.upsert_patient(MARCUS, "Marcus Lee")
    yield ClinicContext(store=store, settings=settings, clock=FixedClock(NOW))
    await store.close()
