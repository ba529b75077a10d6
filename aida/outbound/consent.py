"""Consent to be called: a patient who says "don't call me" is never called again by Aida.

The preference lives on the patient (`users.preferences`, through `merge_preferences`), so it
holds on every backend and for every purpose; the dialer checks it before each call.
Recording it needs no date of birth: it can only make Aida call less.
"""

from __future__ import annotations

import datetime as dt

from aida.store.models import Patient
from aida.store.protocol import CalendarStore

PREFERENCE = "outbound_calls"
OPTED_OUT = "do_not_call"


def opted_out(patient: Patient | None) -> bool:
    return patient is not None and patient.preferences.get(PREFERENCE) == OPTED_OUT


async def is_opted_out(store: CalendarStore, phone: str) -> bool:
    return opted_out(await store.get_patient(phone))


async def record_opt_out(store: CalendarStore, phone: str, at: dt.datetime) -> None:
    await store.merge_preferences(
        phone, {PREFERENCE: OPTED_OUT, f"{PREFERENCE}_changed_at": at.isoformat()}
    )
