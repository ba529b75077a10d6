"""What a call left besides the calendar, checked from its timeline: action items (a staff
callback and its topic, an emergency item), a transfer, who ended the call, an emergency.

These are `expect` rules about the call, not about one patient; they read the same events the
after-call record is built from (`aida.calls.appointments.callback_requests` for the action
items), so a scenario checks what staff will actually see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from aida.calls.appointments import callback_requests
from aida.simulate.checks import Failure, normalize

EMERGENCY_KINDS = ("medical", "self_harm")
TRANSFERRED = (True, False, "attempted")


@dataclass(frozen=True)
class ActionItemRule:
    """Items of this kind (`callback`, `emergency`, ...) whose text holds `topic`; `count`
    exactly that many (None: at least one)."""

    kind: str | None = None
    topic: str | None = None
    count: int | None = None

    def matches(self, item: Mapping[str, Any]) -> bool:
        if self.kind is not None and normalize(str(item.get("kind"))) != normalize(self.kind):
            return False
        return self.topic is None or normalize(self.topic) in normalize(str(item.get("text")))

    def describe(self) -> str:
        parts = [self.kind or "any kind"]
        if self.topic:
            parts.append(f'about "{self.topic}"')
        return " ".join(parts)


@dataclass(frozen=True)
class CallOutcome:
    """`action_items`: None (no rule), () for `none` (the call left no item), or rules.
    `emergency`: None (no rule), "none", or a kind with an optional category."""

    action_items: tuple[ActionItemRule, ...] | None = None
    transferred: bool | Literal["attempted"] | None = None
    ended_by: Literal["aida", "caller"] | None = None
    emergency: str | None = None
    emergency_category: str | None = None
    outbound: str | None = None  # what a call Aida placed came to (aida.outbound.outcomes)

    def __bool__(self) -> bool:
        return any(
            v is not None
            for v in (
                self.action_items,
                self.transferred,
                self.ended_by,
                self.emergency,
                self.outbound,
            )
        )

    def check(self, events: Iterable[Mapping[str, Any]]) -> list[Failure]:
        events = list(events)
        failures: list[str] = []
        if self.action_items is not None:
            failures += _action_items(self.action_items, callback_requests(events))
        if self.transferred is not None:
            failures += _transfer(self.transferred, events)
        if self.ended_by is not None:
            closed_by_aida = any(
                e.get("type") == "call_closing" and e.get("by") == "aida" for e in events
            )
            by = "aida" if closed_by_aida else "caller"
            if by != self.ended_by:
                failures.append(f"expected the call ended by {self.ended_by}; {by} ended it")
        if self.emergency is not None:
            failures += _emergency(self.emergency, self.emergency_category, events)
        if self.outbound is not None:
            outcomes = [e.get("outcome") for e in events if e.get("type") == "outbound_outcome"]
            last = outcomes[-1] if outcomes else "none"
            if last != self.outbound:
                failures.append(f"expected the outbound call's outcome {self.outbound}; {last}")
        return [Failure("expect", f) for f in failures]


def _action_items(rules: tuple[ActionItemRule, ...], items: list[dict[str, Any]]) -> list[str]:
    shown = "; ".join(f"{i.get('kind')}: {i.get('text')}" for i in items) or "none"
    if not rules:
        return [] if not items else [f"expected no action items; found {shown}"]
    problems = []
    for rule in rules:
        n = sum(1 for item in items if rule.matches(item))
        if (rule.count is None and n == 0) or (rule.count is not None and n != rule.count):
            wanted = "at least 1" if rule.count is None else str(rule.count)
            problems.append(
                f"expected {wanted} action item(s) {rule.describe()}; found {n} ({shown})"
            )
    return problems


def _transfer(wanted: bool | str, events: list[Mapping[str, Any]]) -> list[str]:
    steps = [str(e.get("status")) for e in events if e.get("type") == "transfer"]
    done = "transferred" in steps
    shown = ", ".join(steps) or "no transfer"
    if wanted == "attempted":
        return [] if steps else ["expected a transfer attempt; there was none"]
    if bool(wanted) != done:
        return [f"expected transferred: {str(bool(wanted)).lower()}; found {shown}"]
    return []


def _emergency(kind: str, category: str | None, events: list[Mapping[str, Any]]) -> list[str]:
    found = [e for e in events if e.get("type") == "emergency"]
    if kind == "none":
        if found:
            return [
                f"expected no emergency; found {found[0].get('kind')} ({found[0].get('category')})"
            ]
        return []
    if not found:
        return [f"expected a {kind} emergency; none was detected"]
    first = found[0]
    if first.get("kind") != kind or (category is not None and first.get("category") != category):
        wanted = kind + (f" ({category})" if category else "")
        return [
            f"expected a {wanted} emergency; found {first.get('kind')} ({first.get('category')})"
        ]
    return []
