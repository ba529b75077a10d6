"""The dialogue frame: what the call is about, in code, one per call.

The task at hand (book | move | cancel | find, with its slots: the appointment meant, the day
being talked about, a clock time kept from a refused request), the request waiting for the
caller to say who they are, and the short-lived questions Aida asked (which visit type, a
callback already promised, a preference read back). Readers never change it: the code reader and
a model only *propose* updates (`Reading.updates`), which the agent applies once it acted on the
reading; tool results update it through `after_tool`. So reading a turn twice (a preemptive
generation dropped, then the final one) changes nothing.

What Aida asked last lasts one caller turn: the answer to "what kind of visit?" or to "shall I
note that?" is the next turn or none, never a turn three questions later.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from aida.agent.dialogue.times import clock_words

TASKS = {
    "book_appointment": "book",
    "reschedule_appointment": "move",
    "cancel_appointment": "cancel",
    "find_available_slots": "find",
}
# The sentences with which a tool refuses for want of the caller's identity begin so (see
# aida.agent.verification): the request is then kept, to be carried out once they have said it.
_NEEDS_IDENTITY = re.compile(r"^Before I can look at or change appointments", re.IGNORECASE)

CALLBACK_TOPICS = (
    (
        "billing",
        r"\b(?:bill|billed|billing|charged|charge|invoice|insurance claim|payment|refund|copay)\b",
    ),
    (
        "test results",
        r"\b(?:results?|lab work|labs|blood work|bloodwork|blood test|test came|scan|x ?ray)\b",
    ),
    ("prescription", r"\b(?:prescription|refill|medication|medicine|pharmacy)\b"),
)


def plain(text: str) -> str:
    t = (text or "").lower().replace("’", "'").replace("'", "")
    return " ".join(re.sub(r"[^a-z0-9:\s]", " ", t).split())


def callback_topic(text: str) -> str | None:
    said = plain(text)
    return next((topic for topic, pattern in CALLBACK_TOPICS if re.search(pattern, said)), None)


@dataclass
class Frame:
    task: str | None = None  # "book" | "move" | "cancel" | "find"
    which: str | None = None  # the appointment being moved, in the caller's words
    day: dt.date | None = None  # the day being talked about (the last one a tool named)
    # The clock time of a request refused only for its day ("Friday the 5th at ten", when the
    # 5th is a Thursday): "the Friday" then means that Friday at ten.
    clock: str | None = None
    # The request made before the caller said who they are, carried out once they have.
    awaiting_identity: tuple[str, dict[str, Any]] | None = None
    # A request a model was left to answer and no tool has acted on yet: after the caller says
    # who they are, the model goes on with it (code has nothing to resume).
    model_request: bool = False
    # The caller turn being read (set by the agent as each turn arrives), to date what was asked.
    turn: int = 0
    callback_topic: str | None = None  # the callback promised, and when
    callback_turn: int = -1
    # A booking or search the tool answered with "What kind of visit is it?"
    visit_request: tuple[str, dict[str, Any]] | None = None
    visit_turn: int = -1
    # A preference Aida read back ("Shall I note that you prefer afternoons?")
    preference: tuple[str, str] | None = None
    preference_turn: int = -1
    # The times a tool offered last (ISO starts, in the order said) and the search's provider and
    # visit type: "the first one" is offered[0]
    offered: tuple[str, ...] = ()
    offered_with: tuple[tuple[str, str], ...] = ()
    offered_turn: int = -1
    # The last start of the day a booking or move was refused as outside the hours ("... and the
    # last appointment starts at 4:30 PM"), ISO: "the last one then" is that start
    last_start: str | None = None
    last_start_turn: int = -1
    # The taken time Aida offered the waitlist for ("I can put you on the waitlist for ...")
    waitlist_time: str | None = None
    waitlist_turn: int = -1

    # --- what lasts one turn ---------------------------------------------------------------------

    def asked_last(self, turn_of: int) -> bool:
        """Whether something dated `turn_of` was asked in answer to the turn before this one."""
        return turn_of >= 0 and turn_of == self.turn - 1

    def open_callback(self) -> str | None:
        return self.callback_topic if self.asked_last(self.callback_turn) else None

    def open_visit_request(self) -> tuple[str, dict[str, Any]] | None:
        return self.visit_request if self.asked_last(self.visit_turn) else None

    def open_preference(self) -> tuple[str, str] | None:
        return self.preference if self.asked_last(self.preference_turn) else None

    def open_offer(self) -> tuple[str, ...]:
        return self.offered if self.asked_last(self.offered_turn) else ()

    def open_last_start(self) -> str | None:
        return self.last_start if self.asked_last(self.last_start_turn) else None

    def open_waitlist(self) -> str | None:
        return self.waitlist_time if self.asked_last(self.waitlist_turn) else None

    # --- updates ---------------------------------------------------------------------------------

    def apply(self, updates: dict[str, Any]) -> None:
        """A reading's proposed updates, once the agent acted on it."""
        for key, value in updates.items():
            if key == "preference":
                self.preference, self.preference_turn = value, self.turn
            elif not hasattr(self, key):
                raise KeyError(key)
            else:
                setattr(self, key, value)

    def after_tool(self, name: str, args: dict[str, Any], ok: bool, data: dict[str, Any]) -> None:
        """Called after every tool call (by the model or by code)."""
        if name == "request_callback" and ok:
            self.callback_topic = callback_topic(str(args.get("reason") or "")) or "other"
            self.callback_turn = self.turn
        for key in ("awaiting_confirmation", "booked", "moved_to"):
            self._seen(data.get(key))
        for key in ("slots", "alternatives", "options"):
            items = data.get(key)
            if isinstance(items, list) and items:
                first = items[0]
                self._seen(first.get("start") if isinstance(first, dict) else first)
                starts = [i.get("start") if isinstance(i, dict) else i for i in items]
                self.offered = tuple(s for s in starts if isinstance(s, str))
                self.offered_with = tuple(
                    (k, str(args[k])) for k in ("provider", "visit_type") if args.get(k)
                )
                self.offered_turn = self.turn
        last = data.get("last_start")
        if not ok and data.get("reason") == "outside_hours" and isinstance(last, str):
            self.last_start, self.last_start_turn = last, self.turn
            self._seen(last)  # the day refused is the day being talked about
        self.clock = None
        if not ok and data.get("error") == "ambiguous_time":
            self.clock = clock_words(str(args.get("start") or args.get("new_start") or ""))
        if name in ("book_appointment", "find_available_slots"):
            asked = not ok and data.get("error") == "which_visit_type"
            self.visit_request = (name, dict(args)) if asked else None
            self.visit_turn = self.turn if asked else -1
        if name == "book_appointment" and not ok and isinstance(data.get("waitlist"), str):
            self.waitlist_time, self.waitlist_turn = data["waitlist"], self.turn
        elif name == "join_waitlist":
            self.waitlist_time, self.waitlist_turn = None, -1
        if name == "remember_preference" and ok:
            self.preference, self.preference_turn = None, -1
        task = TASKS.get(name)
        refused_for_identity = not ok and bool(
            _NEEDS_IDENTITY.match(str(data.get("message") or ""))
        )
        if refused_for_identity and (task is not None or name == "list_appointments"):
            # the model went straight to the tool: its request waits for who the caller is
            self.awaiting_identity = (name, dict(args))
            return
        if ok and self.awaiting_identity and self.awaiting_identity[0] == name:
            self.awaiting_identity = None
        if ok and (name in TASKS or name in ("list_appointments", "request_callback")):
            self.model_request = False
        if task is None:
            return
        finished = ok and any(k in data for k in ("booked", "moved_to", "cancelled"))
        if finished and "awaiting_confirmation" not in data:
            self.task, self.which = None, None
            return
        self.task = task
        if task == "move" and args.get("which"):
            self.which = str(args["which"])

    def _seen(self, iso: Any) -> None:
        if not isinstance(iso, str):
            return
        try:
            self.day = dt.datetime.fromisoformat(iso).date()
        except ValueError:
            return


# The name the rest of the agent knew it by.
DialogMemory = Frame
