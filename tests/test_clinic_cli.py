"""`python -m aida clinic ...`: closures, providers and visit types against a throwaway SQLite
file, as staff would run them."""

from __future__ import annotations

import datetime as dt
import sqlite3

from tests.test_aida_cli import aida


def lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [line for line in result.stdout.splitlines() if line.strip()]


def future_thursday() -> dt.date:
    """A Thursday a few weeks out, so the closure is upcoming whenever the test runs."""
    day = dt.date.today() + dt.timedelta(days=21)
    return day + dt.timedelta(days=(3 - day.weekday()) % 7)


def test_close_list_and_reopen_by_date_or_id(tmp_path) -> None:
    day = future_thursday()
    closed = aida("clinic", "close", day.isoformat(), "--reason", "Thanksgiving", tmp_path=tmp_path)
    assert closed.returncode == 0, closed.stderr
    (line,) = lines(closed)
    closure_id, text = line.split("  ", 1)
    assert text == f"closed on {day:%A}, {day:%B} {day.day} for Thanksgiving"

    later = day + dt.timedelta(days=7)
    ranged = aida(
        "clinic", "close", later.isoformat(), "--from", "13:00", "--to", "17:00",
        "--reason", "Training", tmp_path=tmp_path,
    )  # fmt: skip
    assert ranged.returncode == 0, ranged.stderr
    assert lines(ranged)[0].endswith(f"{later.day} from 1 PM to 5 PM for Training")

    listed = aida("clinic", "closures", tmp_path=tmp_path)
    assert lines(listed)[0].split("  ")[0] == closure_id
    assert len(lines(listed)) == 2

    # the closed day is not offered
    slots = aida("db", "slots", day.isoformat(), "--limit", "5", tmp_path=tmp_path)
    assert slots.returncode == 0, slots.stderr
    assert day.isoformat() not in "".join(lines(slots)[1:])

    by_date = aida("clinic", "reopen", day.isoformat(), tmp_path=tmp_path)
    assert by_date.returncode == 0, by_date.stderr
    assert lines(by_date) == [f"reopened: {line}"]
    by_id = aida("clinic", "reopen", lines(ranged)[0].split("  ")[0], tmp_path=tmp_path)
    assert by_id.returncode == 0, by_id.stderr
    assert lines(aida("clinic", "closures", tmp_path=tmp_path)) == ["no upcoming closures"]


def test_closing_a_day_with_bookings_keeps_and_lists_them(tmp_path) -> None:
    day = future_thursday()
    assert aida("db", "migrate", tmp_path=tmp_path).returncode == 0
    start = dt.datetime.combine(day, dt.time(15, 0))  # 10 or 11 AM in New York
    with sqlite3.connect(tmp_path / "cli.db") as db:
        db.execute("insert into users (phone, name) values ('+12025550143', 'Jane Doe')")
        db.execute(
            "insert into appointments (id, user_phone, start_time, end_time) values"
            " ('6f1c2a4e-9d3b-4c1a-8e5f-0a1b2c3d4e5f', '+12025550143', ?, ?)",
            (f"{start:%Y-%m-%dT%H:%M:%S}.000000Z", f"{start:%Y-%m-%dT%H}:30:00.000000Z"),
        )
    closed = aida("clinic", "close", day.isoformat(), "--reason", "Flood", tmp_path=tmp_path)
    assert closed.returncode == 0, closed.stderr
    out = lines(closed)
    assert out[1] == "1 booked appointment(s) in it stay booked; call to move them:"
    assert "6f1c2a4e-9d3b-4c1a-8e5f-0a1b2c3d4e5f" in out[2]
    assert "+12025550143" not in closed.stdout  # the number is masked
    with sqlite3.connect(tmp_path / "cli.db") as db:
        assert db.execute("select status from appointments").fetchone() == ("booked",)


def test_providers_and_visit_types(tmp_path) -> None:
    patel = aida("clinic", "provider", "add", "Dr. Patel", "--hours", "mon-fri 9:00-17:00",
                 tmp_path=tmp_path)  # fmt: skip
    assert patel.returncode == 0, patel.stderr
    assert lines(patel)[0].endswith("  Dr. Patel  Mon-Fri 09:00-17:00")
    assert aida("clinic", "provider", "add", "Dr. Kim", tmp_path=tmp_path).returncode == 0
    providers = lines(aida("clinic", "provider", "list", tmp_path=tmp_path))
    assert [p.split("  ", 1)[1] for p in providers] == [
        "Dr. Kim  (clinic hours)",
        "Dr. Patel  Mon-Fri 09:00-17:00",
    ]
    physical = aida("clinic", "visit-type", "add", "Physical", "--minutes", "60",
                    "--providers", "Dr. Patel", tmp_path=tmp_path)  # fmt: skip
    assert physical.returncode == 0, physical.stderr
    assert lines(physical)[0].endswith("  Physical  60 min  Dr. Patel")
    follow = aida("clinic", "visit-type", "add", "Follow-up", "--minutes", "30", tmp_path=tmp_path)
    assert lines(follow)[0].endswith("  Follow-up  30 min  any provider")
    assert len(lines(aida("clinic", "visit-type", "list", tmp_path=tmp_path))) == 2


def test_bad_input_is_one_line_and_changes_nothing(tmp_path) -> None:
    for args in (
        ("clinic", "close", "26/11/2026"),
        ("clinic", "close", "2026-11-27", "--until", "2026-11-26"),
        ("clinic", "reopen", "not-a-closure"),
        ("clinic", "provider", "add", "Dr. X", "--hours", "weekdays"),
        ("clinic", "visit-type", "add", "Physical", "--minutes", "60", "--providers", "Dr. Who"),
        ("clinic", "visit-type", "add", "Physical", "--minutes", "0"),
    ):
        result = aida(*args, tmp_path=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, args
        assert "Traceback" not in result.stderr
    assert lines(aida("clinic", "closures", "--all", tmp_path=tmp_path)) == ["no closures"]
    assert lines(aida("clinic", "visit-type", "list", tmp_path=tmp_path)) == [
        "no visit types: every appointment is one slot long"
    ]


def test_profile_set_and_show(tmp_path) -> None:
    import json

    shown = aida("clinic", "profile", "show", tmp_path=tmp_path)
    assert shown.returncode == 0, shown.stderr
    profile = json.loads(shown.stdout)
    assert profile["address"] is None and profile["hours"]["sat"] == []
    for field, value in (("address", "12 Main St"), ("hours.sat", "09:00-12:00")):
        done = aida("clinic", "profile", "set", field, value, tmp_path=tmp_path)
        assert done.returncode == 0, done.stderr
    profile = json.loads(aida("clinic", "profile", "show", tmp_path=tmp_path).stdout)
    assert profile["address"] == "12 Main St"
    assert profile["hours"]["sat"] == [{"open": "09:00", "close": "12:00"}]
    edits = json.loads(aida("clinic", "profile", "show", "--edits", tmp_path=tmp_path).stdout)
    assert edits == {"address": "12 Main St", "hours": {"sat": "09:00-12:00"}}
    wrong = aida("clinic", "profile", "set", "adress", "x", tmp_path=tmp_path)
    assert wrong.returncode != 0 and "No profile field" in (wrong.stderr + wrong.stdout)
