"""Who gets the host's one local model first: a live caller's turn, always.

A worker host has one llama.cpp context, shared by every call in progress and by the notes
written after calls end. A caller waits for their turn; nobody waits for a finished call's
summary. So a request made inside `background()` (the after-call summary) runs only when no
live request is waiting, and gives the model up, between two small steps of its prompt or two
tokens, as soon as one is: it then fails with `ModelYielded`, and the summary is tried again
later (the outbox drain), from the saved state of its instructions.

Kept apart from `aida.local.llm` so that code asking a model for something (the summary) can mark
its request without importing llama.cpp; any other provider ignores the mark.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar

from livekit.agents import APIConnectionError

__all__ = ["BACKGROUND", "LIVE", "PREFILL", "Gate", "ModelYielded", "background", "is_background"]

# Lower is served first.
LIVE = 0  # a caller's turn
PREFILL = 1  # a bet on a caller's next turn: never waits, stops for any live request
BACKGROUND = 2  # work for a call that has ended (its summary)

_BACKGROUND: ContextVar[bool] = ContextVar("aida_llm_background", default=False)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Mark the model requests started inside (in this task, and the tasks it creates) as
    background work. LiveKit's LLM streams run in a task created by `chat()`, which copies the
    mark at that moment."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def is_background() -> bool:
    return _BACKGROUND.get()


class ModelYielded(APIConnectionError):
    """A background request gave the local model to a live call before it finished."""

    def __init__(self, message: str = "the local model was needed by a live call") -> None:
        super().__init__(message, retryable=False)


class Gate:
    """The one context, handed to one request at a time by priority.

    A lock with the interface of `threading.Lock` (`with gate:`, `acquire(blocking=False)`,
    `locked()`), where waiters of a lower priority number go first and a holder can ask whether
    anyone it should make way for is waiting (`outranked`). Within one priority, first come
    first served: the caller who asked first is answered first.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._holder: int | None = None  # the priority of the request holding the context
        self._queues: list[deque[int]] = [deque(), deque(), deque()]  # tickets per priority
        self._tickets = itertools.count()
        self._live_since = 0.0  # when the oldest waiting live request began to wait
        # seconds from a live request's arrival to a lower-priority holder letting go, by the
        # holder's priority: how long a prefill or a summary made a caller's turn wait
        self.gave_way: dict[int, list[float]] = {PREFILL: [], BACKGROUND: []}

    def acquire(self, blocking: bool = True, priority: int = LIVE) -> bool:
        with self._cond:
            if not blocking:
                if self._holder is not None or any(self._queues[: priority + 1]):
                    return False
                self._holder = priority
                return True
            queue = self._queues[priority]
            if priority == LIVE and not queue:
                self._live_since = time.monotonic()
            ticket = next(self._tickets)
            queue.append(ticket)
            try:
                while (
                    self._holder is not None or any(self._queues[:priority]) or queue[0] != ticket
                ):
                    self._cond.wait()
                self._holder = priority
            finally:
                queue.remove(ticket)
                self._cond.notify_all()  # the next in line re-checks
            return True

    def release(self) -> None:
        with self._cond:
            if self._holder is None:
                raise RuntimeError("release of an unheld gate")
            if self._holder != LIVE and self._queues[LIVE]:
                self.gave_way[self._holder].append(time.monotonic() - self._live_since)
            self._holder = None
            self._cond.notify_all()

    def __enter__(self) -> Gate:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def locked(self) -> bool:
        return self._holder is not None

    @property
    def holder(self) -> int | None:
        return self._holder

    def outranked(self, priority: int) -> bool:
        """True while a request that goes before `priority` waits (read without the lock: a
        holder polls this between steps, and one step late is fine)."""
        return any(self._queues[:priority])

    def waiting(self) -> bool:
        return any(self._queues)

    @property
    def _waiting(self) -> list[int]:
        return [len(q) for q in self._queues]
