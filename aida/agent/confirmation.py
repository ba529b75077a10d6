"""Read back, then write: booking, moving and cancelling are two steps the model cannot skip.

The first call of a write tool resolves what the caller asked for, checks it can be done, and
reads it back ("Shall I book Wednesday, March 4 at 10 AM?"); nothing is written. The write
happens only when the model calls the same tool for the same thing again after the caller's next
turn, and that turn says yes. A "no" drops the proposal; anything unclear gets the read-back
again. A repeat of a write already done this call says it is done, never an error. Small models
do not keep a "read back first" rule from a prompt; here they cannot break it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from aida.agent.dialogue.frame import plain
from aida.agent.dialogue.guard import names_only
from aida.agent.dialogue.lexicon import answer_to_readback, plain_yes
from aida.agent.dialogue.times import find_times

Step = Literal["propose", "repeat", "write", "declined", "done"]


@dataclass
class Proposal:
    key: tuple[str, ...]  # what would be written: ("book", start) / ("cancel", id) / ...
    readback: str  # the question Aida asked
    turn: int  # the caller's turn count when it was asked
    tool: str = ""  # the tool call that asked, to repeat on a plain yes
    args: dict[str, Any] = field(default_factory=dict)


_HOUR_WORDS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
    9: "nine", 10: "ten", 11: "eleven", 12: "twelve",
}  # fmt: skip


def _only_read_back_times(words: str, proposal: Proposal) -> bool:
    """The caller's answer names no day or time but the read-back's own."""
    times = find_times(plain(words))
    if not times.spans and not times.unreadable:
        return True
    when: list[dt.datetime] = []
    for key in ("start", "new_start", "which"):
        try:
            when.append(dt.datetime.fromisoformat(str(proposal.args.get(key))).replace(tzinfo=None))
        except ValueError:
            continue
    return bool(when) and not times.unreadable and names_only(plain(words), when)


@dataclass
class Confirmations:
    """Per call: the read-back waiting for an answer, and the writes already done."""

    caller_turns: int = 0
    last_caller_words: str = ""  # caller speech: never logged
    last_aida_words: str = ""
    aida_said_at_turn: int = 0  # caller turns counted when Aida last spoke
    proposal: Proposal | None = None
    done: dict[tuple[str, ...], str] = field(default_factory=dict)  # key -> what was said

    def caller_spoke(self, words: str) -> None:
        self.caller_turns += 1
        self.last_caller_words = words

    def aida_said(self, words: str) -> None:
        self.last_aida_words = words
        self.aida_said_at_turn = self.caller_turns

    def read_back_already(self, weekday: str, hour: int) -> bool:
        """Aida's last sentence, just before the caller's plain yes, already named this day and
        hour ("...Wednesday, March 4, at 10 in the morning. Is that correct?"): the model read it
        back in its own words, and a second read-back would ask the caller twice."""
        if self.aida_said_at_turn != self.caller_turns - 1 or not plain_yes(self.last_caller_words):
            return False
        said = self.last_aida_words.lower()
        hour12 = hour % 12 or 12
        hour_words = {str(hour12), _HOUR_WORDS[hour12]}
        spoken = set(re.findall(r"[a-z0-9]+", said))
        return weekday.lower() in spoken and "?" in said and bool(hour_words & spoken)

    def step(self, key: tuple[str, ...]) -> Step:
        if key in self.done:
            return "done"
        proposal = self.proposal
        if proposal is None or proposal.key != key:
            return "propose"
        if self.caller_turns == proposal.turn:
            return "repeat"  # asked again in the same turn: the caller has not answered yet
        answer = answer_to_readback(self.last_caller_words)
        if answer == "yes" and not _only_read_back_times(self.last_caller_words, proposal):
            return "propose"  # "yes, cancel the 13th" of another: not a yes to this one
        if answer == "yes":
            return "write"
        if answer == "no":
            return "declined"
        return "propose"  # unclear: read it back again

    def propose(
        self,
        key: tuple[str, ...],
        readback: str,
        tool: str = "",
        args: dict[str, Any] | None = None,
    ) -> None:
        self.proposal = Proposal(
            key=key, readback=readback, turn=self.caller_turns, tool=tool, args=dict(args or {})
        )

    def confirmed_call(self) -> Proposal | None:
        """The read-back the caller has just answered with a plain yes, if any: its tool call
        can be repeated without asking the model (see `Aida.llm_node`)."""
        p = self.proposal
        if p is None or not p.tool or self.caller_turns <= p.turn:
            return None
        return p if plain_yes(self.last_caller_words) else None

    def written(self, key: tuple[str, ...], said: str) -> None:
        self.done[key] = said
        self.proposal = None

    def declined(self) -> None:
        self.proposal = None
