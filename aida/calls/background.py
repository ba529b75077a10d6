"""The outbox drain inside a worker process.

LiveKit's prewarm runs before the job's event loop exists, so the drain gets a daemon thread with
a loop of its own: it drains at process start and then every OUTBOX_RETRY_SECONDS. Several worker
processes may each run one; the outbox's per-file claims keep them from storing a call twice.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from aida.config import Settings

logger = logging.getLogger("aida.calls")

_started: threading.Thread | None = None
_stop: asyncio.Event | None = None
_loop: asyncio.AbstractEventLoop | None = None
_lock = threading.Lock()


def start_outbox_thread(settings: Settings) -> threading.Thread:
    """Start the process's drain once; later calls return the running thread."""
    global _started
    with _lock:
        if _started is not None and _started.is_alive():
            return _started
        _started = threading.Thread(
            target=_run, args=(settings,), name="aida-outbox-drain", daemon=True
        )
        _started.start()
        return _started


def stop_outbox_thread(timeout: float = 5.0) -> None:
    """Stop the drain (tests; a clean shutdown). Queued records stay in the outbox."""
    global _started
    with _lock:
        thread, loop, stop = _started, _loop, _stop
        _started = None
    if thread is None:
        return
    if loop is not None and stop is not None:
        loop.call_soon_threadsafe(stop.set)
    thread.join(timeout)


def _drain_models(settings: Settings) -> list[Any]:
    """The cloud summary models, then the local model only if this process already serves calls
    with it: on it a summary runs at background priority and gives way to any caller's turn
    (aida.local.priority), so a summary deferred at hang-up is written between turns. A process
    without it loaded never loads 1.9 GB for a note."""
    from aida.calls.summary_models import build_summary_llms

    models: list[Any] = build_summary_llms(settings, include_local=False)
    if settings.providers != "cloud":
        from aida.local import loaded_llms

        models.extend(loaded_llms())
    return models


def _run(settings: Settings) -> None:
    from aida.calls.deliver import start_outbox_worker

    async def main() -> None:
        global _loop, _stop
        _loop, _stop = asyncio.get_running_loop(), asyncio.Event()
        task = start_outbox_worker(settings, llms=lambda: _drain_models(settings))
        await _stop.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    try:
        asyncio.run(main())
    except Exception:  # a drain that dies must not take the worker with it; records stay queued
        logger.exception("outbox drain stopped; queued call records wait for the next start")
