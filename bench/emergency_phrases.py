"""Emergency detector: recall and false alarms per category and tier, and the cost of one check.

    .venv/bin/python bench/emergency_phrases.py [--tuned]

(--tuned: the tuned table and the routine scenario lines only, for tuning without a look at an
unseen set's figures.)

Each set reported apart:
- tuned: tests/safety/cases.py (the table the signs were tuned on) plus what the local Whisper
  wrote for its emergencies at 8 kHz (tests/safety/stt_heard.py, bench/emergency_stt_forms.py);
- unseen: tests/safety/unseen_cases.py, written before the tuning of issue 19 and never edited
  (its figures have informed two sessions of work since, so it is no longer fully unseen);
- unseen 2: tests/safety/unseen_cases_2.py when it exists, written by another engineer for judging
  after the context rules of issue 19 were done (round two of 19 saw its category counts, never
  its sentences); its table is found by shape, never named here;
- unseen 3: tests/safety/unseen_cases_3.py, written by a third engineer while round two of 19
  tuned the self-harm signs, and scored once after that round's last change;
- unseen 4: tests/safety/unseen_cases_4.py, self-harm focused, written by another engineer
  while issue 19c built the semantic layer, and scored once after that layer's last change;
- the caller lines of every shipped scenario that is not an emergency (routine calls written for
  other features, by other hands): each one that fires is a false alarm.

An emergency counts as found when either tier fires (the caller hears the emergency message or
the safety-net sentence); the category is reported apart, because the timeline records it. A
routine turn that fires is a false alarm: definite ones block the call, possible ones cost one
sentence. Self-harm turns must get the crisis line. The check runs on every caller turn before
the LLM, so its time per turn is printed too.

Each set is scored twice in one run: "before", the signs alone (SEMANTIC_SELF_HARM off), and
"after", with the semantic self-harm layer (aida/safety/semantic.py); the category table is the
"after" one. The layer's load time, the process memory it adds and the time per turn with it are
printed at the end (a turn the signs fire on with a definite tier never reaches the model).

The unseen sets' sentences are never printed: their misses and false alarms (with the layer) go
to data/bench/emergency_<set>_lines.txt, so that tuning is not done on them by reading the output.
"""

from __future__ import annotations

import importlib
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `python bench/emergency_phrases.py`

from aida.config import get_settings
from aida.safety import EmergencyMatch, detect_emergency, semantic
from aida.simulate.scenario import load_scenario, shipped_scenarios
from tests.safety.cases import CASES
from tests.safety.stt_heard import HEARD
from tests.safety.unseen_cases import UNSEEN

Cases = Sequence[tuple[str, str | None]]
TUNED: tuple[tuple[str, str | None], ...] = CASES + tuple((heard, c) for _, heard, c in HEARD)
LINES_DIR = Path(__file__).resolve().parents[1] / "data" / "bench"


def unseen_set(number: int) -> tuple[tuple[str, str | None], ...] | None:
    """A later unseen set, if it is in this checkout: the module's table of (turn, category or
    None) pairs, taken by its shape so this bench never needs to open the file."""
    name = f"tests.safety.unseen_cases_{number}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError:
        return None
    for value in vars(module).values():
        if (
            isinstance(value, tuple | list)
            and value
            and all(
                isinstance(row, tuple)
                and len(row) >= 2
                and isinstance(row[0], str)
                and (row[1] is None or isinstance(row[1], str))
                for row in value
            )
        ):
            return tuple((row[0], row[1]) for row in value)
    raise SystemExit(f"{name} has no table of (turn, category) rows")


def scenario_turns() -> tuple[tuple[str, str | None], ...]:
    """What callers say in the shipped scenarios that are not about an emergency."""
    return tuple(
        (line.text, None)
        for name in shipped_scenarios()
        if not name.startswith("emergency_")
        for line in load_scenario(name).lines
        if line.text
    )


def crisis_line_said(match: EmergencyMatch) -> bool:
    return match.kind == "self_harm" or match.crisis


@dataclass
class Score:
    # category -> [definite, possible, missed]
    found: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    routine: int = 0
    definite_alarms: list[str] = field(default_factory=list)
    possible_alarms: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    wrong_category: list[str] = field(default_factory=list)
    self_harm_without_crisis_line: list[str] = field(default_factory=list)

    @property
    def emergencies(self) -> int:
        return sum(sum(v) for v in self.found.values())

    @property
    def caught(self) -> int:
        return sum(d + p for d, p, _ in self.found.values())

    @property
    def recall(self) -> float:
        return self.caught / self.emergencies if self.emergencies else 1.0

    @property
    def definite_false_alarm_rate(self) -> float:
        return len(self.definite_alarms) / self.routine if self.routine else 0.0


def score(cases: Cases = CASES) -> Score:
    s = Score()
    for text, expected in cases:
        match = detect_emergency(text)
        if expected is None:
            s.routine += 1
            if match is not None:
                alarms = s.definite_alarms if match.tier == "definite" else s.possible_alarms
                alarms.append(f"{match.category}: {text!r}")
            continue
        tally = s.found[expected]
        if match is None:
            tally[2] += 1
            s.misses.append(f"{expected}: {text!r}")
            continue
        tally[0 if match.tier == "definite" else 1] += 1
        if match.category != expected:
            s.wrong_category.append(f"{match.category} for {expected}: {text!r}")
        if expected == "self_harm" and not crisis_line_said(match):
            s.self_harm_without_crisis_line.append(text)
    return s


def use_layer(on: bool) -> None:
    os.environ["SEMANTIC_SELF_HARM"] = "true" if on else "false"
    get_settings.cache_clear()


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def summary(s: Score) -> str:
    harm = s.found.get("self_harm", [0, 0, 0])
    with_line = sum(harm[:2]) - len(s.self_harm_without_crisis_line)
    definite = sum(d for d, _, _ in s.found.values())
    return (
        f"recall {s.caught}/{s.emergencies} (definite {definite}, possible {s.caught - definite}), "
        f"false alarms definite {len(s.definite_alarms)}/{s.routine} possible "
        f"{len(s.possible_alarms)}/{s.routine}, self-harm crisis line {with_line}/{sum(harm)}"
    )


def microseconds_per_check(cases: Cases, rounds: int = 20) -> tuple[float, float]:
    """Median and 99th-percentile per-turn time, in microseconds (the maximum measures the
    scheduler of a shared machine more than the check)."""
    per_turn = []
    for _ in range(rounds):
        for text, _expected in cases:
            start = time.perf_counter()
            detect_emergency(text)
            per_turn.append((time.perf_counter() - start) * 1e6)
    return statistics.median(per_turn), statistics.quantiles(per_turn, n=100)[98]


def report(name: str, cases: Cases, lines_to: str | None = None) -> None:
    """Print the figures; the listed sentences too, or, with `lines_to`, only to that file."""
    use_layer(False)
    before = score(cases)
    use_layer(True)
    s = score(cases)
    print(f"\n== {name}: {len(cases)} turns ({s.emergencies} emergencies, {s.routine} routine)")
    print(f"before (signs alone): {summary(before)}")
    print(f"after (with the semantic layer): {summary(s)}")
    print(f"recall (either tier): {s.caught}/{s.emergencies} = {s.recall:.1%}")
    definite = sum(d for d, _, _ in s.found.values())
    print(f"  of which definite: {definite}, possible: {s.caught - definite}")
    print(
        f"false alarms: definite {len(s.definite_alarms)}/{s.routine} = "
        f"{s.definite_false_alarm_rate:.1%}, possible {len(s.possible_alarms)}/{s.routine}"
    )
    harm = s.found.get("self_harm", [0, 0, 0])
    with_line = sum(harm[:2]) - len(s.self_harm_without_crisis_line)
    print(f"self-harm with the crisis line: {with_line}/{sum(harm)}")
    print(f"category right: {s.caught - len(s.wrong_category)}/{s.caught}")
    print(f"  {'category':<20} definite possible missed")
    for category, (d, p, m) in sorted(s.found.items()):
        print(f"  {category:<20} {d:>8} {p:>8} {m:>6}")
    listed: list[str] = []
    for title, lines in (
        ("missed", s.misses),
        ("definite false alarms", s.definite_alarms),
        ("possible false alarms", s.possible_alarms),
        ("self-harm without the crisis line", s.self_harm_without_crisis_line),
        ("other category", s.wrong_category),
    ):
        if lines:
            listed.append(f"  {title}:")
            listed.extend(f"    {line}" for line in lines)
    if lines_to is None:
        if listed:
            print("\n".join(listed))
        return
    LINES_DIR.mkdir(parents=True, exist_ok=True)
    path = LINES_DIR / f"emergency_{lines_to}_lines.txt"
    path.write_text("\n".join(listed) + "\n", encoding="utf-8")
    print(f"  ({len(listed)} lines of its sentences written to {os.path.relpath(path)}, not shown)")


def main() -> None:
    use_layer(True)
    rss = resident_mib()
    start = time.perf_counter()
    if not semantic.prewarm():
        raise SystemExit("the semantic self-harm layer did not load (see the warning above)")
    load_s = time.perf_counter() - start
    loaded_mib = resident_mib() - rss
    report("tuned (tests/safety/cases.py + Whisper's forms)", TUNED)
    if "--tuned" in sys.argv:
        # while tuning: the tuned table and the routine scenario lines only, no unseen figure
        report("routine scenario lines (scenarios/*.yaml but emergency_*)", scenario_turns())
        return
    report("unseen 1 (tests/safety/unseen_cases.py)", UNSEEN, lines_to="unseen_1")
    for number in (2, 3, 4):
        path = f"tests/safety/unseen_cases_{number}.py"
        cases = unseen_set(number)
        if cases is None:
            print(f"\n== unseen {number} ({path}): not in this checkout")
        else:
            report(f"unseen {number} ({path})", cases, lines_to=f"unseen_{number}")
    report("routine scenario lines (scenarios/*.yaml but emergency_*)", scenario_turns())
    use_layer(False)
    median, p99 = microseconds_per_check(TUNED + UNSEEN)
    print(
        f"\ntime per caller turn, signs alone: median {median:.0f} µs, 99th percentile {p99:.0f} µs"
    )
    use_layer(True)
    median, p99 = microseconds_per_check(TUNED + UNSEEN, rounds=1)
    print(f"with the semantic layer: median {median:.0f} µs, 99th percentile {p99:.0f} µs")
    routine = [(text, None) for text, expected in TUNED if expected is None]
    median, p99 = microseconds_per_check(routine, rounds=2)
    print(
        f"  routine turns only (each reaches the model): median {median:.0f} µs, "
        f"99th percentile {p99:.0f} µs"
    )
    print(
        f"semantic layer load: {load_s:.2f} s, process memory {loaded_mib:+.0f} MiB resident; "
        f"load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
