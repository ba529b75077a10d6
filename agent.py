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

from aida.agent.session import end_call, run_call
from aida.agent.worker import prewarm, startup_log
from aida.calls.finalize import RECORD_BUDGET_SECONDS, call_end_hook

server = AgentServer(
    # local models can take longer than LiveKit's 10 s default to load in prewarm
    initialize_process_timeout=120.0,
    # `end_call` writes the call record within its own budget (the outbox keeps the rest), after
    # the timeline has drained to the room
    session_end_timeout=RECORD_BUDGET_SECONDS + 10.0,
)
server.setup_fnc = prewarm


# LiveKit runs `end_call` once the session has closed, before the room disconnects.
@server.rtc_session(agent_name="aida", on_session_end=end_call)
async def aida_call(ctx: JobContext) -> None:
    await run_call(ctx, on_end=[call_end_hook()])


if __name__ == "__main__":
    startup_log()
    cli.run_app(server)
