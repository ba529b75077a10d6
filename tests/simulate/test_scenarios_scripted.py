"""Every shipped scenario, played in text mode by its scripted LLM against a real SQLite store:
the real Aida agent, tools and guards, the calendar checked, and what Aida said and did checked.

A scenario without a `scripted:` block fails here, so each one ships with its CI version.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aida.config import Settings
from aida.simulate.scenario import load_scenario, shipped_scenarios
from aida.simulate.text import TextSimulator
from tests.fhir import FhirServer


def _on(calendar: str | None) -> list[str]:
    return [n for n in shipped_scenarios() if load_scenario(n).calendar_backend == calendar]


@pytest.mark.parametrize("in_code", [True, False], ids=["turns-read-in-code", "model-only"])
@pytest.mark.parametrize("name", _on(None))
async def test_scenario_passes_with_its_script(
    name: str, in_code: bool, base_settings: Settings, tmp_path: Path
) -> None:
    """Twice: as shipped, where Aida's code answers the plain turns and the script plays the rest,
    and with every turn but a plain yes left to the (scripted) model."""
    await _passes(name, base_settings.model_copy(update={"understand_in_code": in_code}), tmp_path)


@pytest.mark.fhir
@pytest.mark.parametrize("in_code", [True, False], ids=["turns-read-in-code", "model-only"])
@pytest.mark.parametrize("name", _on("fhir"))
async def test_an_ehr_scenario_passes_with_its_script(
    name: str, in_code: bool, base_settings: Settings, tmp_path: Path, fhir_server: FhirServer
) -> None:
    """The scenarios that need the calendar in an EHR (several files on one phone), on the
    FHIR server the suite starts once."""
    fhir_server.reset()
    settings = base_settings.model_copy(
        update={
            "understand_in_code": in_code,
            "calendar_backend": "fhir",
            "fhir_base_url": fhir_server.base_url,
            "fhir_lock_dir": tmp_path,
        }
    )
    await _passes(name, settings, tmp_path)


async def _passes(name: str, settings: Settings, tmp_path: Path) -> None:
    scenario = load_scenario(name)
    lines: list[str] = []
    simulator = TextSimulator(settings, scripted=True, printer=lines.append)

    result = await simulator.run(scenario, database=tmp_path / f"{name}.db")

    assert result.ok, "\n".join(["failed:", *result.problems, "", *lines])
    assert len(result.turns) == len(scenario.lines)
    # Aida spoke in every turn the caller took
    spoken_turns = {t for t, _ in _assistant_turns(result.timeline)}
    assert spoken_turns >= set(range(1, len(scenario.lines) + 1)), lines


def _assistant_turns(events: list[dict]) -> list[tuple[int, str]]:
    from aida.simulate.checks import spoken_lines

    return spoken_lines(events)
