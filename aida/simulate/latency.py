"""Where the time goes between the caller going quiet and Aida's voice: per-turn measurements.

The probe collects wall-clock (`time.time()`) intervals while a simulated call runs: each STT, LLM
and TTS request from the providers' own `metrics_collected` reports, each tool call from the
timeline, and the session's turn decisions. For one caller turn, the span from the end of the
caller's voice (`t0`, known exactly because we fed the audio) to Aida's first audio frame is then
cut at every interval boundary and each piece is charged to what the pipeline was waiting for,
in this order of precedence:

  vad            the VAD had not yet declared the caller silent
  stt            a transcription was running
  endpointing    transcript in hand, the turn not yet committed (the endpointing delay)
  tools          a tool was running
  llm_first_token  an LLM request was evaluating the prompt, before its first token
  tts_first_audio  the TTS was rendering, before its first audio
  llm_sentence   the LLM was generating (to the end of the first sentence, or of a tool call)
  overhead       none of the above: our code, LiveKit's queues, the event loop

"Endpointing" in the aim below (`total_ex_endpointing`) means vad + endpointing: the wait that a
phone agent chooses so as not to cut callers off, independent of how fast the models are.
"""

from __future__ import annotations

import contextlib
import itertools
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

LABELS = (
    "vad",
    "stt",
    "endpointing",
    "tools",
    "llm_first_token",
    "tts_first_audio",
    "llm_sentence",
    "overhead",
)
ENDPOINTING_LABELS = ("vad", "endpointing")


@dataclass(frozen=True)
class Interval:
    kind: str  # "stt" | "llm_ttft" | "llm_gen" | "tts_ttfb" | "tts" | "tool"
    start: float
    end: float
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class TurnLatency:
    turn: int
    speech_end: float  # t0
    first_audio: float | None
    total: float | None
    parts: dict[str, float]
    commit: float | None = None
    llm_requests: int = 0
    tool_calls: int = 0
    # the naive sequential pipeline's latency for the same turn (filled in by the benchmark)
    naive: float | None = None
    # Seconds to the first audio that carries the answer: after the filler when one was said
    # (it is its own segment), else the first audio. None: no answer was heard.
    answer: float | None = None
    filler: bool = False
    read_in_code: bool = False  # answered by aida.agent.understand or the plain-yes path

    @property
    def endpointing(self) -> float:
        return sum(self.parts.get(k, 0.0) for k in ENDPOINTING_LABELS)

    @property
    def total_ex_endpointing(self) -> float | None:
        return None if self.total is None else self.total - self.endpointing

    @property
    def answer_ex_endpointing(self) -> float | None:
        return None if self.answer is None else self.answer - self.endpointing

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["endpointing"] = self.endpointing
        out["total_ex_endpointing"] = self.total_ex_endpointing
        out["answer_ex_endpointing"] = self.answer_ex_endpointing
        return out


class LatencyProbe:
    """Subscribes to providers, the session and the timeline; thread-safe appends only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.intervals: list[Interval] = []
        self.vad_ends: list[float] = []  # the session saw the caller stop speaking
        self.commits: list[float] = []  # a user turn was committed
        self.thinking: list[float] = []  # the agent started thinking
        self.fillers: list[float] = []  # a filler was said
        self.code_answers: list[float] = []  # a turn was answered without the model
        self._tools: dict[str, float] = {}

    def _add(self, interval: Interval) -> None:
        with self._lock:
            self.intervals.append(interval)

    # --- wiring ---

    def watch_providers(self, *providers: Any) -> None:
        for provider in providers:
            if provider is not None and hasattr(provider, "on"):
                provider.on("metrics_collected", self._on_metrics)

    def unwatch_providers(self, *providers: Any) -> None:
        for provider in providers:
            if provider is not None and hasattr(provider, "off"):
                with contextlib.suppress(KeyError, ValueError):
                    provider.off("metrics_collected", self._on_metrics)

    def watch_session(self, session: Any) -> None:
        @session.on("user_state_changed")
        def _user(ev: Any) -> None:
            if ev.old_state == "speaking" and ev.new_state != "speaking":
                self.vad_ends.append(ev.created_at)

        @session.on("agent_state_changed")
        def _agent(ev: Any) -> None:
            if ev.new_state == "thinking":
                self.thinking.append(ev.created_at)

        @session.on("conversation_item_added")
        def _item(ev: Any) -> None:
            item = ev.item
            if getattr(item, "role", None) != "user":
                return
            metrics = getattr(item, "metrics", None) or {}
            stopped, delay = metrics.get("stopped_speaking_at"), metrics.get("end_of_turn_delay")
            if stopped is not None and delay is not None:
                self.commits.append(stopped + delay)
            else:
                self.commits.append(ev.created_at)

    def on_timeline(self, event: dict[str, Any]) -> None:
        """Timeline sink: tool call start/end."""
        kind = event.get("type")
        call_id = str(event.get("tool_call_id"))
        if kind == "filler":
            self.fillers.append(time.time())
        elif kind in ("understood", "emergency", "emergency_again") or (
            kind == "tool_call" and call_id.startswith(("confirm_", "code_"))
        ):
            self.code_answers.append(time.time())
        if kind == "tool_call":
            self._tools[call_id] = time.time()
        elif kind == "tool_result" and call_id in self._tools:
            start = self._tools.pop(call_id)
            self._add(Interval("tool", start, time.time(), {"name": event.get("name")}))

    def _on_metrics(self, m: Any) -> None:
        kind = getattr(m, "type", "")
        end = float(m.timestamp)
        start = end - float(m.duration)
        if kind == "stt_metrics":
            self._add(Interval("stt", start, end, {"audio": m.audio_duration}))
        elif kind == "llm_metrics":
            ttft = float(m.ttft) if m.ttft is not None and m.ttft >= 0 else float(m.duration)
            info = {
                "ttft": ttft,
                "duration": float(m.duration),
                "prompt_tokens": m.prompt_tokens,
                "cached_tokens": m.prompt_cached_tokens,
                "completion_tokens": m.completion_tokens,
                "cancelled": bool(m.cancelled),
            }
            self._add(Interval("llm_ttft", start, start + ttft, info))
            self._add(Interval("llm_gen", start + ttft, end, info))
        elif kind == "tts_metrics":
            ttfb = float(m.ttfb) if m.ttfb is not None and m.ttfb >= 0 else float(m.duration)
            info = {"ttfb": ttfb, "duration": float(m.duration), "chars": m.characters_count}
            self._add(Interval("tts_ttfb", start, start + ttfb, info))
            self._add(Interval("tts", start, end, info))

    # --- analysis ---

    def between(self, kind: str, start: float, end: float) -> list[Interval]:
        with self._lock:
            return [i for i in self.intervals if i.kind == kind and i.end > start and i.start < end]

    def turn(self, index: int, speech_end: float, first_audio: float | None) -> TurnLatency:
        """Attribute [speech_end, first_audio] for one caller turn."""
        if first_audio is None:
            return TurnLatency(index, speech_end, None, None, {})
        t0, t1 = speech_end, first_audio
        vad_end = next((t for t in self.vad_ends if t >= t0 - 0.05), t0)
        vad_end = min(max(vad_end, t0), t1)
        commit = next((t for t in self.commits if t >= t0 - 0.05), None)
        if commit is None:
            commit = next((t for t in self.thinking if t >= t0), vad_end)
        commit = min(max(commit, t0), t1)
        stt = self.between("stt", t0, t1)
        tools = self.between("tool", t0, t1)
        ttft = self.between("llm_ttft", t0, t1)
        gen = self.between("llm_gen", t0, t1)
        ttfb = self.between("tts_ttfb", t0, t1)
        # once the first sentence is with the TTS, the LLM generating the rest is off the path
        tts_starts = sorted(i.start for i in ttfb)
        gen = [
            Interval(i.kind, i.start, min([i.end, *(s for s in tts_starts if s > i.start)]), i.info)
            for i in gen
        ]

        def covered(items: list[Interval], a: float, b: float) -> bool:
            return any(i.start <= a and i.end >= b for i in items)

        def label(a: float, b: float) -> str:
            if b <= vad_end:
                return "vad"
            if covered(stt, a, b):
                return "stt"
            if b <= commit:
                return "endpointing"
            if covered(tools, a, b):
                return "tools"
            if covered(ttft, a, b):
                return "llm_first_token"
            if covered(ttfb, a, b):
                return "tts_first_audio"
            if covered(gen, a, b):
                return "llm_sentence"
            return "overhead"

        cuts = {t0, t1, vad_end, commit}
        for items in (stt, tools, ttft, gen, ttfb):
            for i in items:
                cuts.update(x for x in (i.start, i.end) if t0 < x < t1)
        points = sorted(cuts)
        parts = dict.fromkeys(LABELS, 0.0)
        for a, b in itertools.pairwise(points):
            if b > a:
                parts[label(a, b)] += b - a
        llm_starts = {round(i.start, 4) for i in ttft}
        return TurnLatency(
            turn=index,
            speech_end=t0,
            first_audio=t1,
            total=t1 - t0,
            parts={k: round(v, 4) for k, v in parts.items()},
            commit=commit,
            llm_requests=len(llm_starts),
            tool_calls=len(tools),
        )


def with_answer(
    lat: TurnLatency, sounds: list[float], fillers: list[float], code: list[float], until: float
) -> TurnLatency:
    """Fill in when the answer was heard: `sounds` are the starts of Aida's audio segments,
    `fillers` and `code` when fillers were said and turns answered in code, `until` the start
    of the caller's next line (or the end of the call)."""
    t0 = lat.speech_end
    heard = [s for s in sounds if t0 <= s < until]
    lat.filler = any(t0 <= f < until for f in fillers)
    lat.read_in_code = any(t0 <= c < until for c in code)
    if lat.filler:
        lat.answer = heard[1] - t0 if len(heard) > 1 else None
    else:
        lat.answer = heard[0] - t0 if heard else None
    return lat


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(turns: list[TurnLatency]) -> dict[str, Any]:
    """p50/p90 of the totals and the mean share of each part, over turns Aida answered."""
    answered = [t for t in turns if t.total is not None]
    if not answered:
        return {"turns": 0}
    totals = [t.total for t in answered if t.total is not None]
    ex = [t.total_ex_endpointing for t in answered if t.total_ex_endpointing is not None]
    mean_parts = {k: statistics.fmean(t.parts.get(k, 0.0) for t in answered) for k in LABELS}
    total_mean = statistics.fmean(totals)
    out: dict[str, Any] = {
        "turns": len(answered),
        "p50": percentile(totals, 50),
        "p90": percentile(totals, 90),
        "p50_ex_endpointing": percentile(ex, 50),
        "p90_ex_endpointing": percentile(ex, 90),
        "mean_parts": mean_parts,
        "overhead_share": mean_parts["overhead"] / total_mean if total_mean else 0.0,
    }
    naive = [(t.naive, t.total) for t in answered if t.naive is not None and t.total]
    if naive:
        out["naive_p50"] = percentile([n for n, _ in naive], 50)
        out["naive_ratio_p50"] = out["naive_p50"] / out["p50"]
    return out
