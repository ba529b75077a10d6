"""Text mode with a scripted LLM: the real agent, tools and SQLite store; scripts that follow what
the tools return; each kind of failed check; a turn the model must not be asked about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aida.config import Settings
from aida.simulate.scenario import load_scenario, parse_scenario
from aida.simulate.text import TextSimulator

JANE = "+12025550143"
MARCUS = "+12025550178"


def scenario(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "t",
        "now": "2026-03-02T08:30:00",
        "caller": JANE,
        "patients": [{"phone": "caller", "name": "Jane Doe"}, {"phone": MARCUS, "name": "Marcus"}],
        "appointments": [{"phone": MARCUS, "start": "2026-03-04T10:00"}],
        "lines": ["Is Wednesday at ten free?", "Thanks, bye."],
        "expect": [{"booked": []}, {"phone": MARCUS, "booked": ["2026-03-04T10:00"]}],
        "scripted": {
            "greeting": "Hello, this is Aida.",
            "turns": [
                [
                    {
                        "call": "find_available_slots",
                        "args": {"when": "Wednesday, March 4 at 10 AM"},
                    },
                    "{find_available_slots} Which would you like?",
                ],
                ["Goodbye!"],
            ],
        },
    }
    data.update(extra)
    return data


async def run(data: dict[str, Any], settings: Settings, tmp_path: Path) -> tuple[Any, list[str]]:
    lines: list[str] = []
    simulator = TextSimulator(settings, scripted=True, printer=lines.append)
    result = await simulator.run(parse_scenario(data), database=tmp_path / "t.db")
    return result, lines


async def test_a_scripted_conversation_runs_the_real_tools(
    base_settings: Settings, tmp_path: Path
) -> None:
    data = scenario(must_say=[["nearest openings"], ["goodbye"]], never_say=["Marcus"])
    result, lines = await run(data, base_settings, tmp_path)

    assert result.ok, result.problems + lines
    assert [t.llm_requests for t in result.turns] == [2, 1]
    said = [e["text"] for e in result.timeline if e["type"] == "transcript"]
    # the reply carries what the real slot finder said about the taken time
    assert said[0] == "Hello, this is Aida."
    assert said[1] == "Is Wednesday at ten free?"
    assert said[2].startswith("Wednesday, March 4 at 10 AM is taken. The nearest openings are")
    assert said[2].endswith("Which would you like?")
    printed = "\n".join(lines)
    assert "caller: Is Wednesday at ten free?" in printed
    assert "tool  : find_available_slots(when='Wednesday, March 4 at 10 AM')" in printed
    assert "caller ID on the line; LLM scripted" in printed


async def test_failed_checks_are_named(base_settings: Settings, tmp_path: Path) -> None:
    data = scenario(
        must_say=[["911"]],
        never_say=["nearest openings"],
        forbidden_tools=[
            {"name": "find_available_slots", "args": {"when": "wednesday, march 4 at 10 am"}}
        ],
        expect=[{"booked": ["2026-03-04T10:30"]}],
    )
    result, _ = await run(data, base_settings, tmp_path)

    assert [f.check for f in result.failures] == [
        "expect",
        "must_say",
        "never_say",
        "forbidden_tools",
    ]
    assert "expected booked Wed 2026-03-04 10:30; found none" in result.problems[0]
    assert result.problems[1] == 'must_say: Aida never said "911"'
    assert result.problems[2].startswith('never_say: Aida said "nearest openings" (turn 1: ')


async def test_a_turn_scripted_empty_fails_when_the_model_is_asked(
    base_settings: Settings, tmp_path: Path
) -> None:
    # an empty turn stands for "Aida's code answers this": here nothing does, so the model is
    # asked anyway and the run says so, and the next turn still plays its own script
    data = scenario(scripted={"turns": [[], ["Goodbye!"]]})
    result, _ = await run(data, base_settings, tmp_path)

    assert [f.check for f in result.failures] == ["script"]
    assert result.problems[0] == (
        "script: turn 1: the LLM was asked 1 time(s); the script has none "
        "(Aida's code answers this turn)"
    )
    said = [
        e["text"] for e in result.timeline if e["type"] == "transcript" and e["role"] == "assistant"
    ]
    assert said[-1] == "Goodbye!"


def test_unused_steps_fail_as_script() -> None:
    from aida.simulate.scripted_llm import ScriptedLLM, say
    from aida.simulate.text import _script_mismatch

    model = ScriptedLLM([say("never asked for")])
    (failure,) = _script_mismatch(model, 2, steps=2, asked=1)
    assert str(failure) == (
        "script: turn 2: the LLM was asked 1 time(s); 1 of the 2 scripted step(s) were never used"
    )
    assert model.exhausted  # the next turn starts on its own steps
    assert _script_mismatch(model, 3, steps=1, asked=1) == []


async def test_placeholders_read_fields_and_refusals(
    base_settings: Settings, tmp_path: Path
) -> None:
    data = scenario(
        scripted={
            "turns": [
                [
                    # nobody has verified yet, so the list is refused
                    {"call": "list_appointments"},
                    "Refused: {list_appointments}|{list_appointments.appointments.0.id}|"
                    "{get_current_time}",
                ],
                [
                    {
                        "call": "find_available_slots",
                        "args": {"when": "Wednesday, March 4 at 10:30 AM"},
                    },
                    "{find_available_slots.slots.0.spoken}",
                ],
            ]
        }
    )
    result, lines = await run(data, base_settings, tmp_path)
    said = [
        e["text"] for e in result.timeline if e["type"] == "transcript" and e["role"] == "assistant"
    ]
    refusal = next(e for e in result.timeline if e["type"] == "tool_result")
    assert refusal["ok"] is False, lines
    # the refusal's own words, then a field and a tool that are not there
    assert said[1] == (
        f"Refused: {refusal['error']['message']}|[no list_appointments.appointments.0.id]|"
        "[no output of get_current_time]"
    )
    assert said[2] == "Wednesday, March 4 at 10:30 AM"


async def test_a_scenario_without_a_script_fails_scripted_mode(
    base_settings: Settings, tmp_path: Path
) -> None:
    data = scenario()
    del data["scripted"]
    result, _ = await run(data, base_settings, tmp_path)
    assert result.problems == ["script: the scenario has no scripted block"]


def test_cli_text_scripted_passes_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aida.cli import main

    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(scenario()))
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(scenario(never_say=["goodbye"])))

    assert main(["simulate", "--text", "--scripted", str(good)]) == 0
    out = capsys.readouterr().out
    assert "Aida  : Goodbye!" in out and "PASS t: every check passed" in out

    assert main(["simulate", "--text", "--scripted", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "FAIL t:" in out and '- never_say: Aida said "goodbye" (turn 2: "Goodbye!")' in out

    assert main(["simulate", "--scripted", str(good)]) == 2  # scripted needs --text


def test_shipped_scenarios_carry_their_checks() -> None:
    emergency = load_scenario("emergency_chest_pain")
    assert emergency.checks.must_say == (("911",),)
    assert {t.name for t in emergency.checks.forbidden_tools} == {
        "book_appointment",
        "reschedule_appointment",
        "cancel_appointment",
    }
    assert emergency.scripted is not None and emergency.scripted.turns[0] == ()
    web = load_scenario("web_other_patient")
    assert web.caller is None and web.web_phone == JANE and web.caller_id_source == "token"
    assert "Jane" in web.checks.never_say
    anonymous = load_scenario("no_caller_id_book")
    assert anonymous.caller_id_source == "none" and anonymous.presented_phone is None
    book = load_scenario("book")
    assert "can't book" in book.checks.never_say and "try again later" in book.checks.never_say
