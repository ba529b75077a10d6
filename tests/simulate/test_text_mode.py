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
        "patients": [
            {"phone": "caller", "name": "Jane Doe", "date_of_birth": "1985-03-03"},
            {"phone": MARCUS, "name": "Marcus"},
        ],
        "appointments": [{"phone": MARCUS, "start": "2026-03-04T10:00"}],
        "lines": ["Is Wednesday at ten free?", "Thanks, bye."],
        "expect": [{"booked": []}, {"phone": MARCUS, "booked": ["2026-03-04T10:00"]}],
        "scripted": {
            "turns": [
                # the slot finder speaks its own answer and asks the model for no reply
                [{"call": "find_available_slots", "args": {"when": "Wednesday, March 4 at 10 AM"}}],
                ["Goodbye!"],
            ],
        },
    }
    data.update(extra)
    return data


async def run(data: dict[str, Any], settings: Settings, tmp_path: Path) -> tuple[Any, list[str]]:
    lines: list[str] = []
    # the model's path: these scripts play every turn (turns read in code: test_understand.py)
    settings = settings.model_copy(update={"understand_in_code": False})
    simulator = TextSimulator(settings, scripted=True, printer=lines.append)
    result = await simulator.run(parse_scenario(data), database=tmp_path / "t.db")
    return result, lines


async def test_a_scripted_conversation_runs_the_real_tools(
    base_settings: Settings, tmp_path: Path
) -> None:
    data = scenario(must_say=[["nearest openings"], ["goodbye"]], never_say=["Marcus"])
    result, lines = await run(data, base_settings, tmp_path)

    assert result.ok, result.problems + lines
    assert [t.llm_requests for t in result.turns] == [1, 1]
    said = [e["text"] for e in result.timeline if e["type"] == "transcript"]
    # what the real slot finder said about Marcus's time is what the caller heard
    assert said[0] == "Hello, this is Aida at Riverside Family Clinic. How can I help you today?"
    assert said[1] == "Is Wednesday at ten free?"
    assert "Wednesday, March 4 at 10 AM is taken" in said[2]
    assert said[3:] == ["Thanks, bye.", "Goodbye!"]
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


async def test_the_web_scenario_catches_a_guard_that_lets_the_hint_through(
    base_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the tools speak what they return: if they trusted the web form's phone as proof, Jane's
    # appointment would reach the visitor, and the scenario must say so
    from aida.agent.state import CallState

    monkeypatch.setattr(CallState, "verified_caller", property(lambda self: self.caller))
    lines: list[str] = []
    simulator = TextSimulator(base_settings, scripted=True, printer=lines.append)
    result = await simulator.run(load_scenario("web_other_patient"), database=tmp_path / "w.db")

    assert not result.ok
    leaked = [p for p in result.problems if p.startswith("never_say:")]
    assert any('"March 4"' in p and "(turn 1:" in p for p in leaked), result.problems + lines


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


async def test_placeholders_read_tool_outputs(base_settings: Settings, tmp_path: Path) -> None:
    verify = {"full_name": "Jane Doe", "date_of_birth": "1985-03-03"}
    data = scenario(
        scripted={
            "turns": [
                [
                    # identify_caller leaves the next step to the model, which is asked again
                    {"call": "identify_caller", "args": verify},
                    "Said: {identify_caller}|{identify_caller.verified}|"
                    "{identify_caller.no.such.field}|{get_current_time}",
                ],
                # an argument that is one placeholder keeps the value's type
                [
                    {
                        "call": "list_appointments",
                        "args": {"include_past": "{identify_caller.verified}"},
                    }
                ],
            ]
        }
    )
    result, lines = await run(data, base_settings, tmp_path)

    assert result.ok, result.problems + lines
    identified = next(e for e in result.timeline if e["type"] == "tool_result")
    said = [
        e["text"] for e in result.timeline if e["type"] == "transcript" and e["role"] == "assistant"
    ]
    assert said[1] == (
        f"Said: {identified['result']['say']}|True|[no identify_caller.no.such.field]|"
        "[no output of get_current_time]"
    )
    listed = [e for e in result.timeline if e["type"] == "tool_call"][-1]
    assert listed["name"] == "list_appointments" and listed["args"] == {"include_past": True}


async def test_a_scenario_without_a_script_fails_scripted_mode(
    base_settings: Settings, tmp_path: Path
) -> None:
    data = scenario()
    del data["scripted"]
    result, _ = await run(data, base_settings, tmp_path)
    assert result.problems == ["script: the scenario has no scripted block"]


def test_cli_text_scripted_passes_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from aida.cli import main
    from aida.config import get_settings

    monkeypatch.setenv("UNDERSTAND_IN_CODE", "false")  # the scripted model says the goodbye
    get_settings.cache_clear()
    monkeypatch.setattr("aida.simulate.cli.get_settings", lambda: Settings())

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
        "find_available_slots",
    }
    assert emergency.scripted is not None and emergency.scripted.turns[0] == ()
    web = load_scenario("web_other_patient")
    assert web.caller is None and web.web_phone == JANE and web.caller_id_source == "token"
    assert "Jane" in web.checks.never_say
    anonymous = load_scenario("no_caller_id_book")
    assert anonymous.caller_id_source == "none" and anonymous.presented_phone is None
    book = load_scenario("book")
    assert "can't book" in book.checks.never_say and "try again later" in book.checks.never_say


async def test_a_reply_that_never_ends_is_a_timeout_and_ends_the_call(
    base_settings: Settings, tmp_path: Path
) -> None:
    from aida.simulate.scripted_llm import ScriptedLLM, Slow, say

    model = ScriptedLLM([Slow(3, say("Too late."))])  # the greeting asks no model
    lines: list[str] = []
    settings = base_settings.model_copy(update={"understand_in_code": False})
    simulator = TextSimulator(settings, llm=model, printer=lines.append, turn_timeout=0.5)
    result = await simulator.run(parse_scenario(scenario()), database=tmp_path / "t.db")

    assert result.problems == ["timeout: turn 1: no reply within 0.5 s"]
    assert len(result.turns) == 1  # the second line is never said
    assert lines[-1].endswith("(no reply; the caller hangs up)")
