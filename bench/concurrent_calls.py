"""Concurrent calls: N simulated phone calls at once through the real pipeline, as a worker would.

    .venv/bin/python bench/concurrent_calls.py                 # local models, shared, N=1,2,4,8
    .venv/bin/python bench/concurrent_calls.py --sharing per-call -n 1,2
    .venv/bin/python bench/concurrent_calls.py --providers cloud -n 1,4,8,16,25

Each call is a shipped scenario (cycled over `--scenarios`) played in real time by a scripted
caller at 8 kHz through `aida.simulate.runner.Simulator`: the worker's own session, agent, tools,
VAD, turn detector, speech-to-text, LLM and TTS; each call on its own SQLite file (two callers
booking the same slot would change each other's conversation). All N calls start together.

- `--sharing shared` (the worker now, JOB_EXECUTOR=thread): every call on a thread of its own
  with its own event loop, as LiveKit's thread executor runs jobs, over one set of local models.
- `--sharing per-call` (the worker before): every call in a process of its own that loads its
  own copy of the models, as LiveKit's process executor ran jobs.
- `--providers cloud`: the same worker with cloud-shaped providers in place of the models: a
  speech-to-text that returns the caller's line after STT_LATENCY, an LLM that plays the
  scenario's script after LLM_TTFT, a TTS whose audio starts after TTS_TTFB. No network: this
  is what the worker itself costs per call (VAD, turn detection, session, tools, audio).

Per N: first audio and the answer, p50 and p90 over every caller turn of every call, without the
endpointing wait (as in bench/voice_latency.py: from the end of the caller's turn to Aida's first
audio; the answer is the first audio after a filler); CPU seconds per call and the share of a
core; memory per call (the rise of resident memory over the models' while the calls run, per
call; per-call processes: each process's peak); and the largest N whose first-audio p90 is at
most 1.5 s. The load average is printed next to the figures: on a shared machine it moves all
of them. With shared local models, what the one llama.cpp context did: how many prefills ran
and how many were skipped (and why), how long the callers' turns waited for the context, by
what held it when they asked (`waits`: a turn that asked during a prefill may then also wait for
another call's turn queued before it), and how long a prefill or a summary took to let go once
a turn waited (`gave_way`). The call record is written at
hang-up as in the worker, with the timeline's summary (`--summary none`, the default), or with
the worker's summary models (`--summary worker`: on local models, the shared llama.cpp at
background priority, giving way to the calls still in progress). `--json` writes everything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/concurrent_calls.py`

import numpy as np
import psutil
from livekit.plugins import silero  # plugins register on the main thread

from aida.agent.providers import Providers, build_providers
from aida.config import Settings, get_settings
from aida.simulate.latency import TurnLatency, percentile
from aida.simulate.runner import Options, Simulator
from aida.simulate.scenario import Scenario, load_scenario

AIM_P90 = 1.5
# Cloud-shaped latencies (seconds), from the providers' published figures and common
# measurements: a final transcript after the end of speech, an LLM's first token, a TTS's
# first audio.
STT_LATENCY = 0.30
LLM_TTFT = 0.50
TTS_TTFB = 0.20


# --- cloud-shaped providers -------------------------------------------------------------------


def cloud_providers(scenario: Scenario, vad: Any) -> tuple[Providers, Callable[[int, str], None]]:
    """Providers that answer like remote ones, and the hook that keeps them on the script."""
    from livekit.agents import llm as lk_llm
    from livekit.agents import stt, tts, utils
    from livekit.agents.language import LanguageCode
    from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions

    from aida.simulate.script import compile_turn
    from aida.simulate.scripted_llm import ScriptedLLM, Slow

    heard: dict[str, str] = {"text": ""}

    class RemoteSTT(stt.STT):
        """Returns the line being said, once, after the remote's delay (later segments of the
        same line hear nothing, as a streaming STT's single final would)."""

        def __init__(self) -> None:
            super().__init__(
                capabilities=stt.STTCapabilities(streaming=False, interim_results=False)
            )

        @property
        def model(self) -> str:
            return "nova-3-double"

        @property
        def provider(self) -> str:
            return "deepgram-double"

        async def _recognize_impl(
            self, buffer: Any, *, language: Any = None, conn_options: Any = None
        ) -> stt.SpeechEvent:
            await asyncio.sleep(STT_LATENCY)
            text, heard["text"] = heard["text"], ""
            return stt.SpeechEvent(
                type=stt.SpeechEventType.FINAL_TRANSCRIPT,
                request_id=utils.shortuuid("stt_"),
                alternatives=[
                    stt.SpeechData(language=LanguageCode("en"), text=text, confidence=0.95)
                ],
            )

    class RemoteTTS(tts.TTS):
        def __init__(self) -> None:
            super().__init__(
                capabilities=tts.TTSCapabilities(streaming=False),
                sample_rate=24_000,
                num_channels=1,
            )

        @property
        def model(self) -> str:
            return "sonic-2-double"

        @property
        def provider(self) -> str:
            return "cartesia-double"

        def synthesize(
            self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
        ) -> tts.ChunkedStream:
            return RemoteChunks(tts=self, input_text=text, conn_options=conn_options)

    class RemoteChunks(tts.ChunkedStream):
        async def _run(self, output_emitter: tts.AudioEmitter) -> None:
            output_emitter.initialize(
                request_id=utils.shortuuid("tts_"),
                sample_rate=24_000,
                num_channels=1,
                mime_type="audio/pcm",
            )
            await asyncio.sleep(TTS_TTFB)
            seconds = max(0.5, len(self._input_text) / 15.0)  # ~15 characters a second of speech
            t = np.arange(int(24_000 * seconds)) / 24_000
            tone = (0.1 * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16)
            for chunk in np.array_split(tone, max(1, int(seconds / 0.1))):
                output_emitter.push(chunk.tobytes())
                await asyncio.sleep(0)  # streamed faster than real time, as a remote TTS does
            output_emitter.flush()

    model = ScriptedLLM(provider="api.openai.com", model="gpt-4o-mini")
    script = scenario.scripted

    def on_line(index: int, text: str) -> None:
        heard["text"] = text
        model.script.clear()
        if script is not None and index - 1 < len(script.turns):
            model.extend([Slow(LLM_TTFT, step) for step in compile_turn(script.turns[index - 1])])

    llm: lk_llm.LLM = model
    providers = Providers(
        llm=llm,
        stt=RemoteSTT(),
        tts=RemoteTTS(),
        vad=vad,
        description={"mode": "cloud-shaped", "stt": STT_LATENCY, "llm": LLM_TTFT, "tts": TTS_TTFB},
    )
    return providers, on_line


# --- one call ----------------------------------------------------------------------------------


@dataclass
class CallOutcome:
    scenario: str
    ok: bool
    turns: list[dict[str, Any]]
    cpu_s: float = 0.0  # per-call processes only
    peak_rss_mb: float = 0.0
    idle_rss_mb: float = 0.0
    problems: list[str] = field(default_factory=list)
    stt: list[tuple[float, float]] = field(default_factory=list)  # (start, end) seen by the call


def _turn_figures(lat: TurnLatency) -> dict[str, Any]:
    return {
        "first_audio": lat.total_ex_endpointing,
        "answer": lat.answer_ex_endpointing,
        "read_in_code": lat.read_in_code,
        "filler": lat.filler,
    }


def _quiet(_: str) -> None:
    pass


def run_one(
    settings: Settings,
    scenario: Scenario,
    out_dir: Path,
    lines: list[np.ndarray],
    ready: Callable[[], None],
    providers: Providers | None,
    on_line: Callable[[int, str], None] | None,
    summary: str = "none",
) -> CallOutcome:
    """One call on this thread, in an event loop of its own (as a LiveKit job thread)."""
    simulator = Simulator(
        settings,
        options=Options(),
        providers=providers,
        printer=_quiet,
        # by default the call record's summary is left out: on the local model it evaluates
        # the transcript after hang-up, which is not a caller's wait; None: the worker's models
        summary_llms=[] if summary == "none" else None,
        on_line=on_line,
    )

    async def go() -> CallOutcome:
        async def gate() -> None:
            await asyncio.to_thread(ready)

        result = await simulator.run(scenario, out_dir, lines=lines, ready=gate)
        intervals = result.probe.intervals if result.probe is not None else []
        return CallOutcome(
            scenario=scenario.name,
            ok=result.ok,
            turns=[_turn_figures(lat) for lat in result.latencies],
            problems=result.problems,
            stt=[(i.start, i.end) for i in intervals if i.kind == "stt"],
        )

    return asyncio.run(go())


def _child(
    settings: Settings,
    scenario: Scenario,
    out_dir: Path,
    lines: list[np.ndarray],
    barrier: Any,
    queue: Any,
) -> None:
    """A per-call process: its own models, loaded before the barrier, then the call."""
    proc = psutil.Process()
    vad = silero.VAD.load()
    providers = build_providers(settings, vad=vad)
    simulator = Simulator(settings, providers=providers, printer=_quiet)
    simulator.prepare()
    from aida.agent.providers import warm_llm

    warm_llm(providers.llm, scenario.settings(settings))
    idle = proc.memory_info().rss
    peak = [idle]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            peak[0] = max(peak[0], proc.memory_info().rss)

    threading.Thread(target=sample, daemon=True).start()
    cpu: list[float] = []

    def ready() -> None:
        barrier.wait()
        times = proc.cpu_times()
        cpu.append(times.user + times.system)

    outcome = run_one(settings, scenario, out_dir, lines, ready, providers, None)
    times = proc.cpu_times()
    stop.set()
    outcome.cpu_s = times.user + times.system - cpu[0]
    outcome.peak_rss_mb = peak[0] / 2**20
    outcome.idle_rss_mb = idle / 2**20
    queue.put(outcome.__dict__)


# --- N calls -----------------------------------------------------------------------------------


def render_lines(settings: Settings, scenarios: list[Scenario]) -> dict[str, list[np.ndarray]]:
    voice = Simulator(settings, printer=_quiet)
    return {s.name: voice.render(s) for s in scenarios}


def set_prefill(model: Any, mode: str) -> None:
    """Bench-only switches on the shared local LLM (the worker always runs `auto`)."""
    if mode == "off":
        model.prefill = lambda *args, **kwargs: 0  # new_session wires what it finds
    elif mode == "always":
        # the earlier behaviour: after every turn, whatever the speech models or the other
        # calls are doing
        model._yield_to = None
        model.prefill_policy = "always"


def _waiter(barrier: threading.Barrier) -> Callable[[], None]:
    def wait() -> None:
        barrier.wait()

    return wait


def run_shared(
    settings: Settings,
    calls: list[Scenario],
    lines: dict[str, list[np.ndarray]],
    out: Path,
    cloud: bool,
    prefill: str = "auto",
    summary: str = "none",
) -> dict[str, Any]:
    n = len(calls)
    proc = psutil.Process()
    barrier = threading.Barrier(n + 1)
    per_call: list[tuple[Providers | None, Callable[[int, str], None] | None]] = []
    for scenario in calls:
        vad = silero.VAD.load()  # each job thread's prewarm loads its own VAD
        if cloud:
            per_call.append(cloud_providers(scenario, vad))
        else:
            per_call.append((build_providers(settings, vad=vad), None))
    # the host's models loaded (and Aida's instructions evaluated) before the calls, as prewarm does
    model: Any = None
    if not cloud:
        model = per_call[0][0].llm  # type: ignore[union-attr]
        set_prefill(model, prefill)
        Simulator(settings, providers=per_call[0][0], printer=_quiet).prepare()
        from aida.agent.providers import warm_llm

        for scenario in calls:
            warm_llm(per_call[0][0].llm, scenario.settings(settings))  # type: ignore[union-attr]
    outcomes: list[CallOutcome | BaseException] = [RuntimeError("not run")] * n

    def worker(i: int) -> None:
        try:
            providers, on_line = per_call[i]
            outcomes[i] = run_one(
                settings,
                calls[i],
                out / f"call-{i}",
                lines[calls[i].name],
                _waiter(barrier),
                providers,
                on_line,
                summary,
            )
        except BaseException as exc:
            outcomes[i] = exc
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(i,), name=f"call-{i}") for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()  # every call is loaded and seeded: go
    idle = proc.memory_info().rss
    cpu0 = sum(proc.cpu_times()[:2])
    wall0 = time.perf_counter()
    peak = idle
    if model is not None:
        from aida.local.llm import ModelStats

        model.stats = ModelStats()  # what the calls did, not the warming
        model.run_lock.gave_way = {1: [], 2: []}
    while any(t.is_alive() for t in threads):
        peak = max(peak, proc.memory_info().rss)
        time.sleep(0.2)
    wall = time.perf_counter() - wall0
    cpu = sum(proc.cpu_times()[:2]) - cpu0
    done = [o for o in outcomes if isinstance(o, CallOutcome)]
    errors = [repr(o) for o in outcomes if not isinstance(o, CallOutcome)]
    return {
        "outcomes": done,
        "errors": errors,
        "wall_s": wall,
        "cpu_per_call_s": cpu / n,
        "core_share_per_call": cpu / n / wall if wall else 0.0,
        "idle_rss_mb": idle / 2**20,
        "memory_per_call_mb": (peak - idle) / 2**20 / n,
        "peak_rss_mb": peak / 2**20,
        "model": _model_figures(model),
    }


def _model_figures(model: Any) -> dict[str, Any] | None:
    """The shared context's figures: prefills, skips, and the turns' waits by what held it."""
    stats = getattr(model, "stats", None)
    if stats is None:
        return None
    waits = {
        held: {
            "n": len(v),
            "p90": percentile(sorted(v), 90),
            "max": max(v),
        }
        for held, v in stats.live_waits.items()
        if v
    }
    gave_way = {
        name: {"n": len(v), "p90": percentile(sorted(v), 90), "max": max(v)}
        for name, v in (
            ("prefill", model.run_lock.gave_way[1]),
            ("summary", model.run_lock.gave_way[2]),
        )
        if v
    }
    return {
        "gave_way": gave_way,
        "prefills": stats.prefills,
        "prefill_tokens": stats.prefill_tokens,
        "prefill_skipped": dict(stats.prefill_skipped),
        "summaries_yielded": stats.yielded,
        "summaries_done": stats.background_done,
        "waits": waits,
    }


def model_line(row: dict[str, Any]) -> str:
    m = row.get("model")
    if not m:
        return ""
    waits = ", ".join(
        f"behind {held}: {w['n']} turns, p90 {w['p90']:.2f} s, max {w['max']:.2f} s"
        for held, w in sorted(m["waits"].items())
    )
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(m["prefill_skipped"].items())) or "none"
    gave = ", ".join(
        f"a {held} {w['n']} times, p90 {w['p90']:.2f} s, max {w['max']:.2f} s"
        for held, w in sorted(m.get("gave_way", {}).items())
    )
    return (
        f"  N={row['n']} shared LLM: {row.get('turns_to_model', 0)} turns to the model, "
        f"{m['prefills']} prefills ({m['prefill_tokens']} tokens), "
        f"skipped: {skipped}; summaries written: {m.get('summaries_done', 0)}, "
        f"gave way: {m['summaries_yielded']}; "
        f"turns waited {waits or 'never'}; "
        f"a waiting turn had the context back from {gave or 'nothing lower (never needed)'}"
    )


def run_per_call(
    settings: Settings, calls: list[Scenario], lines: dict[str, list[np.ndarray]], out: Path
) -> dict[str, Any]:
    n = len(calls)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(n + 1)
    queue = ctx.Queue()
    procs = [
        ctx.Process(
            target=_child,
            args=(settings, s, out / f"call-{i}", lines[s.name], barrier, queue),
            name=f"call-{i}",
        )
        for i, s in enumerate(calls)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    wall0 = time.perf_counter()
    results = [queue.get() for _ in procs]
    wall = time.perf_counter() - wall0
    for p in procs:
        p.join()
    done = [CallOutcome(**r) for r in results]
    return {
        "outcomes": done,
        "errors": [],
        "wall_s": wall,
        "cpu_per_call_s": sum(o.cpu_s for o in done) / n,
        "core_share_per_call": sum(o.cpu_s for o in done) / n / wall if wall else 0.0,
        "idle_rss_mb": sum(o.idle_rss_mb for o in done),
        "memory_per_call_mb": sum(o.peak_rss_mb for o in done) / n,
        "peak_rss_mb": sum(o.peak_rss_mb for o in done),
    }


def summarize_run(n: int, run: dict[str, Any]) -> dict[str, Any]:
    turns = [t for o in run["outcomes"] for t in o.turns]
    first = [t["first_audio"] for t in turns if t["first_audio"] is not None]
    answer = [t["answer"] for t in turns if t["answer"] is not None]
    # a shared STT reports every call's requests to every call's probe: count each once
    stt = sorted({round(e - s, 3) for o in run["outcomes"] for s, e in o.stt})
    return {
        "n": n,
        "stt_p50": percentile(stt, 50) if stt else None,
        "stt_p90": percentile(stt, 90) if stt else None,
        "calls_ok": sum(o.ok for o in run["outcomes"]),
        "turns": len(turns),
        "unanswered": sum(t["first_audio"] is None for t in turns),
        "turns_to_model": sum(not t["read_in_code"] for t in turns),
        "first_audio_p50": percentile(first, 50) if first else None,
        "first_audio_p90": percentile(first, 90) if first else None,
        "answer_p50": percentile(answer, 50) if answer else None,
        "answer_p90": percentile(answer, 90) if answer else None,
        **{k: v for k, v in run.items() if k != "outcomes"},
        "problems": sorted({p for o in run["outcomes"] for p in o.problems}),
    }


def _fmt(value: float | None, unit: str = " s") -> str:
    return "-" if value is None else f"{value:.2f}{unit}"


def table(rows: list[dict[str, Any]]) -> str:
    heads = [
        "N",
        "calls ok",
        "turns",
        "first audio p50",
        "p90",
        "answer p50",
        "p90",
        "CPU per call",
        "core share",
        "memory per call",
        "peak RSS",
        "STT p50",
        "p90",
        "load avg",
    ]
    out = ["| " + " | ".join(heads) + " |", "|" + " ---: |" * (len(heads) - 1) + " --- |"]
    for r in rows:
        out.append(
            f"| {r['n']} | {r['calls_ok']}/{r['n']} | {r['turns']} | "
            f"{_fmt(r['first_audio_p50'])} | {_fmt(r['first_audio_p90'])} | "
            f"{_fmt(r['answer_p50'])} | {_fmt(r['answer_p90'])} | "
            f"{r['cpu_per_call_s']:.1f} s | {r['core_share_per_call']:.2f} | "
            f"{r['memory_per_call_mb']:.0f} MB | {r['peak_rss_mb']:.0f} MB | "
            f"{_fmt(r['stt_p50'])} | {_fmt(r['stt_p90'])} | "
            f"{r['load_before']} -> {r['load_after']} |"
        )
    return "\n".join(out)


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", default="1,2,4,8", help="numbers of simultaneous calls (default 1,2,4,8)"
    )
    parser.add_argument("--providers", choices=("local", "cloud"), default="local")
    parser.add_argument("--sharing", choices=("shared", "per-call"), default="shared")
    parser.add_argument(
        "--scenarios", default="book,reschedule,cancel", help="cycled over the calls"
    )
    parser.add_argument(
        "--prefill",
        choices=("auto", "always", "off"),
        default="auto",
        help="the local LLM's look-ahead prefill: as shipped (waits while speech is being "
        "recognised or synthesised), always (the earlier behaviour: never waits), or off",
    )
    parser.add_argument(
        "--summary",
        choices=("none", "worker"),
        default="none",
        help="the call record's summary at hang-up: none (the timeline's), or the worker's "
        "summary models (with local models, on the shared llama.cpp at background priority)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = parser.parse_args()
    if args.providers == "cloud" and args.sharing == "per-call":
        parser.error("--providers cloud measures the worker itself: use --sharing shared")

    base = get_settings().model_copy(update={"providers": "local"})
    scenarios = [
        load_scenario(name, region=base.phone_region) for name in args.scenarios.split(",")
    ]
    print(
        f"rendering the callers' lines; {platform.node()}, {os.cpu_count()} CPUs, load {_load()}",
        flush=True,
    )
    lines = render_lines(base, scenarios)
    rows = []
    with tempfile.TemporaryDirectory(prefix="aida-concurrent-") as tmp:
        for n in (int(x) for x in args.n.split(",")):
            calls = [scenarios[i % len(scenarios)] for i in range(n)]
            out = Path(tmp) / f"n{n}"
            load_before = _load()
            print(
                f"N={n}: {args.providers} providers, {args.sharing} models, prefill "
                f"{args.prefill} ...",
                flush=True,
            )
            if args.sharing == "per-call":
                run = run_per_call(base, calls, lines, out)
            else:
                run = run_shared(
                    base,
                    calls,
                    lines,
                    out,
                    cloud=args.providers == "cloud",
                    prefill=args.prefill,
                    summary=args.summary,
                )
            row = summarize_run(n, run)
            row["load_before"], row["load_after"] = load_before, _load()
            rows.append(row)
            print(table([row]).splitlines()[-1], flush=True)
            if line := model_line(row):
                print(line, flush=True)
            if row["errors"]:
                print(f"  errors: {row['errors']}", flush=True)
    within = [
        r["n"]
        for r in rows
        if r["first_audio_p90"] is not None
        and r["first_audio_p90"] <= AIM_P90
        and not r["unanswered"]
    ]
    print()
    print(
        f"{args.providers} providers, {args.sharing} models; "
        "first audio and answer without endpointing"
    )
    print(table(rows))
    for row in rows:
        if line := model_line(row):
            print(line)
    print(f"largest N with first-audio p90 <= {AIM_P90} s: {max(within) if within else 'none'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {"args": vars(args) | {"json": str(args.json)}, "rows": rows}, indent=1, default=str
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
