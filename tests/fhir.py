"""The FHIR server the calendar tests run on: `aida.store.fhir.sandbox` (sekmet-fhir on
127.0.0.1), started once a session by the `fhir_server` fixture (tests/conftest.py).

Without it, CI (env `CI`) or `AIDA_REQUIRE_FHIR=1` turns the absence into a failure; elsewhere
the FHIR tests are skipped with a loud reason.
"""

from __future__ import annotations

import os

from aida.store.fhir.sandbox import FhirServer, FhirUnavailable, start_server

__all__ = ["FhirServer", "FhirUnavailable", "fhir_required", "start_server"]


def fhir_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("AIDA_REQUIRE_FHIR") == "1"
