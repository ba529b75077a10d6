"""One pass of reminder calls: `aida reminders run` (cron), or the worker's periodic task.

Calls are placed one after another (each rings for up to RING_SECONDS): a clinic's day of
reminders is a few dozen calls, and one line at a time never floods the trunk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aida.config import Settings
from aida.outbound.dialer import OutboundCall, place_call
from aida.outbound.select import due_reminders, in_call_hours
from aida.scheduling.clock import Clock, SystemClock
from aida.store.protocol import Store

logger = logging.getLogger("aida.outbound")


@dataclass
class PassReport:
    """What one pass did, in counts (no patient data: it is printed and logged)."""

    in_call_hours: bool
    due: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "in_call_hours": self.in_call_hours,
            "due": self.due,
            "placed": self.outcomes,
            "skipped": self.skipped,
        }


async def run_reminders(
    store: Store, settings: Settings, clock: Clock | None = None, *, dry_run: bool = False
) -> PassReport:
    clock = clock or SystemClock()
    selection = await due_reminders(store, settings, clock.now())
    report = PassReport(
        in_call_hours=selection.in_call_hours, due=len(selection.due), skipped=selection.skipped
    )
    if dry_run:
        return report
    for due in selection.due:
        # call hours are checked again before each call: a long pass may run past their end
        if not in_call_hours(settings, clock.now()):
            report.skipped["call_hours_ended"] = report.skipped.get("call_hours_ended", 0) + 1
            continue
        call = OutboundCall(
            purpose="reminder",
            phone=due.appointment.user_phone,
            appointment_id=due.appointment.id,
        )
        attempt = await place_call(call, store=store, settings=settings, clock=clock)
        report.outcomes[attempt.outcome] = report.outcomes.get(attempt.outcome, 0) + 1
    logger.info("reminder pass: %s", report.as_dict())
    return report
