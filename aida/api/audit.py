"""The audit trail of staff reads: every response that carries patient data leaves one row.

The row is written after the read and before the response, and a failure to write it fails the
request: data nobody can account for is not handed out. `detail` holds ids, counts and filters,
never transcript text, summaries or names.
"""

from __future__ import annotations

from typing import Any

from aida.scheduling.clock import Clock
from aida.store.models import AuditEntry
from aida.store.protocol import Store


def staff_actor(label: str) -> str:
    return f"staff:{label}"


async def record_staff_read(
    store: Store,
    clock: Clock,
    label: str,
    action: str,
    *,
    phone: str | None = None,
    **detail: Any,
) -> None:
    await store.record_audit(
        AuditEntry(
            at=clock.now(),
            actor=staff_actor(label),
            action=action,
            patient_phone=phone,
            detail={k: v for k, v in detail.items() if v is not None},
        )
    )


# A change staff made (a booking, a done action item) is recorded the same way as a read.
record_staff_action = record_staff_read
