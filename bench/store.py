"""Store benchmark: find + book at 1 and 8 concurrent callers, on SQLite and PostgreSQL, and with
`--calendar fhir` on a FHIR R4 server as a clinic's EHR too.

    .venv/bin/python bench/store.py                     # both backends, under a minute
    .venv/bin/python bench/store.py --backends sqlite --seconds 10
    .venv/bin/python bench/store.py --pg-url postgresql://user@host/scratch_db
    .venv/bin/python bench/store.py --calendar fhir     # + the calendar in sekmet-fhir

One operation pair is what a caller's turn costs the store: "find" lists the week of bookings
around a time (what `find_available_slots` reads), "book" books a free slot in that week. The
calendar is preloaded with bookings (one slot in three taken). PostgreSQL is a private cluster
started through tests/pg.py with its durability defaults (fsync on), unless --pg-url names a
scratch database (the benchmark writes rows to it). SQLite is a file in a temporary folder.
The FHIR row is sekmet-fhir (FastAPI + SQLite, one Python process) on 127.0.0.1 holding the
calendar, SQLite Aida's half; it is preloaded with fewer bookings (--fhir-preload), each one a
few HTTP requests made one writer at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/store.py`

from aida.store.fhir import FhirCalendar
from aida.store.fhir.sandbox import start_server
from aida.store.postgres import PostgresStore
from aida.store.protocol import Store
from aida.store.split import SplitStore
from aida.store.sqlite import SqliteStore
from tests import pg

BASE = dt.datetime(2031, 1, 6, 14, 0, tzinfo=dt.UTC)
SLOT = dt.timedelta(minutes=30)
HALF_WEEK = dt.timedelta(days=3, hours=12)
PATIENTS = 200


@dataclass
class Run:
    backend: str
    callers: int
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process, user + system
    find_ms: list[float] = field(default_factory=list)
    book_ms: list[float] = field(default_factory=list)

    @property
    def ops_per_s(self) -> float:
        return (len(self.find_ms) + len(self.book_ms)) / self.seconds

    @property
    def cpu_ms_per_op(self) -> float:
        return 1000 * self.cpu_seconds / (len(self.find_ms) + len(self.book_ms))

    def row(self) -> str:
        cells = [
            self.backend,
            str(self.callers),
            f"{self.ops_per_s:.0f}",
            *(f"{q:.1f}" for q in (*quantiles(self.find_ms), *quantiles(self.book_ms))),
            f"{self.cpu_ms_per_op:.2f}",
        ]
        return "| " + " | ".join(cells) + " |"


def quantiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[98]


def phone(i: int) -> str:
    return f"+1555{i % PATIENTS:07d}"


async def preload(store: Store, rows: int) -> None:
    """Every third slot booked, by 8 tasks at a time."""
    for i in range(PATIENTS):
        await store.upsert_patient(phone(i), f"Patient {i}")
    slots = iter(range(rows))

    async def worker() -> None:
        for k in slots:
            start = BASE + 3 * k * SLOT
            await store.book(phone(k), start, start + SLOT, {"reason": "preload"})

    await asyncio.gather(*(worker() for _ in range(8)))


async def measure(store: Store, run: Run, seconds: float, counter: itertools.count) -> None:
    deadline = time.perf_counter() + seconds

    async def caller(n: int) -> None:
        while time.perf_counter() < deadline:
            k = next(counter)  # a free slot: between two preloaded ones
            start = BASE + (3 * k + 1) * SLOT
            t0 = time.perf_counter()
            await store.list_appointments(start=start - HALF_WEEK, end=start + HALF_WEEK)
            t1 = time.perf_counter()
            result = await store.book(phone(n + k), start, start + SLOT)
            t2 = time.perf_counter()
            assert result.created
            run.find_ms.append((t1 - t0) * 1000)
            run.book_ms.append((t2 - t1) * 1000)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(caller(n) for n in range(run.callers)))
    run.seconds = time.perf_counter() - started
    run.cpu_seconds = time.process_time() - cpu


async def bench(
    name: str, store: Store, args: argparse.Namespace, rows: int | None = None
) -> list[Run]:
    rows = args.preload if rows is None else rows
    await store.migrate()
    t0 = time.perf_counter()
    await preload(store, rows)
    print(
        f"{name}: preloaded {rows} bookings in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    counter = itertools.count()
    runs = []
    for callers in args.callers:
        await measure(store, Run(name, callers), min(1.0, args.seconds), counter)  # warm up
        run = Run(name, callers)
        await measure(store, run, args.seconds, counter)
        runs.append(run)
        print(run.row(), file=sys.stderr)
    await store.close()
    return runs


async def main(args: argparse.Namespace) -> None:
    runs: list[Run] = []
    load_before = os.getloadavg()[0]
    notes = [f"Python {platform.python_version()}, {os.cpu_count()} CPUs"]
    if "sqlite" in args.backends:
        with tempfile.TemporaryDirectory(prefix="aida-bench-") as folder:
            runs += await bench("sqlite", SqliteStore(Path(folder) / "bench.db"), args)
        notes.append(f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)")
    if "postgres" in args.backends:
        server = None
        if args.pg_url:
            url = args.pg_url
        else:
            server = pg.start_cluster(durable=True)
            url = server.create_database()
        try:
            runs += await bench("postgres", PostgresStore(url), args)
        finally:
            if server is not None:
                server.stop()
        notes.append("PostgreSQL " + ("at --pg-url" if args.pg_url else "15, local, fsync on"))
    if args.calendar == "fhir":
        fhir = start_server()
        try:
            with tempfile.TemporaryDirectory(prefix="aida-bench-") as folder:
                store = SplitStore(
                    FhirCalendar(fhir.base_url, lock_dir=folder),
                    SqliteStore(Path(folder) / "aida.db"),
                )
                runs += await bench("fhir", store, args, rows=args.fhir_preload)
        finally:
            fhir.stop()
        notes.append(f"FHIR: sekmet-fhir on 127.0.0.1, {args.fhir_preload} bookings preloaded")

    # Latency on a shared machine follows its load; the client's CPU per operation does not.
    notes.append(f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"preloaded bookings: {args.preload}; {args.seconds:g} s per row; " + "; ".join(notes))
    print()
    print(
        "| backend | callers | ops/s | find p50 ms | find p99 ms | book p50 ms | book p99 ms"
        " | client CPU ms/op |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        print(run.row())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backends",
        default="sqlite,postgres",
        type=lambda s: [b.strip() for b in s.split(",") if b.strip()],
    )
    parser.add_argument("--callers", default="1,8", type=lambda s: [int(c) for c in s.split(",")])
    parser.add_argument("--seconds", type=float, default=4.0, help="measured time per row")
    parser.add_argument("--preload", type=int, default=2000, help="bookings already there")
    parser.add_argument(
        "--calendar",
        choices=("store", "fhir"),
        default="store",
        help="fhir: also the calendar in a FHIR server (sekmet-fhir), beside the databases",
    )
    parser.add_argument("--fhir-preload", type=int, default=300, help="bookings in the EHR")
    parser.add_argument("--pg-url", help="a scratch PostgreSQL database instead of a private one")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
