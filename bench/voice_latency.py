"""Voice latency benchmark: the shipped scenarios as real-time simulated calls on the local stack.

    .venv/bin/python bench/voice_latency.py                  # every scenario in scenarios/
    .venv/bin/python bench/voice_latency.py book cancel      # some of them
    .venv/bin/python bench/voice_latency.py --wideband       # 24 kHz caller audio, not 8 kHz
    .venv/bin/python bench/voice_latency.py --providers cloud book  # cloud plugins, local doubles

With `--providers cloud` the call goes through the Deepgram, OpenAI and Cartesia plugins to their
local doubles (aida/simulate/cloud_doubles) answering with realistic provider delays (150 ms to
Deepgram's final, 350 ms to the first LLM token, 120 ms to Cartesia's first audio) and playing
each scenario's scripted block: what remains above those delays is the pipeline's own overhead,
what a clinic adds to its providers' latency. No naive baseline there (it re-runs local models).

For every caller turn: voice-to-voice latency (the end of the caller's voice -> Aida's first audio
frame) cut into vad, stt, endpointing, llm_first_token, llm_sentence (first token to the first
full sentence), tts_first_audio, tools and overhead (see aida/simulate/latency.py), with p50/p90
over all turns, and the same without the endpointing wait (vad + endpointing).

In the same run, the naive sequential baseline for each turn: the same endpointing, then the
whole STT of the utterance, then every LLM request of the turn to its last token (their measured
durations in this run), the tools, then the whole reply through the TTS before any of it plays.
STT and TTS are measured again here, alone, on the same audio and reply text; the LLM durations
are the ones measured in the call, since the model generates the same tokens either way.

Also printed: peak RSS of this process (all models loaded in one process, as in a worker) and
the load average, which on a shared machine moves every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/voice_latency.py`

from livekit.plugins import silero  # noqa: F401  plugins register on the main thread

from aida.config import get_settings
from aida.simulate.audio import resample
from aida.simulate.latency import LABELS, TurnLatency, percentile, summarize
from aida.simulate.runner import Options, SimulationResult, Simulator
from aida.simulate.scenario import load_scenario, shipped_scenarios


def _whole_stt(simulator: Simulator, pcm: Any, rate: int) -> float:
    from aida.local.stt import WHISPER_RATE

    stt = simulator.providers.stt  # type: ignore[union-attr]
    started = time.perf_counter()
    pcm16 = resample(pcm, rate, WHISPER_RATE).astype("float32") / 32768.0
    stt.transcribe(pcm16)
    return time.perf_counter() - started


def _whole_tts(simulator: Simulator, text: str) -> float:
    tts = simulator.providers.tts  # type: ignore[union-attr]
    started = time.perf_counter()
    for _ in tts.sentences(text):
        pass
    return time.perf_counter() - started


def naive_baselines(simulator: Simulator, result: SimulationResult) -> None:
    """Fill `TurnLatency.naive` for each answered turn of `result`."""
    probe = result.probe
    assert probe is not None
    for i, (turn, lat) in enumerate(zip(result.turns, result.latencies, strict=True)):
        if lat.total is None:
            continue
        until = result.turns[i + 1].speech_start if i + 1 < len(result.turns) else float("inf")

        def spent(kind: str, t0: float = turn.speech_end, t1: float = until) -> float:
            # requests this turn started (a reply still running from before is not this turn's)
            return sum(x.end - x.start for x in probe.between(kind, t0, t1) if x.start >= t0)

        llm = spent("llm_ttft") + spent("llm_gen")
        tools = spent("tool")
        stt = _whole_stt(simulator, result.utterances[i], simulator.line_rate)
        tts = _whole_tts(simulator, result.replies[i]) if result.replies[i] else 0.0
        lat.naive = lat.endpointing + stt + llm + tools + tts


def table(rows: list[tuple[str, TurnLatency]]) -> str:
    short = {
        "vad": "vad",
        "stt": "stt",
        "endpointing": "endp",
        "tools": "tools",
        "llm_first_token": "llm1st",
        "tts_first_audio": "tts1st",
        "llm_sentence": "llmsent",
        "overhead": "ovh",
    }
    head = f"{'scenario':<12}{'turn':>4} " + "".join(f"{short[k]:>8}" for k in LABELS)
    head += f"{'total':>8}{'ex-endp':>8}{'answer':>8}{'naive':>8}  kind"
    out = [head, "-" * len(head)]
    for name, lat in rows:
        if lat.total is None:
            out.append(f"{name[:12]:<12}{lat.turn:>4}  (no reply)")
            continue
        line = f"{name[:12]:<12}{lat.turn:>4} " + "".join(f"{lat.parts[k]:>8.2f}" for k in LABELS)
        naive = f"{lat.naive:>8.2f}" if lat.naive is not None else f"{'':>8}"
        answer = lat.answer_ex_endpointing
        answered = f"{answer:>8.2f}" if answer is not None else f"{'-':>8}"
        line += f"{lat.total:>8.2f}{lat.total_ex_endpointing or 0:>8.2f}{answered}{naive}  "
        line += kind(lat)
        out.append(line)
    return "\n".join(out)


def kind(lat: TurnLatency) -> str:
    who = "code" if lat.read_in_code else "model"
    what = "tool" if lat.tool_calls else "reply"
    return f"{what} ({who}){' +filler' if lat.filler else ''}"


def split_figures(lats: list[TurnLatency]) -> list[str]:
    """First audio and the answer, without endpointing, p50/p90 over all turns and by kind."""
    groups = {
        "all turns": lats,
        "tool turns": [t for t in lats if t.tool_calls],
        "non-tool turns": [t for t in lats if not t.tool_calls],
        "read in code": [t for t in lats if t.read_in_code],
        "to the model": [t for t in lats if not t.read_in_code],
    }
    lines = []
    for label, group in groups.items():
        first = [t.total_ex_endpointing for t in group if t.total_ex_endpointing is not None]
        answer = [t.answer_ex_endpointing for t in group if t.answer_ex_endpointing is not None]
        if not first:
            continue
        missing = len(group) - len(answer)
        lines.append(
            f"{label:<15} n={len(group):<3} first audio p50 {percentile(first, 50):5.2f} s "
            f"p90 {percentile(first, 90):5.2f} s | answer p50 {percentile(answer, 50):5.2f} s "
            f"p90 {percentile(answer, 90):5.2f} s"
            + (f" ({missing} without an answer heard)" if missing else "")
        )
    return lines


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all shipped)")
    parser.add_argument("--wideband", action="store_true", help="24 kHz caller audio")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument(
        "--providers",
        choices=("local", "cloud"),
        default="local",
        help="local models (default), or the cloud plugins against local doubles",
    )
    args = parser.parse_args(argv)

    names = args.scenarios or shipped_scenarios()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = args.out or Path("data/simulations") / f"bench-{stamp}"
    settings = get_settings().model_copy(update={"providers": "local"})
    doubles: Any = None
    if args.providers == "cloud":
        from aida.agent.providers import import_plugins
        from aida.simulate.cloud_doubles import CloudDoubles, Delays

        doubles = await CloudDoubles(delays=Delays.realistic(), settings=settings).start()
        settings = doubles.settings(settings)
        import_plugins(settings)  # LiveKit registers plugins on the main thread only
        await asyncio.to_thread(doubles.load_speech)
        print(f"cloud doubles with delays {doubles.delays}", flush=True)
    quiet = os.environ.get("AIDA_BENCH_VERBOSE") != "1"
    simulator = Simulator(
        settings,
        options=Options(phone_band=not args.wideband),
        printer=(lambda _text: None) if quiet else print,
        script=doubles.llm_script if doubles is not None else None,
    )
    load_before = os.getloadavg()
    started = time.time()
    print(f"loading models; {len(names)} scenarios in real time (output: {out})", flush=True)
    await asyncio.to_thread(simulator.prepare)

    rows: list[tuple[str, TurnLatency]] = []
    outcomes: dict[str, Any] = {}
    for name in names:
        scenario = load_scenario(name)
        result = await simulator.run(scenario, out / name)
        if doubles is None:
            naive_baselines(simulator, result)
        rows.extend((name, lat) for lat in result.latencies)
        outcomes[name] = {
            "ok": result.ok,
            "problems": result.problems,
            "unanswered": result.unanswered,
            "greeting_after_s": result.greeting_after,
        }
        status = "PASS" if result.ok else "FAIL"
        print(f"  {status} {name} ({result.duration:.0f} s)", flush=True)

    load_after = os.getloadavg()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lats = [lat for _, lat in rows]
    stats = summarize(lats)
    answered = [t for t in lats if t.total is not None and t.naive is not None]
    ex_naive = [t.naive - t.endpointing for t in answered if t.naive is not None]

    print()
    print(table(rows))
    print()
    if stats.get("turns"):
        print(
            f"voice to voice over {stats['turns']} turns: p50 {stats['p50']:.2f} s, "
            f"p90 {stats['p90']:.2f} s"
        )
        print(
            f"without endpointing (vad + endpointing): p50 {stats['p50_ex_endpointing']:.2f} s, "
            f"p90 {stats['p90_ex_endpointing']:.2f} s  (aim: p50 <= 1.20 s)"
        )
        print("without endpointing (aims: first audio p50 <= 1.2 s, p90 <= 2.0 s;")
        print("answer p50 <= 3.0 s, p90 <= 5.0 s):")
        for line in split_figures(lats):
            print("  " + line)
        greetings = [o["greeting_after_s"] for o in outcomes.values() if o["greeting_after_s"]]
        if greetings:
            print(
                f"greeting (call start -> first audio): first call {greetings[0]:.2f} s, "
                f"max {max(greetings):.2f} s over {len(greetings)} calls (aim <= 2 s)"
            )
        print("mean per turn: " + ", ".join(f"{k} {v:.2f}" for k, v in stats["mean_parts"].items()))
        print(f"our overhead: {stats['overhead_share']:.1%} of the total (aim: < 10%)")
        if doubles is not None:
            overhead = [t.parts["overhead"] for t in lats if t.total is not None]
            print(
                f"pipeline overhead per turn above the providers' delays: p50 "
                f"{percentile(overhead, 50):.2f} s, p90 {percentile(overhead, 90):.2f} s"
            )
        if "naive_p50" in stats:
            print(
                f"naive sequential baseline: p50 {stats['naive_p50']:.2f} s "
                f"= {stats['naive_ratio_p50']:.2f}x the pipeline; without endpointing p50 "
                f"{percentile(ex_naive, 50):.2f} s = "
                f"{percentile(ex_naive, 50) / stats['p50_ex_endpointing']:.2f}x"
            )
    print(
        f"peak RSS {peak_rss_mb:.0f} MB; load average {load_before[0]:.2f} at start, "
        f"{load_after[0]:.2f} at end, on {os.cpu_count()} CPUs ({platform.machine()})"
    )
    passed = sum(1 for o in outcomes.values() if o["ok"])
    print(
        f"end states: {passed}/{len(outcomes)} as expected; wall time {time.time() - started:.0f} s"
    )

    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(
        json.dumps(
            {
                "command": " ".join(["bench/voice_latency.py", *(argv or sys.argv[1:])]),
                "summary": stats,
                "naive_ex_endpointing_p50": percentile(ex_naive, 50) if ex_naive else None,
                "turns": [{"scenario": n, **lat.to_dict()} for n, lat in rows],
                "outcomes": outcomes,
                "peak_rss_mb": peak_rss_mb,
                "loadavg_start": load_before,
                "loadavg_end": load_after,
                "cpus": os.cpu_count(),
                "mean_total": statistics.fmean(t.total for t in lats if t.total)
                if stats.get("turns")
                else None,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"details: {out / 'bench.json'}")
    if doubles is not None:
        await doubles.aclose()
    return 0 if passed == len(outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
