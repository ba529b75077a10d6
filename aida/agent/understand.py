"""Moved to the `aida.agent.dialogue` package (frame, readers, policy, guard); these names stay
for the modules that import them from here."""

from aida.agent.dialogue import (
    NOT_SHARED,
    DialogMemory,
    TurnFacts,
    Understood,
    introduced_name,
    time_span,
    understand,
    without_identity,
)

__all__ = [
    "NOT_SHARED",
    "DialogMemory",
    "TurnFacts",
    "Understood",
    "introduced_name",
    "time_span",
    "understand",
    "without_identity",
]
