"""The brief's cloud stack against local doubles of its providers (aida/simulate/cloud_doubles):
the real LiveKit plugins, pointed at 127.0.0.1 by their base-URL settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aida.config import Settings
from aida.simulate.cloud_doubles import CloudDoubles


@pytest.fixture
def base_settings(tmp_path: Path) -> Settings:
    """Settings as a fresh machine has them (no .env), with the database in tmp_path."""
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/base.db",
        providers="local",
    )


@pytest.fixture
async def doubles(base_settings: Settings) -> AsyncIterator[CloudDoubles]:
    async with CloudDoubles(settings=base_settings) as started:
        yield started
