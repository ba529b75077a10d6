"""When the local model's prefill runs: while Aida speaks and after, never while the caller
speaks or is being transcribed (the VAD and the STT are on every turn's path)."""

from __future__ import annotations

import asyncio

from livekit.agents import AgentSession
from livekit.agents.voice.events import AgentStateChangedEvent, UserStateChangedEvent

from aida.agent.session import wire_prefill
from aida.agent.state import CallState


class Model:
    """Records what the wiring asks of it, as LlamaLLM would be asked."""

    def __init__(self) -> None:
        self.prefills = 0
        self.holds: list[bool] = []

    def prefill(self, chat_ctx: object, tools: object) -> int:
        self.prefills += 1
        return 0

    def hold_prefill(self, held: bool) -> None:
        self.holds.append(held)


def agent(session: AgentSession[CallState], old: str, new: str) -> None:
    session.emit("agent_state_changed", AgentStateChangedEvent(old_state=old, new_state=new))  # type: ignore[arg-type]


def user(session: AgentSession[CallState], old: str, new: str) -> None:
    session.emit("user_state_changed", UserStateChangedEvent(old_state=old, new_state=new))  # type: ignore[arg-type]


async def test_prefill_waits_for_the_caller_and_runs_while_aida_speaks(aida_session) -> None:  # type: ignore[no-untyped-def]
    model = Model()
    async with aida_session([]) as (session, _llm):
        wire_prefill(session, model.prefill, model.hold_prefill)
        before = model.prefills

        user(session, "listening", "speaking")  # the caller starts a turn
        assert model.holds[-1] is True
        agent(session, "listening", "thinking")  # transcribed and committed
        assert model.holds[-1] is False
        agent(session, "thinking", "speaking")  # Aida answers: the prefill may start
        await asyncio.sleep(0.05)
        assert model.prefills == before + 1
        agent(session, "speaking", "listening")
        await asyncio.sleep(0.05)
        assert model.prefills == before + 2
