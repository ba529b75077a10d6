"""Which appointments get a reminder call, and one pass of `aida reminders run`: never outside
REMINDER_CALL_HOURS in the clinic's timezone, at most REMINDER_MAX_ATTEMPTS per appointment
(a busy line is retried on a later pass), never to a patient who opted out, and nothing after
an appointment is confirmed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from livekit import api

from aida.cli import main
from aida.config import Settings
from aida.outbound import outcomes
from aida.outbound.consent import record_opt_out
from aida.outbound.reminders import run_reminders
from aida.outbound.select import due_reminders, in_call_hours
from aida.scheduling.clock import FixedClock
from aida.store.models import OutboundAttempt
from aida.store.protocol import Store
from tests.agent.fake_livekit import FakeLiveKit
from tests.outbound.conftest import NOW, TZ, book, local

DIAL = "livekit.SIP/CreateSIPParticipant"
BUSY = {"code": "unavailable", "msg": "busy", "meta": {"sip_status_code": "486"}}
MARY = "+12025550188"


def test_call_hours_are_the_clinics_local_hours(settings: Settings) -> None:
    assert settings.reminder_call_window == (dt.time(9), dt.time(19))
    assert settings.reminder_window == (dt.timedelta(hours=24), dt.timedelta(hours=48))
    assert not in_call_hours(settings, dt.datetime(2026, 3, 2, 8, 59, tzinfo=TZ))
    assert in_call_hours(settings, dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ))
    assert in_call_hours(settings, dt.datetime(2026, 3, 2, 18, 59, tzinfo=TZ))
    assert not in_call_hours(settings, dt.datetime(2026, 3, 2, 19, 0, tzinfo=TZ))
    # 23:30 UTC is 6:30 PM in New York: inside; 00:30 UTC the next day is 7:30 PM: outside
    assert in_call_hours(settings, dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC))
    assert not in_call_hours(settings, dt.datetime(2026, 3, 3, 0, 30, tzinfo=dt.UTC))


@pytest.mark.parametrize("bad", ["48-24", "24", "a-b", "-1-5"])
def test_reminder_hours_are_checked(bad: str) -> None:
    with pytest.raises(ValueError, match="REMINDER_HOURS"):
        Settings(_env_file=None, reminder_hours=bad)  # type: ignore[call-arg]


def test_call_hours_are_checked() -> None:
    with pytest.raises(ValueError, match="REMINDER_CALL_HOURS"):
        Settings(_env_file=None, reminder_call_hours="19:00-09:00")  # type: ignore[call-arg]


async def test_only_appointments_in_the_window(
    settings: Settings, store: Store, clock: FixedClock, jane: str
) -> None:
    tomorrow = await book(store, jane, local(3, 14))  # 28 h ahead
    await book(store, jane, local(2, 15))  # today: too soon
    await book(store, jane, local(5, 11))  # 73 h ahead: too far
    selection = await due_reminders(store, settings, clock.now())
    assert [d.appointment.id for d in selection.due] == [tomorrow]


async def test_no_reminder_outside_call_hours(
    settings: Settings, store: Store, livekit: FakeLiveKit, jane: str
) -> None:
    await book(store, jane, local(3, 14))
    for hour in (7, 8, 19, 22):
        early = FixedClock(NOW.replace(hour=hour))
        report = await run_reminders(store, settings, early)
        assert report.in_call_hours is False and report.due == 0
    assert livekit.requests == []
    assert await store.list_outbound_calls() == []


async def test_max_attempts_respected_with_retries_spaced(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    appointment = await book(store, jane, local(3, 14))
    livekit.answer(DIAL, status=503, error=BUSY)
    first = await run_reminders(store, settings, clock)
    assert first.outcomes == {outcomes.BUSY: 1}
    # the same hour: too soon to call again
    clock.advance(dt.timedelta(minutes=30))
    assert (await run_reminders(store, settings, clock)).skipped == {"too_soon": 1}
    clock.advance(dt.timedelta(minutes=31))
    assert (await run_reminders(store, settings, clock)).outcomes == {outcomes.BUSY: 1}
    # REMINDER_MAX_ATTEMPTS (2) reached: no third call (still in the window, past the wait)
    clock.advance(dt.timedelta(hours=2))
    third = await run_reminders(store, settings, clock)
    assert third.skipped == {"max_attempts": 1} and third.outcomes == {}
    assert len(livekit.seen(DIAL)) == 2
    rows = await store.list_outbound_calls(appointment_id=appointment)
    assert [r.outcome for r in rows] == ["busy", "busy"]


async def test_opted_out_never_called(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    await store.upsert_patient(MARY, "Mary Doe")
    await book(store, jane, local(3, 14))
    mary = await book(store, MARY, local(3, 15))
    await record_opt_out(store, jane, clock.now())
    report = await run_reminders(store, settings, clock)
    assert report.skipped == {"opted_out": 1} and report.outcomes == {outcomes.ANSWERED: 1}
    assert [r.message.sip_call_to for r in livekit.seen(DIAL)] == [MARY]
    assert [r.appointment_id for r in await store.list_outbound_calls()] == [mary]


async def test_confirmed_or_voicemail_ends_the_reminders(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    confirmed = await book(store, jane, local(3, 14))
    voicemail = await book(store, jane, local(3, 16))
    for appointment, outcome in ((confirmed, "confirmed"), (voicemail, "voicemail")):
        await store.save_outbound_call(
            OutboundAttempt(
                purpose="reminder",
                phone=jane,
                appointment_id=appointment,
                outcome=outcome,
                started_at=clock.now() - dt.timedelta(hours=5),
            )
        )
    report = await run_reminders(store, settings, clock)
    assert report.skipped == {"done": 2} and livekit.requests == []


async def test_a_cancelled_appointment_and_an_unknown_patient_are_not_called(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    appointment = await book(store, jane, local(3, 14))
    await store.cancel(appointment, jane)
    assert (await due_reminders(store, settings, clock.now())).due == []


def test_cli_dry_run_prints_counts_only(
    settings: Settings, jane: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("SIP_OUTBOUND_TRUNK_ID", "")
    from aida.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(["reminders", "run", "--dry-run"]) == 0
    finally:
        get_settings.cache_clear()
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"due", "in_call_hours", "placed", "skipped"}
    assert printed["placed"] == {}


async def test_answered_reminders_carry_the_appointment(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    appointment = await book(store, jane, local(3, 14))
    livekit.answer(DIAL, api.SIPParticipantInfo(participant_id="PA_1"))
    report = await run_reminders(store, settings, clock)
    assert report.as_dict() == {
        "in_call_hours": True,
        "due": 1,
        "placed": {"answered": 1},
        "skipped": {},
    }
    dispatch = livekit.seen("livekit.AgentDispatchService/CreateDispatch")[0].message
    assert json.loads(dispatch.metadata)["appointment_id"] == appointment


async def test_without_a_trunk_a_pass_counts_no_attempt(
    settings: Settings, store: Store, clock: FixedClock, livekit: FakeLiveKit, jane: str
) -> None:
    await book(store, jane, local(3, 14))
    bare = settings.model_copy(update={"sip_outbound_trunk_id": None})
    for _ in range(3):
        report = await run_reminders(store, bare, clock)
        assert report.outcomes == {outcomes.NOT_CONFIGURED: 1}
    # once the trunk is configured the appointment is still due: nothing was dialled before
    assert (await due_reminders(store, settings, clock.now())).due
    assert livekit.requests == []
