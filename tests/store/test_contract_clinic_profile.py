"""The Store contract for the clinic profile, on SQLite, PostgreSQL and Supabase: nothing until
staff set it, then exactly what was saved, replaced whole by the next save."""

from __future__ import annotations

from aida.store.protocol import Store


async def test_profile_is_none_then_what_was_saved(store: Store) -> None:
    assert await store.get_clinic_profile() is None
    first = {"address": "12 Main St", "insurance_accepted": ["Aetna"], "facts": {"fax": "1"}}
    await store.save_clinic_profile(first, "staff:frontdesk")
    assert await store.get_clinic_profile() == first
    await store.save_clinic_profile({"parking": "Street parking"}, "cli")
    assert await store.get_clinic_profile() == {"parking": "Street parking"}
    await store.save_clinic_profile({}, "cli")
    assert await store.get_clinic_profile() == {}
