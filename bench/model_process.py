"""What it would cost to run the local LLM in a process of its own (docs/deploy.md, "A crash in
the shared model").

    nice -n 10 .venv/bin/python bench/model_process.py --turns 3

A child process loads the host's `LlamaLLM` as the worker does (weights, then Aida's and the
summary's instructions restored from `aida models prepare`'s saved state) and answers turns,
streaming each token to the parent over a pipe. Printed: the child's time to ready (what a restart
after a native crash costs), its resident memory and the parent's (the worker would no longer
hold the model), and per turn the first token as the child saw it against as the parent
received it (the pipe's cost per turn), and the pipe's cost per token. Then the child is killed
with SIGKILL, as a segfault in llama.cpp would end it, and started again: the parent lives on.
The load average is printed with the figures: on a shared machine it moves all of them.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil

TURNS = [
    "Hi, do you take walk-ins on Saturday mornings?",
    "And what should I bring to my first visit?",
    "Okay, thanks. Is there parking nearby?",
]


def _child(conn: Connection) -> None:
    started = time.perf_counter()
    from aida.agent.providers import warm_llm
    from aida.config import get_settings
    from aida.local import build_llm
    from aida.local.llm import LlamaLLM, _Request

    settings = get_settings().model_copy(update={"providers": "local"})
    model = build_llm(settings)
    assert isinstance(model, LlamaLLM)
    model.load()
    warm_llm(model, settings)
    from aida.agent.aida import Aida

    agent = Aida(settings, caller=None, greet=False)
    from aida.local import toolcall

    functions = toolcall.tool_schemas(list(agent.tools))
    conn.send(("ready", time.perf_counter() - started, psutil.Process().memory_info().rss))
    while True:
        text = conn.recv()
        if text is None:
            return
        messages = [
            {"role": "system", "content": agent.instructions},
            {"role": "assistant", "content": "Hello, this is Aida. How can I help?"},
            {"role": "user", "content": text},
        ]
        first: list[float] = []
        out = model.generate(
            _Request(messages, functions, None, _emitter(conn, first), threading.Event())
        )
        total = out.timings.get("total", 0.0)
        conn.send(("done", first[0] if first else None, total, out.completion_tokens))


def _emitter(conn: Connection, first: list[float]) -> Any:
    asked = time.perf_counter()

    def emit(piece: Any) -> None:
        if not first:
            first.append(time.perf_counter() - asked)
        conn.send(("token", time.time()))

    return emit


def start(ctx: Any) -> tuple[Any, Connection, float, int]:
    parent, child = ctx.Pipe()
    began = time.perf_counter()
    proc = ctx.Process(target=_child, args=(child,), name="aida-llm")
    proc.start()
    kind, _ready, rss = parent.recv()
    assert kind == "ready"
    return proc, parent, time.perf_counter() - began, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    me = psutil.Process()
    print(f"load {os.getloadavg()[0]:.2f}; parent RSS {me.memory_info().rss / 2**20:.0f} MB")
    proc, conn, ready, rss = start(ctx)
    print(f"child ready in {ready:.2f} s (spawn, load, restore); child RSS {rss / 2**20:.0f} MB")
    print(f"parent RSS with the child serving: {me.memory_info().rss / 2**20:.0f} MB")
    overheads: list[float] = []
    per_token: list[float] = []
    for text in (TURNS * args.turns)[: args.turns]:
        sent = time.perf_counter()
        conn.send(text)
        seen: float | None = None
        while True:
            msg = conn.recv()
            if msg[0] == "token":
                per_token.append(time.time() - msg[1])
                if seen is None:
                    seen = time.perf_counter() - sent
                continue
            _, child_first, child_total, n = msg
            break
        whole = time.perf_counter() - sent
        overheads.append(whole - child_total)
        spoken = (
            f"first spoken token {child_first:.2f} s in the child, {seen:.2f} s in the parent; "
            if seen is not None and child_first is not None
            else "a tool call (nothing spoken); "
        )
        print(
            f"turn: {spoken}whole answer {child_total:.2f} s in the child, {whole:.2f} s in "
            f"the parent (+{(whole - child_total) * 1000:.1f} ms); {n} tokens"
        )
    if per_token:
        per_token.sort()
        print(
            f"pipe per token: p50 {per_token[len(per_token) // 2] * 1000:.2f} ms, "
            f"max {per_token[-1] * 1000:.2f} ms over {len(per_token)} tokens"
        )
    os.kill(proc.pid, signal.SIGKILL)  # as a native crash would end it
    proc.join()
    print(f"child killed (exit {proc.exitcode}); the parent is alive, restarting the model ...")
    proc, conn, ready, rss = start(ctx)
    print(f"restarted in {ready:.2f} s; load {os.getloadavg()[0]:.2f}")
    conn.send(None)
    proc.join()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
