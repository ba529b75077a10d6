"""Turning database rows into models and checking what goes in, shared by the SQL backends.

A row may come from SQLite (times as UTC text, JSON as text), asyncpg (aware datetimes, uuids)
or a `to_jsonb(row)` document (ISO strings); every reader below accepts all three.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from aida.errors import InvalidRequest
from aida.store.models import (
    ActionItemDone,
    Appointment,
    AuditEntry,
    CallSummary,
    Closure,
    OutboundAttempt,
    Patient,
    Provider,
    VisitType,
    WaitlistEntry,
    WaitlistOffer,
)

UTC = dt.UTC
# Fixed width, so that SQLite compares these strings in time order.
_DB_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

SUMMARY_JSON_FIELDS = (
    "preferences",
    "appointments_in_call",
    "cost_breakdown",
    "timeline",
    "transcript",
    "action_items",
)
SUMMARY_FIELDS = (
    "id",
    "user_phone",
    "summary_text",
    *SUMMARY_JSON_FIELDS,
    "created_at",
    "status",
    "room_name",
    "started_at",
    "ended_at",
    "duration_seconds",
    "end_reason",
    "presented_phone",
    "caller_verified",
    "direction",
)


def utc(value: dt.datetime) -> dt.datetime:
    """The same instant in UTC; a naive time is refused rather than guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequest("I need that time with its time zone.")
    return value.astimezone(UTC)


def check_range(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    start, end = utc(start), utc(end)
    if end <= start:
        raise InvalidRequest("An appointment has to end after it starts.")
    return start, end


def to_db_time(value: dt.datetime) -> str:
    return utc(value).strftime(_DB_TIME_FORMAT)


def parse_time(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    if value.tzinfo is None:  # only our own UTC text can lack an offset
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_json(value: Any) -> Any:
    if value == "{}":  # the common empty meta, without the decoder
        return {}
    return json.loads(value) if isinstance(value, str | bytes) else value


def canonical_uuid(value: object) -> str | None:
    """The lowercase hyphenated form, or None when `value` is not a UUID."""
    if isinstance(value, uuid.UUID):
        return str(value)
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def parse_date(value: Any) -> dt.date | None:
    """A calendar date from a date column (asyncpg), or its ISO text (SQLite, JSON)."""
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    raise TypeError(f"not a date: {value!r}")


def patient_from_row(row: Mapping[str, Any]) -> Patient:
    return Patient(
        phone=row["phone"],
        name=row.get("name"),
        preferences=parse_json(row.get("preferences")) or {},
        date_of_birth=parse_date(row.get("date_of_birth")),
        registration_pending=bool(row.get("registration_pending") or False),
    )


def check_date_of_birth(value: dt.date | None) -> dt.date | None:
    """A date of birth must be a plain date, not in the future and within a human lifetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidRequest("A date of birth must be a calendar date.")
    today = dt.datetime.now(UTC).date()
    # A day of slack: the patient's own time zone may already be in tomorrow.
    if value > today + dt.timedelta(days=1) or value.year < 1880:
        raise InvalidRequest("That date of birth doesn't look right.")
    return value


def audit_from_row(row: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=str(row["id"]),
        at=parse_time(row["at"]),
        actor=row["actor"],
        action=row["action"],
        patient_phone=row.get("patient_phone"),
        detail=parse_json(row.get("detail")) or {},
    )


def audit_id(entry: AuditEntry) -> str:
    """Audit rows are keyed by a UUID (a uuid column on PostgreSQL); SQLite enforces the same."""
    canonical = canonical_uuid(entry.id)
    if canonical is None:
        raise InvalidRequest("An audit entry id must be a UUID.")
    return canonical


def appointment_from_row(row: Mapping[str, Any]) -> Appointment:
    return Appointment(
        id=str(row["id"]),
        user_phone=row["user_phone"],
        start_time=parse_time(row["start_time"]),
        end_time=parse_time(row["end_time"]),
        status=row.get("status") or "booked",
        meta=parse_json(row.get("meta")) or {},
        provider_id=_id_or_none(row.get("provider_id")),
        visit_type_id=_id_or_none(row.get("visit_type_id")),
        hold_expires_at=parse_time(row.get("hold_expires_at")),
    )


def _id_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


# --- the calendar: closures, providers, visit types ---

MAX_REASON = 200
MAX_VISIT_MINUTES = 480


def closure_from_row(row: Mapping[str, Any]) -> Closure:
    return Closure(
        id=str(row["id"]),
        start_time=parse_time(row["start_time"]),
        end_time=parse_time(row["end_time"]),
        reason=row.get("reason"),
        all_day=bool(row.get("all_day")),
        created_at=parse_time(row.get("created_at")),
    )


def provider_from_row(row: Mapping[str, Any]) -> Provider:
    return Provider(id=str(row["id"]), name=row["name"], hours=row.get("hours"))


def visit_type_from_row(row: Mapping[str, Any]) -> VisitType:
    ids = parse_json(row.get("provider_ids")) or []
    return VisitType(
        id=str(row["id"]),
        name=row["name"],
        minutes=int(row["minutes"]),
        provider_ids=[str(i) for i in ids],
    )


def clean_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    return " ".join(reason.split())[:MAX_REASON] or None


def required_name(name: str, what: str) -> str:
    cleaned = clean_name(name)
    if cleaned is None or len(cleaned) > 80:
        raise InvalidRequest(f"A {what} needs a name of at most 80 characters.")
    return cleaned


def check_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidRequest("A visit length is a whole number of minutes.")
    if not 5 <= minutes <= MAX_VISIT_MINUTES:
        raise InvalidRequest(f"A visit has to take between 5 and {MAX_VISIT_MINUTES} minutes.")
    return minutes


def check_ref(value: str | None, what: str) -> str | None:
    """A provider or visit type id in canonical form; None stays None."""
    if value is None:
        return None
    canonical = canonical_uuid(value)
    if canonical is None:
        raise InvalidRequest(f"That {what} reference doesn't look right.")
    return canonical


def check_ids(ids: list[str] | None, what: str) -> list[str]:
    out: list[str] = []
    for value in ids or []:
        canonical = canonical_uuid(value)
        if canonical is None:
            raise InvalidRequest(f"That {what} reference doesn't look right.")
        if canonical not in out:
            out.append(canonical)
    return out


def summary_from_row(row: Mapping[str, Any]) -> CallSummary:
    data = {name: row.get(name) for name in SUMMARY_FIELDS}
    data["id"] = str(data["id"])
    for name in SUMMARY_JSON_FIELDS:
        data[name] = parse_json(data[name])
    for name in ("created_at", "started_at", "ended_at"):
        data[name] = parse_time(data[name])
    return CallSummary(**data)


def summary_id(summary: CallSummary) -> str:
    """Summaries are keyed by a UUID (a uuid column on PostgreSQL); SQLite enforces the same."""
    canonical = canonical_uuid(summary.id)
    if canonical is None:
        raise InvalidRequest("A call summary id must be a UUID.")
    return canonical


def clean_name(name: str | None) -> str | None:
    """A blank name is no name: it must never overwrite one we have."""
    if name is None:
        return None
    name = " ".join(name.split())
    return name or None


def action_item_done_from_row(row: Mapping[str, Any]) -> ActionItemDone:
    done_at = parse_time(row["done_at"])
    assert done_at is not None
    return ActionItemDone(
        call_id=str(row["call_id"]),
        index=int(row["item_index"]),
        done_at=done_at,
        done_by=str(row["done_by"]),
    )


# --- the waitlist (Aida's half) ---


def _wall(value: Any) -> dt.time | None:
    if value is None or isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value))


def waitlist_entry_from_row(row: Mapping[str, Any]) -> WaitlistEntry:
    return WaitlistEntry(
        id=str(row["id"]),
        patient_phone=row["patient_phone"],
        window_start=parse_time(row["window_start"]),
        window_end=parse_time(row["window_end"]),
        daily_from=_wall(row.get("daily_from")),
        daily_until=_wall(row.get("daily_until")),
        weekly=bool(row.get("weekly")),
        description=row["description"],
        provider_id=_id_or_none(row.get("provider_id")),
        visit_type_id=_id_or_none(row.get("visit_type_id")),
        status=row["status"],
        created_at=parse_time(row["created_at"]),
        updated_by=row.get("updated_by"),
        note=row.get("note"),
    )


def waitlist_offer_from_row(row: Mapping[str, Any]) -> WaitlistOffer:
    return WaitlistOffer(
        id=str(row["id"]),
        entry_id=str(row["entry_id"]),
        hold_id=str(row["hold_id"]),
        slot_start=parse_time(row["slot_start"]),
        slot_end=parse_time(row["slot_end"]),
        provider_id=_id_or_none(row.get("provider_id")),
        status=row["status"],
        offered_at=parse_time(row["offered_at"]),
        expires_at=parse_time(row["expires_at"]),
        answered_at=parse_time(row.get("answered_at")),
        appointment_id=_id_or_none(row.get("appointment_id")),
    )


def wall_text(value: dt.time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def outbound_from_row(row: Mapping[str, Any]) -> OutboundAttempt:
    started = parse_time(row["started_at"])
    assert started is not None
    return OutboundAttempt(
        id=str(row["id"]),
        purpose=row["purpose"],
        phone=row["phone"],
        appointment_id=row.get("appointment_id"),
        refs=parse_json(row.get("refs")) or {},
        room_name=row.get("room_name"),
        outcome=row["outcome"],
        error=row.get("error"),
        call_id=str(row["call_id"]) if row.get("call_id") is not None else None,
        started_at=started,
        updated_at=parse_time(row.get("updated_at")),
    )


def outbound_id(attempt: OutboundAttempt) -> str:
    """Outbound calls are keyed by a UUID (a uuid column on PostgreSQL), like call records."""
    canonical = canonical_uuid(attempt.id)
    if canonical is None:
        raise InvalidRequest("An outbound call id must be a UUID.")
    return canonical
