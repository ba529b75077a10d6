"""One booking worked out before anything is written: which visit, with whom, when, and for how
long; shared by the booking tool and Aida's read-back, so what is read back is what gets
booked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aida.calendar.catalog import Catalog, Choice
from aida.calendar.search import admitting, refuse_if_closed
from aida.store.models import Appointment, Provider
from aida.tools.base import ClinicContext


@dataclass(frozen=True)
class Plan:
    choice: Choice
    start: dt.datetime  # aware UTC
    # Who could take it by their hours, in order of preference, each with the visit's end.
    options: tuple[tuple[Provider | None, dt.datetime], ...]

    @property
    def end(self) -> dt.datetime:
        return self.options[0][1]

    @property
    def visit_type_id(self) -> str | None:
        return self.choice.visit_type.id if self.choice.visit_type else None

    def what(self, provider: Provider | None = None) -> str:
        """ "a physical with Dr. Patel", or "" for a clinic that books plain slots."""
        return self.choice.spoken(provider)


async def plan_booking(
    ctx: ClinicContext, start: dt.datetime, visit_type: str | None, provider: str | None
) -> Plan:
    """The caller's words for the visit and the provider resolved (asking which visit type when
    it matters), the time checked against their hours and the clinic's closures."""
    choice = (await Catalog.load(ctx.store)).choose(visit_type, provider)
    return await _plan(ctx, start, choice)


async def plan_move(ctx: ClinicContext, appt: Appointment, start: dt.datetime) -> Plan:
    """A move keeps the appointment's provider and visit type (so its length too)."""
    catalog = await Catalog.load(ctx.store)
    kind = next((t for t in catalog.visit_types if t.id == appt.visit_type_id), None)
    who = next((p for p in catalog.providers if p.id == appt.provider_id), None)
    choice = Choice(kind, (who,) if who else (), named=who is not None)
    return await _plan(ctx, start, choice)


async def _plan(ctx: ClinicContext, start: dt.datetime, choice: Choice) -> Plan:
    fits = admitting(ctx, start, choice)
    begins = fits[0][1]
    await refuse_if_closed(ctx, begins, max(end for _, _, end in fits), choice)
    return Plan(choice, begins, tuple((p, end) for p, b, end in fits if b == begins))
