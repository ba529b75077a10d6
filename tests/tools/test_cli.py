"""`python -m aida.tools.<name>`: JSON on success; one stderr line and non-zero exit on error."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

NOW = "2026-11-30T08:00"


def run(tool: str, *args: str, db) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DEFAULT_TIMEZONE": "America/New_York",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", f"aida.tools.{tool}", "--now", NOW, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def db(tmp_path):
    return tmp_path / "cli.db"


def test_book_list_cancel_by_hand(db):
    booked = run(
        "book_appointment",
        "--phone",
        "+12025550143",
        "--start",
        "tomorrow at 10",
        "--name",
        "Jane Doe",
        db=db,
    )
    assert booked.returncode == 0, booked.stderr
    appt = json.loads(booked.stdout)["appointment"]
    assert appt["start"] == "2026-12-01T10:00:00-05:00"

    listed = run("list_appointments", "--phone", "202-555-0143", db=db)
    assert listed.returncode == 0
    assert [a["id"] for a in json.loads(listed.stdout)["appointments"]] == [appt["id"]]

    cancelled = run("cancel_appointment", "--phone", "+12025550143", "--id", appt["id"], db=db)
    assert cancelled.returncode == 0
    assert json.loads(cancelled.stdout)["appointment"]["status"] == "cancelled"


def test_remember_preference_by_hand(db):
    registered = run("register_patient", "--phone", "+12025550143", "--name", "Jane Doe", db=db)
    assert registered.returncode == 0, registered.stderr
    noted = run(
        "remember_preference", "--phone", "+12025550143", "--set", "Time of day=morning", db=db
    )
    assert noted.returncode == 0, noted.stderr
    assert json.loads(noted.stdout)["preferences"] == {"time_of_day": "morning"}


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("book_appointment", ["--phone", "+12025550143", "--start", "the 45th of Smarch"]),
        ("book_appointment", ["--phone", "nope", "--start", "tomorrow at 10"]),
        ("cancel_appointment", ["--phone", "+12025550143", "--id", "123"]),
        ("remember_preference", ["--phone", "+12025550143", "--set", "novalue"]),
    ],
)
def test_errors_are_one_line_without_traceback(db, tool, args):
    result = run(tool, *args, db=db)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
