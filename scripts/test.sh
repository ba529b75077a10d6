#!/usr/bin/env bash
# Set up (as scripts/setup.sh --test) and run the whole test suite: SQLite, a real PostgreSQL,
# the agent, the local models, the API and the web client in headless Chromium.
# Extra arguments go to pytest, e.g. `scripts/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# The tests start their own throwaway PostgreSQL cluster; a missing server fails the run, never skips.
export AIDA_REQUIRE_POSTGRES=1
exec .venv/bin/pytest "$@"
