"""The OpenAI double fails mid-call (drops the connection, stalls, or answers 429 or 500): the
turn goes on through LiveKit's FallbackAdapter to the Anthropic double, the caller waits no
longer than the adapter's attempt timeout, and the timeline says which provider served which
request and what it used. One test per fault, each a whole scripted call in text mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aida.config import Settings
from aida.simulate.cloud_doubles import FAULT_KINDS, CloudDoubles, FaultKind
from aida.simulate.scenario import load_scenario
from aida.simulate.text import TextSimulator

ATTEMPT_TIMEOUT = 5.0  # livekit-agents' llm.FallbackAdapter default, which build_providers keeps


def _served(timeline: list[dict[str, Any]]) -> list[str]:
    """The provider of each LLM request whose answer was used (not a fallback's recovery probe)."""
    probes = {e.get("probe_request_id") for e in timeline if e["type"] == "provider_available"}
    return [
        e["provider"]
        for e in timeline
        if e["type"] == "provider_request" and e["role"] == "llm" and e["request_id"] not in probes
    ]


@pytest.mark.parametrize("fault", FAULT_KINDS)
async def test_openai_fault_is_served_by_anthropic(
    fault: FaultKind, base_settings: Settings, doubles: CloudDoubles, tmp_path: Path
) -> None:
    scenario = load_scenario("book")
    # every turn to the model, so the first turn is a streamed tool call the fault hits
    settings = base_settings.model_copy(update={"understand_in_code": False})
    lines: list[str] = []
    simulator = TextSimulator(settings, scripted=True, doubles=doubles, printer=lines.append)
    doubles.openai.faults.inject(fault)

    result = await simulator.run(scenario, database=tmp_path / "call.db")

    assert result.ok, "\n".join(["failed:", *result.problems, "", *lines])
    assert [f.kind for f in doubles.openai.faults.log] == [fault]
    openai_host = doubles.openai.url.split("://")[1]
    anthropic_host = doubles.anthropic.url.split("://")[1]
    served = _served(result.timeline)
    # the failed request was answered by Anthropic; OpenAI, back after the adapter's recovery
    # probe, served the rest of the call
    assert served[0] == anthropic_host, served
    assert set(served[1:]) == {openai_host}, served
    assert len(doubles.anthropic.usage) == 1
    # one distinct request per scripted step, whoever answered it
    assert result.llm_requests == len(doubles.llm_script.requests)
    changes = [e for e in result.timeline if e["type"] == "provider_available"]
    assert [(e["provider"], e["available"]) for e in changes] == [
        (openai_host, False),
        (openai_host, True),
    ]
    assert changes[1]["probe_request_id"].startswith("chatcmpl-")  # the probe, billed too
    assert len(doubles.openai.usage) == 1 + served.count(openai_host)  # the probe is billed too
    # the caller waited at most the fallback's attempt timeout for the faulted turn
    first = result.turns[0]
    assert first.seconds < ATTEMPT_TIMEOUT + 1.5, first
    if fault != "stall":
        assert first.seconds < 1.5, first  # a refused or dropped request fails over at once
