"""One sqlite3 connection that lives on its own thread.

The store hands it whole transactions as plain functions, so a booking costs one hop between the
event loop and the database thread instead of one per statement; while a function runs, nothing
else touches that connection, which is what "one writer connection" means.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class SqliteThread:
    def __init__(self, path: Path, *, name: str, busy_timeout_ms: int, writer: bool) -> None:
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._writer = writer
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, work)

    async def close(self) -> None:
        if self._closed:  # closing twice is harmless, as it is for the other stores
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._close)
        self._executor.shutdown(wait=False)

    # --- on the thread ---

    def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._conn is None:
            self._conn = self._open()
        return work(self._conn)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if str(self.path) != ":memory:":
            # Patient data: readable by this user only. SQLite gives its -wal and -shm files the
            # database file's mode, so setting it on the file covers them.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(self.path, 0o600)
        # isolation_level=None: the sqlite3 module must not open transactions behind our back;
        # the store says BEGIN IMMEDIATE itself.
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA foreign_keys=ON")
            # NORMAL in WAL mode: a commit survives an application crash; only a power cut may
            # lose the last few. FULL fsyncs every booking and costs milliseconds each here.
            conn.execute("PRAGMA synchronous=NORMAL")
            if self._writer:
                self._use_wal(conn)
            else:
                conn.execute("PRAGMA query_only=ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _use_wal(self, conn: sqlite3.Connection) -> None:
        """WAL is a property of the file. Switching a new file to it needs the file to itself,
        and SQLite answers "locked" at once rather than through busy_timeout while another
        process (the API and a worker starting together, say) holds it: retry until the timeout."""
        deadline = time.monotonic() + self._busy_timeout_ms / 1000
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL").fetchall()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.02)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
