"""Shape of unseen set 4 (self-harm): it loads, uses only the categories of the first unseen
set, has no duplicate turns, and carries enough self-harm and routine turns to give a figure."""

from __future__ import annotations

from collections import Counter

from tests.safety.unseen_cases import UNSEEN
from tests.safety.unseen_cases_4 import UNSEEN_4


def _norm(turn: str) -> str:
    return " ".join(turn.casefold().split())


def test_unseen_4_categories_are_known() -> None:
    known = {category for _, category in UNSEEN if category is not None}
    used = {category for _, category in UNSEEN_4 if category is not None}
    assert used <= known, sorted(used - known)
    assert "self_harm" in used


def test_unseen_4_has_no_duplicate_turns() -> None:
    counts = Counter(_norm(turn) for turn, _ in UNSEEN_4)
    duplicates = [turn for turn, n in counts.items() if n > 1]
    assert not duplicates, duplicates
    assert all(turn.strip() for turn, _ in UNSEEN_4)


def test_unseen_4_has_enough_self_harm_and_routine_turns() -> None:
    counts = Counter(category for _, category in UNSEEN_4)
    assert counts["self_harm"] >= 50, counts
    assert counts[None] >= 50, counts
    assert sum(n for c, n in counts.items() if c not in ("self_harm", None)) >= 15, counts
