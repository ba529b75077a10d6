"""The outbox drain inside a worker process.

LiveKit's prewarm runs before the job's event loop exists, so the drain gets a daemon thread with
a loop of its own: it drains at process start and then every OUTBOX_RETRY_SECONDS. Several worker
processes may each run one; the outbox's per-file claims keep them from storing a call twice.
"""

from __future__ import annotations

import asyncio
import logging
import threading

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


def _run(settings: Settings) -> None:
    from aida.calls.deliver import start_outbox_worker
    from aida.calls.summary_models import build_summary_llms

    async def main() -> None:
        global _loop, _stop
        _loop, _stop = asyncio.get_running_loop(), asyncio.Event()
        # Never the local model here: it would hold the model's lock while a live call waits.
        task = start_outbox_worker(
            settings, llms=lambda: build_summary_llms(settings, include_local=False)
        )
        await _stop.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    try:
        asyncio.run(main())
    except Exception:  # a drain that dies must not take the worker with it; records stay queued
        logger.exception("outbox drain stopped; queued call records wait for the next start")
