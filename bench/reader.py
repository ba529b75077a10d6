"""Reader benchmark: the code reader as a classifier, on labelled caller turns in context.

    .venv/bin/python bench/reader.py                  # the unseen set and the tuned set
    .venv/bin/python bench/reader.py --set unseen -v  # one set, each turn printed
    .venv/bin/python bench/reader.py --json out.json

Two sets, reported apart: `scenarios/unseen/turns.yaml` (written before any rule was tuned on
it, never edited after) and `bench/reader_tuned.yaml` (phrasings from the shipped scenarios and
the reader's tests, which the rules were written against). A figure from the tuned set says
nothing about calls nobody wrote for Aida.

Each turn is read by the same entry point as a call (`aida.agent.dialogue.read_turn`: the plain
yes/no of a read-back, then the reader) with the context the label gives, and judged:
- right: the code's reading is the labelled one (tool and what its arguments resolve to);
- wrong: the code acted, and not as labelled (the cost: a wrong tool call, or a write);
- left: the code left the turn to the model (slower; never wrong). A turn labelled `model`
  that is left is counted as right as well: no code reading of it is right.
The table gives these per rule (the code rule that fired, "left" for none), then the totals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/reader.py`

from aida.agent.dialogue import Reading, read_turn, reader_context
from aida.errors import AidaError
from aida.scheduling.dates import resolve_when
from aida.scheduling.hours import ClinicHours

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "unseen": ROOT / "scenarios" / "unseen" / "turns.yaml",
    "tuned": ROOT / "bench" / "reader_tuned.yaml",
}
TZ = ZoneInfo("America/New_York")
HOURS = ClinicHours(tz=TZ)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass
class Judged:
    id: str
    said: str
    expect: Any
    rule: str  # the code rule that fired, or "left"
    outcome: str  # right | wrong | left
    why: str = ""


def _local(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).replace(tzinfo=TZ)


def _resolved(words: Any, now: dt.datetime) -> dt.datetime | None:
    if not isinstance(words, str) or not words.strip():
        return None
    try:
        return resolve_when(words, now, HOURS).start
    except AidaError:
        return None


def _check_args(expect: dict[str, Any], args: dict[str, Any], now: dt.datetime) -> str:
    """What differs between the labelled arguments and the reading's ("" when none)."""
    for key in ("start", "new_start"):
        if key in expect:
            got = _resolved(args.get(key), now)
            if got is None or got != _local(expect[key]):
                return f"{key} {args.get(key)!r} is not {expect[key]}"
    if "when_start" in expect:
        got = _resolved(args.get("when"), now)
        if got is None or got != _local(expect["when_start"]):
            return f"when {args.get('when')!r} does not start at {expect['when_start']}"
    if "day" in expect:
        got = _resolved(args.get("when"), now)
        if got is None or got.date() != dt.date.fromisoformat(expect["day"]):
            return f"when {args.get('when')!r} is not on {expect['day']}"
    if "which_day" in expect:
        # the tools match these words against the caller's own appointments: a weekday named
        # is that weekday's appointment, a date that date's
        day = dt.date.fromisoformat(expect["which_day"])
        which = str(args.get("which") or "").lower()
        got = _resolved(which, now)
        named = [w for w in WEEKDAYS if w in which]
        if which and not (named == [WEEKDAYS[day.weekday()]] or (got and got.date() == day)):
            return f"which {args.get('which')!r} is not on {expect['which_day']}"
    for key in ("provider", "visit_type", "preference"):
        if key in expect and str(args.get(key) or "").lower() != str(expect[key]).lower():
            return f"{key} {args.get(key)!r} is not {expect[key]!r}"
    return ""


def judge(expect: Any, reading: Reading | None, pending_tool: str | None, now: dt.datetime) -> str:
    """ "" when `reading` is the labelled one, else what is wrong with it."""
    if reading is None:
        return ""
    if expect == "model":
        return f"read as {reading.rule}; only the model can answer this"
    if "answer" in expect:
        if reading.answer == expect["answer"]:
            return ""
        return f"read as {reading.rule} ({reading.answer or reading.tool}), not {expect['answer']}"
    if reading.answer is not None:
        return f"read as the answer {reading.answer!r} to the read-back"
    if "refuse" in expect:
        return "" if reading.rule == "another_patient" else f"read as {reading.rule}"
    if "clinic" in expect:
        return "" if reading.rule.startswith("clinic") else f"read as {reading.rule}"
    if "ask" in expect:
        return "" if reading.rule.endswith("_needs_identity") else f"read as {reading.rule}"
    if "say" in expect:
        return "" if reading.rule == expect["say"] else f"read as {reading.rule}"
    if expect["tool"] == "remember_preference" and reading.rule == "preference":
        # read back before it is stored (the caller's yes stores it): the right reading
        noted = (reading.updates.get("preference") or ("", ""))[1]
        return "" if noted == expect.get("preference") else f"preference {noted!r}"
    if reading.tool != expect["tool"]:
        return f"read as {reading.rule} ({reading.tool or 'a sentence'}), not {expect['tool']}"
    return _check_args(expect, reading.args, now)


def run_set(path: Path) -> list[Judged]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    now = dt.datetime.fromisoformat(data["now"]).replace(tzinfo=TZ)
    out = []
    for turn in data["turns"]:
        context = turn.get("context") or {}
        frame, facts = reader_context(context, now, turn["caller"])
        reading = read_turn(turn["caller"], frame, facts)
        problem = judge(turn["expect"], reading, (context.get("pending") or {}).get("tool"), now)
        if reading is None:
            outcome, rule = "left", "left"
        else:
            outcome, rule = ("wrong" if problem else "right"), reading.rule
        out.append(Judged(turn["id"], turn["caller"], turn["expect"], rule, outcome, problem))
    return out


def report(name: str, judged: list[Judged], verbose: bool) -> dict[str, Any]:
    rules: dict[str, dict[str, int]] = {}
    for j in judged:
        row = rules.setdefault(j.rule, {"right": 0, "wrong": 0, "left": 0})
        row[j.outcome] += 1
    total = len(judged)
    wrong = sum(1 for j in judged if j.outcome == "wrong")
    right = sum(1 for j in judged if j.outcome == "right")
    left = sum(1 for j in judged if j.outcome == "left")
    left_model = sum(1 for j in judged if j.outcome == "left" and j.expect == "model")
    print(f"\n== {name} set: {total} turns ==")
    print(f"{'rule':<28}{'right':>6}{'wrong':>6}{'left':>6}")
    for rule in sorted(rules, key=lambda r: (r == "left", r)):
        r = rules[rule]
        print(f"{rule:<28}{r['right']:>6}{r['wrong']:>6}{r['left']:>6}")
    read = right + wrong
    print(
        f"read in code {read}/{total}: right {right}, wrong {wrong} "
        f"({wrong / total:.1%} of all turns); precision {right / read if read else 1:.1%}; "
        f"left to the model {left} (of which {left_model} only the model can answer)"
    )
    for j in judged:
        if j.outcome == "wrong" or verbose:
            why = f": {j.why}" if j.why else ""
            print(f"  {j.outcome.upper():<5} {j.id} [{j.rule}] {j.said!r}{why}")
    return {
        "set": name,
        "turns": total,
        "right": right,
        "wrong": wrong,
        "left": left,
        "left_model_only": left_model,
        "rules": rules,
        "wrong_turns": [j.id for j in judged if j.outcome == "wrong"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="default: both")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every turn")
    args = parser.parse_args(argv)
    results = [
        report(name, run_set(SETS[name]), args.verbose)
        for name in (args.set or ["unseen", "tuned"])
    ]
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
