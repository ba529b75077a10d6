"""`python -m aida`: the operator's commands against a throwaway SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys


def aida(*args: str, tmp_path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "aida", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_migrate_is_idempotent_and_seed_adds_the_demo_clinic_once(tmp_path):
    for _ in range(2):
        migrated = aida("db", "migrate", tmp_path=tmp_path)
        assert migrated.returncode == 0, migrated.stderr
    first = aida("db", "seed", tmp_path=tmp_path)
    second = aida("db", "seed", tmp_path=tmp_path)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert "0 new appointments" in second.stdout
    with sqlite3.connect(tmp_path / "cli.db") as db:
        patients = db.execute("select count(*) from users").fetchone()[0]
        booked = db.execute("select count(*) from appointments where status='booked'").fetchone()[0]
    assert patients == 4
    assert 1 <= booked <= 5  # fewer when a seeded time has already passed today


def test_slots_lists_free_times_in_the_clinic_zone(tmp_path):
    result = aida("db", "slots", "next week", "--limit", "3", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(lines) == 3
    assert all(("-05:00" in line or "-04:00" in line) for line in lines)


def test_a_bad_command_line_fails_with_usage(tmp_path):
    result = aida("db", "slots", "the 45th of Smarch", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error:")
