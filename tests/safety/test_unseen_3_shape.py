"""The third unseen set loads and is shaped to judge the detector: the same categories as the
first unseen set, no turn twice, and enough turns in each category to give it a figure."""

from __future__ import annotations

from collections import Counter

from tests.safety.unseen_cases import UNSEEN
from tests.safety.unseen_cases_3 import UNSEEN_3


def test_unseen_3_uses_exactly_the_categories_of_unseen_set_1() -> None:
    known = {category for _, category in UNSEEN if category is not None}
    used = {category for _, category in UNSEEN_3 if category is not None}
    assert used == known


def test_unseen_3_has_no_duplicate_or_empty_turns() -> None:
    turns = [turn.strip().lower() for turn, _ in UNSEEN_3]
    assert all(turns)
    repeated = [turn for turn, count in Counter(turns).items() if count > 1]
    assert repeated == []


def test_unseen_3_has_at_least_five_turns_per_category_and_routine_look_alikes() -> None:
    counts = Counter(category for _, category in UNSEEN_3)
    thin = {category: n for category, n in counts.items() if category is not None and n < 5}
    assert thin == {}
    # Self-harm is where the detector is weakest, so it carries the most turns.
    assert counts["self_harm"] >= 25
    assert counts[None] >= 50
