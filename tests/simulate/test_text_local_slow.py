"""A handful of scenarios as text conversations with the real local model (Qwen2.5-Coder-1.5B in
llama.cpp): the ones whose turns go to the model as shipped (choosing among offered times,
keeping an appointment, an unverified web visitor) and two answered in code, so the model, the
turns read in code and the tools are judged together. Seconds per scenario on 2 cores once the
model is loaded; `bench/conversations.py` runs all of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aida.config import Settings
from aida.simulate.scenario import load_scenario
from aida.simulate.text import TextSimulator

pytestmark = pytest.mark.slow

HANDFUL = ("after_hours", "reschedule_into_taken", "web_other_patient", "book", "cancel")


@pytest.fixture(scope="module")
def simulator() -> Iterator[TextSimulator]:
    from aida.local import weights

    settings = Settings(_env_file=None, providers="local")  # type: ignore[call-arg]
    if not weights.default_gguf_path(settings.model_cache_dir).is_file():
        pytest.skip("the local LLM is not prepared: run `python -m aida models prepare`")
    yield TextSimulator(settings, printer=lambda _line: None)


@pytest.mark.parametrize("name", HANDFUL)
async def test_scenario_passes_with_the_local_model(
    name: str, simulator: TextSimulator, tmp_path: Path
) -> None:
    lines: list[str] = []
    simulator.print = lines.append
    result = await simulator.run(load_scenario(name), database=tmp_path / f"{name}.db")
    assert result.ok, "\n".join(["failed:", *result.problems, "", *lines])
