"""`aida simulate [SCENARIO]`: a scripted caller talks to Aida through the real voice pipeline;
`aida simulate --text [SCENARIO]` has the same conversation in text, costing only the LLM."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aida.config import Settings, get_settings

if TYPE_CHECKING:
    from aida.simulate.cloud_doubles import CloudDoubles
    from aida.simulate.runner import Simulator
    from aida.simulate.scenario import Scenario
    from aida.simulate.text import TextSimulator

DEFAULT_OUT = Path("data/simulations")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help="a scripted phone call to Aida, offline (VAD, STT, LLM, tools, TTS), checked",
        description=(
            "Run a scripted caller through Aida's voice pipeline on the local models, in real "
            "time, with no LiveKit server (or, with --text, as a text conversation). Prints the "
            "call as it happens, writes the call's audio and timeline (voice), and exits 1 when "
            "the calendar does not end as the scenario expects or Aida said or did what it "
            "forbids."
        ),
    )
    p.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="a scenario name from scenarios/ (default: book) or a path to a YAML file",
    )
    p.add_argument("--list", action="store_true", help="list the shipped scenarios and exit")
    p.add_argument("--all", action="store_true", help="run every shipped scenario")
    p.add_argument(
        "--text",
        action="store_true",
        help="text in and out (no speech models): the same session, tools and checks, LLM only",
    )
    p.add_argument(
        "--scripted",
        action="store_true",
        help="with --text: the scenario's scripted LLM instead of a real one (instant, for CI)",
    )
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
        help=(
            "a SQLite file to run against, where the call's record is stored too (default: a "
            "fresh calendar per scenario, and the record in the configured database, where the "
            "dashboard shows it)"
        ),
    )
    p.add_argument(
        "--calendar",
        choices=("store", "fhir"),
        default="store",
        help=(
            "where patients and appointments live: the SQLite file (default), or a throwaway "
            "FHIR R4 server (sekmet-fhir, dev group) on 127.0.0.1, emptied before each scenario"
        ),
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
        help=(
            "Aida's speech and language providers (default: local, fully offline); with "
            "AIDA_CLOUD_DOUBLES=1, cloud runs against local doubles of Deepgram, OpenAI, "
            "Anthropic and Cartesia playing the scenario's scripted block (a test mode)"
        ),
    )
    p.set_defaults(func=_simulate)


async def _simulate(args: argparse.Namespace) -> int:
    from aida.simulate.scenario import ScenarioError, load_scenario, shipped_scenarios

    if args.list:
        for name in shipped_scenarios():
            print(name)
        return 0
    if args.scripted and not args.text:
        print("error: --scripted needs --text", file=sys.stderr)
        return 2
    if args.all and args.scenario:
        print("error: give a scenario or --all, not both", file=sys.stderr)
        return 2
    names = shipped_scenarios() if args.all else [args.scenario or "book"]
    if len(names) > 1 and args.db is not None:
        print(
            "error: --db holds one scenario's calendar; run one scenario with it", file=sys.stderr
        )
        return 2
    base = get_settings()
    try:
        scenarios = [load_scenario(name, region=base.phone_region) for name in names]
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = base.model_copy(update={"providers": args.providers})
    # Recorded as the worker records a call: without --db, in the configured database (and its
    # outbox), so `aida simulate` leaves its calls on the dashboard.
    record_to = base if args.db is None else None
    doubles: CloudDoubles | None = None
    if args.providers == "cloud" and base.aida_cloud_doubles:
        if args.text and not args.scripted:
            print(
                "error: the cloud doubles play each scenario's scripted block; add --scripted",
                file=sys.stderr,
            )
            return 2
        from aida.simulate.cloud_doubles import CloudDoubles

        doubles = await CloudDoubles(settings=settings).start()
        if not args.text:
            await asyncio.to_thread(doubles.load_speech)
        print("cloud doubles (a test mode, AIDA_CLOUD_DOUBLES=1):", doubles.describe())
    try:
        if args.calendar == "fhir":
            return await _on_fhir(settings, scenarios, args, record_to, doubles)
        return await _run_all(settings, scenarios, args, record_to=record_to, doubles=doubles)
    finally:
        if doubles is not None:
            await doubles.aclose()


async def _on_fhir(
    settings: Settings,
    scenarios: list[Scenario],
    args: argparse.Namespace,
    record_to: Settings | None,
    doubles: CloudDoubles | None = None,
) -> int:
    """The same scenarios with the calendar in a FHIR server Aida talks to as to an EHR."""
    import tempfile

    from aida.store.fhir.sandbox import FhirUnavailable, start_server

    try:
        server = start_server()
    except FhirUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"calendar: FHIR R4 at {server.base_url}", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="aida-fhir-lock-") as lock_dir:
            on_fhir = settings.model_copy(
                update={
                    "calendar_backend": "fhir",
                    "fhir_base_url": server.base_url,
                    "fhir_lock_dir": Path(lock_dir),
                }
            )
            return await _run_all(
                on_fhir,
                scenarios,
                args,
                before_each=server.reset,
                record_to=record_to,
                doubles=doubles,
            )
    finally:
        server.stop()


async def _run_all(
    settings: Settings,
    scenarios: list[Scenario],
    args: argparse.Namespace,
    before_each: Callable[[], None] | None = None,
    record_to: Settings | None = None,
    doubles: CloudDoubles | None = None,
) -> int:
    # one simulator for the whole run, so the models load once
    if args.text:
        from aida.simulate.text import TextSimulator

        if not args.verbose:
            # the transcript is the output; INFO lines would interleave with it (-v keeps them)
            logging.getLogger().setLevel(logging.WARNING)

        text = TextSimulator(settings, scripted=args.scripted, record_to=record_to, doubles=doubles)
        if not args.scripted:
            print("loading the LLM ...", flush=True)
    else:
        from aida.simulate.runner import Options, Simulator

        voice = Simulator(
            doubles.settings(settings) if doubles is not None else settings,
            options=Options(phone_band=not args.wideband),
            record_to=record_to,
            script=doubles.llm_script if doubles is not None else None,
        )
    failed = []
    skipped = 0
    for scenario in scenarios:
        why_not = scenario.not_runnable_on(settings.calendar_backend)
        if why_not is not None:
            print(f"SKIP {scenario.name}: {why_not}")
            skipped += 1
            continue
        if before_each is not None:
            before_each()
        ok = await (_text(text, scenario, args) if args.text else _voice(voice, scenario, args))
        if not ok:
            failed.append(scenario.name)
    if len(scenarios) > 1:
        print()
        ran = len(scenarios) - skipped
        print(f"{ran - len(failed)}/{ran} passed", end="")
        print(f", {skipped} skipped" if skipped else "", end="")
        print(f"; failed: {', '.join(failed)}" if failed else "")
    return 1 if failed else 0


def _verdict(name: str, problems: list[str], what: str) -> bool:
    if not problems:
        print(f"PASS {name}: {what}")
        return True
    print(f"FAIL {name}:")
    for problem in problems:
        print(f"  - {problem}")
    return False


def _record_line(args: argparse.Namespace) -> str:
    where = args.db if args.db is not None else "the configured database (the dashboard's)"
    return f"    call record: stored in {where}"


async def _text(simulator: TextSimulator, scenario: Scenario, args: argparse.Namespace) -> bool:
    result = await simulator.run(scenario, database=args.db)
    print(f"    {len(result.turns)} turns in {result.seconds:.1f} s")
    print(_record_line(args))
    return _verdict(scenario.name, result.problems, "every check passed")


async def _voice(simulator: Simulator, scenario: Scenario, args: argparse.Namespace) -> bool:
    from aida.simulate.latency import summarize

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or DEFAULT_OUT / f"{scenario.name}-{stamp}"
    if args.out and args.all:
        out = args.out / scenario.name
    print(f"loading the models and the caller's voice (output: {out}) ...", flush=True)
    result = await simulator.run(scenario, out, database=args.db)

    print()
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
    print(_record_line(args).strip())
    return _verdict(scenario.name, result.problems, "the calendar and the conversation as expected")
