"""What a database failure means to a caller: one mapping from SQLSTATE to Aida's errors.

Shared by every backend that reaches the SQL functions in `supabase/migrations/` (asyncpg sees the
SQLSTATE on the exception, PostgREST puts it in the error body's `code`), so a conflict sounds the
same whichever way it came.
"""

from __future__ import annotations

import datetime as dt

from aida.errors import (
    ActionItemNotFound,
    AidaError,
    AppointmentNotFound,
    ClinicClosed,
    HoldExpired,
    InvalidRequest,
    NotYourAppointment,
    PatientNotFound,
    SlotTaken,
    StoreUnavailable,
)

EXCLUSION_VIOLATION = "23P01"
# Transient: the same call again will most likely succeed.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def patient_not_found() -> PatientNotFound:
    return PatientNotFound("I couldn't find a patient with that phone number.")


def appointment_not_found() -> AppointmentNotFound:
    return AppointmentNotFound("I couldn't find that appointment.")


def not_your_appointment() -> NotYourAppointment:
    return NotYourAppointment("That appointment isn't booked under this phone number.")


def not_booked() -> InvalidRequest:
    return InvalidRequest("That appointment was already cancelled or moved.")


def action_item_not_found() -> ActionItemNotFound:
    return ActionItemNotFound("That call has no such action item.")


def clinic_closed() -> ClinicClosed:
    return ClinicClosed("The clinic is closed at that time.", reason="closure")


def hold_expired() -> HoldExpired:
    return HoldExpired("I'm sorry, that time is no longer held for you.")


def unavailable() -> StoreUnavailable:
    return StoreUnavailable("I can't reach the appointment book right now.")


def is_connection_failure(sqlstate: str | None) -> bool:
    # 08: connection exception; 57P0x: server shutting down or starting; 53300: too many clients.
    return sqlstate is not None and (
        sqlstate.startswith("08") or sqlstate.startswith("57P0") or sqlstate == "53300"
    )


def error_for_sqlstate(
    sqlstate: str | None, *, start: dt.datetime | None = None
) -> AidaError | None:
    """The caller-facing error for a SQLSTATE, or None when it is a bug to surface as is."""
    if sqlstate == EXCLUSION_VIOLATION:
        return SlotTaken(start=start)
    if sqlstate == "AI410":
        return patient_not_found()
    if sqlstate == "AI404":
        return appointment_not_found()
    if sqlstate == "AI403":
        return not_your_appointment()
    if sqlstate == "AI409":
        return not_booked()
    if sqlstate == "AI408":  # confirm_hold on a hold that lapsed
        return hold_expired()
    if sqlstate == "AI414":
        return action_item_not_found()
    if sqlstate == "AI422":
        return InvalidRequest("I don't know that provider.")
    if sqlstate == "AI423":  # the appointments_not_in_closure trigger
        return clinic_closed()
    if sqlstate in ("22023", "23514"):  # invalid parameter value, check violation
        return InvalidRequest("That request isn't valid.")
    if is_connection_failure(sqlstate):
        return unavailable()
    return None


def only_file(patient_file: str | None) -> None:
    """Aida's own databases keep one file per number, the phone itself (`file_id` None): an
    appointment there is on no other file, so a caller verified as another file owns none."""
    if patient_file is not None:
        raise not_your_appointment()
