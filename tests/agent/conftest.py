"""Aida driven offline: a SQLite store in tmp_path, a fixed clock, a scripted LLM.

The clock stands at Monday, March 2, 2026, 8:00 AM in New York; the clinic is open Monday to Friday,
9 AM to 5 PM, in 30-minute slots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from livekit.agents import AgentSession

from aida.agent.aida import Aida
from aida.agent.session import wire_timeline
from aida.agent.state import Caller, CallState
from aida.agent.timeline import Timeline
from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.factory import open_store
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from tests.scripted_llm import ScriptedLLM

TZ = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=TZ)
CALLER = "+12025550143"
OTHER = "+12025550188"  # "the wife"
JANE_DOB = "March 3rd 1985"


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path}/t.db",
        default_timezone="America/New_York",
        clinic_name="Riverside Family Clinic",
        emergency_number="911",
        providers="local",
        # These tests drive the model's path with a scripted LLM; turns read in code have
        # their own tests (test_understand.py).
        understand_in_code=False,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    store = await open_store(settings)
    yield store
    await store.close()


@pytest.fixture
def tools(store: Store, settings: Settings, clock: FixedClock) -> ClinicContext:
    return ClinicContext(store=store, settings=settings, clock=clock)


@pytest.fixture
async def jane(store: Store) -> str:
    await store.upsert_patient(CALLER, "Jane Doe", date_of_birth=dt.date(1985, 3, 3))
    return CALLER


@pytest.fixture
async def wife(store: Store) -> str:
    """Another patient with an appointment the caller must never see."""
    await store.upsert_patient(OTHER, "Mary Doe", date_of_birth=dt.date(1980, 7, 7))
    booking = await store.book(
        OTHER,
        local(4, 11).astimezone(dt.UTC),
        local(4, 11, 30).astimezone(dt.UTC),
        {"reason": "private"},
    )
    return booking.appointment.id


def make_state(
    tools: ClinicContext, caller: Caller | None, origins: tuple[str, ...] = ()
) -> CallState:
    return CallState(
        call_id="test-call",
        tools=tools,
        timeline=Timeline("test-call"),
        caller=caller,
        origins=origins,
    )


@pytest.fixture
def aida_session(tools: ClinicContext, settings: Settings):  # type: ignore[no-untyped-def]
    """`async with aida_session(script, caller=...) as (session, llm):` a started text session."""

    @asynccontextmanager
    async def factory(
        script: list, caller: Caller | None = None, origins: tuple[str, ...] = ()
    ) -> AsyncIterator[tuple[AgentSession[CallState], ScriptedLLM]]:
        llm = ScriptedLLM(script)
        state = make_state(tools, caller, origins)
        async with AgentSession[CallState](llm=llm, userdata=state) as session:
            wire_timeline(session, state)
            await session.start(Aida(settings, caller=caller, greet=False))
            yield session, llm

    return factory


def outputs(session: AgentSession[CallState]) -> list[str]:
    """Every tool output the model saw in this session, as text."""
    return [i.output for i in session.history.items if i.type == "function_call_output"]


def booked(appts: list, phone: str = CALLER) -> list:
    return [a for a in appts if a.user_phone == phone and a.status == "booked"]


def known_caller(name: str | None = "Jane Doe", *, on_file: bool = True) -> Caller:
    """Jane, already verified on this call (by name and date of birth): the scheduling tests
    start there; tests/agent/test_verification.py covers how a caller gets verified."""
    return Caller(phone=CALLER, name=name, source="sip", on_file=on_file, verified=True)


def said(result) -> list[str]:  # type: ignore[no-untyped-def]
    """What Aida said in one `session.run` (her messages, in order)."""
    return [
        e.item.text_content or ""
        for e in result.events
        if e.type == "message" and e.item.role == "assistant"
    ]
