"""A call that goes silent is ended by Aida, after she says why (aida.agent.limits)."""

from __future__ import annotations

import asyncio

from livekit.agents.voice.events import UserStateChangedEvent

from aida.agent.limits import SILENT, wire_call_limits
from aida.agent.state import CallState


async def test_a_silent_caller_is_told_and_hung_up_on(aida_session, settings) -> None:
    async with aida_session([]) as (session, _):
        state: CallState = session.userdata
        wire_call_limits(session, state, settings)
        spoken: list[str] = []
        session.on("conversation_item_added", lambda ev: spoken.append(ev.item.text_content))
        session.emit(
            "user_state_changed", UserStateChangedEvent(old_state="listening", new_state="away")
        )
        for _ in range(100):
            if state.closing and spoken:
                break
            await asyncio.sleep(0.02)
    assert state.closing
    assert SILENT in spoken
    assert state.timeline.of_type("call_closing")[0]["by"] == "idle"
