"""Aida's tools: plain async functions over the store (see `base.py`)."""

from aida.tools.base import ToolContext, ToolResult
from aida.tools.book_appointment import book_appointment
from aida.tools.cancel_appointment import cancel_appointment
from aida.tools.find_available_slots import find_available_slots
from aida.tools.find_patient import find_patient
from aida.tools.list_appointments import list_appointments
from aida.tools.register_patient import register_patient
from aida.tools.reschedule_appointment import reschedule_appointment
from aida.tools.update_preferences import update_preferences

__all__ = [
    "ToolContext",
    "ToolResult",
    "book_appointment",
    "cancel_appointment",
    "find_available_slots",
    "find_patient",
    "list_appointments",
    "register_patient",
    "reschedule_appointment",
    "update_preferences",
]
