#!/usr/bin/env bash
# Lint, format check and types over the code and its tests; exits non-zero on any failure.
# It only reports (no --fix): files others are editing are never rewritten under them.
set -uo pipefail
cd "$(dirname "$0")/.."
paths=(aida agent.py api.py tests bench)
status=0
.venv/bin/ruff check "${paths[@]}" || status=1
.venv/bin/ruff format --check "${paths[@]}" || status=1
# Which files mypy checks, and how strictly, is [tool.mypy] in pyproject.toml.
.venv/bin/mypy || status=1
exit $status
