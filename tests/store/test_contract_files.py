"""The calendar contract for the file an appointment is on (issue 23b): a caller verified as one
file lists, moves and cancels that file's appointments only. On SQLite, a real PostgreSQL and
Supabase over PostgREST the phone is the file (`file_id` None), so any other file owns nothing
there; in the clinic's EHR over FHIR one number may hold several files (a family phone), and a
sibling's appointment on the same number is refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.errors import NotYourAppointment
from aida.store.protocol import Store

UTC = dt.UTC
PHONE = "+15550000001"
THU_9 = dt.datetime(2030, 1, 10, 14, 0, tzinfo=UTC)
FRI_11 = dt.datetime(2030, 1, 11, 16, 0, tzinfo=UTC)
MON_2 = dt.datetime(2030, 1, 14, 19, 0, tzinfo=UTC)
HALF_HOUR = dt.timedelta(minutes=30)

pytestmark = pytest.mark.calendar


async def files_on_one_number(store: Store) -> list[str | None]:
    """Ann's file and, where the backend can hold one (an EHR), her son Sam's on her number."""
    if store.backend.startswith("fhir"):
        client = store.calendar.client  # type: ignore[attr-defined]
        for name, birth in (("Ann Lee", "1980-04-02"), ("Sam Lee", "2012-09-01")):
            await client.create(
                {
                    "resourceType": "Patient",
                    "name": [{"text": name}],
                    "birthDate": birth,
                    "telecom": [{"system": "phone", "value": PHONE}],
                }
            )
    else:
        await store.upsert_patient(PHONE, "Ann Lee", dt.date(1980, 4, 2))
    return [f.file_id for f in await store.patients_for(PHONE)]


async def test_each_file_lists_and_changes_only_its_own(store: Store) -> None:
    files = await files_on_one_number(store)
    made = {}
    for file, at in zip(files, (THU_9, FRI_11), strict=False):
        booking = await store.book(PHONE, at, at + HALF_HOUR, patient_file=file)
        assert booking.appointment.patient_file == file
        made[file] = booking.appointment
    everyone = await store.list_appointments(phone=PHONE)
    assert sorted(a.id for a in everyone) == sorted(a.id for a in made.values())
    for file, appointment in made.items():
        assert [a.id for a in await store.list_appointments(phone=PHONE, patient_file=file)] == [
            appointment.id
        ]
    # A file that is not this appointment's: on SQL there is none but the phone's own.
    ann = made[files[0]]
    other = files[1] if len(files) > 1 else "another-file"
    if len(files) == 1:
        assert await store.list_appointments(phone=PHONE, patient_file=other) == []
    with pytest.raises(NotYourAppointment):
        await store.cancel(ann.id, PHONE, patient_file=other)
    with pytest.raises(NotYourAppointment):
        await store.reschedule(ann.id, PHONE, MON_2, MON_2 + HALF_HOUR, patient_file=other)
    # nothing written: every appointment stays booked where it was
    after = {a.id: a for a in await store.list_appointments(phone=PHONE, status=None)}
    assert {i: (a.status, a.start_time) for i, a in after.items()} == {
        a.id: ("booked", a.start_time) for a in made.values()
    }
    # the file's own is theirs to move and to cancel
    moved = await store.reschedule(ann.id, PHONE, MON_2, MON_2 + HALF_HOUR, patient_file=files[0])
    assert moved.patient_file == files[0]
    cancelled = await store.cancel(moved.id, PHONE, patient_file=files[0])
    assert cancelled.status == "cancelled"
