"""A simulated call is recorded by the worker's end-of-call hook in the database it ran against, so
`aida simulate ... --db data/aida.db` (what scripts/run.sh runs) puts its call on the dashboard."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_a_simulated_call_leaves_its_call_summaries_row_in_db(tmp_path: Path) -> None:
    db = tmp_path / "aida.db"
    env = {**os.environ, "ALLOW_FICTIONAL_NUMBERS": "true", "PROVIDERS": "local"}
    for var in ("DATABASE_URL", "SUPABASE_URL", "SUPABASE_KEY", "OUTBOX_DIR"):
        env.pop(var, None)
    done = subprocess.run(
        [sys.executable, "-m", "aida", "simulate", "--text", "--scripted", "book", "--db", str(db)],
        cwd=tmp_path,  # no .env here: the settings a fresh machine has
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
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
