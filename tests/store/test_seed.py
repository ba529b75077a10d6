"""The demo clinic: its patients can prove who they are, and seeding again changes nothing."""

from __future__ import annotations

import datetime as dt

from aida.config import Settings
from aida.scheduling.clock import FixedClock
from aida.store.seed import DEMO_PATIENTS, seed_demo_clinic
from aida.store.sqlite import SqliteStore

MONDAY = dt.datetime(2030, 1, 7, 14, 0, tzinfo=dt.UTC)


async def test_seeding_twice_keeps_patients_and_their_dates_of_birth(
    sqlite_store: SqliteStore,
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    clock = FixedClock(MONDAY)
    first = await seed_demo_clinic(sqlite_store, settings, clock)
    assert first.startswith(f"demo clinic seeded: {len(DEMO_PATIENTS)} patients, 5 new")
    corrected = dt.date(1985, 3, 4)
    await sqlite_store.set_date_of_birth(DEMO_PATIENTS[0][0], corrected)
    second = await seed_demo_clinic(sqlite_store, settings, clock)
    assert ", 0 new appointments" in second
    for phone, name, born, _ in DEMO_PATIENTS:
        patient = await sqlite_store.get_patient(phone)
        assert patient is not None and patient.name == name
        assert patient.date_of_birth == (corrected if phone == DEMO_PATIENTS[0][0] else born)
