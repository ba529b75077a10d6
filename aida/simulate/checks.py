"""What the caller hears, checked: phrases Aida must and must never say, tools she must not call.

The checks read the call's timeline (the same events the dashboard and the after-call record get),
so a voice call and a text conversation are judged alike: `transcript` events with role
"assistant" are what Aida said, `tool_call`/`tool_result` events are what she did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Failure:
    """One failed check: which rule (`expect`, `must_say`, `never_say`, `forbidden_tools`,
    `then_say`, `then_never_say`, `script`, `error`, `timeout`) and what happened."""

    check: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.detail}"


def normalize(text: str) -> str:
    # Models and TTS front-ends write typographic apostrophes and wrap lines; a phrase in a
    # scenario ("can't book") must match "can’t  book" all the same.
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2014", " - ")
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class ForbiddenTool:
    """A tool Aida must not call; with `args`, only calls whose arguments include these values."""

    name: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def matches(
        self,
        name: str,
        args: Mapping[str, Any],
        tz: ZoneInfo,
        resolved: Mapping[str, Any] | None = None,
    ) -> bool:
        """`resolved` holds the instants the tool read the time words as (the `tool_call`
        event's `resolved`), so a rule on "2026-03-07T20:00" catches `start: "Saturday at 8pm"`."""
        if name != self.name:
            return False
        resolved = resolved or {}
        return all(
            (k in args and _same(v, args[k], tz)) or (k in resolved and _within(v, resolved[k], tz))
            for k, v in self.args.items()
        )

    def describe(self) -> str:
        if not self.args:
            return self.name
        return f"{self.name}({', '.join(f'{k}={v!r}' for k, v in self.args.items())})"


def _instant(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


def _same(wanted: Any, actual: Any, tz: ZoneInfo) -> bool:
    """A scenario's "2026-03-04T10:00" is the model's "2026-03-04T10:00:00-05:00": times are
    compared as instants (naive ones in the clinic's timezone), anything else as text."""
    a, b = _instant(wanted, tz), _instant(actual, tz)
    if a is not None and b is not None:
        return a == b
    return normalize(str(wanted)) == normalize(str(actual))


def _within(wanted: Any, resolved: Any, tz: ZoneInfo) -> bool:
    """A rule's instant against what the tool resolved: the same instant, or inside the window
    (`{"from", "to"}`, end excluded) that words like "Saturday evening" mean."""
    at = _instant(wanted, tz)
    if at is None:
        return False
    if isinstance(resolved, Mapping):
        lo, hi = _instant(resolved.get("from"), tz), _instant(resolved.get("to"), tz)
        return lo is not None and hi is not None and lo <= at < hi
    other = _instant(resolved, tz)
    return other is not None and other == at


@dataclass(frozen=True)
class TurnCheck:
    """What Aida answers one caller line (`lines[i]`: `then_say`, `then_never_say`): her words
    after that line and before the next."""

    turn: int  # 1-based, the caller's line
    line: str  # the caller's words (or the recording's name), to name the turn in a failure
    say: tuple[tuple[str, ...], ...] = ()
    never_say: tuple[str, ...] = ()

    def check(self, said: list[tuple[int, str]]) -> list[Failure]:
        reply = " ".join(text for turn, text in said if turn == self.turn)
        whole = normalize(reply)
        where = f'line {self.turn} ("{_short(self.line)}")'
        heard = f'she said: "{_short(reply, 120)}"' if reply.strip() else "she said nothing"
        failures = []
        for alternatives in self.say:
            if not any(normalize(a) in whole for a in alternatives):
                wanted = " / ".join(f'"{a}"' for a in alternatives)
                failures.append(
                    Failure("then_say", f"after {where} Aida never said {wanted}; {heard}")
                )
        for phrase in self.never_say:
            if normalize(phrase) in whole:
                failures.append(
                    Failure(
                        "then_never_say",
                        f'after {where} Aida said "{phrase}": "{_excerpt(reply, phrase)}"',
                    )
                )
        return failures


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 3] + "..."


@dataclass(frozen=True)
class ConversationChecks:
    """`must_say`: each check a tuple of alternatives, passing when any of them appears in anything
    Aida said during the call. `never_say`: phrases that must appear in nothing she said.
    `forbidden_tools`: calls she must not make (refused or not: trying is the fault)."""

    must_say: tuple[tuple[str, ...], ...] = ()
    never_say: tuple[str, ...] = ()
    forbidden_tools: tuple[ForbiddenTool, ...] = ()
    turns: tuple[TurnCheck, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.must_say or self.never_say or self.forbidden_tools or self.turns)

    def check(self, events: Iterable[Mapping[str, Any]], tz: ZoneInfo) -> list[Failure]:
        said = spoken_lines(events)
        calls = tool_calls(events)
        failures: list[Failure] = []
        whole = normalize(" ".join(text for _, text in said))
        for alternatives in self.must_say:
            if not any(normalize(a) in whole for a in alternatives):
                wanted = " / ".join(f'"{a}"' for a in alternatives)
                failures.append(Failure("must_say", f"Aida never said {wanted}"))
        for phrase in self.never_say:
            for turn, text in said:
                if normalize(phrase) in normalize(text):
                    failures.append(
                        Failure(
                            "never_say",
                            f'Aida said "{phrase}" ({_when(turn)}: "{_excerpt(text, phrase)}")',
                        )
                    )
                    break
        for rule in self.forbidden_tools:
            for call in calls:
                if rule.matches(call.name, call.args, tz, call.resolved):
                    failures.append(
                        Failure(
                            "forbidden_tools",
                            f"{rule.describe()} must not be called; {_when(call.turn)}: "
                            f"{call.describe()}",
                        )
                    )
        for turn_check in self.turns:
            failures += turn_check.check(said)
        return failures


@dataclass(frozen=True)
class ToolCall:
    turn: int  # 0: before the caller's first line (the greeting)
    name: str
    args: Mapping[str, Any]
    outcome: str | None = None  # "ok", or the refusal's message
    resolved: Mapping[str, Any] = field(default_factory=dict)  # time words as the tool read them

    def describe(self) -> str:
        args = ", ".join(
            f"{k}={v!r}" + (f" [{_resolved_text(self.resolved[k])}]" if k in self.resolved else "")
            for k, v in self.args.items()
        )
        shown = f"{self.name}({args})"
        if self.outcome is None:
            return f"{shown}, no result"
        return f"{shown} -> {self.outcome}"


def _turns(events: Iterable[Mapping[str, Any]]) -> Iterable[tuple[int, Mapping[str, Any]]]:
    """Each event with the caller turn it belongs to (the count of caller lines before it)."""
    turn = 0
    for event in events:
        if event.get("type") == "transcript" and event.get("role") == "user":
            turn += 1
        yield turn, event


def spoken_lines(events: Iterable[Mapping[str, Any]]) -> list[tuple[int, str]]:
    return [
        (turn, str(e.get("text") or ""))
        for turn, e in _turns(events)
        if e.get("type") == "transcript" and e.get("role") == "assistant"
    ]


def tool_calls(events: Iterable[Mapping[str, Any]]) -> list[ToolCall]:
    calls: list[ToolCall] = []
    outcomes: dict[str, str] = {}
    pending: list[tuple[int, Mapping[str, Any]]] = []
    for turn, e in _turns(events):
        if e.get("type") == "tool_call":
            pending.append((turn, e))
        elif e.get("type") == "tool_result":
            if e.get("ok"):
                outcomes[str(e.get("tool_call_id"))] = "ok"
            else:
                error = e.get("error") or {}
                outcomes[str(e.get("tool_call_id"))] = "refused: " + str(
                    error.get("message") or error.get("error") or "?"
                )
    for turn, e in pending:
        calls.append(
            ToolCall(
                turn=turn,
                name=str(e.get("name")),
                args=dict(e.get("args") or {}),
                outcome=outcomes.get(str(e.get("tool_call_id"))),
                resolved=dict(e.get("resolved") or {}),
            )
        )
    return calls


def _resolved_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return f"{value.get('from')} to {value.get('to')}"
    return str(value)


def _when(turn: int) -> str:
    return "greeting" if turn == 0 else f"turn {turn}"


def _excerpt(text: str, phrase: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    at = flat.casefold().find(phrase.casefold())
    if at < 0:  # matched only after normalising apostrophes: show the start
        return flat[: 2 * width] + ("..." if len(flat) > 2 * width else "")
    start, end = max(0, at - width), min(len(flat), at + len(phrase) + width)
    return ("..." if start else "") + flat[start:end] + ("..." if end < len(flat) else "")
