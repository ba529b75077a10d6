#!/usr/bin/env bash
# Set up (as scripts/setup.sh --test), check style and types (scripts/lint.sh), and run the whole
# test suite: SQLite, a real PostgreSQL, the agent, the local models, the API and the web client
# in headless Chromium.
# Extra arguments go to pytest, e.g. `scripts/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# Style and types first: a lint or type error fails the run like a failing test.
scripts/lint.sh
# The tests start their own throwaway PostgreSQL cluster; a missing server fails the run, never skips.
export AIDA_REQUIRE_POSTGRES=1
exec .venv/bin/pytest "$@"
