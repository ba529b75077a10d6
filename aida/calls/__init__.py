"""After the call: the record the clinic keeps (summary, cost, transcript, timeline), never lost.

The worker records each call with `call_end_hook()` (passed to `run_call`, run by `end_call`,
LiveKit's `on_session_end`), which calls `finalize_call(...)`, and starts
`start_outbox_worker(settings, store_factory)` once per process.

The names are loaded on first use: `aida.calls.outbox` alone must stay light (no LiveKit import)
for the CLI and for processes that only look at the outbox.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Deliverer": "aida.calls.deliver",
    "Delivery": "aida.calls.deliver",
    "start_outbox_worker": "aida.calls.deliver",
    "call_end_hook": "aida.calls.finalize",
    "finalize_call": "aida.calls.finalize",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aida.calls' has no attribute {name!r}")
    return getattr(import_module(module), name)
