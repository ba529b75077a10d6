"""The waitlist offer-answer reader (aida.agent.dialogue.offer): how many answers it labels
right, per label, printed as counts only (no sentence is printed, so the unseen set stays
unseen to whoever runs this).

    .venv/bin/python bench/offer_replies.py

Two sets, reported apart:
- tuned: tests/waitlist/offer_reply_cases.py (OFFER_TUNED), what the rules were tuned on;
- unseen: tests/outbound/unseen_replies.py (OFFER_REPLIES), written by another engineer before
  the rules were tuned and never used to tune them; skipped when it is not there.

A wrong label is also counted by what it was taken for: an unclear answer taken as a yes books
a slot, which costs more than a yes taken as unclear (the question is asked again).
"""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/offer_replies.py`

from aida.agent.dialogue.offer import LABELS, read_offer_reply
from tests.waitlist.offer_reply_cases import OFFER_TUNED


def _pairs(raw: Any) -> list[tuple[str, str]]:
    """(text, label) pairs from a list of pairs or mappings, or a mapping of label -> texts."""
    if isinstance(raw, dict):
        return [(str(t), str(label)) for label, texts in raw.items() for t in texts]
    out: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, dict):
            out.append((str(item["text"]), str(item["label"])))
        else:
            text, label = item[0], item[1]
            out.append((str(text), str(label)))
    return out


def score(name: str, cases: Iterable[tuple[str, str]]) -> None:
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    taken: Counter[tuple[str, str]] = Counter()
    for text, label in cases:
        got = read_offer_reply(text)
        total[label] += 1
        if got == label:
            right[label] += 1
        else:
            taken[(label, got)] += 1
    n, ok = sum(total.values()), sum(right.values())
    print(f"{name}: {ok}/{n} labelled right ({100 * ok / n:.1f}%)" if n else f"{name}: empty")
    for label in [*LABELS, *sorted(set(total) - set(LABELS))]:
        if total[label]:
            print(f"  {label:12s} {right[label]:3d}/{total[label]:<3d}")
    for (label, got), count in sorted(taken.items()):
        print(f"  wrong: {label} read as {got}: {count}")


def main() -> int:
    score("tuned (tests/waitlist/offer_reply_cases.py)", OFFER_TUNED)
    try:
        unseen = importlib.import_module("tests.outbound.unseen_replies")
    except ModuleNotFoundError:
        print("unseen: tests/outbound/unseen_replies.py is not there yet")
        return 0
    score("unseen (tests/outbound/unseen_replies.py OFFER_REPLIES)", _pairs(unseen.OFFER_REPLIES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
