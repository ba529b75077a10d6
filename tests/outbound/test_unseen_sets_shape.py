"""The second unseen sets load and are well formed. This checks their shape only, never what
Aida does with them: their figures come from the benchmarks, reported apart from tuned sets."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from aida.simulate.scenario import load_scenario
from tests.outbound.unseen_replies import (
    OFFER_LABELS,
    OFFER_REPLIES,
    REMINDER_LABELS,
    REMINDER_REPLIES,
)
from tests.safety.unseen_cases import UNSEEN
from tests.safety.unseen_cases_2 import UNSEEN_2

UNSEEN_2_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "unseen_2"
UNSEEN_2_FILES = sorted(UNSEEN_2_DIR.glob("*.yaml"))


def _duplicates(texts: list[str]) -> list[str]:
    normalised = Counter(" ".join(t.lower().split()) for t in texts)
    return [t for t, n in normalised.items() if n > 1]


def test_emergency_set_uses_the_first_sets_categories() -> None:
    known = {category for _, category in UNSEEN if category is not None}
    used = Counter(category for _, category in UNSEEN_2)
    assert set(used) - {None} <= known
    # every category of the first set, each at least four times; routine look-alikes too
    assert {c: used[c] for c in known if used[c] < 4} == {}
    assert used["self_harm"] >= 12
    assert used[None] >= 50
    assert all(isinstance(t, str) and t.strip() for t, _ in UNSEEN_2)
    assert _duplicates([t for t, _ in UNSEEN_2]) == []


@pytest.mark.parametrize(
    ("replies", "labels"),
    [(REMINDER_REPLIES, REMINDER_LABELS), (OFFER_REPLIES, OFFER_LABELS)],
    ids=["reminder", "offer"],
)
def test_outbound_replies_are_labelled_from_their_set(
    replies: tuple[tuple[str, str], ...], labels: frozenset[str]
) -> None:
    used = Counter(label for _, label in replies)
    assert set(used) == labels  # every label used, none outside the set
    assert all(isinstance(t, str) and t.strip() for t, _ in replies)
    assert _duplicates([t for t, _ in replies]) == []


def test_unseen_2_scenarios_load_through_the_loader() -> None:
    assert len(UNSEEN_2_FILES) >= 10
    names = []
    for path in UNSEEN_2_FILES:
        scenario = load_scenario(path)
        assert scenario.lines, path.name
        assert scenario.expect, path.name
        assert all(line.text and line.text.strip() for line in scenario.lines), path.name
        names.append(scenario.name)
    assert sorted(names) == sorted(p.stem for p in UNSEEN_2_FILES)
