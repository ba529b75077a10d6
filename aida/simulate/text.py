"""A scenario as a text conversation: the same call as `aida simulate` without the audio.

The session is built by `new_session` with only an LLM (no STT, TTS or VAD), around the same `Aida`
agent, tools, `CallState` and timeline as a phone call; each caller line goes in with
`session.run(user_input=...)`, which returns once Aida's whole reply (tool calls included) is
done. A conversation costs only the LLM, so every scenario can be judged in seconds (scripted) or
minutes (the local model), by the same end-state and conversation checks as a voice call.

With `scripted=True` the LLM is the scenario's `scripted:` block, played turn by turn: a turn
whose model is asked more or fewer times than its script has steps fails as `script`, which is
how a turn that Aida's code must answer without the model (an emergency) is checked. With
`doubles` (`aida.simulate.cloud_doubles`) the same script is played by the local OpenAI and
Anthropic doubles, and the session's LLM is the cloud chain `build_providers` makes of settings
pointed at them: the real plugins, streaming, and LiveKit's fallback adapter.

At hang-up the worker's end-of-call hook records the call (in the scenario's database unless
`record_to` says otherwise), with the timeline's summary (no summary model: a text run costs only
the conversation).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aida.agent.aida import Aida
from aida.agent.providers import Providers, build_providers, local_builder, warm_llm
from aida.agent.session import LiveCall, new_session, outbound_agent
from aida.config import Settings
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
from aida.simulate.scenario import Scenario, check_end_state, seed
from aida.simulate.script import compile_turn
from aida.simulate.scripted_llm import ScriptedLLM
from aida.store.factory import open_store
from aida.tools.base import ClinicContext

if TYPE_CHECKING:
    from aida.simulate.cloud_doubles import CloudDoubles

TURN_TIMEOUT = 600.0  # a loaded 2-core machine has taken minutes on one local-model turn


def _print(text: str) -> None:
    print(text, flush=True)


@dataclass
class TextTurn:
    index: int
    said: str
    seconds: float
    llm_requests: int
    read_in_code: bool = False  # answered without the model (aida.agent.understand, a plain yes)


@dataclass
class TextResult:
    scenario: Scenario
    failures: list[Failure]
    turns: list[TextTurn]
    timeline: list[dict[str, Any]]
    seconds: float  # greeting and every turn; loading and warming the model not included
    greeting_seconds: float | None = None
    llm_requests: int = 0
    transcript: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def problems(self) -> list[str]:
        return [str(f) for f in self.failures]


class TextSimulator:
    """Builds (and warms) the LLM once; runs any number of scenarios with it."""

    def __init__(
        self,
        settings: Settings,
        *,
        scripted: bool = False,
        llm: Any = None,
        printer: Printer = _print,
        turn_timeout: float = TURN_TIMEOUT,
        record_to: Settings | None = None,
        doubles: CloudDoubles | None = None,
    ) -> None:
        self.settings = settings
        self.scripted = scripted
        self.doubles = doubles
        self.llm = llm
        self.print = printer
        self.turn_timeout = turn_timeout
        # where the call record goes (aida.simulate.call.record_hook); None: the call's database
        self.record_to = record_to

    def prepare(self) -> Any:
        """The model every unscripted scenario talks to, its weights loaded (blocking)."""
        if self.scripted and self.doubles is not None:
            if self.llm is None:  # the cloud chain, pointed at the doubles
                self.llm = build_providers(self.doubles.settings(self.settings)).llm
            return self.llm
        if self.scripted:
            return None
        if self.llm is None:
            if self.settings.providers == "local":
                # only the LLM: the speech models would cost seconds and memory for nothing
                self.llm = local_builder("llm")(self.settings)
            else:
                self.llm = build_providers(self.settings).llm
        load = getattr(self.llm, "load", None)
        if callable(load):
            load()
        return self.llm

    def warm(self, settings: Settings) -> None:
        """Evaluate Aida's constant prompt head for this clinic, as the worker's prewarm does, so
        no scenario's first turn pays for it (blocking; instant when already warm)."""
        warm_llm(self.llm, settings)

    async def run(self, scenario: Scenario, *, database: Path | None = None) -> TextResult:
        if database is not None:
            return await self._run(scenario, database)
        with tempfile.TemporaryDirectory(prefix=f"aida-{scenario.name}-") as tmp:
            return await self._run(scenario, Path(tmp) / "aida.db")

    async def _run(self, scenario: Scenario, database: Path) -> TextResult:
        settings = simulation_settings(scenario, self.settings, database)
        why_not = scenario.not_runnable_on(settings.calendar_backend)
        if why_not is not None:
            return TextResult(scenario, [Failure("calendar", why_not)], [], [], 0.0)
        script: Any = None
        if self.scripted:
            if scenario.scripted is None:
                return TextResult(
                    scenario,
                    [Failure("script", "the scenario has no scripted block")],
                    [],
                    [],
                    0.0,
                )
            if self.doubles is not None:
                model: Any = self.prepare()
                script = self.doubles.llm_script
                script.script.clear()
            else:
                model = script = ScriptedLLM(provider="scripted", model=scenario.name)
        else:
            model = await asyncio.to_thread(self.prepare)
            await asyncio.to_thread(self.warm, settings)

        store = await open_store(settings)
        try:
            await seed(store, scenario, settings)
            result = await self._converse(scenario, settings, store, model, script)
            ended = await check_end_state(store, scenario, settings)
        finally:
            await store.close()
        result.failures[:0] = [Failure("expect", p) for p in ended]
        result.failures += scenario.checks.check(result.timeline, settings.tz)
        return result

    async def _converse(
        self, scenario: Scenario, settings: Settings, store: Any, model: Any, holder: Any
    ) -> TextResult:
        """`model` is the session's LLM; `holder` plays the scenario's script (the scripted LLM
        itself, or the doubles' shared script), None when unscripted."""
        say = self.print
        tools = ClinicContext(store=store, settings=settings, clock=ScenarioClock(scenario.now))
        state = await new_call_state(scenario, tools, mode="text")
        state.outbound = await outbound_job_for(scenario, store)
        started = time.time()
        state.timeline.subscribe(echo(say, started, user_label=None))
        providers = Providers(llm=model, description={"mode": "text", "llm": _describe(model)})
        session = new_session(state, providers, settings)
        live = LiveCall(
            session=session,
            state=state,
            publisher=None,
            store=store,
            owns_store=False,
            on_end=[*outbound_hooks(state), record_hook(settings, self.record_to, [])],
        )
        state.timeline.record(
            "call_started",
            room=state.room_name,
            caller_id=state.caller_id.source,
            identified=state.caller is not None,
            on_file=bool(state.caller and state.caller.on_file),
            providers=providers.description,
            direction=state.direction,
            **({"purpose": scenario.purpose} if scenario.purpose else {}),
        )
        say(f"--- {scenario.name}: {scenario.description}".rstrip(": "))
        say(
            f"    clinic time {scenario.now:%A %Y-%m-%d %H:%M %Z}; {caller_line(scenario)}; "
            f"LLM {_describe(model)}"
        )

        script = scenario.scripted if holder is not None else None
        failures: list[Failure] = []
        turns: list[TextTurn] = []
        greeting_seconds: float | None = None
        try:
            t0 = time.perf_counter()
            if state.outbound is None:
                greeting = await session.start(
                    agent=Aida(settings, caller=state.caller, greet=True), capture_run=True
                )
                failures += await self._finish(greeting, "greeting")
            else:
                # Aida called: she says nothing until the phone is answered (the first line)
                agent = await outbound_agent(
                    state, settings, state.outbound, listen_for_silence=False
                )
                await session.start(agent=agent)
            greeting_seconds = time.perf_counter() - t0
            for index, line in enumerate(scenario.lines, 1):
                text = line.text or ""
                if not text:
                    failures.append(Failure("error", f"turn {index}: a recording has no text"))
                    continue
                asked_before = len(holder.requests) if script is not None else 0
                if script is not None:
                    holder.extend(compile_turn(script.turns[index - 1]))
                say(f"[{time.time() - started:6.1f}s] caller: {text}")
                events_before = len(state.timeline.events)
                t0 = time.perf_counter()
                failed = await self._finish(session.run(user_input=text), f"turn {index}")
                failures += failed
                seconds = time.perf_counter() - t0
                asked = len(holder.requests) - asked_before if script is not None else -1
                if script is not None:
                    if asked == 0 and _read_in_code(state.timeline.events, events_before):
                        # Aida's code answered the turn (aida.agent.understand): the model was
                        # rightly not asked, and its script for the turn is not played later.
                        holder.script.clear()
                    else:
                        failures += _script_mismatch(
                            holder, index, len(script.turns[index - 1]), asked
                        )
                in_code = _read_in_code(state.timeline.events, events_before)
                turns.append(TextTurn(index, text, seconds, asked, in_code))
                if any(f.check == "timeout" for f in failed):
                    # the reply is still running: the session takes no new line until it ends
                    say(f"[{time.time() - started:6.1f}s] (no reply; the caller hangs up)")
                    break
        finally:
            await session.aclose()
            await live.aclose("caller_hung_up")

        events = list(state.timeline.events)
        return TextResult(
            scenario=scenario,
            failures=failures,
            turns=turns,
            timeline=events,
            seconds=(greeting_seconds or 0.0) + sum(t.seconds for t in turns),
            greeting_seconds=greeting_seconds,
            llm_requests=sum(t.llm_requests for t in turns) if script is not None else 0,
            transcript=[
                f"{'Caller' if e.get('role') == 'user' else 'Aida'}: {e.get('text', '')}"
                for e in events
                if e.get("type") == "transcript"
            ],
        )

    async def _finish(self, run: Any, what: str) -> list[Failure]:
        """Wait for Aida's whole reply; a failure of the model or a reply that never ends is a
        failed check, not an aborted simulation."""
        if run is None:
            return []
        try:
            await asyncio.wait_for(asyncio.ensure_future(_awaited(run)), self.turn_timeout)
        except TimeoutError:
            return [Failure("timeout", f"{what}: no reply within {self.turn_timeout:g} s")]
        except Exception as exc:
            return [Failure("error", f"{what}: {type(exc).__name__}: {exc}")]
        return []


async def _awaited(run: Any) -> Any:
    return await run


def _read_in_code(events: list[dict[str, Any]], since: int) -> bool:
    """Aida's code answered this turn: a turn read in code, the emergency guard, or a plain yes
    repeating a call."""
    return any(
        e.get("type") in ("understood", "emergency", "emergency_again")
        or (e.get("type") == "tool_call" and str(e.get("tool_call_id", "")).startswith("confirm_"))
        for e in events[since:]
    )


def _script_mismatch(model: Any, index: int, steps: int, asked: int) -> list[Failure]:
    failures = []
    if asked > steps:
        planned = f"{steps} step(s)" if steps else "none (Aida's code answers this turn)"
        failures.append(
            Failure(
                "script",
                f"turn {index}: the LLM was asked {asked} time(s); the script has {planned}",
            )
        )
    elif model.script:
        failures.append(
            Failure(
                "script",
                f"turn {index}: the LLM was asked {asked} time(s); {len(model.script)} of the "
                f"{steps} scripted step(s) were never used",
            )
        )
    # whatever happened, the next turn starts on its own script
    model.script.clear()
    return failures


def _describe(model: Any) -> str:
    if isinstance(model, ScriptedLLM):
        return "scripted"
    return f"{getattr(model, 'provider', '?')} {getattr(model, 'model', '')}".strip()
