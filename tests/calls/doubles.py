"""Test doubles for the after-call record: the summariser's forced tool call, and a store that
fails on cue. The scripted LLM itself is the shared one in `tests/scripted_llm.py`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aida.errors import StoreUnavailable
from aida.store.models import CallSummary
from aida.store.protocol import Store
from tests.scripted_llm import Call


def summary_call(text: str, items: Sequence[str] = ()) -> Call:
    return Call("record_call_summary", {"summary_text": text, "action_items": list(items)})


class FlakyStore:
    """Wraps a real store; `down` makes every call raise StoreUnavailable, as a dead database
    would. Counts the summary writes that reached the real store."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.down = False
        self.saves = 0
        self.backend = inner.backend

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        async def guarded(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise StoreUnavailable("Sorry, our system is briefly unavailable.")
            return await attr(*args, **kwargs)

        return guarded

    async def save_call_summary(self, summary: CallSummary) -> None:
        if self.down:
            raise StoreUnavailable("Sorry, our system is briefly unavailable.")
        await self.inner.save_call_summary(summary)
        self.saves += 1

    async def close(self) -> None:  # the test owns the real store
        return None
