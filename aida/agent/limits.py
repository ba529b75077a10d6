"""How long a call may hold a line: MAX_CALL_MINUTES in all, IDLE_HANGUP_SECONDS of silence.

An abandoned web tab, an open phone line or a caller who keeps Aida talking would otherwise hold
a worker (and, on SIP, a trunk channel) without end; each limit ends the call the way Aida's own
goodbye does, after saying why (aida.agent.handoff.hang_up).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aida.agent.handoff import hang_up
from aida.agent.state import CallState
from aida.config import Settings

logger = logging.getLogger("aida.limits")

TOO_LONG = (
    "I'm sorry, we've reached the longest a call with me can last. Please call again if there "
    "is anything else. Goodbye."
)
SILENT = "I haven't heard anything for a while, so I'll end the call now. Goodbye."


def wire_call_limits(session: Any, state: CallState, settings: Settings) -> None:
    """Hang up when the caller has been away (LiveKit's `user_away_timeout`, set to
    IDLE_HANGUP_SECONDS by `new_session`) or the call reached MAX_CALL_MINUTES."""
    tasks: set[asyncio.Task[None]] = set()

    def end(sentence: str, by: str) -> None:
        if state.closing:
            return
        logger.info("call limit reached: %s", by)
        task = asyncio.ensure_future(hang_up(session, state, settings, sentence, by=by))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    @session.on("user_state_changed")
    def _on_user(ev: Any) -> None:
        if getattr(ev, "new_state", None) == "away":
            end(SILENT, "idle")

    timer = asyncio.get_running_loop().call_later(
        settings.max_call_minutes * 60, end, TOO_LONG, "max_length"
    )

    @session.on("close")
    def _on_close(_: Any) -> None:
        timer.cancel()
