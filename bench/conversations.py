"""Conversations benchmark: every scenario as a text conversation, judged by what the caller hears.

    .venv/bin/python bench/conversations.py                   # the shipped (tuned) set, local LLM
    .venv/bin/python bench/conversations.py --set unseen      # the unseen calls (scenarios/unseen)
    .venv/bin/python bench/conversations.py --set tuned --set unseen   # both, reported apart
    .venv/bin/python bench/conversations.py --scripted        # their scripted LLM (seconds; CI)
    .venv/bin/python bench/conversations.py book cancel       # some of them (names or paths)
    .venv/bin/python bench/conversations.py --json out.json   # also write the rows

Each scenario runs in text mode (`aida simulate --text`: the same session, agent, tools and store
as a call, without speech) and is checked like a voice call: the calendar it leaves (`expect`),
what Aida must and must never say, the tools she must not call. The table gives, per scenario,
PASS/FAIL, the checks that failed, the caller turns, how many of them went to the model (the
rest Aida's code answered: turns read in code, plain yeses), and the seconds the conversation
took (the model is loaded and its constant prompt evaluated before the clock starts), then the
pass rate. `UNDERSTAND_IN_CODE=false` in the environment sends every turn to the model.

Every call is also audited for what Aida claimed (`claims`): each sentence she said is checked
against what the tools did before it in the call, by the rules of the claims guard
(`aida.agent.dialogue.guard`): a booking, move or cancellation said without one done, the
caller's voice, a day or time no tool gave. The shipped scenarios are the set the reader was
tuned on; `scenarios/unseen/` was written before, and its figures are reported apart.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/conversations.py`

from aida.agent.dialogue.guard import Known, check, sentences, tool_times
from aida.config import get_settings
from aida.simulate.scenario import SCENARIOS_DIR, load_scenario, shipped_scenarios
from aida.simulate.text import TextResult, TextSimulator

SETS = {
    "tuned": lambda: shipped_scenarios(),
    "unseen": lambda: sorted(
        str(p) for p in (SCENARIOS_DIR / "unseen").glob("*.yaml") if p.name != "turns.yaml"
    ),
}
_WRITES = {"book_appointment": "book", "reschedule_appointment": "move",
           "cancel_appointment": "cancel", "remember_preference": "note"}  # fmt: skip


def claims(timeline: list[dict[str, Any]], tz: dt.tzinfo | None = None) -> list[str]:
    """Every sentence Aida said that claims what the tools did not do before it in the call:
    "rule: sentence"."""
    results: list[Any] = []
    wrote: set[str] = set()
    verified = False
    found = []
    for event in timeline:
        kind = event.get("type")
        if kind == "tool_result":
            # a refusal names times too ("You have appointments on ... Which one?")
            results.append(event.get("error") or {})
            data = (event.get("result") or {}) if event.get("ok") else {}
            results.append(data)
            if any(k in data for k in ("booked", "moved_to", "cancelled", "preferences")):
                wrote.add(_WRITES.get(str(event.get("name")), "other"))
        elif kind == "caller_identified":
            verified = True
        elif kind == "transcript" and event.get("role") == "assistant":
            known = Known(frozenset(tool_times(results, tz)), frozenset(wrote), verified)
            for sentence in sentences(str(event.get("text") or "")):
                verdict = check(sentence, known)
                if not verdict.ok and verdict.rule != "clinic_fact":
                    found.append(f"{verdict.rule}: {sentence}")
    return found


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
        "claims": claims(result.timeline, ZoneInfo(result.scenario.clinic["default_timezone"])),
        "blocked": [e.get("rule") for e in result.timeline if e.get("type") == "reply_blocked"],
        "transcript": result.transcript,
    }


def table(rows: list[dict[str, Any]]) -> str:
    width = max([8, *(len(r["scenario"]) for r in rows)]) + 2
    head = (
        f"{'scenario':<{width}}{'result':<8}{'turns':>5}{'model':>6}{'claims':>7}{'seconds':>9}"
        "  failed"
    )
    out = [head, "-" * max(len(head), 60)]
    for r in rows:
        failed = "; ".join(r["failures"]) if r["failures"] else ""
        out.append(
            f"{r['scenario']:<{width}}{'PASS' if r['ok'] else 'FAIL':<8}{r['turns']:>5}"
            f"{r['model_turns']:>6}{len(r['claims']):>7}{r['seconds']:>9.1f}  {failed}"
        )
    return "\n".join(out)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names or paths (default: --set)")
    parser.add_argument(
        "--set", choices=sorted(SETS), action="append", help="tuned (default) and/or unseen"
    )
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

    chosen = (
        {"given": list(args.scenarios)}
        if args.scenarios
        else {name: SETS[name]() for name in (args.set or ["tuned"])}
    )
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

    rows: list[dict[str, Any]] = []
    summary = []
    for set_name, names in chosen.items():
        print(f"{set_name}: {len(names)} scenarios in text mode, LLM: {model}", flush=True)
        these = []
        for name in names:
            result = await simulator.run(load_scenario(name, region=settings.phone_region))
            r = {**row(result), "set": set_name}
            these.append(r)
            flag = f", {len(r['claims'])} false claim(s)" if r["claims"] else ""
            print(
                f"  {'PASS' if result.ok else 'FAIL'} {result.scenario.name} "
                f"({result.seconds:.1f} s{flag})",
                flush=True,
            )
            if args.verbose:
                for line in r["claims"]:
                    print(f"      claim {line}")
        rows += these
        passed = sum(1 for r in these if r["ok"])
        with_claims = sum(1 for r in these if r["claims"])
        print()
        print(table(these))
        line = (
            f"{set_name} set: pass rate {passed}/{len(these)} ({passed / len(these):.0%}); calls "
            f"with a false claim {with_claims}; model turns "
            f"{sum(r['model_turns'] for r in these)}/{sum(r['turns'] for r in these)}"
        )
        print(line)
        summary.append(line)
    passed = sum(1 for r in rows if r["ok"])
    print()
    print(
        f"{'; '.join(summary)}; conversations "
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
