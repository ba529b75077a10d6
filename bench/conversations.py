"""Conversations benchmark: every scenario as a text conversation, judged by what the caller hears.

    .venv/bin/python bench/conversations.py                   # all scenarios, the local LLM
    .venv/bin/python bench/conversations.py --scripted        # their scripted LLM (seconds; CI)
    .venv/bin/python bench/conversations.py book cancel       # some of them
    .venv/bin/python bench/conversations.py --json out.json   # also write the rows

Each scenario runs in text mode (`aida simulate --text`: the same session, agent, tools and store
as a call, without speech) and is checked like a voice call: the calendar it leaves (`expect`),
what Aida must and must never say, the tools she must not call. The table gives, per scenario,
PASS/FAIL, the checks that failed, the caller turns, how many of them went to the model (the
rest Aida's code answered: turns read in code, plain yeses), and the seconds the conversation
took (the model is loaded and its constant prompt evaluated before the clock starts), then the
pass rate. `UNDERSTAND_IN_CODE=false` in the environment sends every turn to the model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/conversations.py`

from aida.config import get_settings
from aida.simulate.scenario import load_scenario, shipped_scenarios
from aida.simulate.text import TextResult, TextSimulator


def row(result: TextResult) -> dict[str, Any]:
    return {
        "scenario": result.scenario.name,
        "ok": result.ok,
        "failed_checks": sorted({f.check for f in result.failures}),
        "failures": result.problems,
        "turns": len(result.turns),
        "model_turns": sum(1 for t in result.turns if not t.read_in_code),
        "seconds": round(result.seconds, 2),
        "turn_seconds": [round(t.seconds, 2) for t in result.turns],
    }


def table(rows: list[dict[str, Any]]) -> str:
    width = max([8, *(len(r["scenario"]) for r in rows)]) + 2
    head = f"{'scenario':<{width}}{'result':<8}{'turns':>5}{'model':>6}{'seconds':>9}  failed"
    out = [head, "-" * max(len(head), 60)]
    for r in rows:
        failed = "; ".join(r["failures"]) if r["failures"] else ""
        out.append(
            f"{r['scenario']:<{width}}{'PASS' if r['ok'] else 'FAIL':<8}{r['turns']:>5}"
            f"{r['model_turns']:>6}{r['seconds']:>9.1f}  {failed}"
        )
    return "\n".join(out)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all shipped)")
    parser.add_argument("--scripted", action="store_true", help="the scenarios' scripted LLM")
    parser.add_argument(
        "--providers",
        choices=("local", "auto", "cloud"),
        default="local",
        help="the LLM's provider when not scripted (default: local)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the rows to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each conversation")
    args = parser.parse_args(argv)
    # the table is the output; warnings (a refused tool, the emergency guard firing) are
    # expected events of the scenarios and show with -v
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)

    names = args.scenarios or shipped_scenarios()
    settings = get_settings().model_copy(update={"providers": args.providers})
    simulator = TextSimulator(
        settings,
        scripted=args.scripted,
        printer=print if args.verbose else (lambda _text: None),
    )
    started = time.time()
    if not args.scripted:
        print("loading the LLM ...", flush=True)
        await asyncio.to_thread(simulator.prepare)
    model = "scripted" if args.scripted else getattr(simulator.llm, "model", args.providers)
    print(f"{len(names)} scenarios in text mode, LLM: {model}", flush=True)

    rows = []
    for name in names:
        result = await simulator.run(load_scenario(name, region=settings.phone_region))
        rows.append(row(result))
        print(f"  {'PASS' if result.ok else 'FAIL'} {name} ({result.seconds:.1f} s)", flush=True)

    passed = sum(1 for r in rows if r["ok"])
    print()
    print(table(rows))
    print()
    print(
        f"pass rate: {passed}/{len(rows)} ({passed / len(rows):.0%}); conversations "
        f"{sum(r['seconds'] for r in rows):.1f} s, wall time {time.time() - started:.0f} s; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs ({platform.machine()})"
    )
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "command": " ".join(["bench/conversations.py", *(argv or sys.argv[1:])]),
                    "llm": model,
                    "passed": passed,
                    "total": len(rows),
                    "rows": rows,
                },
                indent=1,
            ),
            encoding="utf-8",
        )
        print(f"rows: {args.json}")
    return 0 if passed == len(rows) else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
