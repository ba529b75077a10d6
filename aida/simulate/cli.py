"""`aida simulate [SCENARIO]`: a scripted caller talks to Aida through the real voice pipeline."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from aida.config import get_settings

DEFAULT_OUT = Path("data/simulations")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "simulate",
        help="a scripted phone call to Aida, offline (VAD, STT, LLM, tools, TTS), checked",
        description=(
            "Run a scripted caller through Aida's voice pipeline on the local models, in real "
            "time, with no LiveKit server. Prints the call as it happens, writes the call's "
            "audio and timeline, and exits 1 when the calendar does not end as the scenario "
            "expects."
        ),
    )
    p.add_argument(
        "scenario",
        nargs="?",
        default="book",
        help="a scenario name from scenarios/ (default: book) or a path to a YAML file",
    )
    p.add_argument("--list", action="store_true", help="list the shipped scenarios and exit")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output folder (default: {DEFAULT_OUT}/<scenario>-<timestamp>/)",
    )
    p.add_argument(
        "--db",
        type=Path,
        default=None,
        help="a SQLite file to run against (default: a fresh aida.db in the output folder)",
    )
    p.add_argument(
        "--wideband",
        action="store_true",
        help="send the caller's voice at 24 kHz instead of the 8 kHz phone band",
    )
    p.add_argument(
        "--providers",
        choices=("local", "auto", "cloud"),
        default="local",
        help="Aida's speech and language providers (default: local, fully offline)",
    )
    p.set_defaults(func=_simulate)


async def _simulate(args: argparse.Namespace) -> int:
    from aida.simulate.runner import Options, Simulator
    from aida.simulate.scenario import ScenarioError, load_scenario, shipped_scenarios

    if args.list:
        for name in shipped_scenarios():
            print(name)
        return 0
    base = get_settings()
    try:
        scenario = load_scenario(args.scenario, region=base.phone_region)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or DEFAULT_OUT / f"{scenario.name}-{stamp}"
    settings = base.model_copy(update={"providers": args.providers})
    simulator = Simulator(settings, options=Options(phone_band=not args.wideband))
    print(f"loading the models and the caller's voice (output: {out}) ...", flush=True)
    result = await simulator.run(scenario, out, database=args.db)

    print()
    from aida.simulate.latency import summarize

    stats = summarize(result.latencies)
    if stats.get("turns"):
        print(
            f"latency over {stats['turns']} turns: p50 {stats['p50']:.2f} s, p90 "
            f"{stats['p90']:.2f} s; without endpointing p50 {stats['p50_ex_endpointing']:.2f} s"
        )
    if result.unanswered:
        print(f"turns Aida did not answer: {result.unanswered}")
    print(
        f"call audio: {out / 'call.wav'} (left: caller, right: Aida); timeline, transcript, "
        f"latency in {out}"
    )
    if result.ok:
        print(f"PASS {scenario.name}: the calendar ended as expected")
        return 0
    print(f"FAIL {scenario.name}:")
    for problem in result.problems:
        print(f"  - {problem}")
    return 1
