"""What `agent.py` needs around LiveKit's CLI: the start-up checks, how the worker runs its calls,
the per-process prewarm, and the console's logging.

With local models a worker runs its calls as threads of one process (`JOB_EXECUTOR=auto`): the
models are loaded and Aida's instructions evaluated once for the host, and each further call costs
its session only. LiveKit's own default, a process per call, would load a copy of every model
(about 2.4 GB) per idle process.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aida.agent.providers import (
    ROLES,
    ConfigError,
    describe_providers,
    plan_providers,
    prewarm_local,
)
from aida.agent.turns import describe as describe_turns
from aida.agent.turns import turn_handling
from aida.calls.background import start_outbox_thread
from aida.config import Settings, get_settings
from aida.safety import semantic

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
    if semantic.prewarm():  # the emergency guard's self-harm layer (aida/safety/semantic.py)
        loaded.append("semantic self-harm layer")
    logger.info("prewarmed: vad, turns %s%s", turns, "".join(f", local {r}" for r in loaded))
    # Call records a database outage left in the outbox are stored from every worker process.
    start_outbox_thread(settings)


def startup_log(settings: Settings | None = None) -> dict[str, Any]:
    description = describe_providers(settings or get_settings())
    logger.info("providers: %s", description)
    return description


def job_executor(settings: Settings) -> str:
    """ "thread" or "process": JOB_EXECUTOR, with `auto` sharing the models when a call's primary
    provider of any role is a local model."""
    if settings.job_executor != "auto":
        return settings.job_executor
    try:
        plan = plan_providers(settings)
    except ConfigError:
        return "process"  # preflight reports the problem
    local_first = any(chain and chain[0].provider == "local" for chain in map(plan.chain, ROLES))
    return "thread" if local_first else "process"


# On SIGTERM `agent.py start` takes no new calls and waits this long for the calls in progress
# (LiveKit's default is an hour); deploy/ gives the container a little longer than this.
DRAIN_SECONDS = 1800


def server_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `AgentServer` beyond the entrypoint: the executor, the idle jobs
    kept ready, the load LiveKit dispatches by, and the metrics port."""
    from livekit.agents import JobExecutorType

    executor = job_executor(settings)
    options: dict[str, Any] = {
        "drain_timeout": DRAIN_SECONDS,
        "job_executor_type": (
            JobExecutorType.THREAD if executor == "thread" else JobExecutorType.PROCESS
        ),
        "load_fnc": worker_load(settings.worker_max_calls),
    }
    if executor == "thread":
        # an idle job is a thread over the shared models: one ready is enough to answer at once
        options["num_idle_processes"] = 1
    if settings.worker_metrics_port:
        options["prometheus_port"] = settings.worker_metrics_port
    return options


def worker_load(max_calls: int) -> Callable[[Any], float]:
    """LiveKit's CPU load, or the share of WORKER_MAX_CALLS in progress when that is higher: on 2
    cores a local call is idle between turns, so CPU alone would let a worker take more calls
    than it can answer in time."""

    def load(server: Any) -> float:
        from livekit.agents.worker import _DefaultLoadCalc

        cpu = _DefaultLoadCalc.get_load(server)
        if max_calls <= 0:
            return cpu
        return max(cpu, min(1.0, len(server.active_jobs) / max_calls))

    return load


# --- console ---------------------------------------------------------------------------------

CONSOLE_LOG = Path("data/logs/console.log")
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def console_logging(argv: list[str], log_file: Path = CONSOLE_LOG) -> list[str]:
    """For `agent.py console`: the terminal shows the conversation and the log lines go to
    `log_file` at INFO; `--verbose` (taken out of argv here) shows them in the terminal as well,
    at DEBUG, as LiveKit's console does by default. Other commands are left alone."""
    if len(argv) < 2 or argv[1] != "console":
        return argv
    verbose = "--verbose" in argv
    argv = [a for a in argv if a != "--verbose"]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    # the plain format prints no `extra` fields, where LiveKit puts transcripts (lk.pii.*)
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    logging.getLogger().addHandler(handler)
    if not verbose:
        terminal = _console_log_handler()
        if terminal is not None:
            terminal.setLevel(logging.ERROR)
    print(
        f"aida: logs go to {log_file}{'' if verbose else ' (--verbose shows them here too)'}",
        file=sys.stderr,
    )
    return argv


def _console_log_handler() -> logging.Handler | None:
    """The handler LiveKit's console prints log records with (one per process)."""
    try:
        from livekit.agents.cli._legacy import AgentsConsole
    except ImportError:  # another CLI: nothing to quiet
        return None
    handler = getattr(AgentsConsole.get_instance(), "_log_handler", None)
    return handler if isinstance(handler, logging.Handler) else None
