"""Saving what an outbound call came to, on its `outbound_calls` row."""

from __future__ import annotations

import datetime as dt

from aida.store.models import OutboundAttempt
from aida.store.protocol import Store


async def find_attempt(
    store: Store, attempt_id: str, *, appointment_id: str | None, phone: str | None
) -> OutboundAttempt | None:
    rows = await store.list_outbound_calls(appointment_id=appointment_id, phone=phone)
    return next((r for r in rows if r.id == attempt_id), None)


async def save_outcome(
    store: Store,
    attempt_id: str,
    outcome: str,
    at: dt.datetime,
    *,
    purpose: str,
    phone: str | None,
    appointment_id: str | None,
    call_id: str | None = None,
) -> OutboundAttempt | None:
    """Set the attempt's outcome (and the call record it belongs to). An attempt the dialer
    never wrote (a call dispatched by hand) gets its row here; without a phone there is none."""
    current = await find_attempt(store, attempt_id, appointment_id=appointment_id, phone=phone)
    if current is None:
        if phone is None:
            return None
        current = OutboundAttempt(
            id=attempt_id,
            purpose=purpose,
            phone=phone,
            appointment_id=appointment_id,
            started_at=at,
        )
    done = current.model_copy(
        update={"outcome": outcome, "updated_at": at, "call_id": call_id or current.call_id}
    )
    await store.save_outbound_call(done)
    return done
