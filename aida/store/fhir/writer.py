"""One writer at a time per clinic calendar among the Aida processes of this host.

What keeps writers on several hosts apart is the calendar's Schedule version (If-Match, see
`FhirCalendar._hold`); this lock only queues the writers of one host, so they do not make each
other retry: an asyncio lock for the tasks of one store, then an exclusive `flock` on a file
shared by the worker processes (flock conflicts between separate opens, so separate stores in
one process exclude each other too).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path


def lock_path(lock_dir: Path, base_url: str) -> Path:
    """One lock file per EHR endpoint: clinics on different servers never wait on each other."""
    digest = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:16]
    return lock_dir / f"fhir-writer-{digest}.lock"


class WriterLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = asyncio.Lock()
        self._fd: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        async with self._local:
            fd = self._open()
            # Blocking flock off the event loop; one thread per store at most (the asyncio
            # lock above queues this store's own tasks).
            acquiring = asyncio.ensure_future(asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX))
            try:
                await asyncio.shield(acquiring)
            except asyncio.CancelledError:
                # The thread still takes the lock: give it back as soon as it has.
                acquiring.add_done_callback(lambda _: fcntl.flock(fd, fcntl.LOCK_UN))
                raise
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
