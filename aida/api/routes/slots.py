"""GET /api/slots: free appointment slots over a window, in the clinic's timezone, paginated.

The window is either `from`/`to` (ISO dates or datetimes; a date-only `to` includes that day) or
`when` in words ("next week", "tomorrow afternoon", "March 9"), resolved exactly as Aida resolves
what a caller says. Neither: the coming week. The window is clipped to [now, booking horizon].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query

from aida.api.deps import ClockDep, HoursDep, StoreDep
from aida.api.errors import validation_error
from aida.api.schemas import ErrorBody, SlotOut, SlotsPage, SlotWindow, ValidationErrorBody
from aida.scheduling.dates import Resolution, resolve_when
from aida.scheduling.hours import ClinicHours
from aida.scheduling.slots import Slot, free_slots
from aida.scheduling.speech import spoken_datetime

# The window bounds several routes take: `from` and `to`, ISO dates or datetimes.
WindowStart = Annotated[
    str | None,
    Query(
        alias="from",
        max_length=40,
        description="Window start (ISO date or datetime).",
        examples=["2026-03-09"],
    ),
]
WindowEnd = Annotated[
    str | None,
    Query(
        alias="to",
        max_length=40,
        description="Window end; a date includes that day.",
        examples=["2026-03-13"],
    ),
]

router = APIRouter(tags=["slots"])

DEFAULT_SPAN = dt.timedelta(days=7)
ISO_HINT = "Use an ISO 8601 date or datetime, e.g. 2026-03-09 or 2026-03-09T09:00:00-05:00."


def parse_bound(raw: str, name: str, tz: dt.tzinfo, *, end: bool) -> dt.datetime:
    """An ISO date or datetime as an aware datetime; naive values are clinic-local.

    A bare date means the start of that day for `from` and the end of it for `to`.
    """
    text = raw.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            if not 1900 <= day.year <= 2999:
                raise ValueError
            start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
            return start + dt.timedelta(days=1) if end else start
        when = dt.datetime.fromisoformat(text)
        if not 1900 <= when.year <= 2999:
            raise ValueError
    except ValueError:
        raise validation_error(
            ("query", name), f"'{raw[:40]}' is not a date or datetime. {ISO_HINT}", raw
        ) from None
    return when.replace(tzinfo=tz) if when.tzinfo is None else when


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime
    description: str
    # "next week in the morning": only slots this admits are listed.
    resolution: Resolution | None = None

    def admits(self, slot: Slot) -> bool:
        return self.resolution is None or self.resolution.admits(slot.start)


def window_for(
    hours: ClinicHours,
    now: dt.datetime,
    start: str | None,
    end: str | None,
    when: str | None,
) -> Window:
    tz = hours.tz
    if when is not None and when.strip():
        if start or end:
            raise validation_error(
                ("query", "when"), "Give either 'when' or 'from'/'to', not both.", when
            )
        r = resolve_when(when, now, hours)
        hi = r.start + hours.slot_length if r.kind == "exact" else r.end
        return Window(r.start, hi, r.description, r if r.kind == "window" else None)
    lo = parse_bound(start, "from", tz, end=False) if start else now
    hi = parse_bound(end, "to", tz, end=True) if end else lo + DEFAULT_SPAN
    if hi <= lo:
        raise validation_error(("query", "to"), "'to' must be later than 'from'.", end)
    if not start and not end:
        return Window(lo, hi, "in the coming week")
    return Window(lo, hi, "in the requested window")


@router.get(
    "/slots",
    response_model=SlotsPage,
    summary="Free appointment slots",
    description="Public. Free slots over a window given as ISO `from`/`to` or in words via "
    "`when`; times carry the clinic's UTC offset and a spoken form.",
    responses={
        422: {"model": ValidationErrorBody, "description": "Bad window, or 'when' not understood."},
        503: {"model": ErrorBody, "description": "The store cannot be reached."},
    },
)
async def list_slots(
    store: StoreDep,
    clock: ClockDep,
    hours: HoursDep,
    start: WindowStart = None,
    end: WindowEnd = None,
    when: Annotated[
        str | None,
        Query(max_length=120, description="The window in words.", examples=["next week"]),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> SlotsPage:
    now = clock.now()
    tz = hours.tz
    window = window_for(hours, now, start, end, when)
    # Nothing past the horizon is bookable: do not ask the store about it.
    horizon = now + dt.timedelta(days=hours.horizon_days + 2)
    query_lo, query_hi = max(window.start, now), min(window.end, horizon)
    slots: list[Slot] = []
    if query_lo < query_hi:
        booked = await store.list_appointments(start=query_lo, end=query_hi, status="booked")
        busy = [(a.start_time, a.end_time) for a in booked]
        slots = [s for s in free_slots(hours, query_lo, query_hi, busy, now) if window.admits(s)]
    page = slots[offset : offset + limit]
    return SlotsPage(
        timezone=str(tz),
        window=SlotWindow(
            start=window.start.astimezone(tz),
            end=window.end.astimezone(tz),
            description=window.description,
        ),
        items=[
            SlotOut(
                start=s.start.astimezone(tz),
                end=s.end.astimezone(tz),
                spoken=spoken_datetime(s.start, tz),
            )
            for s in page
        ],
        total=len(slots),
        limit=limit,
        offset=offset,
        next_offset=offset + limit if offset + limit < len(slots) else None,
    )
