"""The call state a scenario starts with, shared by the voice and the text simulations: the caller
ID as the worker would have it (SIP caller ID, a web session's claimed phone, or nothing) and the
caller `initial_caller` makes of it, so both modes put Aida in exactly the worker's position."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aida.agent.dialogue.route import load_profile
from aida.agent.identity import NO_CALLER_ID, CallerId
from aida.agent.session import initial_caller
from aida.agent.state import CallState
from aida.agent.timeline import Timeline
from aida.calls.deliver import default_store_factory
from aida.calls.finalize import CallEndHook, call_end_hook
from aida.config import Settings
from aida.outbound.call import OutboundJob
from aida.simulate.scenario import Scenario
from aida.store.protocol import Store
from aida.tools.base import ClinicContext

if TYPE_CHECKING:
    from aida.calls.deliver import Models


class ScenarioClock:
    """The scenario's "now", moving forward with real time from the start of the call."""

    def __init__(self, at: dt.datetime) -> None:
        self._at = at
        self._started = time.monotonic()

    def now(self) -> dt.datetime:
        return self._at + dt.timedelta(seconds=time.monotonic() - self._started)


def caller_id_of(scenario: Scenario) -> CallerId:
    phone = scenario.presented_phone
    if phone is None:
        return NO_CALLER_ID
    return CallerId(phone=phone, source="sip" if scenario.caller_id_source == "sip" else "token")


async def new_call_state(scenario: Scenario, tools: ClinicContext, *, mode: str) -> CallState:
    caller_id = caller_id_of(scenario)
    call_id = str(uuid.uuid4())
    state = CallState(
        call_id=call_id,
        tools=tools,
        timeline=Timeline(call_id),
        caller_id=caller_id,
        room_name=f"simulation-{mode}-{scenario.name}",
    )
    state.caller = await initial_caller(tools, caller_id)
    await load_profile(state)  # as the worker does (aida.agent.session)
    return state


async def outbound_job_for(scenario: Scenario, store: Store) -> OutboundJob | None:
    """An outbound scenario's job, as the dialer's dispatch metadata would give it (a fresh
    attempt; a reminder about the caller's earliest seeded appointment); None inbound."""
    if scenario.direction != "outbound" or scenario.caller is None:
        return None
    appointment_id = None
    refs: dict[str, Any] = {}
    if scenario.purpose == "reminder":
        mine = await store.list_appointments(phone=scenario.caller, status="booked")
        appointment_id = mine[0].id if mine else None
    if scenario.purpose == "waitlist_offer":
        # the offer the seeded cancellation made to the caller, as aida.waitlist.calls dials it
        entries = {e.id for e in await store.list_waitlist(phone=scenario.caller)}
        offers = [
            o for o in await store.list_waitlist_offers(status="offered") if o.entry_id in entries
        ]
        if offers:
            appointment_id = offers[-1].hold_id
            refs = {"waitlist_offer_id": offers[-1].id, "waitlist_entry_id": offers[-1].entry_id}
    return OutboundJob(
        purpose=scenario.purpose or "reminder",
        attempt_id=str(uuid.uuid4()),
        appointment_id=appointment_id,
        refs=refs,
    )


def outbound_hooks(state: CallState) -> list[CallEndHook]:
    """The worker's end hook of an outbound call (its attempt's outcome), first, when it is
    one."""
    if state.outbound is None:
        return []

    async def finish(call: Any) -> None:
        from aida.agent.outbound import finish_outbound

        await finish_outbound(call.state)

    return [finish]


def caller_line(scenario: Scenario) -> str:
    """How the call presents itself, for the printed transcript (no number: it is PHI)."""
    source = scenario.caller_id_source
    if scenario.direction == "outbound":
        return f"Aida calls the patient ({scenario.purpose})"
    if source == "sip":
        return "caller ID on the line"
    if source == "token":
        return "web session claiming a phone (a hint, not proof)"
    return "no caller ID"


def simulation_settings(scenario: Scenario, base: Settings, database: Path) -> Settings:
    """The scenario's clinic on its own SQLite file, with the outbox beside it: a record the
    database did not take is retried into that file, never into the configured one."""
    return scenario.settings(
        base, database_url=f"sqlite:///{database}", outbox_dir=database.parent / "outbox"
    )


def record_hook(settings: Settings, record_to: Settings | None, llms: Models) -> CallEndHook:
    """The worker's end-of-call hook for a simulated call. The record goes where `record_to`
    keeps call records (its database and outbox): `aida simulate` without `--db` passes the
    configured settings, so the call is on the dashboard; by default, the call's own database."""
    target = record_to or settings
    return call_end_hook(
        settings.model_copy(update={"outbox_dir": target.outbox_dir}),
        store_factory=default_store_factory(target),
        llms=llms,
    )
