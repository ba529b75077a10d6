"""A simulated call is recorded by the worker's end-of-call hook: with `--db`, in that file (where
the call ran); without it, in the configured database, where the dashboard reads (as the demo
call of scripts/run.sh is)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def aida(cwd: Path, *args: str, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALLOW_FICTIONAL_NUMBERS": "true", "PROVIDERS": "local"}
    for var in ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "OUTBOX_DIR"):
        env.pop(var, None)
    done = subprocess.run(
        [sys.executable, "-m", "aida", *args],
        cwd=cwd,  # no .env here: the settings a fresh machine has
        env={**env, **env_vars},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_a_simulated_call_leaves_its_call_summaries_row_in_db(tmp_path: Path) -> None:
    db = tmp_path / "aida.db"
    done = aida(tmp_path, "simulate", "--text", "--scripted", "book", "--db", str(db))
    assert "PASS book" in done.stdout

    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("select * from call_summaries").fetchall()
        booked = conn.execute(
            "select count(*) from appointments where status = 'booked' and user_phone = ?",
            ("+12025550143",),
        ).fetchone()[0]
    assert len(rows) == 1, "the call left no record (or more than one)"
    row = dict(rows[0])
    assert row["user_phone"] == "+12025550143"
    transcript = json.loads(row["transcript"])
    assert any("Shall I book Wednesday, March 4 at 10 AM" in str(t) for t in transcript)
    timeline = json.loads(row["timeline"])
    assert {"call_started", "call_ended"} <= {e["type"] for e in timeline}
    assert booked == 1
    # delivered, so nothing waits in the outbox beside the database
    outbox = tmp_path / "outbox"
    assert not outbox.exists() or not any(outbox.glob("*.json"))


def test_without_db_the_record_goes_to_the_configured_database(tmp_path: Path) -> None:
    dashboard = tmp_path / "dashboard.db"
    url = f"sqlite:///{dashboard}"
    aida(tmp_path, "db", "migrate", DATABASE_URL=url)
    done = aida(tmp_path, "simulate", "--text", "--scripted", "book", DATABASE_URL=url)
    assert "PASS book" in done.stdout
    with sqlite3.connect(dashboard) as conn:
        calls = conn.execute("select user_phone, presented_phone from call_summaries").fetchall()
        # the call's calendar was a fresh one of its own: the dashboard's is untouched
        appointments = conn.execute("select count(*) from appointments").fetchone()[0]
    # The caller's file is in the scenario's own calendar, not in this database, and a call record
    # never creates a patient (docs/security.md): the number is kept as the one presented.
    assert calls == [(None, "+12025550143")]
    assert appointments == 0
