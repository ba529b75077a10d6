"""Shipped scenarios with the calendar in a FHIR R4 server (sekmet-fhir on 127.0.0.1), as a
clinic with an EHR runs Aida: the same tools, checks and end state, the EHR holding patients and
appointments, SQLite only Aida's own records."""

from __future__ import annotations

from pathlib import Path

import pytest

from aida.config import Settings
from aida.simulate.scenario import load_scenario
from aida.simulate.text import TextSimulator
from tests.fhir import FhirServer

pytestmark = pytest.mark.fhir


@pytest.mark.parametrize("name", ["reschedule", "cancel_which_one", "reschedule_into_taken"])
async def test_a_scenario_ends_as_expected_in_the_ehr(
    name: str, fhir_server: FhirServer, base_settings: Settings, tmp_path: Path
) -> None:
    fhir_server.reset()
    settings = base_settings.model_copy(
        update={
            "calendar_backend": "fhir",
            "fhir_base_url": fhir_server.base_url,
            "fhir_lock_dir": tmp_path,
        }
    )
    lines: list[str] = []
    simulator = TextSimulator(settings, scripted=True, printer=lines.append)
    result = await simulator.run(load_scenario(name), database=tmp_path / "aida.db")
    assert result.ok, result.problems + lines


class Borrowed:
    """The session's server, lent to the CLI (which would start its own, seconds on 2 cores)."""

    def __init__(self, server: FhirServer) -> None:
        self.base_url = server.base_url
        self.reset = server.reset
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


def test_cli_simulate_on_a_throwaway_fhir_server(
    fhir_server: FhirServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from aida.cli import main

    lent = Borrowed(fhir_server)
    monkeypatch.setattr("aida.store.fhir.sandbox.start_server", lambda: lent)
    monkeypatch.setattr("aida.simulate.cli.get_settings", lambda: Settings(_env_file=None))
    assert main(["simulate", "--text", "--scripted", "--calendar", "fhir", "slot_taken"]) == 0
    out = capsys.readouterr().out
    assert "calendar: FHIR R4 at http://127.0.0.1:" in out
    assert "The nearest openings are" in out
    assert "PASS slot_taken: every check passed" in out
    assert lent.stopped  # the CLI stops the server it started
