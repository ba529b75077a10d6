"""Free times per provider, around closures: the search every tool and the slots API share.

Each candidate provider (or the shared calendar) has its own grid (`Choice.grids`) and its own
bookings; closures are busy time for everyone. A time is offered when anyone who could take it
is free, and the slot remembers who (`Slot.provider_id`), so booking it goes to them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from aida.calendar.catalog import Catalog, Choice
from aida.calendar.closures import covering, spoken_closure
from aida.errors import ClinicClosed, InvalidRequest
from aida.scheduling.hours import ClinicHours, days_text
from aida.scheduling.slots import Slot, free_slots, nearest_free
from aida.scheduling.speech import clock_time, local_iso, spoken_datetime, spoken_starts
from aida.scheduling.working_hours import parse_hours
from aida.store.models import Appointment, Closure, Provider
from aida.store.rows import MAX_VISIT_MINUTES
from aida.tools.base import ClinicContext

# How far around a wanted time bookings are read when looking for alternatives.
ALTERNATIVES_SPAN = dt.timedelta(days=14)
Busy = list[tuple[dt.datetime, dt.datetime]]


async def default_choice(ctx: ClinicContext) -> Choice:
    """What a search means when nobody said which visit or provider: everyone, one slot long."""
    return (await Catalog.load(ctx.store)).choose(ask=False)


async def upcoming_closures(ctx: ClinicContext) -> list[Closure]:
    """Every closure from now to the booking horizon (a clinic has a handful)."""
    now = ctx.now()
    return await ctx.store.list_closures(
        start=now, end=now + dt.timedelta(days=ctx.clinic_hours.horizon_days + 2)
    )


async def busy_appointments(
    ctx: ClinicContext, start: dt.datetime, end: dt.datetime
) -> list[Appointment]:
    """What takes time in [start, end): the bookings, and the waitlist's holds not lapsed by now
    (the store refuses both alike, so neither is offered)."""
    booked = await ctx.store.list_appointments(start=start, end=end, status="booked")
    if not getattr(ctx.store, "holds_slots", True):  # an EHR's calendar: no holds to read
        return booked
    now = ctx.now()
    held = [
        a
        for a in await ctx.store.list_appointments(start=start, end=end, status="held")
        if a.hold_expires_at is None or a.hold_expires_at > now
    ]
    return booked + held


async def free_for(
    ctx: ClinicContext,
    start: dt.datetime,
    end: dt.datetime,
    choice: Choice | None = None,
    *,
    moving: str | None = None,
) -> list[Slot]:
    """Every free, bookable start in [start, end) for `choice`, in order, one per time.
    `moving`: an appointment being moved, whose own time does not count as busy (a 60-minute
    visit may move half an hour later, as the store allows)."""
    # A visit that starts just before `end` runs past it: read what the longest could clash with.
    reach = end + dt.timedelta(minutes=MAX_VISIT_MINUTES)
    appts = await busy_appointments(ctx, start, reach)
    choice = choice or await default_choice(ctx)
    grids = choice.grids(ctx.clinic_hours)
    closed = _intervals(await ctx.store.list_closures(start=start, end=reach))
    published = await ctx.store.published_openings(start, reach, _ids(grids))
    found: dict[dt.datetime, Slot] = {}
    for provider, grid in grids:
        pid = provider.id if provider else None
        busy = [
            (a.start_time, a.end_time) for a in appts if a.provider_id == pid and a.id != moving
        ] + closed
        if pid in published:
            busy += _outside(published[pid])
        for slot in free_slots(grid, start, end, busy, ctx.now()):
            found.setdefault(slot.start, dataclasses.replace(slot, provider_id=pid))
    return [found[k] for k in sorted(found)]


async def nearest_for(
    ctx: ClinicContext, target: dt.datetime, n: int = 3, choice: Choice | None = None
) -> list[Slot]:
    """The `n` free times nearest `target` for `choice` (whoever is free), nearest first."""
    appts = await busy_appointments(ctx, target - ALTERNATIVES_SPAN, target + ALTERNATIVES_SPAN)
    choice = choice or await default_choice(ctx)
    closed = _intervals(await upcoming_closures(ctx))
    grids = choice.grids(ctx.clinic_hours)
    published = await ctx.store.published_openings(
        target - ALTERNATIVES_SPAN, target + ALTERNATIVES_SPAN, _ids(grids)
    )
    found: dict[dt.datetime, Slot] = {}
    for provider, grid in grids:
        pid = provider.id if provider else None
        busy = [(a.start_time, a.end_time) for a in appts if a.provider_id == pid] + closed
        if pid in published:
            busy += _outside(published[pid])
        for slot in nearest_free(grid, target, busy, ctx.now(), n=n):
            found.setdefault(slot.start, dataclasses.replace(slot, provider_id=pid))
    return sorted(found.values(), key=lambda s: (abs(s.start - target), s.start))[:n]


def admitting(
    ctx: ClinicContext, start: dt.datetime, choice: Choice
) -> list[tuple[Provider | None, dt.datetime, dt.datetime]]:
    """Who could see the caller at `start` by their hours (not yet whether they are free), with
    the visit's [start, end). None of them: the reason, as a sentence (`InvalidRequest`)."""
    now = ctx.now()
    fits: list[tuple[Provider | None, dt.datetime, dt.datetime]] = []
    first_error: InvalidRequest | None = None
    for provider, grid in choice.grids(ctx.clinic_hours):
        try:
            begins, end = grid.check_bookable(start, now)
        except InvalidRequest as exc:
            specific = choice.named or len(choice.providers) == 1
            first_error = first_error or _about(provider, grid, exc, specific=specific)
            continue
        fits.append((provider, begins, end))
    if not fits:
        assert first_error is not None
        raise first_error
    return fits


async def refuse_if_closed(
    ctx: ClinicContext, start: dt.datetime, end: dt.datetime, choice: Choice | None = None
) -> None:
    """A time inside a closure: `ClinicClosed` saying why, with the nearest openings. The store
    refuses it anyway (a trigger); this is what lets Aida say the reason and what else works."""
    closure = covering(await ctx.store.list_closures(start=start, end=end), start, end)
    if closure is None:
        return
    tz = ctx.clinic_hours.tz
    # In time order, as a taken slot's alternatives are, so each day is said once.
    near = sorted(await nearest_for(ctx, start, 3, choice), key=lambda s: s.start)
    openings = [slot_view(ctx, s) for s in near]
    message = f"We're closed {spoken_closure(closure, tz)}."
    if near:
        message += f" The nearest openings are {spoken_starts([s.start for s in near], tz)}."
    raise ClinicClosed(
        message, reason="closure", closure_reason=closure.reason, alternatives=openings
    )


def slot_view(ctx: ClinicContext, slot: Slot) -> dict[str, str]:
    tz = ctx.clinic_hours.tz
    return {
        "start": local_iso(slot.start, tz),
        "end": local_iso(slot.end, tz),
        "spoken": spoken_datetime(slot.start, tz),
    }


def _intervals(closures: list[Closure]) -> Busy:
    return [(c.start_time, c.end_time) for c in closures]


def _ids(grids: list[tuple[Provider | None, ClinicHours]]) -> list[str | None]:
    return [provider.id if provider else None for provider, _ in grids]


# Where a calendar publishes its openings (an EHR's free Slots), every other time is busy: the
# hours still say what is bookable (horizon, grid, lead time), the Slots say what is open.
_EVER = (
    dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2200, 1, 1, tzinfo=dt.UTC),
)


def _outside(openings: list[tuple[dt.datetime, dt.datetime]]) -> Busy:
    """The complement of `openings`: adjacent ones join, so a visit may span two Slots."""
    busy: Busy = []
    at = _EVER[0]
    for begins, ends in sorted(openings):
        if begins > at:
            busy.append((at, begins))
        at = max(at, ends)
    busy.append((at, _EVER[1]))
    return busy


def _about(
    provider: Provider | None, grid: ClinicHours, exc: InvalidRequest, *, specific: bool
) -> InvalidRequest:
    """The grid's refusal, said of the provider when it is their hours, not the clinic's (with
    several providers unnamed, the clinic's own sentence is the true one)."""
    reason = exc.details.get("reason")
    if (
        not specific
        or provider is None
        or not provider.hours
        or reason not in ("closed_day", "outside_hours")
    ):
        return exc
    hours = parse_hours(provider.hours)
    span = f"{clock_time(hours.open)} to {clock_time(hours.close)}"
    if reason == "outside_hours":
        return InvalidRequest(
            f"That's outside {provider.name}'s hours, {span}, and the last appointment "
            f"starts at {clock_time(grid.last_start)}.",
            reason=reason,
            last_start=exc.details.get("last_start"),
        )
    return InvalidRequest(
        f"{provider.name} sees patients {days_text(hours.weekdays)}, {span}.", reason=reason
    )
