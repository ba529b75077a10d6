"""The Store contract for the clinic profile, Aida's half: on SQLite, PostgreSQL and Supabase, and
through `SplitStore` with the EHR's calendar (the profile stays on Aida's side): nothing until
staff set it, then exactly what was saved, replaced whole by the next save."""

from __future__ import annotations

import pytest

from aida.store.protocol import Store
from tests.store.conftest import DATABASES, FHIR


@pytest.mark.parametrize("store", [*DATABASES, FHIR], indirect=True)
async def test_profile_is_none_then_what_was_saved(store: Store) -> None:
    assert await store.get_clinic_profile() is None
    first = {"address": "12 Main St", "insurance_accepted": ["Aetna"], "facts": {"fax": "1"}}
    await store.save_clinic_profile(first, "staff:frontdesk")
    assert await store.get_clinic_profile() == first
    await store.save_clinic_profile({"parking": "Street parking"}, "cli")
    assert await store.get_clinic_profile() == {"parking": "Street parking"}
    await store.save_clinic_profile({}, "cli")
    assert await store.get_clinic_profile() == {}
