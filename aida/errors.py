"""Errors a caller may hear.

Every message is one short sentence Aida can say out loud; the tool layer passes it to the model
as a `ToolError`, the CLIs print it on one line, the API returns it in a 4xx body.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class AidaError(Exception):
    """Base class: `str(err)` is the speakable message; `code` is stable for machines."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


class InvalidRequest(AidaError):
    """Input that can never succeed as given: a past time, outside hours, a malformed date."""

    code = "invalid_request"


class AmbiguousTime(InvalidRequest):
    """A date or time with several readings; `options` lists them so the caller can choose."""

    code = "ambiguous_time"


class InvalidPhone(InvalidRequest):
    code = "invalid_phone"


class SlotTaken(AidaError):
    """The slot overlaps a booked appointment. The database decided, not the model."""

    code = "slot_taken"

    def __init__(
        self,
        message: str = "Sorry, that time was just taken.",
        *,
        start: dt.datetime | None = None,
        alternatives: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.start = start
        self.alternatives = alternatives or []

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["alternatives"] = self.alternatives
        return out


class PatientNotFound(AidaError):
    code = "patient_not_found"


class AppointmentNotFound(AidaError):
    code = "appointment_not_found"


class ActionItemNotFound(AidaError):
    """No such call, or the call's record has no action item at that position."""

    code = "action_item_not_found"


class WhichAppointment(AidaError):
    """The caller has several appointments their words could mean; the message asks which."""

    code = "which_appointment"


class NotYourAppointment(AidaError):
    """The appointment exists but belongs to another patient; say no more than that."""

    code = "not_your_appointment"


class StoreUnavailable(AidaError):
    """The database cannot be reached; the caller hears an apology, the record is kept."""

    code = "store_unavailable"


class InvalidAssertion(AidaError):
    """A signed statement of who the patient is (from the clinic's portal) that cannot be trusted:
    a bad signature, expired, meant for another service, or missing what it must say. The
    message says at most that it expired, never which check a forgery failed."""

    code = "invalid_assertion"


class ClinicClosed(InvalidRequest):
    """The time falls in a closure (a holiday, a staff day). The store refuses it whatever the
    caller says; the tools say why and offer the next opening."""

    code = "clinic_closed"


class WhichVisitType(AidaError):
    """The clinic has several visit types and the caller has not said which; the message asks,
    naming them, and `options` lists them."""

    code = "which_visit_type"


class UnknownProvider(InvalidRequest):
    """The caller named a provider (or visit type) the clinic does not have, or one who does not
    offer that visit; the message says who does."""

    code = "unknown_provider"


class HoldExpired(AidaError):
    """A waitlist hold that lapsed (or was released) before it was accepted: the slot is no
    longer kept for this patient."""

    code = "hold_expired"
