#!/usr/bin/env bash
# Set up and run Aida offline on the embedded defaults (SQLite, local speech and LLM on the CPU):
# prepares the demo clinic, shows its free slots, then simulates a booking call end to end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# A demo: someone trying it will type the made-up 555 numbers of films and docs.
export ALLOW_FICTIONAL_NUMBERS="${ALLOW_FICTIONAL_NUMBERS:-true}"
py=.venv/bin/python
$py -m aida db migrate
$py -m aida db seed
$py -m aida db slots
if $py -m aida simulate --help >/dev/null 2>&1; then
  printf '\n==> a simulated caller books an appointment, fully offline\n'
  $py -m aida simulate book
  printf '\nTalk to Aida yourself (text, no server needed):  .venv/bin/python agent.py console --text\n'
fi
