"""What `agent.py` needs around LiveKit's CLI: the start-up checks and the per-process prewarm."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from aida.agent.providers import ConfigError, describe_providers, plan_providers, prewarm_local
from aida.agent.turns import describe as describe_turns
from aida.agent.turns import turn_handling
from aida.calls.background import start_outbox_thread
from aida.config import Settings, get_settings

logger = logging.getLogger("aida.worker")

# Subcommands that register with a LiveKit server, and the flags that can stand in for the env.
SERVER_COMMANDS = {"start", "dev", "connect"}
LIVEKIT_VARS = {
    "LIVEKIT_URL": ("livekit_url", "--url"),
    "LIVEKIT_API_KEY": ("livekit_api_key", "--api-key"),
    "LIVEKIT_API_SECRET": ("livekit_api_secret", "--api-secret"),
}
NO_CHECK_COMMANDS = {"download-files", "--help", "-h"}


def _value(settings: Settings, attr: str) -> str | None:
    value = getattr(settings, attr)
    if value is not None and hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    return value or None


def _has_flag(argv: Sequence[str], flag: str) -> bool:
    return any(a == flag or a.startswith(flag + "=") for a in argv)


def preflight(argv: Sequence[str], settings: Settings | None = None) -> str | None:
    """Check what the chosen subcommand needs; return one line saying what is wrong, or None.

    LiveKit's CLI reads LIVEKIT_* from the process environment only, so values that came from
    `.env` through `Settings` are exported for it here.
    """
    command = argv[1] if len(argv) > 1 else ""
    if not command or command in NO_CHECK_COMMANDS:
        return None
    try:
        settings = settings or get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        var = str(first["loc"][0]).upper() if first.get("loc") else "settings"
        return f"aida: invalid configuration: {var}: {first['msg']}"

    for var, (attr, _flag) in LIVEKIT_VARS.items():
        value = _value(settings, attr)
        if value and not os.environ.get(var):
            os.environ[var] = value

    if command in SERVER_COMMANDS:
        missing = [
            var
            for var, (attr, flag) in LIVEKIT_VARS.items()
            if not os.environ.get(var) and not _has_flag(argv, flag)
        ]
        if missing:
            return (
                f"aida: cannot `{command}` the worker: {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set (see .env.example)"
            )
    try:
        plan_providers(settings)
    except ConfigError as exc:
        return f"aida: {exc}"
    return None


def preflight_or_exit(argv: Sequence[str]) -> None:
    """For `agent.py`: print the problem on one line and exit 2, before LiveKit even loads."""
    problem = preflight(argv)
    if problem:
        print(problem, file=sys.stderr)
        raise SystemExit(2)


def prewarm(proc: Any) -> None:
    """Once per worker process: load the VAD, and the local models the provider plan uses."""
    from livekit.plugins import silero

    settings = get_settings()
    proc.userdata["vad"] = silero.VAD.load()
    # loads the end-of-turn weights before a call needs them (a no-op under the forkserver)
    turns = describe_turns(turn_handling(settings, proc.userdata["vad"]))
    loaded = prewarm_local(settings, proc.userdata)
    logger.info("prewarmed: vad, turns %s%s", turns, "".join(f", local {r}" for r in loaded))
    # Call records a database outage left in the outbox are stored from every worker process.
    start_outbox_thread(settings)


def startup_log(settings: Settings | None = None) -> dict[str, Any]:
    description = describe_providers(settings or get_settings())
    logger.info("providers: %s", description)
    return description
