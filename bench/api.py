"""Throughput and latency of the API on one uvicorn worker: `POST /api/session`, `GET /api/slots`.

    .venv/bin/python bench/api.py                      # defaults: 16 connections, 20,000 requests
    .venv/bin/python bench/api.py --requests 5000 --concurrency 32 --markdown

Starts `uvicorn api:app` (one worker, uvloop + httptools, no access log) on 127.0.0.1 with a fresh
SQLite store and throwaway LiveKit credentials, then drives it from a second process: a minimal
HTTP/1.1 keep-alive client on raw asyncio streams (N connections, each sending its next request
when the previous answer is in), which costs far less CPU per request than httpx, so the numbers
describe the server rather than the load generator. With two or more CPUs the server and the load
generator are pinned to different ones. Each endpoint runs until `--requests` answers or
`--duration` seconds, whichever comes first, after a warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SESSION_BODY = json.dumps({"name": "Bench Caller", "phone": "+12125550143"}).encode()


def request_bytes(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: aida-bench\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


ENDPOINTS = {
    "POST /api/session": request_bytes("POST", "/api/session", SESSION_BODY),
    "GET /api/slots": request_bytes("GET", "/api/slots?limit=20"),
}


# --- the load generator (runs in its own process) ---


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
            break
    else:
        raise RuntimeError("response without Content-Length (chunked bodies are not expected)")
    await reader.readexactly(length)
    return status


async def _drive(
    port: int, payload: bytes, concurrency: int, requests: int, duration: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    remaining = requests
    deadline = 0.0

    async def connection() -> None:
        nonlocal remaining
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                t0 = time.perf_counter()
                writer.write(payload)
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        finally:
            writer.close()

    start = time.perf_counter()
    deadline = start + duration
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {"latencies": latencies, "elapsed": elapsed, "errors": errors}


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))
    return sorted_values[index]


def load_main(args: argparse.Namespace) -> int:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    results = {}
    for name, payload in ENDPOINTS.items():
        if args.endpoint and name != args.endpoint:
            continue
        # Warm-up: imports, first store queries, CPU caches.
        asyncio.run(_drive(args.port, payload, args.concurrency, args.warmup, 30.0))
        run = asyncio.run(
            _drive(args.port, payload, args.concurrency, args.requests, args.duration)
        )
        lat = sorted(run["latencies"])
        results[name] = {
            "requests": len(lat),
            "seconds": round(run["elapsed"], 3),
            "rps": round(len(lat) / run["elapsed"], 1),
            "p50_ms": round(_percentile(lat, 0.50) * 1000, 2),
            "p90_ms": round(_percentile(lat, 0.90) * 1000, 2),
            "p99_ms": round(_percentile(lat, 0.99) * 1000, 2),
            "max_ms": round(lat[-1] * 1000, 2) if lat else None,
            "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else None,
            "non_200": run["errors"],
        }
    print(json.dumps(results))
    return 0


# --- the orchestrator ---


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the API did not become ready in time")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pin(cpus: set[int]) -> Any:
    def apply() -> None:
        os.sched_setaffinity(0, cpus)

    return apply


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=20_000, help="per endpoint")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds, per endpoint")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections")
    parser.add_argument("--warmup", type=int, default=1_000, help="requests before measuring")
    parser.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs")
    parser.add_argument("--markdown", action="store_true", help="also print a markdown table")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load:
        return load_main(args)

    cpus = sorted(os.sched_getaffinity(0))
    pin = len(cpus) >= 2 and not args.no_pin
    port = _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="aida-bench-api-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "LIVEKIT_URL": "ws://127.0.0.1:7880",
        "LIVEKIT_API_KEY": "APIbenchkey",
        "LIVEKIT_API_SECRET": "bench-secret-" + "x" * 40,
        "SESSION_RATE_LIMIT_PER_MINUTE": str(10**9),
        "STAFF_API_KEYS": "bench-staff-key-0123456789abcdef0123456789",
        "BACKEND_CORS_ORIGINS": "",
        "LOG_LEVEL": "WARNING",
    }
    server_cmd = [
        sys.executable, "-m", "uvicorn", "api:app", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(
        server_cmd, cwd=ROOT, env=env, preexec_fn=_pin({cpus[0]}) if pin else None
    )
    results: dict[str, Any] = {}
    try:
        _wait_ready(port, server)
        for endpoint in ENDPOINTS:
            load_cmd = [
                sys.executable, str(Path(__file__).resolve()), "--load", "--port", str(port),
                "--endpoint", endpoint, "--requests", str(args.requests),
                "--duration", str(args.duration), "--concurrency", str(args.concurrency),
                "--warmup", str(args.warmup),
            ]  # fmt: skip
            cpu_before = _cpu_seconds(server.pid)
            out = subprocess.run(
                load_cmd,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
                preexec_fn=_pin({cpus[1]}) if pin else None,
            )
            result = json.loads(out.stdout)[endpoint]
            # Server CPU per answered request, warm-up included: what one core can sustain,
            # whatever else the machine is doing.
            served = result["requests"] + args.warmup
            result["server_cpu_ms"] = round(
                (_cpu_seconds(server.pid) - cpu_before) * 1000 / served, 3
            )
            results[endpoint] = result
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    load = os.getloadavg()[0]
    print(
        f"one uvicorn worker, {args.concurrency} keep-alive connections, "
        f"{'server and load generator on separate CPUs' if pin else 'unpinned'}, "
        f"{len(cpus)} CPUs, load average {load:.1f} at the end"
    )
    for name, r in results.items():
        print(
            f"{name:18} {r['requests']:>7} req in {r['seconds']:>6.2f} s = {r['rps']:>8.1f} req/s"
            f"   p50 {r['p50_ms']:>6.2f} ms  p90 {r['p90_ms']:>6.2f} ms  p99 {r['p99_ms']:>6.2f} ms"
            f"  max {r['max_ms']:>7.2f} ms  server CPU {r['server_cpu_ms']:.2f} ms/req"
            f"  non-200 {r['non_200'] or 0}"
        )
    if args.markdown:
        print(
            "\n| endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | max ms "
            "| server CPU ms/req |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name, r in results.items():
            print(
                f"| `{name}` | {r['requests']} | {r['rps']:.0f} | {r['p50_ms']:.2f} "
                f"| {r['p90_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.2f} "
                f"| {r['server_cpu_ms']:.2f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
