"""Every shipped scenario through the brief's cloud path: the scenario's scripted block played by
the OpenAI double, reached through `livekit-plugins-openai` (streamed, tool calls split across
chunks) inside the fallback chain `build_providers` makes, exactly as the scripted LLM plays it
in tests/simulate/test_scenarios_scripted.py. Text mode: what is checked is the model's wire
protocol, the tools and what Aida says, not audio."""

from __future__ import annotations

from pathlib import Path

import pytest
from livekit.agents import llm as lk_llm

from aida.agent.state import CallState
from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.simulate.checks import spoken_lines
from aida.simulate.cloud_doubles import CloudDoubles
from aida.simulate.scenario import load_scenario, shipped_scenarios
from aida.simulate.text import TextSimulator


# the EHR-only scenarios (several files on one phone) run on FHIR in test_scenarios_scripted
@pytest.mark.parametrize(
    "name", [n for n in shipped_scenarios() if load_scenario(n).calendar_backend is None]
)
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


async def test_a_cloud_models_false_claim_is_blocked_and_the_reader_runs_in_shadow(
    base_settings: Settings, doubles: CloudDoubles
) -> None:
    """UNDERSTAND_IN_CODE=auto with the cloud chain: "book Wednesday at 10" is left to the model
    (the reader only shadows it), and GPT-4o's "you're booked" with no booking is never said."""
    from livekit.agents import AgentSession

    from aida.agent.aida import Aida
    from aida.agent.dialogue.guard import SAFE
    from aida.agent.providers import build_providers
    from aida.agent.session import wire_timeline
    from aida.store.factory import open_store
    from aida.tools.base import ClinicContext
    from tests.agent.conftest import NOW, booked, known_caller, make_state, said
    from tests.scripted_llm import say

    settings = doubles.settings(
        base_settings.model_copy(update={"default_timezone": "America/New_York"})
    )
    assert settings.understand_in_code == "auto"
    chain = build_providers(settings).llm
    doubles.llm_script.extend(
        [say("Wonderful! You're booked for Wednesday at 10 AM. See you then!")]
    )
    store = await open_store(settings)
    try:
        tools = ClinicContext(store=store, settings=settings, clock=FixedClock(NOW))
        caller = known_caller()
        state = make_state(tools, caller)
        async with AgentSession[CallState](llm=chain, userdata=state) as session:
            wire_timeline(session, state)
            await session.start(Aida(settings, caller=caller, greet=False))
            result = await session.run(user_input="I'd like to book Wednesday at 10, please.")
        appointments = booked(await store.list_appointments(phone=caller.phone))
    finally:
        await store.close()

    # what came before the claim was said as it streamed; the claim and the rest never are
    assert said(result) == ["Wonderful! " + SAFE["claim"]]
    assert [e["rule"] for e in state.timeline.of_type("reply_blocked")] == ["claim"]
    assert appointments == []
    # the reader would have booked; with a cloud model it only says so, and that the model
    # (which called no tool) did not agree
    shadow = state.timeline.of_type("reader_shadow")
    assert [(e["tool"], e["model_tool"], e["agreed"]) for e in shadow] == [
        ("book_appointment", None, False)
    ]
    assert len(doubles.openai.usage) == 1 and doubles.anthropic.usage == []
