"""`python -m aida summaries list | retry`, run as an operator would, in a subprocess."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from aida.calls import finalize_call
from aida.calls.outbox import Outbox
from aida.config import Settings
from aida.errors import StoreUnavailable
from tests.calls.conftest import count_rows

ROOT = Path(__file__).resolve().parents[2]
CALLS = ["1c7e4b1a-0000-4000-8000-000000000001", "1c7e4b1a-0000-4000-8000-000000000002"]
START = dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC)


def aida(args: list[str], settings: Settings, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_API_KEY") and k not in ("SUPABASE_URL", "SUPABASE_KEY")
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=str(settings.database_url),
        OUTBOX_DIR=str(settings.outbox_dir),
        PROVIDERS="cloud",  # no keys either: no model is tried, nothing is loaded
    )
    return subprocess.run(
        [sys.executable, "-m", "aida", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_retry_drains_the_outbox_by_hand(
    settings: Settings,
    tmp_path: Path,
    db_path: Path,
    store,  # type: ignore[no-untyped-def]
) -> None:
    async def unreachable():  # type: ignore[no-untyped-def]
        raise StoreUnavailable("Sorry, our system is briefly unavailable.")

    for i, call_id in enumerate(CALLS):
        timeline = [
            {
                "v": 1,
                "seq": 1,
                "call_id": call_id,
                "type": "transcript",
                "role": "user",
                "text": "What are your hours?",
                "ts": START.isoformat(),
            },
            {
                "v": 1,
                "seq": 2,
                "call_id": call_id,
                "type": "call_ended",
                "reason": "participant_disconnected",
                "ts": START.isoformat(),
            },
        ]
        delivery = await finalize_call(
            call_id=call_id,
            room_name=f"room-{i}",
            caller_phone=None,
            started_at=START,
            ended_at=START + dt.timedelta(seconds=75 + i),
            end_reason="participant_disconnected",
            timeline=timeline,
            history={
                "items": [{"type": "message", "role": "user", "content": ["What are your hours?"]}]
            },
            usage=[],
            settings=settings,
            store_factory=unreachable,
            llms=[],
        )
        assert delivery.outcome == "pending"
    assert sorted(Outbox(settings.outbox_dir).ids()) == sorted(CALLS)

    listed = aida(["summaries", "list"], settings, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "2 queued" in listed.stdout and "StoreUnavailable" in listed.stdout
    assert "What are your hours" not in listed.stdout  # no patient data

    done = aida(["summaries", "retry"], settings, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 stored, 0 still queued" in done.stdout
    assert Outbox(settings.outbox_dir).ids() == []
    assert await count_rows(db_path) == 2
    row = await store.get_call_summary(CALLS[1])
    assert row.status == "timeline_only" and row.duration_seconds == 76.0
    assert row.summary_text.startswith("A 1 min 16 s call; the caller hung up.")

    again = aida(["summaries", "retry"], settings, tmp_path)
    assert again.returncode == 0 and "0 stored, 0 still queued" in again.stdout
    assert await count_rows(db_path) == 2
