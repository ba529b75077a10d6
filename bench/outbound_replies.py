"""The reminder reply reader (aida/agent/dialogue/reminder.py): how many answers to the menu it
labels right, per label, on two sets reported apart:

- tuned: tests/outbound/reply_cases.py, written to tune the rules (its figure says little);
- unseen: REMINDER_REPLIES in tests/outbound/unseen_replies.py, written by another engineer
  before the rules were tuned and never read by the one who tuned them.

    .venv/bin/python bench/outbound_replies.py            # both sets
    .venv/bin/python bench/outbound_replies.py --unseen   # the unseen set only

Counts only: no sentence is printed (the unseen set stays unseen). A wrong label is counted by
what it was mistaken for, and the costly mistakes apart: a reply taken as `confirm` that was not
one (the appointment is marked confirmed), and a `not_patient` or `opt_out` reply taken as
anything else (Aida goes on to someone who is not the patient, or calls someone who said not to).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/outbound_replies.py`

from aida.agent.dialogue.reminder import read_reply
from tests.outbound.reply_cases import REPLY_CASES

LABELS = ("confirm", "cancel", "reschedule", "opt_out", "not_patient", "callback_later", "unclear")


def _pairs(raw: Any) -> list[tuple[str, str]]:
    """(text, label) pairs from a list of pairs, of {"text", "label"} mappings, or a mapping of
    label -> texts: whichever shape the set was written in."""
    if isinstance(raw, Mapping):
        return [(str(t), str(label)) for label, texts in raw.items() for t in texts]
    pairs = []
    for item in raw:
        if isinstance(item, Mapping):
            text = item.get("text", item.get("reply", item.get("say")))
            pairs.append((str(text), str(item["label"])))
        else:
            text, label = item[0], item[1]
            pairs.append((str(text), str(label)))
    return pairs


def score(name: str, cases: Iterable[tuple[str, str]]) -> None:
    cases = list(cases)
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    mistaken: Counter[tuple[str, str]] = Counter()
    for text, label in cases:
        got = read_reply(text)
        total[label] += 1
        if got == label:
            right[label] += 1
        else:
            mistaken[(label, got)] += 1
    all_right = sum(right.values())
    print(f"{name}: {all_right}/{len(cases)} labelled right")
    for label in sorted(total, key=lambda x: LABELS.index(x) if x in LABELS else 99):
        wrong = ", ".join(
            f"{n} as {got}" for (want, got), n in sorted(mistaken.items()) if want == label
        )
        detail = f"  ({wrong})" if wrong else ""
        print(f"  {label:15s} {right[label]:3d}/{total[label]:<3d}{detail}")
    false_confirm = sum(n for (want, got), n in mistaken.items() if got == "confirm")
    missed_stop = sum(
        n for (want, got), n in mistaken.items() if want in ("not_patient", "opt_out")
    )
    print(f"  taken as confirm but not one: {false_confirm}")
    print(f"  not_patient / opt_out missed: {missed_stop}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unseen", action="store_true", help="the unseen set only")
    args = parser.parse_args(argv)
    if not args.unseen:
        score("tuned (tests/outbound/reply_cases.py)", REPLY_CASES)
    try:
        from tests.outbound.unseen_replies import REMINDER_REPLIES
    except ImportError:
        print("unseen: tests/outbound/unseen_replies.py is not here (merge main)")
        return 1
    score("unseen (tests/outbound/unseen_replies.py REMINDER_REPLIES)", _pairs(REMINDER_REPLIES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
