"""The demo clinic: a few patients and appointments in the coming days.

Times are picked on fixed business-day offsets from today, so seeding twice on the same day adds
nothing (booking is idempotent for the same patient and start).
"""

from __future__ import annotations

import datetime as dt

from aida.config import Settings
from aida.errors import AidaError
from aida.scheduling.clock import Clock, SystemClock
from aida.scheduling.hours import ClinicHours
from aida.store.protocol import Store

# Fictional numbers from the 555-01xx range reserved for fiction. The dates of birth are what a
# demo caller gives to prove who they are (the same as in scenarios/).
DEMO_PATIENTS: tuple[tuple[str, str, dt.date, dict[str, str]], ...] = (
    (
        "+12025550143",
        "Jane Doe",
        dt.date(1985, 3, 3),
        {"doctor": "Dr. Patel", "time_of_day": "morning"},
    ),
    ("+12025550178", "Marcus Lee", dt.date(1979, 11, 20), {}),
    ("+13125550112", "Amelia Ortiz", dt.date(1992, 7, 14), {"reminders": "text"}),
    ("+16175550166", "Samuel Okafor", dt.date(1958, 1, 30), {}),
)
# (patient index, business days ahead, local hour, minute, reason)
DEMO_APPOINTMENTS = (
    (0, 1, 10, 0, "annual physical"),
    (1, 1, 14, 30, "follow-up"),
    (2, 2, 9, 0, "vaccination"),
    (3, 3, 11, 30, "blood pressure check"),
    (1, 5, 15, 0, "lab results"),
)


def _business_day(hours: ClinicHours, today: dt.date, ahead: int) -> dt.date:
    day = today
    while ahead > 0:
        day += dt.timedelta(days=1)
        if day.weekday() in hours.weekdays:
            ahead -= 1
    return day


async def seed_demo_clinic(store: Store, settings: Settings, clock: Clock | None = None) -> str:
    clock = clock or SystemClock()
    hours = ClinicHours.from_settings(settings)
    now = clock.now()
    today = now.astimezone(hours.tz).date()
    for phone, name, born, prefs in DEMO_PATIENTS:
        # Written only where none is on file: re-seeding never replaces a real one.
        await store.upsert_patient(phone, name, born)
        if prefs:
            await store.merge_preferences(phone, prefs)
    booked = skipped = 0
    for index, ahead, hour, minute, reason in DEMO_APPOINTMENTS:
        day = _business_day(hours, today, ahead)
        local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=hours.tz)
        try:
            start, end = hours.check_bookable(local, now)
            result = await store.book(DEMO_PATIENTS[index][0], start, end, {"reason": reason})
        except AidaError:
            skipped += 1  # outside this clinic's configured hours, or taken by a real booking
            continue
        booked += int(result.created)
    return f"demo clinic seeded: {len(DEMO_PATIENTS)} patients, {booked} new appointments" + (
        f", {skipped} skipped (outside hours or taken)" if skipped else ""
    )
