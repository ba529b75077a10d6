"""A real Aida session driven by a scripted model: the call the after-call tests record.

The caller (on file as Jane Doe, verified by her date of birth) books Tuesday 10 AM after the
read-back, says she prefers mornings, moves the visit to Wednesday 9:30, tries a time in the past
(refused: no change), and asks for a callback about a prescription. The timeline, history and
usage are the ones LiveKit and the worker produce.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from livekit.agents import AgentSession, llm

from aida.agent.aida import Aida
from aida.agent.session import wire_timeline
from aida.agent.state import Caller, CallState
from aida.agent.timeline import Timeline
from aida.config import Settings
from aida.tools.base import ClinicContext
from tests.scripted_llm import Call, ScriptedLLM

CALL_ID = "5f0c2a1e-8d1b-4c3e-9a7f-0b6d2e4c1a90"
PHONE = "+12025550143"


MOVE = Call("reschedule_appointment", {"which": "it", "new_start": "2026-03-04T09:30:00-05:00"})
BOOK = Call("book_appointment", {"start": "2026-03-03T10:00:00-05:00", "reason": "annual checkup"})

# One step per model request. Tools speak for themselves and ask for no follow-up, except
# identify_caller, after which the model goes on with the caller's request.
SCRIPT = [
    Call("identify_caller", {"full_name": "Jane Doe", "date_of_birth": "March 3rd 1985"}),
    [BOOK, Call("remember_preference", {"topic": "time of day", "preference": "mornings"})],
    # "Yes, please.": a plain yes repeats the read-back's call in code, with no model request
    MOVE,
    # "Yes.": the same
    Call("book_appointment", {"start": "2026-03-01T10:00:00-05:00"}),
    Call("request_callback", {"reason": "question about a prescription refill"}),
]

TURNS = [
    "Hi, this is Jane Doe, born March 3rd 1985. I'd like a checkup on Tuesday at 10, and I "
    "prefer mornings in general.",
    "Yes, please.",
    "Actually, can you move it to Wednesday at 9:30?",
    "Yes.",
    "And book last Sunday too.",
    "Can someone call me about my prescription refill?",
]


@dataclass
class RecordedCall:
    state: CallState
    history: llm.ChatContext
    usage: Any
    llm: ScriptedLLM


async def run_scripted_call(tools: ClinicContext, settings: Settings) -> RecordedCall:
    await tools.store.upsert_patient(PHONE, "Jane Doe", date_of_birth=dt.date(1985, 3, 3))
    model = ScriptedLLM(list(SCRIPT), provider="api.openai.com", model="gpt-4o-mini")
    state = CallState(
        call_id=CALL_ID,
        tools=tools,
        timeline=Timeline(CALL_ID),
        caller=Caller(phone=PHONE, name="Jane Doe", source="sip", on_file=True),
        room_name="call-test-room",
    )
    async with AgentSession[CallState](llm=model, userdata=state) as session:
        wire_timeline(session, state)
        await session.start(Aida(settings, caller=state.caller, greet=False))
        for turn in TURNS:
            await session.run(user_input=turn)
        history = session.history.copy()
        usage = session.usage
    state.end_reason = state.end_reason or "participant_disconnected"
    return RecordedCall(state=state, history=history, usage=usage, llm=model)
