"""Simulated calls: scenario files, the end-state checker, the simulated line, the latency
attribution (fast), and one real call through the local models (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aida.config import Settings


@pytest.fixture
def base_settings(tmp_path: Path) -> Settings:
    """Settings as a fresh machine has them (no .env), with the database in tmp_path."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path}/base.db",
        providers="local",
    )
