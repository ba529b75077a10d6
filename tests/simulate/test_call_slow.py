"""One simulated call end to end on the real local models: the caller's voice goes through the
VAD, Whisper, the local LLM with Aida's tools and the local TTS, and the appointment is in SQLite.

Real time on 2 CPU cores: a few minutes, more when the machine is busy.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import wave
from pathlib import Path

import numpy as np
import pytest

from aida.config import Settings
from aida.simulate.scenario import load_scenario

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def weights_present() -> None:
    from aida.local import weights

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    if not weights.default_gguf_path(settings.model_cache_dir).is_file():
        pytest.skip("the local LLM is not prepared: run `python -m aida models prepare`")


async def test_a_simulated_call_books_the_appointment_in_sqlite(
    tmp_path: Path, base_settings: Settings, weights_present: None
) -> None:
    from aida.simulate.runner import Simulator

    scenario = load_scenario("book")
    lines: list[str] = []
    result = await Simulator(base_settings, printer=lines.append).run(scenario, tmp_path)

    assert result.ok, "\n".join([*result.problems, *lines])
    # the booking is in the call's SQLite database, for the caller, at 10:00 New York time
    with sqlite3.connect(tmp_path / "aida.db") as db:
        rows = db.execute(
            "select user_phone, start_time from appointments where status = 'booked'"
        ).fetchall()
    starts = {
        phone: dt.datetime.fromisoformat(str(start)).astimezone(scenario.settings(base_settings).tz)
        for phone, start in rows
    }
    assert starts[scenario.caller].strftime("%Y-%m-%d %H:%M") == "2026-03-04 10:00"
    # and the call is recorded there by the worker's end-of-call hook, for the dashboard
    with sqlite3.connect(tmp_path / "aida.db") as db:
        recorded = db.execute("select user_phone from call_summaries").fetchall()
    assert recorded == [(scenario.caller,)]

    # Aida answered the caller's turns in speech, and the call went through the tools
    tool_names = [e["name"] for e in result.timeline if e["type"] == "tool_call"]
    assert "book_appointment" in tool_names, lines
    answered = [lat for lat in result.latencies if lat.total is not None]
    assert answered, lines
    assert all(
        lat.total > 0 and abs(sum(lat.parts.values()) - lat.total) < 1e-3 for lat in answered
    )
    # what the STT heard of the first line carries the date and time the caller said
    assert result.turns[0].heard and "10" in result.turns[0].heard

    # both sides are in the recording, and the files are written
    with wave.open(str(tmp_path / "call.wav")) as w:
        assert w.getnchannels() == 2 and w.getframerate() == 24_000
        audio = np.frombuffer(w.readframes(w.getnframes()), np.int16).reshape(-1, 2)
    assert np.abs(audio[:, 0]).max() > 1000 and np.abs(audio[:, 1]).max() > 1000
    summary = json.loads((tmp_path / "result.json").read_text())
    assert summary["ok"] is True
    assert (tmp_path / "transcript.txt").read_text().count("Aida:") >= 2
