"""Aida's LiveKit worker: `python agent.py dev | start | console | download-files`.

One worker per container; LiveKit dispatches each call (agent name "aida") to a job process.
"""

from __future__ import annotations

import sys

from aida.agent.worker import preflight_or_exit

if __name__ == "__main__":
    # Missing settings fail in a second with one line, not after LiveKit has loaded.
    preflight_or_exit(sys.argv)

from livekit.agents import AgentServer, JobContext, cli

# Plugins register on the main thread only, and `console` runs prewarm in a job thread.
from livekit.plugins import silero  # noqa: F401

from aida.agent.session import run_call
from aida.agent.worker import prewarm, startup_log
from aida.calls.finalize import call_end_hook

server = AgentServer(
    # local models can take longer than LiveKit's 10 s default to load in prewarm
    initialize_process_timeout=120.0,
    # room for the after-call record (its own budget is 8 s) after the timeline drains
    shutdown_process_timeout=15.0,
)
server.setup_fnc = prewarm


@server.rtc_session(agent_name="aida")
async def aida_call(ctx: JobContext) -> None:
    await run_call(ctx, on_end=[call_end_hook()])


if __name__ == "__main__":
    startup_log()
    cli.run_app(server)
