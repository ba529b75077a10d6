"""Every shipped scenario through the brief's cloud path: the scenario's scripted block played by
the OpenAI double, reached through `livekit-plugins-openai` (streamed, tool calls split across
chunks) inside the fallback chain `build_providers` makes, exactly as the scripted LLM plays it
in tests/simulate/test_scenarios_scripted.py. Text mode: what is checked is the model's wire
protocol, the tools and what Aida says, not audio."""

from __future__ import annotations

from pathlib import Path

import pytest
from livekit.agents import llm as lk_llm

from aida.config import Settings
from aida.simulate.checks import spoken_lines
from aida.simulate.cloud_doubles import CloudDoubles
from aida.simulate.scenario import load_scenario, shipped_scenarios
from aida.simulate.text import TextSimulator


@pytest.mark.parametrize("name", shipped_scenarios())
async def test_scenario_passes_through_the_cloud_plugins(
    name: str, base_settings: Settings, doubles: CloudDoubles, tmp_path: Path
) -> None:
    scenario = load_scenario(name)
    lines: list[str] = []
    simulator = TextSimulator(base_settings, scripted=True, doubles=doubles, printer=lines.append)

    result = await simulator.run(scenario, database=tmp_path / f"{name}.db")

    assert result.ok, "\n".join(["failed:", *result.problems, "", *lines])
    assert len(result.turns) == len(scenario.lines)
    assert {t for t, _ in spoken_lines(result.timeline)} >= set(range(1, len(scenario.lines) + 1))
    # the model was the OpenAI plugin behind LiveKit's fallback adapter, and every request it
    # made was answered by the OpenAI double (none needed the fallback)
    assert isinstance(simulator.llm, lk_llm.FallbackAdapter)
    asked = result.llm_requests
    assert len(doubles.openai.usage) == asked
    assert doubles.anthropic.usage == []
    served = [e for e in result.timeline if e["type"] == "provider_request"]
    assert [e["provider"] for e in served] == [doubles.openai.url.split("://")[1]] * asked
