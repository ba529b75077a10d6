"""Property-based requests generated from our OpenAPI spec, run in-process against the ASGI app.

No generated request may produce a server error, and every response must match the documented
schema for its status. Bounded so the run stays within seconds.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from aida.api.main import create_app
from tests.api.conftest import STAFF_KEYS, make_settings

# Module level because schemathesis' fixture-based loader does not work with pytest 9. The app
# opens its own SQLite store in schemathesis' event loop, as it would under uvicorn.
_TMP = Path(tempfile.mkdtemp(prefix="aida-schemathesis-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
# Configured as a clinic with a patient portal: a generated assertion is then refused (401)
# rather than the feature being off (503, which the server-error check counts as a failure).
APP = create_app(
    make_settings(
        _TMP,
        session_rate_limit_per_minute=100_000,
        portal_identity_secret="portal-secret-that-is-long-enough-for-hs256-0123456789",
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_documented_responses(case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {STAFF_KEYS[0]}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
