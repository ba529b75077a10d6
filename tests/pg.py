"""A throwaway PostgreSQL for tests and benchmarks.

`acquire()` uses `AIDA_TEST_DATABASE_URL` when set (a server where that user may CREATE
DATABASE), otherwise starts a private cluster from the PostgreSQL 15 binaries: `initdb` as user
`postgres` (it refuses root) in a temporary folder, trust auth, a free port on 127.0.0.1, no
fsync unless asked (about a second in all). Each test then gets its own database, copied from a
template that already holds Aida's schema, so tests never see each other's rows.

Without PostgreSQL, CI (env `CI`) or `AIDA_REQUIRE_POSTGRES=1` turns the absence into a failure;
elsewhere the PostgreSQL tests are skipped with a loud reason.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

T = TypeVar("T")

ENV_URL = "AIDA_TEST_DATABASE_URL"
PG_BIN_CANDIDATES = (
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/17/bin",
    "/usr/local/pgsql/bin",
)


class PgUnavailable(RuntimeError):
    """No PostgreSQL could be started or reached."""


def postgres_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("AIDA_REQUIRE_POSTGRES") == "1"


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from sync code, even when the calling thread has a loop."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(make())  # type: ignore[arg-type]
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="pg-admin")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


class PgServer:
    """A PostgreSQL server we may create databases on; `stop()` removes what we made."""

    def __init__(self, admin_url: str, stop: Callable[[], None] | None = None) -> None:
        self.admin_url = admin_url
        self._stop = stop
        self._created: list[str] = []
        self._template: str | None = None
        self._lock = threading.Lock()

    def url(self, dbname: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + dbname))

    def execute(self, sql: str, dbname: str | None = None) -> None:
        url = self.url(dbname) if dbname else self.admin_url

        async def go() -> None:
            conn = await asyncpg.connect(url, timeout=10)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        run_sync(go)

    def create_database(self, *, template: str | None = None) -> str:
        """A new, uniquely named database (a copy of `template` if given); returns its URL."""
        name = f"aida_test_{uuid.uuid4().hex[:12]}"
        clause = f' template "{template}"' if template else ""
        self.execute(f'create database "{name}"{clause}')
        self._created.append(name)
        return self.url(name)

    def migrated_database(self) -> str:
        """A new database that already holds Aida's PostgreSQL schema (copied from a template
        migrated once per server)."""
        with self._lock:
            if self._template is None:
                template_url = self.create_database()
                run_sync(lambda: _migrate(template_url))
                self._template = urlsplit(template_url).path.lstrip("/")
        return self.create_database(template=self._template)

    def stop(self) -> None:
        if self._stop is not None:
            stop, self._stop = self._stop, None
            stop()  # the whole cluster goes, databases included
            return
        for name in reversed(self._created):  # a shared server: leave it as we found it
            with contextlib.suppress(Exception):  # best effort on a server we don't own
                self.execute(f'drop database if exists "{name}" with (force)')
        self._created.clear()


async def _migrate(url: str) -> None:
    from aida.store.postgres import PostgresStore

    store = PostgresStore(url, pool_size=1, max_overflow=0)
    try:
        await store.migrate()
    finally:
        await store.close()


def acquire(*, durable: bool = False) -> PgServer:
    """`AIDA_TEST_DATABASE_URL` if set, else a private cluster; raises `PgUnavailable`."""
    url = os.environ.get(ENV_URL)
    if url:
        try:
            server = PgServer(url)
            server.execute("select 1")
        except Exception as exc:
            raise PgUnavailable(f"{ENV_URL} is set but unusable: {exc}") from exc
        return server
    return start_cluster(durable=durable)


def find_bindir() -> Path | None:
    candidates = [os.environ.get("AIDA_PG_BIN", ""), *PG_BIN_CANDIDATES]
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv  # any user but root may own a cluster
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *argv]
    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(argv)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(_as_postgres(argv), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise PgUnavailable(f"{what} failed ({done.returncode}): {done.stderr.strip()[-800:]}")


def _stopper(pg_ctl: str, data: Path, root: Path) -> Callable[[], None]:
    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)

    return stop


def start_cluster(*, durable: bool = False, max_connections: int = 200) -> PgServer:
    """Start a private cluster; `durable=False` turns fsync off (tests), True keeps the
    defaults (benchmarks that should mean something)."""
    bindir = find_bindir()
    if bindir is None:
        raise PgUnavailable("no PostgreSQL server binaries (initdb) found; set AIDA_PG_BIN")
    root = Path(tempfile.mkdtemp(prefix="aida-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise PgUnavailable("running as root and there is no 'postgres' user") from exc
        os.chown(root, account.pw_uid, account.pw_gid)
    data = root / "data"
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "--no-sync",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            "initdb",
        )
    except (PgUnavailable, OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise PgUnavailable(str(exc)) from exc

    settings = [
        f"-k {root}",
        "-c listen_addresses=127.0.0.1",
        f"-c max_connections={max_connections}",
    ]
    if not durable:
        settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    pg_ctl = str(bindir / "pg_ctl")
    last_error: Exception | None = None
    for _ in range(3):  # the free port may be taken between probing and binding
        port = _free_port()
        try:
            _run(
                [
                    pg_ctl,
                    "-D",
                    str(data),
                    "-l",
                    str(root / "server.log"),
                    "-w",
                    "-t",
                    "30",
                    "-o",
                    " ".join([f"-p {port}", *settings]),
                    "start",
                ],
                "pg_ctl start",
            )
        except (PgUnavailable, OSError, subprocess.SubprocessError) as exc:
            last_error = exc
            continue

        stop = _stopper(pg_ctl, data, root)
        atexit.register(stop)  # also when a session dies before its teardown
        return PgServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", stop)
    shutil.rmtree(root, ignore_errors=True)
    raise PgUnavailable(f"PostgreSQL did not start: {last_error}")
