"""After the call: the record the clinic keeps (summary, cost, transcript, timeline), never lost.

The worker calls `finalize_call(...)` at hang-up (or uses `call_end_hook()` with `run_call`) and
starts `start_outbox_worker(settings, store_factory)` once per process.
"""

from aida.calls.deliver import Deliverer, Delivery, start_outbox_worker
from aida.calls.finalize import call_end_hook, finalize_call

__all__ = ["Deliverer", "Delivery", "call_end_hook", "finalize_call", "start_outbox_worker"]
