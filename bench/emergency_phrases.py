"""Emergency detector: precision and recall over the phrase table, and the cost of one check.

    .venv/bin/python bench/emergency_phrases.py

The table (tests/safety/cases.py) is the detector's spec: caller turns as speech-to-text writes
them, each with the category it must raise or none. A positive counts as found when any emergency
is raised (the caller hears the warning either way); the category is reported apart, because the
timeline records it. The check runs on every caller turn before the LLM, so its time per turn is
printed too.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/emergency_phrases.py`

from aida.safety import detect_emergency
from tests.safety.cases import CASES


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    right_category: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        raised = self.true_positives + self.false_positives
        return self.true_positives / raised if raised else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def category_accuracy(self) -> float:
        return self.right_category / self.true_positives if self.true_positives else 1.0


def score(cases: tuple[tuple[str, str | None], ...] = CASES) -> Score:
    s = Score()
    for text, expected in cases:
        match = detect_emergency(text)
        got = match.category if match else None
        if expected is None:
            if match is None:
                s.true_negatives += 1
            else:
                s.false_positives += 1
                s.misses.append(f"false alarm {got}: {text!r}")
            continue
        if match is None:
            s.false_negatives += 1
            s.misses.append(f"missed {expected}: {text!r}")
            continue
        s.true_positives += 1
        if got == expected:
            s.right_category += 1
        else:
            s.misses.append(f"category {got} instead of {expected}: {text!r}")
    return s


def microseconds_per_check(rounds: int = 50) -> tuple[float, float]:
    """Median and 99th-percentile per-turn time over the table, in microseconds (the maximum
    measures the scheduler of a shared machine more than the check)."""
    per_turn = []
    for _ in range(rounds):
        for text, _expected in CASES:
            start = time.perf_counter()
            detect_emergency(text)
            per_turn.append((time.perf_counter() - start) * 1e6)
    return statistics.median(per_turn), statistics.quantiles(per_turn, n=100)[98]


def main() -> None:
    s = score()
    positives = s.true_positives + s.false_negatives
    negatives = s.true_negatives + s.false_positives
    print(f"phrases: {len(CASES)} ({positives} emergencies, {negatives} routine)")
    print(f"precision: {s.precision:.1%}  recall: {s.recall:.1%}")
    print(f"category right: {s.category_accuracy:.1%} of emergencies found")
    median, p99 = microseconds_per_check()
    print(f"time per caller turn: median {median:.0f} µs, 99th percentile {p99:.0f} µs")
    for line in s.misses:
        print("  " + line)


if __name__ == "__main__":
    main()
