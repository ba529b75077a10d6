"""The store's identity guard on SQLite, a real PostgreSQL and Supabase over PostgREST on that
PostgreSQL: an identity attempt is reserved and counted in one step (parallel attempts are
counted one after another), pending registrations, and call records that create no patient."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest

from aida.errors import InvalidRequest, PatientNotFound
from aida.store.models import CallSummary
from aida.store.protocol import Store

UTC = dt.UTC
T0 = dt.datetime(2030, 1, 7, 15, 0, tzinfo=UTC)
ANN, BOB = "+15550000001", "+15550000002"
WINDOW = dt.timedelta(minutes=60)


async def test_parallel_attempts_are_counted_one_after_another(store: Store) -> None:
    """The race of issue 20: 40 attempts at once on one file. Each sees the failures of those
    counted before it, so exactly one sees each count, and a limit of 3 lets 3 through."""
    keys = [ANN, "ip:attacker"]

    async def one(n: int) -> int:
        counts = await store.reserve_identity_attempt(
            f"attempt-{n}", keys, T0, T0 - WINDOW, weight=1
        )
        by = {c.subject: c.failures for c in counts}
        assert by[ANN] == by["ip:attacker"]
        return by[ANN]

    seen = await asyncio.gather(*(one(n) for n in range(40)))
    assert sorted(seen) == list(range(40))
    assert sum(1 for s in seen if s < 3) == 3
    assert await store.count_identity_failures(ANN, T0 - WINDOW) == 40


async def test_weights_windows_and_release(store: Store) -> None:
    first = await store.reserve_identity_attempt("a1", [ANN], T0, T0 - WINDOW, weight=365)
    assert [(c.subject, c.failures, c.last_failed_at) for c in first] == [(ANN, 0, None)]
    later = T0 + dt.timedelta(minutes=5)
    second = await store.reserve_identity_attempt("a2", [ANN, BOB], later, later - WINDOW)
    by = {c.subject: c for c in second}
    assert by[ANN].failures == 365 and by[ANN].last_failed_at == T0
    assert by[BOB].failures == 0
    await store.release_identity_attempt("a2")  # it succeeded: no failure of anybody's
    assert await store.count_identity_failures(ANN, T0 - WINDOW) == 365
    assert await store.count_identity_failures(BOB, T0 - WINDOW) == 0
    # outside the window, nothing counts
    assert await store.count_identity_failures(ANN, T0 + dt.timedelta(seconds=1)) == 0
    with pytest.raises(InvalidRequest):
        await store.reserve_identity_attempt("a3", [], T0, T0 - WINDOW)
    with pytest.raises(InvalidRequest):
        await store.reserve_identity_attempt("a3", [ANN], T0, T0 - WINDOW, weight=0)


async def test_a_pending_registration_takes_only_a_free_number(store: Store) -> None:
    results = await asyncio.gather(
        *(
            store.register_pending_patient(ANN, f"Caller {n}", dt.date(1990, 1, n + 1))
            for n in range(8)
        )
    )
    created = [r for r in results if r is not None]
    assert len(created) == 1 and created[0].registration_pending
    assert await store.register_pending_patient(ANN, "Eve Mallory", dt.date(1990, 1, 1)) is None
    await store.upsert_patient(BOB)  # any row is on file, even a nameless one
    assert await store.register_pending_patient(BOB, "Eve Mallory", dt.date(1990, 1, 1)) is None
    bob = await store.get_patient(BOB)
    assert bob is not None and bob.name is None and not bob.registration_pending
    assert [p.phone for p in await store.list_pending_patients()] == [ANN]
    confirmed = await store.confirm_patient(ANN)
    assert not confirmed.registration_pending and confirmed.name == created[0].name
    assert await store.list_pending_patients() == []
    with pytest.raises(PatientNotFound):
        await store.confirm_patient("+15550000009")


async def test_a_call_record_never_creates_a_patient(store: Store) -> None:
    unknown = CallSummary(id=str(uuid.uuid4()), user_phone=ANN, caller_verified=False)
    await store.save_call_summary(unknown)
    assert await store.get_patient(ANN) is None
    kept = await store.get_call_summary(unknown.id)
    assert kept is not None and (kept.user_phone, kept.presented_phone) == (None, ANN)
    assert kept.caller_verified is False
    await store.upsert_patient(BOB, "Bob Roy", dt.date(1970, 1, 1))
    proven = CallSummary(
        id=str(uuid.uuid4()), user_phone=BOB, presented_phone=BOB, caller_verified=True
    )
    await store.save_call_summary(proven)
    again = await store.get_call_summary(proven.id)
    assert again is not None and again.user_phone == BOB and again.caller_verified is True


# --- where patient data must not leak: file modes, error messages ---


async def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from aida.store.sqlite import SqliteStore

    path = tmp_path / "private.db"
    store = SqliteStore(path)
    try:
        await store.migrate()
        await store.upsert_patient(ANN, "Ann Lee", dt.date(1980, 4, 2))
        for file in [path, *tmp_path.glob("private.db-*")]:
            assert file.stat().st_mode & 0o777 == 0o600, file.name
    finally:
        await store.close()


@pytest.mark.postgres
async def test_postgres_errors_carry_no_bound_parameters(pg_store) -> None:  # type: ignore[no-untyped-def]
    """A failing statement's error (what an ERROR log line would print) names no phone."""
    with pytest.raises(Exception) as caught:
        await pg_store._rows("select cast(:phone as integer)", {"phone": ANN})
    import traceback

    printed = "".join(traceback.format_exception(caught.value))  # what logger.exception writes
    assert ANN not in printed and "cast($1 as integer)" in printed
