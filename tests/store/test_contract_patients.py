"""The calendar contract for who a patient is: dates of birth, written once by calls and corrected
only by staff, on SQLite, a real PostgreSQL, Supabase over PostgREST, and the clinic's EHR over
FHIR (the `store` fixture, tests/store/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.errors import InvalidRequest, PatientNotFound
from aida.store.protocol import Store

UTC = dt.UTC
ANN, BOB = "+15550000001", "+15550000002"
ANN_DOB = dt.date(1980, 4, 2)

pytestmark = pytest.mark.calendar


# --- date of birth ---


async def test_date_of_birth_round_trips(store: Store) -> None:
    created = await store.upsert_patient(ANN, "Ann Lee", ANN_DOB)
    assert created.date_of_birth == ANN_DOB
    assert (await store.get_patient(ANN)).date_of_birth == ANN_DOB
    assert (await store.upsert_patient(BOB, "Bob Roy")).date_of_birth is None
    assert (await store.get_patient(BOB)).date_of_birth is None


async def test_a_recorded_date_of_birth_is_never_overwritten_by_upsert(store: Store) -> None:
    await store.upsert_patient(ANN, "Ann Lee", ANN_DOB)
    again = await store.upsert_patient(ANN, "Ann Li", dt.date(1999, 9, 9))
    assert (again.name, again.date_of_birth) == ("Ann Li", ANN_DOB)
    assert (await store.upsert_patient(ANN)).date_of_birth == ANN_DOB
    assert (await store.get_patient(ANN)).date_of_birth == ANN_DOB


async def test_upsert_fills_a_missing_date_of_birth_once(store: Store) -> None:
    await store.upsert_patient(ANN, "Ann Lee")
    filled = await store.upsert_patient(ANN, None, ANN_DOB)
    assert (filled.name, filled.date_of_birth) == ("Ann Lee", ANN_DOB)
    await store.upsert_patient(ANN, None, dt.date(2001, 1, 1))
    assert (await store.get_patient(ANN)).date_of_birth == ANN_DOB


async def test_staff_set_date_of_birth_overwrites(store: Store) -> None:
    await store.upsert_patient(ANN, "Ann Lee", ANN_DOB)
    corrected = await store.set_date_of_birth(ANN, dt.date(1980, 2, 4))
    assert (corrected.name, corrected.date_of_birth) == ("Ann Lee", dt.date(1980, 2, 4))
    assert (await store.get_patient(ANN)).date_of_birth == dt.date(1980, 2, 4)
    with pytest.raises(PatientNotFound):
        await store.set_date_of_birth(BOB, ANN_DOB)
    assert await store.get_patient(BOB) is None


async def test_other_patient_writes_keep_the_date_of_birth(store: Store) -> None:
    await store.upsert_patient(ANN, "Ann Lee", ANN_DOB)
    merged = await store.merge_preferences(ANN, {"language": "es"})
    assert merged.date_of_birth == ANN_DOB


async def test_impossible_dates_of_birth_are_refused(store: Store) -> None:
    future = dt.datetime.now(UTC).date() + dt.timedelta(days=30)
    for bad in (future, dt.date(1850, 1, 1)):
        with pytest.raises(InvalidRequest):
            await store.upsert_patient(ANN, "Ann Lee", bad)
    assert await store.get_patient(ANN) is None
    await store.upsert_patient(ANN, "Ann Lee")
    with pytest.raises(InvalidRequest):
        await store.set_date_of_birth(ANN, future)
    assert (await store.get_patient(ANN)).date_of_birth is None
