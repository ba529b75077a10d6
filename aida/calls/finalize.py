"""The worker's entry at hang-up: collect the call, queue it durably, then try to deliver it.

`finalize_call` never raises (but for cancellation): the record is in the outbox before any
network call, and whatever does not finish within its budget is finished by the outbox drain
(`start_outbox_worker`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from aida.calls.cost import PriceTable, cost_breakdown, load_price_table, usage_dicts
from aida.calls.deliver import Deliverer, Delivery, StoreFactory
from aida.calls.outbox import Outbox, OutboxEntry
from aida.calls.record import build_record
from aida.config import Settings, get_settings

if TYPE_CHECKING:
    from aida.calls.deliver import Models

logger = logging.getLogger("aida.calls")

# The worker records a call in LiveKit's `on_session_end` (`aida.agent.session.end_call`), whose
# own limit is the server's `session_end_timeout` (agent.py gives it this plus room to drain the
# timeline). Time enough for a summary; a slower model or database leaves the rest to the outbox,
# so a job process is not held long after the caller has gone.
RECORD_BUDGET_SECONDS = 30.0


async def finalize_call(
    *,
    call_id: str,
    room_name: str | None,
    caller_phone: str | None,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    end_reason: str | None,
    timeline: Iterable[Mapping[str, Any]],
    history: Any,
    usage: Any,
    settings: Settings,
    store_factory: StoreFactory | None = None,
    llms: Models = None,
    budget_seconds: float = RECORD_BUDGET_SECONDS,
    prices: PriceTable | None = None,
) -> Delivery:
    """Record one finished call.

    `timeline`: the call's events (`Timeline.events`); `history`: `session.history` (or its
    `to_dict()`); `usage`: `session.usage` (or a list of its `*ModelUsage`, or their dumps).
    `store_factory` opens a store (default: `open_store(settings)`); `llms` are the summary
    models in order (default: `build_summary_llms(settings)`, built only when needed).
    """
    deadline = time.monotonic() + budget_seconds
    outbox = Outbox(settings.outbox_dir)
    try:
        record = build_record(
            call_id=call_id,
            room_name=room_name,
            caller_phone=caller_phone,
            started_at=started_at,
            ended_at=ended_at,
            end_reason=end_reason,
            timeline=timeline,
            history=history,
        )
        spent = usage_dicts(usage)
        table = prices or load_price_table()
        record.cost_breakdown = cost_breakdown(spent, table)
        entry = OutboxEntry(call_id=call_id, summary=record, usage=spent)
    except Exception:
        logger.exception("could not assemble the call record")
        return Delivery(call_id, "missing", error="record assembly failed")

    deliverer = Deliverer(
        settings, store_factory=store_factory, llms=llms, outbox=outbox, prices=table
    )
    try:
        with outbox.claim(call_id) as mine:
            outbox.write(entry)
            if not mine:  # a drain elsewhere got there first; it will deliver the record
                return Delivery(call_id, "busy")
        # the lock is re-taken inside `deliver`; a drain that slips in between does the work
        return await deliverer.deliver(call_id, deadline=deadline)
    except OSError:
        logger.exception("outbox write failed; trying the database directly")
    except Exception:
        logger.exception("call record delivery failed; it stays in the outbox")
        return Delivery(call_id, "pending", error="delivery failed")
    return await _without_outbox(deliverer, entry, deadline)


async def _without_outbox(deliverer: Deliverer, entry: OutboxEntry, deadline: float) -> Delivery:
    """Last resort when the disk refuses the outbox file: summarise and store from memory."""
    try:
        await deliverer.summarise(entry, deadline)
        store = await deliverer.store_factory()
        try:
            await deliverer.merge_preferences(store, entry)
            await store.save_call_summary(entry.summary)
        finally:
            await store.close()
    except Exception:
        logger.exception("call record LOST: neither the outbox nor the database took it")
        return Delivery(entry.call_id, "missing", error="not stored")
    return Delivery(entry.call_id, "stored", stored=True, status=entry.summary.status)


CallEndHook = Callable[[Any], Awaitable[None]]


def call_end_hook(
    settings: Settings | None = None,
    store_factory: StoreFactory | None = None,
    *,
    llms: Models = None,
    budget_seconds: float = RECORD_BUDGET_SECONDS,
) -> CallEndHook:
    """A hook for `aida.agent.session.run_call(..., on_end=[call_end_hook()])`: it reads the
    `LiveCall` (its `state`, and LiveKit's session `report` when LiveKit ended the call, else its
    `session`) and calls `finalize_call`."""

    async def hook(call: Any) -> None:
        state, session = call.state, call.session
        report = getattr(call, "report", None)
        history: Any = report.chat_history if report is not None else session.history
        usage: Any = state.usage
        try:
            usage = report.model_usage if report is not None else session.usage
        except Exception:  # the session may be gone; the last usage event is on the state
            logger.debug("session usage unavailable; using the last usage event", exc_info=True)
        usage = usage if usage is not None else state.usage
        await finalize_call(
            call_id=state.call_id,
            room_name=state.room_name,
            caller_phone=state.caller_phone,
            started_at=state.started_at,
            ended_at=state.ended_at,
            end_reason=state.end_reason,
            timeline=state.timeline.events,
            history=history,
            usage=usage,
            settings=settings or get_settings(),
            store_factory=store_factory,
            llms=llms,
            budget_seconds=budget_seconds,
        )

    return hook
