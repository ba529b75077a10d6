"""A throwaway FHIR R4 server for tests, benchmarks and `aida simulate --calendar fhir`:
sekmet-fhir (FastAPI + SQLite, installed with the dev group) on a free port of 127.0.0.1 (it
binds 0.0.0.0 unless told), its simulator off; `reset()` empties it between runs (a few ms, where
a fresh server costs seconds). Never a clinic's EHR: it holds made-up patients only.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

START_TIMEOUT_S = 60.0


class FhirUnavailable(RuntimeError):
    """No FHIR server could be started."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sekmet() -> str:
    beside = Path(sys.executable).parent / "sekmet"
    found = str(beside) if beside.exists() else shutil.which("sekmet")
    if not found:
        raise FhirUnavailable("sekmet-fhir is not installed (uv sync installs it, dev group)")
    return found


class FhirServer:
    def __init__(self, base_url: str, db_path: Path, process: subprocess.Popen[bytes], root: Path):
        self.base_url = base_url
        self.db_path = db_path
        self._process = process
        self._root = root

    def reset(self) -> None:
        """Forget every resource (sekmet's own reset, done on its file)."""
        with contextlib.closing(sqlite3.connect(self.db_path, timeout=30)) as conn, conn:
            for table in ("resources", "versions", "idx"):
                conn.execute(f"delete from {table}")

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        shutil.rmtree(self._root, ignore_errors=True)


def start_server(auth: dict[str, object] | None = None) -> FhirServer:
    """Start sekmet-fhir bound to 127.0.0.1 (it binds 0.0.0.0 unless told); raises
    `FhirUnavailable`. `auth` is sekmet's `server_auth` (default: none)."""
    binary = _sekmet()
    root = Path(tempfile.mkdtemp(prefix="aida-fhir-"))
    last = ""
    for _ in range(3):  # the free port may be taken between probing and binding
        port = _free_port()
        base = f"http://127.0.0.1:{port}/fhir"
        config = {
            "base_url": base,
            "host": "127.0.0.1",
            "port": port,
            "data_dir": str(root / "data"),
            "db_path": str(root / "data" / "sekmet.db"),
            "own_private_key_path": str(root / "keys" / "sekmet.pem"),
            "simulator": {"enabled": False},  # it would answer our Appointments itself
            "log_inbound": False,
            "server_auth": auth or {"types": ["none"]},
        }
        path = root / "settings.yaml"
        path.write_text(yaml.safe_dump(config))
        log = (root / "server.log").open("wb")
        process = subprocess.Popen(
            [binary, "serve", "--config", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/metadata", timeout=2) as answer:
                    if answer.status == 200:
                        server = FhirServer(base, root / "data" / "sekmet.db", process, root)
                        atexit.register(server.stop)
                        return server
            except OSError:
                time.sleep(0.2)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        last = (root / "server.log").read_text(errors="replace")[-800:]
    shutil.rmtree(root, ignore_errors=True)
    raise FhirUnavailable(f"sekmet-fhir did not answer /metadata: {last}")
