"""The durable local outbox: one JSON file per call, written before anything touches the network.

A file is written atomically (a temp file in the same folder, fsync, rename, fsync the folder), so
a worker killed mid-write leaves the previous complete file, or none, plus a temp file that readers
ignore and `clean_temp` removes later. Each call also has a lock file held with `flock` while one
process works on it: a second worker (or a second task in the same worker) skips a claimed call,
and a lock dies with its process, so a crash never strands a record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from aida.store.models import CallSummary

logger = logging.getLogger("aida.calls.outbox")

SCHEMA_VERSION = 1
SUFFIX = ".json"
TEMP_PREFIX = ".tmp-"
# A temp file this old belongs to a writer that died; younger ones may still be being written.
STALE_TEMP_SECONDS = 600.0
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")


class OutboxEntry(BaseModel):
    """A call record on its way to the database, with what has been done for it so far."""

    v: int = SCHEMA_VERSION
    call_id: str
    summary: CallSummary  # the row; summary_text stays None until summarised
    usage: list[dict[str, Any]] = Field(default_factory=list)  # session usage + the summary's own
    summary_final: bool = False  # an LLM summary is in, or no more attempts will be made
    summary_attempts: int = 0
    preferences_merged: bool = False
    stored: bool = False  # the current `summary` is in the database
    attempts: int = 0  # delivery attempts that failed
    last_error: str | None = None  # exception type and a short reason; never patient data
    next_attempt_at: dt.datetime | None = None
    queued_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


class Outbox:
    def __init__(self, directory: Path | str) -> None:
        self.dir = Path(directory)

    def ensure(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    def path(self, call_id: str) -> Path:
        if not _SAFE_ID.match(call_id):
            raise ValueError("call id is not a safe file name")
        return self.dir / f"{call_id}{SUFFIX}"

    def _lock_path(self, call_id: str) -> Path:
        return self.dir / f".{call_id}.lock"

    # --- writing ---

    def write(self, entry: OutboxEntry) -> Path:
        """Replace the call's file with `entry`, all or nothing, durable when this returns."""
        self.ensure()
        target = self.path(entry.call_id)
        data = entry.model_dump_json().encode()
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{entry.call_id}-", dir=self.dir)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.dir)
        return target

    def remove(self, call_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(call_id).unlink()
        _fsync_dir(self.dir)

    # --- reading ---

    def ids(self) -> list[str]:
        """Calls waiting, oldest first. Temp, lock and quarantined files are not calls."""
        if not self.dir.is_dir():
            return []
        found = []
        for path in self.dir.iterdir():
            if path.name.startswith(".") or not path.name.endswith(SUFFIX):
                continue
            with contextlib.suppress(FileNotFoundError):
                found.append((path.stat().st_mtime, path.name[: -len(SUFFIX)]))
        return [call_id for _, call_id in sorted(found)]

    def read(self, call_id: str) -> OutboxEntry | None:
        """The entry, or None when it is gone. A file that cannot be parsed is set aside as
        `<id>.json.corrupt` (never deleted) so one bad file cannot block the rest."""
        path = self.path(call_id)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            return OutboxEntry.model_validate_json(raw)
        except ValidationError as exc:
            quarantine = path.with_name(path.name + ".corrupt")
            logger.error(
                "outbox file unreadable, set aside as %s: %s",
                quarantine.name,
                exc.errors()[0].get("msg"),
            )
            with contextlib.suppress(OSError):
                os.replace(path, quarantine)
            return None

    # --- claiming ---

    @contextlib.contextmanager
    def claim(self, call_id: str) -> Iterator[bool]:
        """Hold the call's lock for the block; yields False (and holds nothing) when another
        process or task already holds it."""
        self.ensure()
        lock_path = self._lock_path(call_id)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                # Only a holder whose record is gone removes the lock file; anyone who opened it
                # meanwhile finds no record once they get the lock, and does nothing.
                if not self.path(call_id).exists():
                    with contextlib.suppress(FileNotFoundError):
                        lock_path.unlink()
        finally:
            os.close(fd)

    # --- housekeeping ---

    def clean_temp(self, older_than: float = STALE_TEMP_SECONDS) -> int:
        """Remove temp files left by writers that died mid-write; returns how many."""
        if not self.dir.is_dir():
            return 0
        removed = 0
        cutoff = time.time() - older_than
        for path in self.dir.glob(f"{TEMP_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        if removed:
            logger.warning(
                "removed %d partial outbox file(s) left by an interrupted write", removed
            )
        return removed


def pending_report(outbox: Outbox) -> list[dict[str, Any]]:
    """What is queued, for operators: no patient data."""
    rows = []
    for call_id in outbox.ids():
        entry = outbox.read(call_id)
        if entry is None:
            continue
        rows.append(
            {
                "call_id": call_id,
                "queued_at": entry.queued_at.isoformat(timespec="seconds"),
                "stored": entry.stored,
                "summary": entry.summary.status or "pending",
                "attempts": entry.attempts,
                "summary_attempts": entry.summary_attempts,
                "last_error": entry.last_error,
            }
        )
    return rows


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
