"""The outbox on disk: atomic files, a writer killed mid-write, claims between processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aida.calls.outbox import Outbox, OutboxEntry
from aida.store.models import CallSummary

CALL = "0b7d7a52-3c8e-4c1b-9d62-6c1f3e2a9b10"
ROOT = Path(__file__).resolve().parents[2]


def entry(text: str) -> OutboxEntry:
    return OutboxEntry(call_id=CALL, summary=CallSummary(id=CALL, summary_text=text))


def child(code: str) -> subprocess.Popen[str]:
    """A Python process running `code` with the repo importable; it prints READY when set."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "READY", line


def test_write_read_remove(outbox: Outbox) -> None:
    outbox.write(entry("first"))
    outbox.write(entry("second"))
    assert outbox.ids() == [CALL]
    assert outbox.read(CALL).summary.summary_text == "second"  # type: ignore[union-attr]
    assert [p.name for p in outbox.dir.iterdir() if p.name.startswith(".tmp-")] == []
    outbox.remove(CALL)
    assert outbox.ids() == [] and outbox.read(CALL) is None


def test_unsafe_ids_are_refused(outbox: Outbox) -> None:
    for bad in ("../escape", ".hidden", "a/b", ""):
        with pytest.raises(ValueError):
            outbox.path(bad)


def test_a_writer_killed_mid_write_loses_nothing(outbox: Outbox) -> None:
    outbox.write(entry("complete record"))
    # A second writer gets as far as its temp file, then is killed before the rename.
    proc = child(f"""
        import os, sys, time
        from aida.calls.outbox import Outbox, OutboxEntry
        from aida.store.models import CallSummary
        def stuck(fd):
            print("READY", flush=True)
            time.sleep(60)
        os.fsync = stuck
        Outbox({str(outbox.dir)!r}).write(OutboxEntry(
            call_id={CALL!r}, summary=CallSummary(id={CALL!r}, summary_text="x" * 200_000)))
    """)
    wait_ready(proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    # and an older writer died after writing half of its temp file
    (outbox.dir / f".tmp-{CALL}-old").write_text('{"v": 1, "call_id": "')

    leftovers = sorted(p.name for p in outbox.dir.glob(".tmp-*"))
    assert len(leftovers) == 2
    assert outbox.ids() == [CALL]  # temp files are not records
    assert outbox.read(CALL).summary.summary_text == "complete record"  # type: ignore[union-attr]

    assert outbox.clean_temp() == 0  # too young to be sure their writers are dead
    assert outbox.clean_temp(older_than=0) == 2
    assert list(outbox.dir.glob(".tmp-*")) == []
    assert outbox.read(CALL).summary.summary_text == "complete record"  # type: ignore[union-attr]


def test_a_failed_rename_keeps_the_previous_file(outbox: Outbox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    outbox.write(entry("v1"))

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        outbox.write(entry("v2"))
    monkeypatch.undo()
    assert outbox.read(CALL).summary.summary_text == "v1"  # type: ignore[union-attr]
    assert list(outbox.dir.glob(".tmp-*")) == []


def test_an_unreadable_file_is_set_aside_not_deleted(outbox: Outbox) -> None:
    outbox.ensure()
    outbox.path(CALL).write_text("{ this is not a record")
    assert outbox.read(CALL) is None
    assert outbox.ids() == []
    assert (outbox.dir / f"{CALL}.json.corrupt").read_text() == "{ this is not a record"


def test_claims_exclude_other_tasks_and_processes_and_die_with_them(outbox: Outbox) -> None:
    outbox.write(entry("v1"))
    with outbox.claim(CALL) as mine:
        assert mine
        with outbox.claim(CALL) as again:  # a second task in the same process
            assert not again

    proc = child(f"""
        import time
        from aida.calls.outbox import Outbox
        with Outbox({str(outbox.dir)!r}).claim({CALL!r}) as mine:
            assert mine
            print("READY", flush=True)
            time.sleep(60)
    """)
    try:
        wait_ready(proc)
        with outbox.claim(CALL) as mine:
            assert not mine
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with outbox.claim(CALL) as mine:  # the dead process's lock went with it
        assert mine
