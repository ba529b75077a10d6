"""Barge-in, cancellation and repeats around writes: never two appointments, never none."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest

from aida.agent.aida import Aida
from aida.agent.state import CallState
from aida.agent.toolcall import INTERRUPTED
from aida.calls.appointments import appointments_in_call
from aida.config import Settings
from aida.store.protocol import Store
from aida.tools.base import ClinicContext
from tests.agent.conftest import CALLER, booked, known_caller, local, make_state, said
from tests.scripted_llm import call


class GatedStore:
    """A store whose writes wait at a gate, so a test can cancel the caller mid-write."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def book(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        await self.gate.wait()
        return await self._inner.book(*args, **kwargs)

    async def reschedule(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        await self.gate.wait()
        return await self._inner.reschedule(*args, **kwargs)


class StubRunContext:
    """The parts of livekit's RunContext Aida's tools use."""

    _ids = iter(range(1, 1000))

    def __init__(self, state: CallState, *, interrupted: bool = False) -> None:
        self.userdata = state
        self.function_call = SimpleNamespace(call_id=f"call_{next(self._ids)}")
        self.speech_handle = SimpleNamespace(interrupted=interrupted)
        self.interruptions_allowed = True
        self.said: list[str] = []
        self.session = SimpleNamespace(say=lambda text, **_: self.said.append(text))

    def disallow_interruptions(self) -> None:
        if self.speech_handle.interrupted:
            raise RuntimeError("speech already interrupted")
        self.interruptions_allowed = False


@pytest.fixture
def gated(store: Store) -> GatedStore:
    return GatedStore(store)


@pytest.fixture
def state(gated: GatedStore, settings: Settings, clock: Any, jane: str) -> CallState:
    tools = ClinicContext(store=gated, settings=settings, clock=clock)  # type: ignore[arg-type]
    return make_state(tools, known_caller())


@pytest.fixture
def aida(settings: Settings) -> Aida:
    return Aida(settings, caller=known_caller(), greet=False)


START = local(4, 9).isoformat()


def agreed(state: CallState, *key: str) -> None:
    """The read-back for `key` was asked and the caller said yes: the next call writes."""
    state.confirmations.propose(tuple(key), "Shall I?")
    state.confirmations.caller_spoke("Yes, please.")


def output(result: Any) -> dict[str, Any]:
    return json.loads(result.output)


async def test_interrupted_before_commit_books_nothing(
    aida: Aida, state: CallState, gated: GatedStore, store: Store
) -> None:
    gated.gate.set()
    ctx = StubRunContext(state, interrupted=True)
    out = await aida.book_appointment(ctx, start=START)
    assert out == INTERRUPTED
    assert booked(await store.list_appointments(phone=CALLER)) == []
    result = state.timeline.of_type("tool_result")[-1]
    assert result["ok"] is False and result["error"]["error"] == "interrupted"


async def test_write_disallows_interruptions_first(
    aida: Aida, state: CallState, gated: GatedStore
) -> None:
    agreed(state, "book", START)
    ctx = StubRunContext(state)
    task = asyncio.create_task(aida.book_appointment(ctx, start=START))
    await gated.entered.wait()
    assert ctx.interruptions_allowed is False  # before the store is touched
    gated.gate.set()
    await task


async def test_booking_cancelled_mid_write_completes_once_and_repeat_is_idempotent(
    aida: Aida, state: CallState, gated: GatedStore, store: Store
) -> None:
    agreed(state, "book", START)
    ctx = StubRunContext(state)
    task = asyncio.create_task(aida.book_appointment(ctx, start=START))
    await gated.entered.wait()
    task.cancel()  # the turn is abandoned while the write is in flight
    with pytest.raises(asyncio.CancelledError):
        await task
    gated.gate.set()
    await state.wait_for_writes()

    appts = booked(await store.list_appointments(phone=CALLER))
    assert len(appts) == 1
    recorded = state.timeline.of_type("tool_result")[-1]
    assert recorded["ok"] is True and recorded["result"]["created"] is True

    # the model runs the same tool again: it is done, and Aida says so (never an error)
    ctx = StubRunContext(state)
    again = output(await aida.book_appointment(ctx, start=START))
    assert again == {"booked": START}
    assert ctx.said == ["You're all set for Wednesday, March 4 at 9 AM."]
    assert len(booked(await store.list_appointments(phone=CALLER))) == 1
    # the record counts it once: the abandoned turn's write, not the repeat
    assert [c["action"] for c in appointments_in_call(state.timeline.events)] == ["booked"]


async def test_reschedule_cancelled_half_way_leaves_exactly_one(
    aida: Aida, state: CallState, gated: GatedStore, store: Store
) -> None:
    original = await store.book(
        CALLER, local(4, 9).astimezone(dt.UTC), local(4, 9, 30).astimezone(dt.UTC)
    )
    new_start = local(5, 10).isoformat()
    agreed(state, "move", original.appointment.id, new_start)
    ctx = StubRunContext(state)
    task = asyncio.create_task(aida.reschedule_appointment(ctx, new_start=new_start))
    await gated.entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    gated.gate.set()
    await state.wait_for_writes()

    appts = booked(await store.list_appointments(phone=CALLER))
    assert [a.start_time for a in appts] == [local(5, 10).astimezone(dt.UTC)]

    ctx = StubRunContext(state)
    again = output(await aida.reschedule_appointment(ctx, which="Wednesday", new_start=new_start))
    assert again == {"moved_to": new_start}
    assert ctx.said == ["You're all set: your appointment is now Thursday, March 5 at 10 AM."]
    assert len(booked(await store.list_appointments(phone=CALLER))) == 1


async def test_concurrent_duplicate_bookings_make_one(
    aida: Aida, state: CallState, gated: GatedStore, store: Store
) -> None:
    gated.gate.set()
    agreed(state, "book", START)
    outs = await asyncio.gather(
        aida.book_appointment(StubRunContext(state), start=START),
        aida.book_appointment(StubRunContext(state), start=START),
    )
    assert [output(o) for o in outs] == [{"booked": START}, {"booked": START}]
    assert len(booked(await store.list_appointments(phone=CALLER))) == 1


async def test_model_calling_book_twice_in_one_turn(aida_session, store: Store, jane: str) -> None:
    script = [
        [call("book_appointment", start=START), call("book_appointment", start=START)],
    ]
    async with aida_session(script, caller=known_caller()) as (session, llm):
        first = await session.run(user_input="Wednesday at 9, yes please.")
        # read back once, nothing written before the caller answers
        assert said(first) == ["Shall I book Wednesday, March 4 at 9 AM?"]
        assert booked(await store.list_appointments(phone=CALLER)) == []
        second = await session.run(user_input="Yes.")
        assert said(second) == ["You're booked for Wednesday, March 4 at 9 AM."]
        assert llm.exhausted
    assert len(booked(await store.list_appointments(phone=CALLER))) == 1
