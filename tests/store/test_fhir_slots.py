"""The EHR's own Slots as the calendar's openings, and bookings from Aida hosts that share no
lock, on a real FHIR server (sekmet-fhir).

Where the EHR publishes Slots on a calendar, Aida offers only its free Slots that the hours
allow and that no booked Appointment references (sekmet never marks a Slot busy itself), and the
store books only inside them. Hosts are simulated by FHIR calendars with separate lock folders:
each one's writer lock excludes nobody else, so only the server's version check orders them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from aida.calendar.search import free_for, nearest_for
from aida.config import Settings
from aida.errors import SlotTaken
from aida.scheduling.clock import FixedClock
from aida.store.fhir import FhirCalendar
from aida.store.fhir import resources as fr
from aida.store.models import BookingResult
from aida.store.split import SplitStore
from aida.store.sqlite import SqliteStore
from aida.tools.base import ClinicContext, ToolResult
from aida.tools.book_appointment import book_appointment
from tests.fhir import FhirServer

pytestmark = pytest.mark.fhir

NY = "America/New_York"
T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 in New York
HALF = dt.timedelta(minutes=30)
ANN = "+15550000001"


def local(hour: int, minute: int = 0) -> str:
    return f"2030-01-07T{hour:02d}:{minute:02d}:00-05:00"


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(local(hour, minute)).astimezone(dt.UTC)


@pytest.fixture
async def hosts(fhir_server: FhirServer, tmp_path: Path) -> AsyncIterator[list[SplitStore]]:
    """Six Aida hosts on one EHR: each its own lock folder and its own database."""
    fhir_server.reset()
    made = []
    for i in range(6):
        folder = tmp_path / f"host{i}"
        made.append(
            SplitStore(
                FhirCalendar(fhir_server.base_url, lock_dir=folder),
                SqliteStore(folder / "aida.db"),
            )
        )
    async with contextlib.AsyncExitStack() as stack:
        for store in made:
            await store.migrate()
            stack.push_async_callback(store.close)
        yield made


def context(store: SplitStore) -> ClinicContext:
    settings = Settings(_env_file=None, default_timezone=NY)  # type: ignore[call-arg]
    return ClinicContext(
        store=store, settings=settings, clock=FixedClock(T0 - dt.timedelta(days=3))
    )


def calendar(store: SplitStore) -> FhirCalendar:
    assert isinstance(store.calendar, FhirCalendar)
    return store.calendar


async def publish(store: SplitStore, *starts: dt.datetime, status: str = "free") -> list[Any]:
    """Slots the EHR publishes on the clinic's shared calendar (not tagged as Aida's)."""
    fhir = calendar(store)
    schedule = await fhir._schedule_id(None)
    made = []
    for start in starts:
        slot = fr.slot_resource(schedule, start, start + HALF, status)
        slot.pop("meta")
        made.append(await fhir.client.create(slot))
    return made


async def test_the_openings_are_the_ehrs_free_slots_the_hours_allow(
    hosts: list[SplitStore],
) -> None:
    store = hosts[0]
    ctx = context(store)
    day = (at(0), at(23, 59))
    # no Slots at all: today's behaviour, the hours minus the bookings
    before = [s.start for s in await free_for(ctx, *day)]
    assert before[0] == at(9) and len(before) > 10
    # a time the EHR only blocks publishes no openings: still the hours, less that time
    await publish(store, at(13), status="busy-unavailable")
    assert [s.start for s in await free_for(ctx, *day)] == [t for t in before if t != at(13)]

    ten, eleven, _, three = await publish(store, at(10), at(11), at(6), at(15))
    await publish(store, at(14), status="busy")
    assert [s.start for s in await free_for(ctx, *day)] == [at(10), at(11), at(15)]  # 6:00 shut

    # staff booked 11:00 in the EHR on its Slot, which the server left free
    other = await calendar(store).client.create(
        {"resourceType": "Patient", "name": [{"text": "Bo Roy"}], "birthDate": "1970-01-01"}
    )
    await calendar(store).client.create(
        {
            "resourceType": "Appointment",
            "status": "booked",
            "start": fr.instant(at(11)),
            "end": fr.instant(at(11, 30)),
            "slot": [{"reference": f"Slot/{eleven['id']}"}],
            "participant": [
                {"actor": {"reference": f"Patient/{other['id']}"}, "status": "accepted"},
                {"actor": {"reference": "Location/elsewhere"}, "status": "accepted"},
            ],
        }
    )
    slot = await calendar(store).client.read("Slot", eleven["id"])
    assert slot is not None and slot["status"] == "free"  # sekmet does not mark it
    assert [s.start for s in await free_for(ctx, *day)] == [at(10), at(15)]
    near = await nearest_for(ctx, at(11), 3)
    assert [s.start for s in near] == [at(10), at(15)]

    await store.upsert_patient(ANN, "Ann Lee")
    for taken in (at(11), at(9, 30), at(14)):  # booked, not published, busy in the EHR
        with pytest.raises(SlotTaken):
            await store.book(ANN, taken, taken + HALF)
    booked = (await store.book(ANN, at(10), at(10, 30))).appointment
    appointment = await calendar(store).client.read("Appointment", booked.id)
    assert appointment is not None and fr.slot_ids_of(appointment) == [ten["id"]]
    assert [s.start for s in await free_for(ctx, *day)] == [at(15)]

    # a move goes to another published Slot and gives the first one back
    moved = await store.reschedule(booked.id, ANN, at(15), at(15, 30))
    appointment = await calendar(store).client.read("Appointment", moved.id)
    assert appointment is not None and fr.slot_ids_of(appointment) == [three["id"]]
    assert [s.start for s in await free_for(ctx, *day)] == [at(10)]


async def test_a_visit_may_span_adjacent_published_slots(hosts: list[SplitStore]) -> None:
    store = hosts[0]
    nine, half_past = await publish(store, at(9), at(9, 30))
    await store.upsert_patient(ANN, "Ann Lee")
    with pytest.raises(SlotTaken):  # runs past the last published Slot
        await store.book(ANN, at(9, 30), at(10, 30))
    booked = (await store.book(ANN, at(9), at(10))).appointment
    appointment = await calendar(store).client.read("Appointment", booked.id)
    assert appointment is not None
    assert fr.slot_ids_of(appointment) == [nine["id"], half_past["id"]]
    await store.cancel(booked.id, ANN)
    for slot in (nine, half_past):
        found = await calendar(store).client.read("Slot", slot["id"])
        assert found is not None and found["status"] == "free"


async def test_thirty_callers_on_two_hosts_one_published_slot_one_booking(
    hosts: list[SplitStore],
) -> None:
    """Through the booking tool on two hosts: one caller gets the EHR's 10:00 Slot; the 29
    others hear the three published openings nearest it."""
    first, second = hosts[:2]
    slots = await publish(first, at(9), at(9, 30), at(10), at(10, 30), at(11), at(16))
    phones = [f"+1555800{i:04d}" for i in range(30)]
    for phone in phones:
        await first.upsert_patient(phone, "Pat Racer")
    contexts = [context(first), context(second)]

    results = await asyncio.gather(
        *[book_appointment(contexts[i % 2], p, T0.isoformat()) for i, p in enumerate(phones)],
        return_exceptions=True,
    )

    assert [r for r in results if not isinstance(r, ToolResult | SlotTaken)] == []
    wins = [r for r in results if isinstance(r, ToolResult)]
    assert len(wins) == 1 and wins[0].data["created"] is True
    booked = await first.list_appointments(status=None)
    assert len(booked) == 1 and booked[0].start_time == T0
    appointment = await calendar(first).client.read("Appointment", booked[0].id)
    assert appointment is not None and fr.slot_ids_of(appointment) == [slots[2]["id"]]
    refused = [r for r in results if isinstance(r, SlotTaken)]
    assert len(refused) == 29
    for refusal in refused:
        starts = {a["start"] for a in refusal.alternatives}
        assert {local(9, 30), local(10, 30)} < starts and len(starts) == 3
        assert starts - {local(9, 30), local(10, 30)} <= {local(9), local(11)}
        assert "The nearest openings are" in str(refusal)


async def test_hosts_that_share_no_lock_never_double_book_overlapping_times(
    hosts: list[SplitStore],
) -> None:
    """No Slots published: the calendar's Schedule version orders the six hosts. Half the
    callers want 10:00-10:30, half 10:15-10:45; exactly one of them holds any of it."""
    phones = [f"+1555900{i:04d}" for i in range(30)]
    for phone in phones:
        await hosts[0].upsert_patient(phone)
    starts = [T0, T0 + dt.timedelta(minutes=15)]

    results = await asyncio.gather(
        *[
            hosts[i % len(hosts)].book(p, starts[i % 2], starts[i % 2] + HALF)
            for i, p in enumerate(phones)
        ],
        return_exceptions=True,
    )

    assert [r for r in results if not isinstance(r, BookingResult | SlotTaken)] == []
    assert sum(isinstance(r, BookingResult) for r in results) == 1
    booked = await hosts[0].list_appointments(status="booked")
    assert len(booked) == 1
    # every claim the losers made was given back: only the winner's Slot is busy
    fhir = calendar(hosts[0])
    schedule = await fhir._schedule_id(None)
    busy = await fhir.client.search("Slot", {"schedule": f"Schedule/{schedule}", "status": "busy"})
    appointment = await fhir.client.read("Appointment", booked[0].id)
    assert appointment is not None
    assert [s["id"] for s in busy] == fr.slot_ids_of(appointment)
