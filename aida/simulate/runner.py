"""One scenario through the real voice pipeline, with no LiveKit server.

The session is built by the worker's own `new_session` (the same `Aida` agent, the same
providers from `build_providers`, `CallState` with the tools bound to the caller, the timeline and
turn handling), except that its audio goes through `CallerLine`/`CallerEar` instead of a room,
and the caller ID (SIP, a web session's claimed phone, or none) comes from the scenario. The
scripted caller waits for Aida to finish each reply before saying the next line, in real time, so
the latencies are those a caller hears. The call is then judged like a text one: the calendar
(`expect`) and what Aida said and did (`must_say`, `never_say`, `forbidden_tools`).

Each run writes to its folder: `call.wav` (left: caller, right: Aida), `timeline.json`,
`transcript.txt`, `latency.json`, `result.json` and, unless another database was named, the
call's SQLite database `aida.db`. At hang-up the call is recorded by the worker's own end-of-call
hook (`call_end_hook`: record, cost, summary): in the call's database (the outbox beside it), or
where `record_to` keeps records (`aida simulate` without `--db`: the configured database, so the
call is on the dashboard).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from livekit.agents.utils import http_context
from livekit.plugins import silero  # plugins register on the main thread, so import it here

from aida.agent.aida import Aida
from aida.agent.providers import Providers, build_providers, import_plugins, warm_llm
from aida.agent.session import LiveCall, new_session, outbound_agent
from aida.config import Settings
from aida.safety import semantic
from aida.simulate import audio
from aida.simulate.call import (
    ScenarioClock,
    caller_line,
    new_call_state,
    outbound_hooks,
    outbound_job_for,
    record_hook,
    simulation_settings,
)
from aida.simulate.checks import Failure
from aida.simulate.echo import Printer, echo
from aida.simulate.latency import LatencyProbe, TurnLatency, with_answer
from aida.simulate.scenario import Scenario, check_end_state, seed
from aida.simulate.script import compile_turn
from aida.store.factory import open_store
from aida.tools.base import ClinicContext

if TYPE_CHECKING:
    from aida.calls.deliver import Models

logger = logging.getLogger("aida.simulate")


def _print(text: str) -> None:
    print(text, flush=True)  # the call is followed live, also through a pipe


@dataclass
class CallerTurn:
    index: int
    said: str  # the scripted line (or the WAV's name)
    speech_start: float
    speech_end: float
    heard: str | None = None  # what the STT made of it


@dataclass
class SimulationResult:
    scenario: Scenario
    out_dir: Path
    problems: list[str]
    turns: list[CallerTurn]
    latencies: list[TurnLatency]
    timeline: list[dict[str, Any]]
    greeting_after: float | None
    duration: float
    unanswered: list[int] = field(default_factory=list)
    # the utterance audio per turn (line rate) and Aida's reply text per turn, for the naive
    # baseline of the benchmark
    utterances: list[np.ndarray] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    probe: LatencyProbe | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Options:
    phone_band: bool = True  # the caller's audio at 8 kHz, as on a phone line
    settle: float = 1.5  # Aida silent this long after speaking: her reply is over
    no_reply_timeout: float = 30.0  # Aida silent this long without a reply: give up the turn
    # a loaded 2-core machine has taken 3 minutes to evaluate a new system prompt
    turn_timeout: float = 600.0


class Simulator:
    """Loads the models once; runs any number of scenarios with them."""

    def __init__(
        self,
        settings: Settings,
        *,
        options: Options | None = None,
        providers: Providers | None = None,
        printer: Printer = _print,
        summary_llms: Models = None,
        on_line: Callable[[int, str], None] | None = None,
        record_to: Settings | None = None,
        script: Any = None,
    ) -> None:
        self.settings = settings
        self.options = options or Options()
        self.providers = providers
        # what plays each scenario's `scripted:` block for the LLM (the cloud doubles' shared
        # script); None: the LLM is a real model
        self.script = script
        self.print = printer
        # the call record's summary models; None: the worker's (build_summary_llms)
        self.summary_llms = summary_llms
        # told (turn number, the line's text) just before the caller says each line: a stand-in
        # for a remote STT or LLM (bench/concurrent_calls.py) follows the script with it
        self.on_line = on_line
        # where the call record goes (aida.simulate.call.record_hook); None: the call's database
        self.record_to = record_to
        self._voice: Any = None  # the TTS that speaks the caller's lines

    @property
    def line_rate(self) -> int:
        return audio.PHONE_RATE if self.options.phone_band else audio.RECORDING_RATE

    def prepare(self) -> Providers:
        """Load the VAD and the local models (blocking; seconds)."""
        if self.providers is None:
            vad = silero.VAD.load()
            self.providers = build_providers(self.settings, vad=vad)
        for model in (self.providers.stt, self.providers.llm, self.providers.tts):
            load = getattr(model, "load", None)
            if callable(load):
                load()
        return self.providers

    def voice(self) -> Any:
        """The caller's voice: the local TTS (its own instance, so its use is never counted as
        Aida's)."""
        if self._voice is None:
            from aida.local.tts import HibariTTS

            self._voice = HibariTTS(speed=1.05)
            self._voice.load()
        return self._voice

    def render(self, scenario: Scenario) -> list[np.ndarray]:
        """Every caller line as int16 at the line's rate, before the call starts."""
        out = []
        for line in scenario.lines:
            if line.wav is not None:
                pcm, rate = audio.read_wav(line.wav)
                pcm = audio.trim_silence(pcm, rate)
            else:
                assert line.text is not None
                pcm, rate = audio.speak(self.voice(), line.text), audio.RECORDING_RATE
            out.append(audio.resample(pcm, rate, self.line_rate))
        return out

    async def run(
        self,
        scenario: Scenario,
        out_dir: Path,
        *,
        database: Path | None = None,
        lines: list[np.ndarray] | None = None,
        ready: Callable[[], Awaitable[None]] | None = None,
    ) -> SimulationResult:
        """One call. `lines`: the caller's audio, already rendered (`render`); `ready`: awaited
        just before the call starts, after everything is loaded (several calls start at once)."""
        out_dir.mkdir(parents=True, exist_ok=True)
        db = database or out_dir / "aida.db"
        settings = simulation_settings(scenario, self.settings, db)
        if self.providers is None:
            import_plugins(self.settings)  # on the main thread, before `prepare` builds them
        providers = await asyncio.to_thread(self.prepare)
        # What the worker's prewarm does before any call: the first caller turn must not pay for
        # evaluating Aida's constant prompt head (tens of seconds on 2 cores).
        await asyncio.to_thread(warm_llm, providers.llm, settings)
        await asyncio.to_thread(semantic.prewarm)  # the emergency guard's self-harm layer
        if lines is None:
            lines = await asyncio.to_thread(self.render, scenario)

        store = await open_store(settings)
        try:
            await seed(store, scenario, settings)
            if ready is not None:
                await ready()
            # the HTTP session a worker's job gives the cloud plugins (websockets, requests)
            async with http_context.open():
                result = await self._call(scenario, settings, store, providers, lines, out_dir)
            failures = [
                Failure("expect", p) for p in await check_end_state(store, scenario, settings)
            ]
            failures += scenario.checks.check(result.timeline, settings.tz)
            result.problems = [str(f) for f in failures]
        finally:
            await store.close()
        _write_result(result)
        return result

    async def _call(
        self,
        scenario: Scenario,
        settings: Settings,
        store: Any,
        providers: Providers,
        lines: list[np.ndarray],
        out_dir: Path,
    ) -> SimulationResult:

        say = self.print
        started = time.time()
        clock = ScenarioClock(scenario.now)
        tools = ClinicContext(store=store, settings=settings, clock=clock)
        state = await new_call_state(scenario, tools, mode="voice")
        state.outbound = await outbound_job_for(scenario, store)
        caller_id, timeline = state.caller_id, state.timeline

        recording = audio.CallRecording(started)
        line = audio.CallerLine(self.line_rate, recording)
        ear = audio.CallerEar(recording)
        probe = LatencyProbe()
        timeline.subscribe(probe.on_timeline)
        timeline.subscribe(echo(say, started))
        probe.watch_providers(providers.stt, providers.llm, providers.tts)

        session = new_session(state, providers, settings)
        probe.watch_session(session)
        live = LiveCall(
            session=session,
            state=state,
            publisher=None,
            store=store,
            owns_store=False,
            on_end=[
                *outbound_hooks(state),
                record_hook(settings, self.record_to, self.summary_llms),
            ],
        )
        session.input.audio = line
        session.output.audio = ear
        timeline.record(
            "call_started",
            room=state.room_name,
            caller_id=caller_id.source,
            identified=state.caller is not None,
            on_file=bool(state.caller and state.caller.on_file),
            providers=providers.description,
            direction=state.direction,
            **({"purpose": scenario.purpose} if scenario.purpose else {}),
        )
        say(f"--- {scenario.name}: {scenario.description}".rstrip(": "))
        say(f"    clinic time {scenario.now:%A %Y-%m-%d %H:%M %Z}; {caller_line(scenario)}")

        turns: list[CallerTurn] = []
        unanswered: list[int] = []
        greeting_after: float | None = None
        try:
            if state.outbound is None:
                await session.start(agent=Aida(settings, caller=state.caller, greet=True))
                if await self._wait_for_aida(session, ear, after=started):
                    greeting_after = ear.segment_starts[0] - started
            else:
                # Aida called: silent until the phone is answered (the first line); the
                # silence timer is off so the simulated pause before "hello" is not a voicemail
                agent = await outbound_agent(
                    state, settings, state.outbound, listen_for_silence=False
                )
                await session.start(agent=agent)
            for index, (spec, pcm) in enumerate(zip(scenario.lines, lines, strict=True), 1):
                if self.script is not None and scenario.scripted is not None:
                    # this turn's steps only: a turn Aida's code answered leaves its steps unused
                    self.script.script.clear()
                    self.script.extend(compile_turn(scenario.scripted.turns[index - 1]))
                await asyncio.sleep(spec.pause)
                say(f"[{time.time() - started:6.1f}s] caller: {spec.label}")
                if self.on_line is not None:
                    self.on_line(index, spec.text or "")
                t_start, t_end = await line.say(pcm)
                turn = CallerTurn(index, spec.label, t_start, t_end)
                turns.append(turn)
                replied = await self._wait_for_aida(session, ear, after=t_end)
                if not replied:
                    unanswered.append(index)
                    say(f"[{time.time() - started:6.1f}s] (no reply from Aida)")
                    continue
                heard_at = next(t for t in ear.segment_starts if t >= t_end)
                lat = with_answer(
                    probe.turn(index, t_end, heard_at),
                    ear.segment_starts,
                    probe.fillers,
                    probe.code_answers,
                    time.time(),
                )
                say(f"         {_latency_line(lat)}")
        finally:
            line.close()
            await session.aclose()
            await live.aclose("caller_hung_up")
            probe.unwatch_providers(providers.stt, providers.llm, providers.tts)

        latencies = []
        ended = time.time()
        for n, turn in enumerate(turns):
            first: float | None = next(
                (t for t in ear.segment_starts if t >= turn.speech_end), None
            )
            if turn.index in unanswered:
                first = None
            until = turns[n + 1].speech_start if n + 1 < len(turns) else ended
            latencies.append(
                with_answer(
                    probe.turn(turn.index, turn.speech_end, first),
                    ear.segment_starts,
                    probe.fillers,
                    probe.code_answers,
                    until,
                )
            )
        _heard(turns, timeline.events)
        recording.write(out_dir / "call.wav")
        return SimulationResult(
            scenario=scenario,
            out_dir=out_dir,
            problems=[],
            turns=turns,
            latencies=latencies,
            timeline=list(timeline.events),
            greeting_after=greeting_after,
            duration=time.time() - started,
            unanswered=unanswered,
            utterances=lines,
            replies=_replies(turns, timeline.events),
            probe=probe,
        )

    async def _wait_for_aida(self, session: Any, ear: audio.CallerEar, *, after: float) -> bool:
        """Until Aida has answered and gone quiet (True), or stayed silent too long (False)."""
        opts = self.options
        deadline = time.time() + opts.turn_timeout
        quiet_since: float | None = None
        while time.time() < deadline:
            await asyncio.sleep(0.05)
            now = time.time()
            replied = any(t >= after for t in ear.segment_starts)
            # a session Aida closed (end_call: her goodbye, then the hang-up) listens no more
            hung_up = session.userdata.ended_at is not None
            quiet = (session.agent_state == "listening" or hung_up) and not ear.busy
            if not quiet:
                quiet_since = None
                continue
            quiet_since = quiet_since or now
            if replied and now - quiet_since >= opts.settle:
                return True
            if not replied and now - quiet_since >= opts.no_reply_timeout:
                return False
        return any(t >= after for t in ear.segment_starts)


def _latency_line(lat: TurnLatency) -> str:
    if lat.total is None:
        return "latency: no reply"
    shown = ", ".join(f"{k} {v:.2f}" for k, v in lat.parts.items() if v >= 0.005)
    ex = lat.total_ex_endpointing
    line = f"latency {lat.total:.2f} s (without endpointing {ex:.2f} s): {shown}"
    if lat.filler:
        answer = lat.answer_ex_endpointing
        line += "; a filler first, the answer " + (
            f"after {answer:.2f} s" if answer is not None else "not heard"
        )
    return line + ("; read in code" if lat.read_in_code else "")


def _heard(turns: list[CallerTurn], events: list[dict[str, Any]]) -> None:
    users = [e for e in events if e.get("type") == "transcript" and e.get("role") == "user"]
    for turn, event in zip(turns, users, strict=False):
        turn.heard = event.get("text")


def _replies(turns: list[CallerTurn], events: list[dict[str, Any]]) -> list[str]:
    """Aida's words after each caller turn: what she said before the caller spoke again."""
    said = [
        (dt.datetime.fromisoformat(e["ts"]).timestamp(), str(e.get("text") or ""))
        for e in events
        if e.get("type") == "transcript" and e.get("role") == "assistant"
    ]
    replies = []
    for i, turn in enumerate(turns):
        until = turns[i + 1].speech_start if i + 1 < len(turns) else float("inf")
        replies.append(" ".join(t for ts, t in said if turn.speech_end <= ts < until and t))
    return replies


def _write_result(result: SimulationResult) -> None:
    out = result.out_dir
    (out / "timeline.json").write_text(
        json.dumps(result.timeline, indent=1, default=str), encoding="utf-8"
    )
    lines = []
    for event in result.timeline:
        if event.get("type") == "transcript":
            who = "Caller" if event.get("role") == "user" else "Aida"
            lines.append(f"{who}: {event.get('text', '')}")
    (out / "transcript.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    requests = []
    if result.probe is not None:
        # every provider request of the call: where prompt evaluation or synthesis time went
        requests = [
            {"kind": i.kind, "start": i.start, "end": i.end, **i.info}
            for i in result.probe.intervals
            if i.kind in ("stt", "llm_ttft", "tts", "tool")
        ]
    (out / "latency.json").write_text(
        json.dumps(
            {"turns": [lat.to_dict() for lat in result.latencies], "requests": requests},
            indent=1,
        ),
        encoding="utf-8",
    )
    summary = {
        "scenario": result.scenario.name,
        "ok": result.ok,
        "problems": result.problems,
        "duration_s": round(result.duration, 2),
        "greeting_after_s": result.greeting_after,
        "unanswered_turns": result.unanswered,
        "turns": [{"turn": t.index, "said": t.said, "heard": t.heard} for t in result.turns],
    }
    (out / "result.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
