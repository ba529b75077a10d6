"""Aida's LiveKit worker: `python agent.py dev | start | console [--text] [--verbose]`.

One worker per container; LiveKit dispatches each call (agent name "aida") to a job, which runs
as a thread sharing the host's local models or as a process of its own (aida.agent.worker).
"""

from __future__ import annotations

import sys

from aida.agent.worker import preflight_or_exit

if __name__ == "__main__":
    # Missing settings fail in a second with one line, not after LiveKit has loaded.
    preflight_or_exit(sys.argv)

from livekit.agents import AgentServer, JobContext, cli

from aida.agent.providers import import_plugins
from aida.agent.session import run_call, write_call_record
from aida.agent.worker import (
    console_logging,
    prewarm,
    server_options,
    startup_log,
)
from aida.calls.finalize import RECORD_BUDGET_SECONDS, call_end_hook
from aida.config import get_settings

# Plugins register on the main thread only, and calls (and `console`) run on job threads.
import_plugins(get_settings())

server = AgentServer(
    **server_options(get_settings()),
    # local models can take longer than LiveKit's 10 s default to load in prewarm
    initialize_process_timeout=120.0,
    # `write_call_record` writes the call record within its own budget (the outbox keeps the
    # rest), after the timeline has drained to the room
    session_end_timeout=RECORD_BUDGET_SECONDS + 10.0,
)
server.setup_fnc = prewarm


# LiveKit runs `write_call_record` once the session has closed, before the room disconnects.
@server.rtc_session(agent_name="aida", on_session_end=write_call_record)
async def aida_call(ctx: JobContext) -> None:
    await run_call(ctx, on_end=[call_end_hook()])


if __name__ == "__main__":
    sys.argv = console_logging(sys.argv)
    startup_log()
    cli.run_app(server)
