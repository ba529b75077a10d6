"""A scenario file's caller lines are the words written: `say: yes` is "yes", not True."""

from __future__ import annotations

from pathlib import Path

import pytest

from aida.simulate.scenario import ScenarioError, load_scenario, parse_scenario
from aida.simulate.scenario_yaml import load_yaml

SCENARIO = """\
now: "2026-03-02T08:30:00"
caller: "+12025550143"
patients:
  - {{phone: caller, name: Jane Doe, date_of_birth: "1985-03-03"}}
lines:
{lines}
expect:
  - {{phone: caller, booked: [], registered: yes}}
  - {{transferred: false}}
"""


def write(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(lines=lines), encoding="utf-8")
    return path


def test_what_the_caller_says_is_the_words_written(tmp_path: Path) -> None:
    lines = "\n".join(
        [
            "  - say: yes",
            "  - say: no",
            "  - say: on",
            "  - say: off",
            "  - say: true",
            "  - say: 10",
            "  - say: 9:30",
            "  - say: 2026-03-04",
            "  - no",
            "  - Y",
        ]
    )
    scenario = load_scenario(write(tmp_path, lines))
    said = [line.text for line in scenario.lines]
    assert said == ["yes", "no", "on", "off", "true", "10", "9:30", "2026-03-04", "no", "Y"]


def test_the_rest_reads_yaml_12_booleans_and_numbers(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("a: yes\nb: true\nc: 9:30\nd: 10\ne: False\nf: 010\n", encoding="utf-8")
    assert load_yaml(path) == {"a": "yes", "b": True, "c": "9:30", "d": 10, "e": False, "f": "010"}


def test_a_say_that_is_not_words_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "  - say: hello\n  - say: [yes, no]")
    with pytest.raises(ScenarioError, match=r"s\.yaml:7: 'say' must be the words said"):
        load_scenario(path)


def test_a_non_text_say_from_another_reader_is_refused() -> None:
    """Data parsed elsewhere (PyYAML's safe_load makes `say: yes` True) is refused, never said
    as "True"."""
    data = {"now": "2026-03-02T08:30:00", "lines": [{"say": True}], "expect": []}
    with pytest.raises(ScenarioError, match=r"lines\[0\]: say must be the caller's words as text"):
        parse_scenario(data)


def test_every_shipped_scenario_reads_as_before() -> None:
    root = Path(__file__).resolve().parents[2] / "scenarios"
    for path in sorted(root.glob("*.yaml")) + sorted((root / "unseen").glob("*.yaml")):
        if path.name == "turns.yaml":
            continue
        scenario = load_scenario(path)
        assert all(isinstance(line.text, str) for line in scenario.lines if line.wav is None)
        assert "True" not in [line.text for line in scenario.lines]
