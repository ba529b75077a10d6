"""Aida's scheduling domain: opening hours, slots, dates as callers say them, phone numbers.

Pure code, no I/O: everything that needs "now" takes it as an argument (see `clock`).
"""

from aida.scheduling.clock import Clock, FixedClock, SystemClock
from aida.scheduling.dates import Resolution, resolve_when
from aida.scheduling.hours import ClinicHours
from aida.scheduling.phones import mask_phone, normalize_phone
from aida.scheduling.slots import Slot, free_slots, nearest_free, spread
from aida.scheduling.speech import local_iso, spoken_date, spoken_datetime, spoken_time

__all__ = [
    "ClinicHours",
    "Clock",
    "FixedClock",
    "Resolution",
    "Slot",
    "SystemClock",
    "free_slots",
    "local_iso",
    "mask_phone",
    "nearest_free",
    "normalize_phone",
    "resolve_when",
    "spoken_date",
    "spoken_datetime",
    "spoken_time",
    "spread",
]
