"""A real scripted call, recorded at hang-up: the row, the database down, every LLM failing."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from aida.calls import finalize_call
from aida.calls.deliver import Deliverer
from aida.calls.outbox import Outbox
from aida.config import Settings
from aida.tools.base import ClinicContext
from tests.calls.conftest import Factory, count_rows
from tests.calls.doubles import summary_call
from tests.calls.session_script import CALL_ID, PHONE, RecordedCall, run_scripted_call
from tests.scripted_llm import Say, ScriptedLLM, Slow

SUMMARY = (
    "Jane Doe booked a checkup, moved it to Wednesday, March 4 at 9:30 AM, "
    "and asked about a refill."
)


@pytest.fixture
async def recorded(tools: ClinicContext, settings: Settings) -> RecordedCall:
    return await run_scripted_call(tools, settings)


async def hang_up(recorded: RecordedCall, settings: Settings, factory: Factory, llms, **kw):  # type: ignore[no-untyped-def]
    state = recorded.state
    return await finalize_call(
        call_id=state.call_id,
        room_name=state.room_name,
        caller_phone=state.caller_phone,
        started_at=state.started_at,
        ended_at=state.ended_at,
        end_reason=state.end_reason,
        timeline=state.timeline.events,
        history=recorded.history,
        usage=recorded.usage,
        settings=settings,
        store_factory=factory,
        llms=llms,
        **kw,
    )


async def test_scripted_call_produces_the_complete_row(
    recorded: RecordedCall,
    settings: Settings,
    store_factory: Factory,
    outbox: Outbox,
    db_path: Path,
) -> None:
    summariser = ScriptedLLM(
        [summary_call(SUMMARY, ["Check the refill request"])],
        prompt_tokens=2000,
        completion_tokens=100,
    )
    delivery = await hang_up(recorded, settings, store_factory, [summariser])

    assert delivery.outcome == "stored" and delivery.status == "complete"
    assert outbox.ids() == []
    store = store_factory.flaky.inner
    row = await store.get_call_summary(CALL_ID)
    assert row is not None
    assert row.user_phone == PHONE and row.room_name == "call-test-room"
    assert row.status == "complete" and row.summary_text == SUMMARY
    assert row.end_reason == recorded.state.end_reason and row.duration_seconds is not None

    # the timeline is exactly what the client saw, in order
    assert row.timeline == recorded.state.timeline.events
    assert [e["seq"] for e in row.timeline] == list(range(1, len(row.timeline) + 1))

    # the transcript: the caller's and Aida's words and the tool calls, not the instructions
    said = [(i["role"], " ".join(i["content"])) for i in row.transcript if i["type"] == "message"]
    assert said[0][0] == "user" and said[0][1].startswith("Hi, this is Jane Doe")
    assert (
        "assistant",
        "Done. Your appointment is moved from Tuesday, March 3 at 10 AM to Wednesday, March 4 "
        "at 9:30 AM.",
    ) in said
    assert {r for r, _ in said} == {"user", "assistant"}
    assert any(
        i["type"] == "function_call" and i["name"] == "reschedule_appointment"
        for i in row.transcript
    )

    # appointments from the tool results, agreeing with the database
    actions = [a["action"] for a in row.appointments_in_call]
    assert actions == ["booked", "rescheduled"]  # the refused past booking changed nothing
    booked, moved = row.appointments_in_call
    now_booked = await store.list_appointments(phone=PHONE)
    assert [a.id for a in now_booked] == [moved["id"]]
    assert moved["previous"]["id"] == booked["id"]
    assert moved["start"] == "2026-03-04T09:30:00-05:00"
    assert booked["spoken"] == "Tuesday, March 3 at 10 AM"
    old = await store.get_appointment(booked["id"])
    assert old is not None and old.status == "cancelled"

    # preferences as stated, merged into the patient's record
    assert row.preferences == {"time_of_day": "mornings"}
    patient = await store.get_patient(PHONE)
    assert patient is not None and patient.preferences["time_of_day"] == "mornings"

    # action items: the callback is a fact from the call; the model's item is added to it
    assert row.action_items == [
        {
            "kind": "callback",
            "text": "Call the patient back: question about a prescription refill",
            "source": "call",
        },
        {"kind": "follow_up", "text": "Check the refill request", "source": "summary"},
    ]

    # cost: 5 scripted requests of 1000 + 50 tokens on gpt-4o-mini, plus the summary's 2000 + 100
    cost = row.cost_breakdown
    assert cost is not None
    call_item, summary_item = cost["items"]
    assert call_item["purpose"] == "call" and call_item["usage"]["input_tokens"] == 5_000
    assert call_item["priced_as"] == "openai/gpt-4o-mini" and call_item["usd"] == 0.0009
    assert summary_item["purpose"] == "summary" and summary_item["usd"] == 0.00036
    assert cost["total_usd"] == 0.00126 and cost["by_component"]["llm"] == 0.00126
    assert cost["complete"] is True and cost["prices"]["as_of"] == "2026-11-23"

    # the summariser got the facts from the timeline and was forced to answer structurally
    request = summariser.requests[0]
    assert request.tool_names == ["record_call_summary"] and request.tool_choice == {
        "type": "function",
        "function": {"name": "record_call_summary"},
    }
    prompt = request.chat_ctx.items[-1].text_content
    assert "Wednesday, March 4 at 9:30 AM" in prompt and "prescription refill" in prompt


async def test_database_down_at_hang_up_then_back_writes_once(
    recorded: RecordedCall,
    settings: Settings,
    store_factory: Factory,
    outbox: Outbox,
    db_path: Path,
) -> None:
    summariser = ScriptedLLM([summary_call(SUMMARY)])
    store_factory.flaky.down = True
    delivery = await hang_up(recorded, settings, store_factory, [summariser])

    assert delivery.outcome == "pending" and not delivery.stored
    assert outbox.ids() == [CALL_ID]
    entry = outbox.read(CALL_ID)
    assert entry is not None and entry.attempts == 1 and "StoreUnavailable" in entry.last_error
    assert entry.summary.summary_text == SUMMARY  # the LLM's work is kept for the retry
    assert await count_rows(db_path) == 0

    deliverer = Deliverer(settings, store_factory=store_factory, llms=[summariser])
    for _ in range(2):  # still down: it stays queued, nothing is written
        await deliverer.drain()
    assert outbox.read(CALL_ID).attempts == 3  # type: ignore[union-attr]
    # the database is back but unreachable at connect time first, then reachable
    store_factory.flaky.down = False
    store_factory.unreachable = True
    await deliverer.drain()
    assert outbox.ids() == [CALL_ID]
    store_factory.unreachable = False
    for _ in range(3):
        await deliverer.drain()

    assert outbox.ids() == []
    assert await count_rows(db_path) == 1
    assert store_factory.flaky.saves == 1
    assert len(summariser.requests) == 1  # never summarised twice
    row = await store_factory.flaky.inner.get_call_summary(CALL_ID)
    assert row is not None and row.summary_text == SUMMARY and row.status == "complete"


async def test_every_llm_failing_gives_the_timeline_only_summary(
    recorded: RecordedCall,
    settings: Settings,
    store_factory: Factory,
    outbox: Outbox,
    db_path: Path,
) -> None:
    broken = ScriptedLLM([RuntimeError("503 from the provider")], provider="api.openai.com")
    rambling = ScriptedLLM(
        [Say("Sure! The caller booked something.")],
        provider="api.anthropic.com",
        model="claude-3-5-haiku-latest",
    )
    delivery = await hang_up(recorded, settings, store_factory, [broken, rambling])

    assert delivery.stored and delivery.status == "timeline_only"
    row = await store_factory.flaky.inner.get_call_summary(CALL_ID)
    assert row is not None and row.status == "timeline_only"
    text = row.summary_text or ""
    assert "Booked an appointment on Tuesday, March 3 at 10 AM." in text
    assert (
        "Moved an appointment from Tuesday, March 3 at 10 AM to Wednesday, March 4 at 9:30 AM."
        in text
    )
    assert "Preferences noted: time of day: mornings." in text
    assert "no language model summary" in text
    assert row.action_items == [
        {
            "kind": "callback",
            "text": "Call the patient back: question about a prescription refill",
            "source": "call",
        }
    ]
    assert [a["action"] for a in row.appointments_in_call or []] == ["booked", "rescheduled"]

    # the record stays queued for a better summary; a later drain with a working model upgrades
    # the same row
    entry = outbox.read(CALL_ID)
    assert entry is not None and entry.stored and not entry.summary_final
    assert entry.summary_attempts == 1 and entry.next_attempt_at is not None
    working = ScriptedLLM([summary_call(SUMMARY)])
    deliverer = Deliverer(settings, store_factory=store_factory, llms=[working])
    await deliverer.drain()  # backing off: not due yet
    assert working.requests == [] and outbox.ids() == [CALL_ID]
    await deliverer.drain(force=True)
    assert outbox.ids() == []
    assert await count_rows(db_path) == 1
    row = await store_factory.flaky.inner.get_call_summary(CALL_ID)
    assert row is not None and row.status == "complete" and row.summary_text == SUMMARY


async def test_summary_gives_up_after_the_last_attempt(
    recorded: RecordedCall,
    settings: Settings,
    store_factory: Factory,
    outbox: Outbox,
    db_path: Path,
) -> None:
    from aida.calls.deliver import MAX_SUMMARY_ATTEMPTS

    failing = ScriptedLLM([RuntimeError("down")] * MAX_SUMMARY_ATTEMPTS)
    await hang_up(recorded, settings, store_factory, [failing])
    deliverer = Deliverer(settings, store_factory=store_factory, llms=[failing])
    for _ in range(MAX_SUMMARY_ATTEMPTS + 2):
        await deliverer.drain(force=True)
    assert len(failing.requests) == MAX_SUMMARY_ATTEMPTS
    assert outbox.ids() == []
    assert await count_rows(db_path) == 1
    row = await store_factory.flaky.inner.get_call_summary(CALL_ID)
    assert row is not None and row.status == "timeline_only"


async def test_slow_llm_at_hang_up_stores_timeline_only_now_and_the_summary_later(
    recorded: RecordedCall,
    settings: Settings,
    store_factory: Factory,
    outbox: Outbox,
    db_path: Path,
) -> None:
    slow = ScriptedLLM([Slow(30, summary_call("never arrives")), summary_call(SUMMARY)])
    delivery = await hang_up(recorded, settings, store_factory, [slow], budget_seconds=3.0)

    assert delivery.stored and delivery.status == "timeline_only" and delivery.outcome == "pending"
    entry = outbox.read(CALL_ID)
    assert entry is not None and entry.summary_attempts == 0  # out of time is not a failure
    await Deliverer(settings, store_factory=store_factory, llms=[slow]).drain()
    row = await store_factory.flaky.inner.get_call_summary(CALL_ID)
    assert row is not None and row.status == "complete"
    assert outbox.ids() == [] and await count_rows(db_path) == 1


async def test_a_summary_that_gave_way_to_a_live_call_is_retried_without_counting(
    recorded: RecordedCall,
    settings: Settings,
    store_factory: Factory,
    outbox: Outbox,
    db_path: Path,
) -> None:
    from aida.local.priority import ModelYielded

    # the host's local model was needed by a caller's turn: the note waits, it did not fail
    local = ScriptedLLM([ModelYielded(), summary_call(SUMMARY)], provider="llama.cpp")
    delivery = await hang_up(recorded, settings, store_factory, [local])

    assert delivery.stored and delivery.status == "timeline_only" and delivery.outcome == "pending"
    entry = outbox.read(CALL_ID)
    assert entry is not None and entry.summary_attempts == 0 and entry.next_attempt_at is None
    await Deliverer(settings, store_factory=store_factory, llms=[local]).drain()
    row = await store_factory.flaky.inner.get_call_summary(CALL_ID)
    assert row is not None and row.status == "complete" and row.summary_text == SUMMARY
    assert outbox.ids() == [] and await count_rows(db_path) == 1


async def test_no_model_configured_stores_the_timeline_summary_and_finishes(
    recorded: RecordedCall, settings: Settings, store_factory: Factory, outbox: Outbox
) -> None:
    delivery = await hang_up(recorded, settings, store_factory, [])
    assert delivery.outcome == "stored" and delivery.status == "timeline_only"
    assert outbox.ids() == []


async def test_two_drainers_at_once_write_each_call_once(
    recorded: RecordedCall,
    settings: Settings,
    store_factory: Factory,
    outbox: Outbox,
    db_path: Path,
) -> None:
    store_factory.flaky.down = True
    await hang_up(recorded, settings, store_factory, [])
    store_factory.flaky.down = False

    inner_save = store_factory.flaky.inner.save_call_summary

    async def slow_save(summary):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.2)  # long enough for the other drainer to find the file
        await inner_save(summary)

    store_factory.flaky.inner.save_call_summary = slow_save  # type: ignore[method-assign]
    a = Deliverer(settings, store_factory=store_factory, llms=[])
    b = Deliverer(settings, store_factory=store_factory, llms=[])
    first, second = await asyncio.gather(a.drain(), b.drain())
    outcomes = sorted(r.outcome for r in first + second)
    assert "stored" in outcomes and outcomes.count("stored") == 1
    assert store_factory.flaky.saves == 1
    assert await count_rows(db_path) == 1 and outbox.ids() == []


async def test_call_end_hook_reads_the_live_call(
    recorded: RecordedCall, settings: Settings, store_factory: Factory, outbox: Outbox
) -> None:
    from types import SimpleNamespace

    from aida.calls import call_end_hook

    hook = call_end_hook(settings, store_factory, llms=[ScriptedLLM([summary_call(SUMMARY)])])
    live = SimpleNamespace(
        state=recorded.state,
        session=SimpleNamespace(history=recorded.history, usage=recorded.usage),
    )
    await hook(live)
    row = await store_factory.flaky.inner.get_call_summary(CALL_ID)
    assert row is not None and row.summary_text == SUMMARY and row.room_name == "call-test-room"
    assert row.timeline == recorded.state.timeline.events and outbox.ids() == []


async def test_the_outbox_worker_drains_at_start_and_periodically(
    recorded: RecordedCall,
    settings: Settings,
    store_factory: Factory,
    outbox: Outbox,
    db_path: Path,
) -> None:
    from aida.calls import start_outbox_worker

    store_factory.flaky.down = True
    await hang_up(recorded, settings, store_factory, [])
    assert outbox.ids() == [CALL_ID]

    task = start_outbox_worker(settings, store_factory, llms=[], interval=0.05)
    try:
        await asyncio.sleep(0.2)  # several rounds while the database is down
        assert outbox.ids() == [CALL_ID] and not task.done()
        store_factory.flaky.down = False
        for _ in range(100):
            if not outbox.ids():
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert outbox.ids() == [] and await count_rows(db_path) == 1


async def test_a_disk_that_refuses_the_outbox_still_gets_the_row_stored(
    recorded: RecordedCall, settings: Settings, store_factory: Factory, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    broken = settings.model_copy(update={"outbox_dir": blocker / "outbox"})
    delivery = await hang_up(recorded, broken, store_factory, [])
    assert delivery.stored
    row = await store_factory.flaky.inner.get_call_summary(CALL_ID)
    assert row is not None and row.status == "timeline_only"
