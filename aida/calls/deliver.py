"""From the outbox to the database: summarise, merge preferences, upsert the row, then forget.

Each step's result is written back to the call's outbox file before the next network step, so a
failure repeats only what did not finish: a database outage never costs a second LLM call, and a
retry never makes a second row (the row's id is the call id; the store upserts). A call whose
summary fell back to the timeline is stored at once and stays in the outbox for a few more LLM
attempts; a later success replaces the row's summary.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from aida.calls.cost import PriceTable, cost_breakdown, load_price_table
from aida.calls.notes import timeline_summary
from aida.calls.outbox import Outbox, OutboxEntry
from aida.config import Settings
from aida.errors import PatientNotFound
from aida.store.protocol import Store

if TYPE_CHECKING:  # LiveKit loads slowly; a drain with no model to ask never imports it
    from livekit.agents import llm

    Models = Sequence[llm.LLM] | Callable[[], Sequence[llm.LLM]] | None

logger = logging.getLogger("aida.calls.deliver")

StoreFactory = Callable[[], Awaitable[Store]]

MAX_SUMMARY_ATTEMPTS = 4
MAX_SUMMARY_BACKOFF = 6 * 3600.0
LLM_TIMEOUT = 60.0  # per model, when there is no hang-up deadline
DB_RESERVE = 2.0  # of a hang-up budget, kept for the database write after the summary

Outcome = Literal["stored", "pending", "busy", "missing"]


@dataclass
class Delivery:
    call_id: str
    outcome: Outcome  # stored: row written and final; pending: still in the outbox
    stored: bool = False  # a row for the call is in the database (maybe timeline-only for now)
    status: str | None = None  # the row's summary status
    error: str | None = None


def default_store_factory(settings: Settings) -> StoreFactory:
    async def open_configured() -> Store:
        from aida.store.factory import open_store

        return await open_store(settings)

    return open_configured


class _LazyStore:
    """One store for a whole drain, opened when first needed; an open that fails is not retried
    in the same round (the database is down: the rest can wait)."""

    def __init__(self, factory: StoreFactory) -> None:
        self._factory = factory
        self._store: Store | None = None
        self.failed: BaseException | None = None

    async def get(self) -> Store:
        if self.failed is not None:
            raise self.failed
        if self._store is None:
            try:
                self._store = await self._factory()
            except Exception as exc:
                self.failed = exc
                raise
        return self._store

    async def close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            try:
                await store.close()
            except Exception:
                logger.debug("store close failed", exc_info=True)


def _error_line(exc: BaseException) -> str:
    # For the outbox file (as private as the record it sits beside) and `summaries list`: a
    # driver's message can quote row values, such as a phone number, so logs get only the type.
    message = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


class Deliverer:
    def __init__(
        self,
        settings: Settings,
        *,
        store_factory: StoreFactory | None = None,
        llms: Models = None,
        outbox: Outbox | None = None,
        prices: PriceTable | None = None,
        llm_timeout: float = LLM_TIMEOUT,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.settings = settings
        self.store_factory = store_factory or default_store_factory(settings)
        self.outbox = outbox or Outbox(settings.outbox_dir)
        self.prices = prices
        self.llm_timeout = llm_timeout
        self._llms = llms
        self._built: list[llm.LLM] | None = None
        self._now = now

    def models(self) -> list[llm.LLM]:
        if self._built is None:
            source = self._llms
            if source is None:
                from aida.calls.summary_models import build_summary_llms

                self._built = build_summary_llms(self.settings)
            elif callable(source):
                self._built = list(source())
            else:
                self._built = list(source)
        return self._built

    def price_table(self) -> PriceTable:
        if self.prices is None:
            self.prices = load_price_table()
        return self.prices

    # --- one call ---

    async def deliver(
        self, call_id: str, *, deadline: float | None = None, force: bool = False
    ) -> Delivery:
        """Deliver one queued call (if nobody else is). `deadline` is a `time.monotonic()`
        instant after which the work stops and the rest is left to a later drain."""
        lazy = _LazyStore(self.store_factory)
        try:
            return await self._deliver(call_id, lazy, deadline=deadline, force=force)
        finally:
            await lazy.close()

    async def _deliver(
        self, call_id: str, lazy: _LazyStore, *, deadline: float | None, force: bool
    ) -> Delivery:
        with self.outbox.claim(call_id) as mine:
            if not mine:
                return Delivery(call_id, "busy")
            entry = self.outbox.read(call_id)
            if entry is None:
                return Delivery(call_id, "missing")
            work = self._work(entry, lazy, deadline=deadline, force=force)
            if deadline is None:
                return await work
            try:
                return await asyncio.wait_for(work, max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                logger.info("call record queued: out of time at hang-up, the drain will finish it")
                return Delivery(call_id, "pending", error="out of time")

    async def _work(
        self, entry: OutboxEntry, lazy: _LazyStore, *, deadline: float | None, force: bool
    ) -> Delivery:
        call_id = entry.call_id
        if not entry.summary_final and (
            force or entry.next_attempt_at is None or self._now() >= entry.next_attempt_at
        ):
            await self.summarise(entry, deadline)
            self.outbox.write(entry)  # the summary is kept whatever the database does next
        row = entry.summary
        if entry.stored:
            if entry.summary_final:
                self.outbox.remove(call_id)
                return Delivery(call_id, "stored", stored=True, status=row.status)
            return Delivery(call_id, "pending", stored=True, status=row.status)
        try:
            store = await lazy.get()
            if not entry.preferences_merged:
                await self.merge_preferences(store, entry)
                entry.preferences_merged = True
            await store.save_call_summary(row)
        except Exception as exc:
            entry.attempts += 1
            entry.last_error = _error_line(exc)
            self.outbox.write(entry)
            logger.warning(
                "call record kept in the outbox (attempt %d): %s",
                entry.attempts,
                type(exc).__name__,
            )
            logger.debug("store failure", exc_info=True)
            return Delivery(call_id, "pending", status=row.status, error=entry.last_error)
        entry.stored, entry.last_error = True, None
        if entry.summary_final:
            self.outbox.remove(call_id)
            logger.info("call record stored (%s)", row.status)
            return Delivery(call_id, "stored", stored=True, status=row.status)
        self.outbox.write(entry)
        logger.info("call record stored (%s); the summary will be retried", row.status)
        return Delivery(call_id, "pending", stored=True, status=row.status)

    async def summarise(self, entry: OutboxEntry, deadline: float | None) -> None:
        """Fill in the row's summary (an LLM's, or the timeline's) and its cost."""
        row = entry.summary
        models = self.models()
        budget = None if deadline is None else deadline - time.monotonic() - DB_RESERVE
        timed_out = False
        if models and (budget is None or budget > 0.5):
            from aida.calls.summary import summarize

            per_model = self.llm_timeout if budget is None else min(self.llm_timeout, budget)
            try:
                summary = await asyncio.wait_for(
                    summarize(
                        row, models, clinic_name=self.settings.clinic_name, timeout=per_model
                    ),
                    budget,
                )
            except TimeoutError:
                summary, timed_out = timeline_summary(row), True
        else:
            summary, timed_out = timeline_summary(row), bool(models)

        row.summary_text = summary.text
        row.action_items = summary.action_items
        row.status = summary.status
        entry.usage.extend(summary.usage)
        row.cost_breakdown = cost_breakdown(entry.usage, self.price_table())
        entry.stored = False  # the row changed: write it again

        if summary.status == "complete" or not models:
            entry.summary_final = True
            entry.next_attempt_at = None
            return
        if timed_out or summary.deferred:
            # out of hang-up time, or the local model busy with a live call, is not the models'
            # fault: try again at the next drain
            entry.next_attempt_at = None
            return
        entry.summary_attempts += 1
        entry.summary_final = entry.summary_attempts >= MAX_SUMMARY_ATTEMPTS
        wait = min(
            self.settings.outbox_retry_seconds * 2**entry.summary_attempts, MAX_SUMMARY_BACKOFF
        )
        entry.next_attempt_at = self._now() + dt.timedelta(seconds=wait)
        logger.warning(
            "every summary model failed (%s); timeline-only summary%s",
            "; ".join(summary.errors) or "no model",
            "" if entry.summary_final else ", will retry",
        )

    async def merge_preferences(self, store: Store, entry: OutboxEntry) -> None:
        row = entry.summary
        if not row.preferences or not row.user_phone:
            return
        try:
            await store.merge_preferences(row.user_phone, dict(row.preferences))
        except PatientNotFound:
            logger.info("preferences not merged: the caller has no patient record")

    # --- the whole outbox ---

    async def drain(self, *, force: bool = False) -> list[Delivery]:
        """Try every queued call once, oldest first. `force` ignores summary back-off."""
        self.outbox.clean_temp()
        results: list[Delivery] = []
        lazy = _LazyStore(self.store_factory)
        try:
            for call_id in self.outbox.ids():
                results.append(await self._deliver(call_id, lazy, deadline=None, force=force))
                if lazy.failed is not None:
                    break  # the database is unreachable: everything else waits for next round
        finally:
            await lazy.close()
        if results:
            stored = sum(1 for r in results if r.outcome == "stored")
            logger.info("outbox drain: %d stored, %d still queued", stored, len(self.outbox.ids()))
        return results


def start_outbox_worker(
    settings: Settings,
    store_factory: StoreFactory | None = None,
    *,
    llms: Models = None,
    interval: float | None = None,
) -> asyncio.Task[None]:
    """Drain the outbox now and then every `settings.outbox_retry_seconds`, until cancelled.
    Must be called from a running event loop; keep the task and cancel it at shutdown."""
    deliverer = Deliverer(settings, store_factory=store_factory, llms=llms)
    period = interval if interval is not None else settings.outbox_retry_seconds

    async def loop() -> None:
        while True:
            try:
                await deliverer.drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop must outlive any one bad round
                logger.exception("outbox drain failed")
            await asyncio.sleep(period)

    return asyncio.create_task(loop(), name="aida-outbox-drain")
