"""GET /api/slots: free appointment slots over a window, in the clinic's timezone, paginated.

The window is either `from`/`to` (ISO dates or datetimes; a date-only `to` includes that day) or
`when` in words ("next week", "tomorrow afternoon", "March 9"), resolved exactly as Aida resolves
what a caller says. Neither: the coming week. The window is clipped to [now, booking horizon].
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from aida.api.deps import ClinicDep, HoursDep
from aida.api.errors import validation_error
from aida.api.params import WindowEnd, WindowStart, parse_bound
from aida.api.schemas import ErrorBody, SlotOut, SlotsPage, SlotWindow, ValidationErrorBody
from aida.calendar.catalog import Catalog
from aida.scheduling.hours import ClinicHours
from aida.scheduling.speech import spoken_datetime
from aida.tools.find_available_slots import DEFAULT_SPAN, Window, free_in_window, requested_window

router = APIRouter(tags=["slots"])


def window_for(
    hours: ClinicHours,
    now: dt.datetime,
    start: str | None,
    end: str | None,
    when: str | None,
) -> Window:
    if when is not None and when.strip():
        if start or end:
            raise validation_error(
                ("query", "when"), "Give either 'when' or 'from'/'to', not both.", when
            )
        return requested_window(when, now, hours)
    if not start and not end:
        return requested_window(None, now, hours)
    lo = parse_bound(start, "from", hours.tz, end=False) if start else now
    hi = parse_bound(end, "to", hours.tz, end=True) if end else lo + DEFAULT_SPAN
    if hi <= lo:
        raise validation_error(("query", "to"), "'to' must be later than 'from'.", end)
    return Window(lo, hi, "in the requested window")


@router.get(
    "/slots",
    response_model=SlotsPage,
    summary="Free appointment slots",
    description="Public. Free slots over a window given as ISO `from`/`to` or in words via "
    "`when`; times carry the clinic's UTC offset and a spoken form. Closures are never offered. "
    "With providers and visit types configured, `visit_type` and `provider` (in words) narrow "
    "the search to that visit's length and those providers.",
    responses={
        400: {"model": ErrorBody, "description": "Which visit type is meant is unclear."},
        422: {"model": ValidationErrorBody, "description": "Bad window, or 'when' not understood."},
        503: {"model": ErrorBody, "description": "The store cannot be reached."},
    },
)
async def list_slots(
    clinic: ClinicDep,
    hours: HoursDep,
    start: WindowStart = None,
    end: WindowEnd = None,
    when: Annotated[
        str | None,
        Query(max_length=120, description="The window in words.", examples=["next week"]),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    visit_type: Annotated[
        str | None,
        Query(
            max_length=80, description="A configured visit type, in words.", examples=["physical"]
        ),
    ] = None,
    provider: Annotated[
        str | None,
        Query(
            max_length=80, description="A configured provider, in words.", examples=["Dr. Patel"]
        ),
    ] = None,
) -> SlotsPage:
    tz = hours.tz
    window = window_for(hours, clinic.now(), start, end, when)
    # Words matched as on a call; none given means anyone, one slot long.
    choice = None
    if visit_type or provider:
        choice = (await Catalog.load(clinic.store)).choose(visit_type, provider, ask=False)
    slots = await free_in_window(clinic, window, choice)
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
