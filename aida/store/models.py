"""Rows as the rest of Aida sees them, independent of the backend.

Times are always timezone-aware UTC here; the scheduling layer renders them in the clinic's zone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

# "held": a slot kept for one waitlist patient until `hold_expires_at` (aida/waitlist/); the
# no-overlap constraint covers it as it covers "booked", so nobody else can book the time.
AppointmentStatus = Literal["booked", "cancelled", "held"]


class Patient(BaseModel):
    phone: str  # E.164
    name: str | None = None
    preferences: dict[str, Any] = Field(default_factory=dict)
    # What a caller is asked to prove who they are. Written once by `upsert_patient` (a caller
    # must not be able to replace it and then "verify" against their own answer); only staff
    # change it afterwards, through `set_date_of_birth`.
    date_of_birth: dt.date | None = None
    # Registered from an unproven hint (caller ID, the web form) and not yet confirmed by staff.
    registration_pending: bool = False
    # The file's own id where one number may hold several files (an EHR's Patient id); None in
    # Aida's own databases, where the phone is the file.
    file_id: str | None = None


class Appointment(BaseModel):
    id: str  # uuid as text
    user_phone: str
    start_time: dt.datetime  # aware, UTC
    end_time: dt.datetime  # aware, UTC
    status: AppointmentStatus = "booked"
    meta: dict[str, Any] = Field(default_factory=dict)
    # Additive, nullable: a clinic without providers or visit types never sets them, and a NULL
    # provider is the clinic's one shared calendar.
    provider_id: str | None = None
    visit_type_id: str | None = None
    # The file it is booked on where one number may hold several (an EHR's Patient id, as
    # `Patient.file_id`); None in Aida's own databases, where the phone is the file.
    patient_file: str | None = None
    # Only on a held slot: when the hold lapses (the waitlist's clock decides, not the server's).
    hold_expires_at: dt.datetime | None = None


class BookingResult(BaseModel):
    appointment: Appointment
    created: bool  # False when an identical booking by the same patient already existed


class CallSummary(BaseModel):
    """One row of `call_summaries`. `id` is chosen by the worker at call start, so writes are
    idempotent: retrying the same record upserts the same row."""

    id: str
    user_phone: str | None = None
    summary_text: str | None = None
    preferences: dict[str, Any] | None = None
    appointments_in_call: list[dict[str, Any]] | None = None
    cost_breakdown: dict[str, Any] | None = None
    timeline: list[dict[str, Any]] | None = None
    transcript: list[dict[str, Any]] | None = None
    created_at: dt.datetime | None = None
    # additive columns (nullable): see the migrations
    action_items: list[dict[str, Any]] | None = None
    status: str | None = None  # "complete" | "timeline_only"
    room_name: str | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    duration_seconds: float | None = None
    end_reason: str | None = None
    # The number the line or web form presented (a hint), and whether the caller proved to be
    # that patient; `user_phone` is set only for a caller who did (or registered in the call).
    presented_phone: str | None = None
    caller_verified: bool | None = None
    # "inbound" (the caller rang the clinic) or "outbound" (Aida called: a reminder, a
    # waitlist offer; aida/outbound). None on records from before the column: inbound.
    direction: str | None = None


class AuditEntry(BaseModel):
    """One row of `audit_log`: who read or changed which patient's data, and when.

    `actor` is "call:<call id>" for the voice agent or "staff:<key label>" for the API.
    `detail` holds small structured facts (appointment ids, counts, filters), never transcript
    text or anything a caller said."""

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    actor: str
    action: str
    patient_phone: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class ActionItemDone(BaseModel):
    """One of a call's action items (`CallSummary.action_items[index]`) that staff marked done:
    who (`done_by`, "staff:<key label>") and when. An item without a row is still open."""

    call_id: str
    index: int = Field(ge=0)
    done_at: dt.datetime  # aware, UTC
    done_by: str


class Closure(BaseModel):
    """A time the clinic takes no appointments: a whole day (`all_day`, from the clinic's
    midnight to the next) or any [start, end) range. Booking into one is refused by the store."""

    id: str
    start_time: dt.datetime  # aware, UTC
    end_time: dt.datetime  # aware, UTC
    reason: str | None = None
    all_day: bool = False
    created_at: dt.datetime | None = None


class Provider(BaseModel):
    """Someone patients book with. `hours` is the text the clinic configured, e.g.
    "Mon-Fri 09:00-17:00" (see `aida.calendar.hours`); None means the clinic's own hours."""

    id: str
    name: str
    hours: str | None = None


class VisitType(BaseModel):
    """A kind of visit and how long it takes; `provider_ids` empty means any provider."""

    id: str
    name: str
    minutes: int
    provider_ids: list[str] = Field(default_factory=list)


class ClosureAdded(BaseModel):
    closure: Closure
    # Booked appointments inside the new closure: they stay booked (nobody's appointment is
    # cancelled behind their back) and staff are shown them to move.
    affected: list[Appointment] = Field(default_factory=list)


class IdentityCount(BaseModel):
    """What one key (a patient's phone or an origin) had failed in the window, before the
    attempt that was just reserved against it."""

    subject: str
    failures: int
    last_failed_at: dt.datetime | None = None


WaitlistStatus = Literal["waiting", "offered", "booked", "removed"]
OfferStatus = Literal["offered", "accepted", "declined", "expired", "withdrawn"]


class WaitlistEntry(BaseModel):
    """A patient waiting for a time (Aida's half of the store, like the clinic profile).

    The wanted time is what the time grammar resolved the caller's words to: [window_start,
    window_end) with an optional time of day (`daily_from`/`daily_until`, the clinic's wall
    time); `weekly` repeats the window every week ("any Tuesday morning"). An exact time is a
    window one slot long. Matching a freed slot is `aida.waitlist.wanted.admits`."""

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    patient_phone: str
    window_start: dt.datetime  # aware, UTC
    window_end: dt.datetime  # aware, UTC
    daily_from: dt.time | None = None
    daily_until: dt.time | None = None
    weekly: bool = False
    description: str  # the wanted time as Aida said it back ("any Tuesday morning")
    provider_id: str | None = None
    visit_type_id: str | None = None
    status: WaitlistStatus = "waiting"
    created_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    updated_by: str | None = None  # "call:<id>", "staff:<label>"
    note: str | None = None  # staff's own words; never read to a caller


class WaitlistOffer(BaseModel):
    """One freed slot offered to one entry: the hold kept for them and what became of it."""

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    entry_id: str
    hold_id: str  # the held appointment row
    slot_start: dt.datetime  # aware, UTC
    slot_end: dt.datetime
    provider_id: str | None = None
    status: OfferStatus = "offered"
    offered_at: dt.datetime
    expires_at: dt.datetime
    answered_at: dt.datetime | None = None
    appointment_id: str | None = None  # the booking an accepted offer became


OutboundPurpose = Literal["reminder", "waitlist_offer"]


class OutboundAttempt(BaseModel):
    """One outbound call Aida placed (aida/outbound): one row per attempt, written before the
    number is dialled (so a crash still counts it against REMINDER_MAX_ATTEMPTS) and updated
    with its outcome: what the line answered (busy, no answer, a trunk error) or, once someone
    picked up, what the call came to (confirmed, cancelled, voicemail, opted out, ...).

    `refs` holds the other ids of the purpose (a waitlist entry, a slot hold), never PHI."""

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    purpose: str  # OutboundPurpose; text so a new purpose needs no migration
    phone: str  # E.164: the patient called
    appointment_id: str | None = None
    refs: dict[str, Any] = Field(default_factory=dict)
    room_name: str | None = None
    outcome: str = "dialing"  # see aida.outbound.outcomes
    error: str | None = None  # the trunk's answer when dialling failed ("486 Busy Here")
    call_id: str | None = None  # the call record, once the agent ran the call
    started_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    updated_at: dt.datetime | None = None
