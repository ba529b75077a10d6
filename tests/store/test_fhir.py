"""What only an EHR's calendar has, on a real FHIR server (sekmet-fhir): several patient files on
one phone number, Slots the EHR publishes or blocks itself, appointments its staff book without
Aida, the server's version check, and what `aida db migrate` reports about it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from aida.config import Settings
from aida.errors import SlotTaken, StoreUnavailable
from aida.store.factory import open_store
from aida.store.fhir import FhirCalendar
from aida.store.fhir import resources as fr
from aida.store.fhir.client import VersionConflict, version_of
from aida.store.split import SplitStore
from tests.fhir import FhirServer

pytestmark = pytest.mark.fhir

T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=dt.UTC)
SLOT = dt.timedelta(minutes=30)
ANN = "+15550000001"


async def ehr_patient(
    calendar: FhirCalendar, name: str, birth: str, phone: str = ANN
) -> dict[str, Any]:
    """A file the clinic's staff made in the EHR, not through Aida."""
    return await calendar.client.create(
        {
            "resourceType": "Patient",
            "name": [{"text": name}],
            "birthDate": birth,
            "telecom": [{"system": "phone", "value": phone}],
        }
    )


async def test_several_files_on_one_number_are_all_found(fhir_calendar: FhirCalendar) -> None:
    mother = await ehr_patient(fhir_calendar, "Ann Lee", "1980-04-02")
    son = await ehr_patient(fhir_calendar, "Sam Lee", "2012-09-01")
    files = await fhir_calendar.patients_for(ANN)
    assert {(p.name, p.date_of_birth) for p in files} == {
        ("Ann Lee", dt.date(1980, 4, 2)),
        ("Sam Lee", dt.date(2012, 9, 1)),
    }
    assert (await fhir_calendar.get_patient(ANN)) == files[0]  # the oldest file
    # a booking on the son's file is one of this number's appointments
    await fhir_calendar.client.create(
        {
            "resourceType": "Appointment",
            "status": "booked",
            "start": fr.instant(T0),
            "end": fr.instant(T0 + SLOT),
            "participant": [{"actor": {"reference": f"Patient/{son['id']}"}, "status": "accepted"}],
        }
    )
    listed = await fhir_calendar.list_appointments(ANN)
    assert [(a.user_phone, a.start_time) for a in listed] == [(ANN, T0)]
    assert mother["id"] != son["id"]


async def test_a_slot_the_ehr_published_is_taken_and_freed_by_version(
    fhir_calendar: FhirCalendar,
) -> None:
    await fhir_calendar.upsert_patient(ANN, "Ann Lee")
    kim = await fhir_calendar.save_provider("Dr. Kim")
    schedule = await fhir_calendar._schedule_id(kim.id)
    published = await fhir_calendar.client.create(fr.slot_resource(schedule, T0, T0 + SLOT, "free"))

    booked = (await fhir_calendar.book(ANN, T0, T0 + SLOT, provider_id=kim.id)).appointment
    appointment = await fhir_calendar.client.read("Appointment", booked.id)
    assert appointment is not None and fr.slot_id_of(appointment) == published["id"]
    slot = await fhir_calendar.client.read("Slot", published["id"])
    assert slot is not None and slot["status"] == "busy"  # the server does not do this itself
    assert version_of(slot) == "2"

    await fhir_calendar.cancel(booked.id, ANN)
    slot = await fhir_calendar.client.read("Slot", published["id"])
    assert slot is not None and slot["status"] == "free"


async def test_the_server_refuses_a_write_against_an_old_version(
    fhir_calendar: FhirCalendar,
) -> None:
    schedule = await fhir_calendar._schedule_id(None)
    slot = await fhir_calendar.client.create(fr.slot_resource(schedule, T0, T0 + SLOT, "free"))
    await fhir_calendar.client.update({**slot, "status": "busy"}, version_of(slot))
    with pytest.raises(VersionConflict):
        await fhir_calendar.client.update({**slot, "comment": "stale"}, version_of(slot))
    assert any("If-Match on update: honoured" in note for note in fhir_calendar.notes)


async def test_what_the_ehr_blocks_or_books_itself_is_taken_for_aida(
    fhir_calendar: FhirCalendar,
) -> None:
    await fhir_calendar.upsert_patient(ANN, "Ann Lee")
    patel = await fhir_calendar.save_provider("Dr. Patel")
    schedule = await fhir_calendar._schedule_id(patel.id)
    await fhir_calendar.client.create(fr.slot_resource(schedule, T0, T0 + SLOT, "busy"))
    with pytest.raises(SlotTaken):
        await fhir_calendar.book(ANN, T0, T0 + SLOT, provider_id=patel.id)
    # staff booked 11:00 with Dr. Patel in the EHR, with no Slot
    other = await ehr_patient(fhir_calendar, "Bo Roy", "1970-01-01", "+15550000002")
    await fhir_calendar.client.create(
        {
            "resourceType": "Appointment",
            "status": "booked",
            "start": fr.instant(T0 + 2 * SLOT),
            "end": fr.instant(T0 + 3 * SLOT),
            "participant": [
                {"actor": {"reference": f"Patient/{other['id']}"}, "status": "accepted"},
                {"actor": {"reference": f"Practitioner/{patel.id}"}, "status": "accepted"},
            ],
        }
    )
    with pytest.raises(SlotTaken):
        await fhir_calendar.book(ANN, T0 + 2 * SLOT, T0 + 3 * SLOT, provider_id=patel.id)
    # the shared calendar (no provider) is another calendar
    assert (await fhir_calendar.book(ANN, T0, T0 + SLOT)).created


async def test_calendar_backend_fhir_opens_the_ehr_beside_the_database(
    fhir_server: FhirServer, tmp_path: Path
) -> None:
    fhir_server.reset()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path}/aida.db",
        calendar_backend="fhir",
        fhir_base_url=fhir_server.base_url + "/",
        fhir_lock_dir=tmp_path,
    )
    store = await open_store(settings)
    try:
        assert isinstance(store, SplitStore) and store.backend == "fhir+sqlite"
        await store.upsert_patient(ANN, "Ann Lee")
        found = await store.calendar.get_patient(ANN)  # type: ignore[attr-defined]
        assert found is not None and found.name == "Ann Lee"
        assert await store.aida.get_patient(ANN) is None  # type: ignore[attr-defined]
    finally:
        await store.close()
    assert (tmp_path / "aida.db").is_file()


def test_db_migrate_reports_what_it_found(
    fhir_server: FhirServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aida.cli import main

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path}/aida.db",
        calendar_backend="fhir",
        fhir_base_url=fhir_server.base_url,
        fhir_lock_dir=tmp_path,
    )
    monkeypatch.setattr("aida.store.cli.get_settings", lambda: settings)
    assert main(["db", "migrate"]) == 0
    out = capsys.readouterr().out
    assert "schema is up to date (fhir+sqlite)" in out
    assert "calendar: FHIR R4 (4.0.1)" in out
    assert "calendar: If-Match on update: honoured" in out
    assert "Aida hosts that share no lock book an overlapping time once" in out


async def test_an_ehr_that_does_not_answer_is_the_store_unavailable(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    calendar = FhirCalendar(f"http://127.0.0.1:{port}/fhir", lock_dir=tmp_path)
    with pytest.raises(StoreUnavailable):
        await calendar.ping()
    with pytest.raises(StoreUnavailable):
        await calendar.get_patient(ANN)
    with pytest.raises(StoreUnavailable):
        await calendar.book(ANN, T0, T0 + SLOT)
    await calendar.close()
