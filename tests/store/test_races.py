"""Racing callers: the database, not luck, decides who gets a slot.

SQLite runs through several store instances on one file (each with its own writer connection,
as separate processes would); PostgreSQL through one store with a connection per caller; Supabase
through one store whose concurrent requests PostgREST answers from the real SQL functions; the
clinic's EHR through several FHIR calendars on one server (each with its own HTTP requests and
its own open of the writer lock file, as separate worker processes would).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import time
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import pytest

from aida.config import Settings
from aida.errors import ClinicClosed, SlotTaken
from aida.scheduling.clock import FixedClock
from aida.store.fhir import FhirCalendar
from aida.store.models import Appointment, BookingResult
from aida.store.postgres import PostgresStore
from aida.store.protocol import Store
from aida.store.split import SplitStore
from aida.store.sqlite import SqliteStore
from aida.tools.base import ClinicContext, ToolResult
from aida.tools.book_appointment import book_appointment
from tests.store.postgrest_double import postgrest_on
from tests.store.supabase_project import supabase_store_at

T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=dt.UTC)
SLOT = dt.timedelta(minutes=30)
ROUND_LIMIT_S = 10.0
NEXT_TO_TEN = {"2030-01-07T09:30:00-05:00", "2030-01-07T10:30:00-05:00"}
AN_HOUR_FROM_TEN = {"2030-01-07T09:00:00-05:00", "2030-01-07T11:00:00-05:00"}


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("supabase", marks=pytest.mark.postgres),
        pytest.param("fhir", marks=pytest.mark.fhir),
    ]
)
async def stores(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[list[Store]]:
    made: list[Any] = []
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "sqlite":
            made = [SqliteStore(tmp_path / "race.db") for _ in range(5)]
        elif request.param == "supabase":
            # Concurrent HTTP requests through PostgREST onto the real SQL functions.
            db_url = request.getfixturevalue("supabase_db_url")
            postgrest = await stack.enter_async_context(postgrest_on(db_url))
            made = [supabase_store_at(postgrest.url)]
        elif request.param == "fhir":
            server = request.getfixturevalue("fhir_server")
            server.reset()
            made = [
                SplitStore(
                    FhirCalendar(server.base_url, lock_dir=tmp_path),
                    SqliteStore(tmp_path / "aida.db"),
                )
                for _ in range(5)
            ]
        else:
            url = request.getfixturevalue("pg_url")
            made = [PostgresStore(url, pool_size=50, max_overflow=0)]
        for store in made:
            await store.migrate()
        yield made
        for store in made:
            await store.close()


async def timed_gather(calls: list[Awaitable[Any]]) -> tuple[list[Any], float]:
    started = time.perf_counter()
    results = await asyncio.gather(*calls, return_exceptions=True)
    return results, time.perf_counter() - started


def unexpected(results: list[Any], *expected: type) -> list[Any]:
    return [r for r in results if not isinstance(r, expected)]


async def test_fifty_callers_one_slot_one_booking(stores: list[Store]) -> None:
    phones = [f"+1555200{i:04d}" for i in range(50)]
    for phone in phones:
        await stores[0].upsert_patient(phone)

    results, elapsed = await timed_gather(
        [stores[i % len(stores)].book(p, T0, T0 + SLOT) for i, p in enumerate(phones)]
    )

    assert unexpected(results, BookingResult, SlotTaken) == []
    wins = [r for r in results if isinstance(r, BookingResult)]
    assert len(wins) == 1 and wins[0].created
    assert sum(isinstance(r, SlotTaken) for r in results) == 49
    booked = await stores[0].list_appointments(status=None)
    assert [a.id for a in booked] == [wins[0].appointment.id]
    assert elapsed < ROUND_LIMIT_S


async def test_overlapping_racers_for_neighbouring_slots(stores: list[Store]) -> None:
    """Half-overlapping requests: whatever wins, no two booked rows overlap."""
    phones = [f"+1555300{i:04d}" for i in range(40)]
    for phone in phones:
        await stores[0].upsert_patient(phone)
    offsets = [dt.timedelta(minutes=15 * (i % 8)) for i in range(len(phones))]

    results, elapsed = await timed_gather(
        [
            stores[i % len(stores)].book(p, T0 + off, T0 + off + SLOT)
            for i, (p, off) in enumerate(zip(phones, offsets, strict=True))
        ]
    )

    assert unexpected(results, BookingResult, SlotTaken) == []
    booked = await stores[0].list_appointments()
    assert len(booked) == sum(isinstance(r, BookingResult) for r in results) >= 3
    for earlier, later in itertools.pairwise(booked):
        assert earlier.end_time <= later.start_time
    # and nobody was turned away from a slot that was actually free
    for result, off in zip(results, offsets, strict=True):
        if isinstance(result, SlotTaken):
            start = T0 + off
            assert any(a.start_time < start + SLOT and a.end_time > start for a in booked)
    assert elapsed < ROUND_LIMIT_S


async def test_twenty_reschedules_into_one_slot(stores: list[Store]) -> None:
    originals: list[Appointment] = []
    for i in range(20):
        phone = f"+1555400{i:04d}"
        await stores[0].upsert_patient(phone)
        start = T0 + i * SLOT
        originals.append((await stores[0].book(phone, start, start + SLOT)).appointment)
    target = T0 + dt.timedelta(days=1)

    results, elapsed = await timed_gather(
        [
            stores[i % len(stores)].reschedule(a.id, a.user_phone, target, target + SLOT)
            for i, a in enumerate(originals)
        ]
    )

    assert unexpected(results, Appointment, SlotTaken) == []
    winners = [r for r in results if isinstance(r, Appointment)]
    assert len(winners) == 1
    winner = winners[0]
    moved_from = winner.meta["rescheduled_from"]
    for original in originals:
        now = await stores[0].get_appointment(original.id)
        if original.id == moved_from:
            assert now.status == "cancelled" and now.meta["rescheduled_to"] == winner.id
        else:
            assert now == original  # every loser still has exactly what they had
    in_target = await stores[0].list_appointments(start=target, end=target + SLOT)
    assert [a.id for a in in_target] == [winner.id]
    assert elapsed < ROUND_LIMIT_S


# --- providers: the same race, per provider ---


async def test_racing_for_one_providers_slot_exactly_one_wins(stores: list[Store]) -> None:
    patel = await stores[0].save_provider("Dr. Patel")
    phones = [f"+1555500{i:04d}" for i in range(30)]
    for phone in phones:
        await stores[0].upsert_patient(phone)

    results, elapsed = await timed_gather(
        [
            stores[i % len(stores)].book(p, T0, T0 + SLOT, provider_id=patel.id)
            for i, p in enumerate(phones)
        ]
    )

    assert unexpected(results, BookingResult, SlotTaken) == []
    wins = [r for r in results if isinstance(r, BookingResult)]
    assert len(wins) == 1 and wins[0].appointment.provider_id == patel.id
    booked = await stores[0].list_appointments()
    assert [a.id for a in booked] == [wins[0].appointment.id]
    assert elapsed < ROUND_LIMIT_S


async def test_the_same_slot_with_two_providers_both_win(stores: list[Store]) -> None:
    patel = await stores[0].save_provider("Dr. Patel")
    kim = await stores[0].save_provider("Dr. Kim")
    phones = [f"+1555600{i:04d}" for i in range(30)]
    for phone in phones:
        await stores[0].upsert_patient(phone)
    providers = [patel.id if i % 2 else kim.id for i in range(len(phones))]

    results, elapsed = await timed_gather(
        [
            stores[i % len(stores)].book(p, T0, T0 + SLOT, provider_id=who)
            for i, (p, who) in enumerate(zip(phones, providers, strict=True))
        ]
    )

    assert unexpected(results, BookingResult, SlotTaken) == []
    wins = [r for r in results if isinstance(r, BookingResult)]
    assert len(wins) == 2
    assert {w.appointment.provider_id for w in wins} == {patel.id, kim.id}
    assert len(await stores[0].list_appointments()) == 2
    assert elapsed < ROUND_LIMIT_S


async def test_a_closure_racing_bookings_leaves_none_inside_it_unlisted(
    stores: list[Store],
) -> None:
    """Staff close the hour while callers book it: every booking that got in is one the
    closure reports as affected; none is written after the closure."""
    phones = [f"+1555700{i:04d}" for i in range(10)]
    for phone in phones:
        await stores[0].upsert_patient(phone)
    starts = [T0 + (i % 2) * SLOT for i in range(len(phones))]
    calls: list[Awaitable[Any]] = [
        stores[i % len(stores)].book(p, s, s + SLOT)
        for i, (p, s) in enumerate(zip(phones, starts, strict=True))
    ]
    calls.insert(5, stores[-1].add_closure(T0, T0 + 2 * SLOT, "Burst pipe"))

    results, elapsed = await timed_gather(calls)

    closure = results.pop(5)
    assert unexpected(results, BookingResult, SlotTaken, ClinicClosed) == []
    wins = {r.appointment.id for r in results if isinstance(r, BookingResult)}
    assert {a.id for a in closure.affected} == wins
    assert {a.id for a in await stores[0].list_appointments()} == wins
    assert elapsed < ROUND_LIMIT_S


# --- what the racing callers hear ---


async def test_thirty_callers_one_time_one_booking_and_29_hear_the_nearest_openings(
    stores: list[Store], tmp_path: Path
) -> None:
    """Through the booking tool, as the agent books: the store lets one caller have 10:00; every
    other caller is told it is taken and offered the free times nearest to it."""
    settings = Settings(_env_file=None, default_timezone="America/New_York")
    clock = FixedClock(T0 - dt.timedelta(days=3))  # the Friday before
    contexts = [ClinicContext(store=s, settings=settings, clock=clock) for s in stores]
    phones = [f"+1555800{i:04d}" for i in range(30)]
    for phone in phones:
        await stores[0].upsert_patient(phone, "Pat Racer")
    wanted = T0.isoformat()

    results, elapsed = await timed_gather(
        [book_appointment(contexts[i % len(contexts)], p, wanted) for i, p in enumerate(phones)]
    )

    assert unexpected(results, ToolResult, SlotTaken) == []
    wins = [r for r in results if isinstance(r, ToolResult)]
    assert len(wins) == 1 and wins[0].data["created"] is True
    booked = await stores[0].list_appointments(status=None)
    assert len(booked) == 1 and booked[0].start_time == T0
    refused = [r for r in results if isinstance(r, SlotTaken)]
    assert len(refused) == 29
    for refusal in refused:
        starts = {a["start"] for a in refusal.alternatives}
        # the free half hours either side of 10:00, and one an hour away (opening is 9:00)
        assert (
            len(starts) == 3 and {"2030-01-07T09:30:00-05:00", "2030-01-07T10:30:00-05:00"} < starts
        )
        assert starts - {"2030-01-07T09:30:00-05:00", "2030-01-07T10:30:00-05:00"} <= {
            "2030-01-07T09:00:00-05:00",
            "2030-01-07T11:00:00-05:00",
        }
        assert "The nearest openings are" in str(refusal)
    assert elapsed < ROUND_LIMIT_S
