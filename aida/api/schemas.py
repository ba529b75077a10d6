"""Request and response bodies of the API, with the examples /docs shows.

Times in responses are ISO 8601 with an offset, in the clinic's timezone (`timezone` says which)
except token expiry and record timestamps, which are UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Unpack

from pydantic import BaseModel, ConfigDict, Field


def _examples(*examples: dict[str, Any], **config: Unpack[ConfigDict]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)}, **config)


# --- errors ---


class ErrorBody(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"error": "unauthorized", "message": "This endpoint returns patient data and ..."}
            ]
        },
    )
    error: str = Field(description="Stable machine-readable code.")
    message: str = Field(description="One sentence a person can read.")


class ValidationErrorBody(BaseModel):
    """422: `validation_error` for malformed input (with FastAPI's `detail` list), or a domain
    code (`invalid_request`, `ambiguous_time` with `options`, `invalid_phone`) for input that is
    well-formed but unusable, such as a window entirely in the past."""

    model_config = _examples(
        {
            "error": "validation_error",
            "message": "Invalid request: phone: Enter a phone number with its area code.",
            "detail": [
                {
                    "type": "value_error",
                    "loc": ["body", "phone"],
                    "msg": "Enter a phone number with its area code.",
                    "input": "12",
                }
            ],
        },
        extra="allow",
    )
    error: str
    message: str
    detail: list[dict[str, Any]] = Field(
        default_factory=list, description="FastAPI's list of field errors."
    )


# --- session ---


class SessionRequest(BaseModel):
    model_config = _examples({"name": "Jordan Lee", "phone": "(415) 555-0132"}, {})
    name: str | None = Field(
        None, max_length=80, description="Display name shown in the room and given to the agent."
    )
    phone: str | None = Field(
        None,
        max_length=32,
        description="The caller's phone number in any common format; normalised to E.164. "
        "Only a hint: the agent still checks who the caller is.",
    )
    patient_assertion: str | None = Field(
        None,
        max_length=4096,
        description="A JWT from the clinic's patient portal (HS256 with PORTAL_IDENTITY_SECRET, "
        'sub = the patient\'s phone, aud = "aida", exp required) saying who the signed-in patient '
        "is. Its phone is used; a different `phone` in the same request is refused.",
    )


class SessionResponse(BaseModel):
    model_config = _examples(
        {
            "token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
            "url": "wss://clinic.livekit.cloud",
            "room": "aida-3f2b9c1e8d7a4b6f9e0d1c2b3a4f5e6d",
            "identity": "web-5c1d2e3f4a5b",
            "expires_at": "2026-03-02T15:04:05Z",
        }
    )
    token: str = Field(description="LiveKit access token (JWT) for this room only.")
    url: str = Field(description="LiveKit server URL to connect to with the token.")
    room: str = Field(description="A fresh room; the agent 'aida' is dispatched into it.")
    identity: str = Field(description="The participant identity inside the token.")
    expires_at: dt.datetime = Field(description="When the token stops being accepted (UTC).")


# --- health ---


class StoreHealth(BaseModel):
    backend: str
    reachable: bool
    message: str | None = None


class LiveKitHealth(BaseModel):
    configured: bool
    missing: list[str] = Field(description="Environment variables still to set.")


class HealthResponse(BaseModel):
    model_config = _examples(
        {
            "status": "ok",
            "ready": True,
            "store": {"backend": "sqlite", "reachable": True, "message": None},
            "livekit": {"configured": True, "missing": []},
            "providers": {"mode": "auto", "stt": "deepgram", "llm": "openai", "tts": "cartesia"},
            "staff_auth_configured": True,
            "time": "2026-03-02T14:04:05Z",
        }
    )
    status: Literal["ok", "degraded", "unavailable"] = Field(
        description="ok: all set; degraded: ready but voice sessions are not configured; "
        "unavailable: the store cannot be reached (HTTP 503)."
    )
    ready: bool
    store: StoreHealth
    livekit: LiveKitHealth
    providers: dict[str, Any] = Field(description="Which speech/LLM providers are configured.")
    staff_auth_configured: bool
    time: dt.datetime


# --- slots ---


class SlotOut(BaseModel):
    start: dt.datetime = Field(description="Clinic-local start with offset.")
    end: dt.datetime
    spoken: str = Field(description="How Aida says it.")


class SlotWindow(BaseModel):
    start: dt.datetime
    end: dt.datetime
    description: str


class SlotsPage(BaseModel):
    model_config = _examples(
        {
            "timezone": "America/New_York",
            "window": {
                "start": "2026-03-09T00:00:00-04:00",
                "end": "2026-03-14T00:00:00-05:00",
                "description": "next week",
            },
            "items": [
                {
                    "start": "2026-03-09T09:00:00-04:00",
                    "end": "2026-03-09T09:30:00-04:00",
                    "spoken": "Monday, March 9 at 9 AM",
                }
            ],
            "total": 80,
            "limit": 20,
            "offset": 0,
            "next_offset": 20,
        }
    )
    timezone: str
    window: SlotWindow
    items: list[SlotOut]
    total: int = Field(description="Free slots in the whole window.")
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last page.")


# --- appointments ---


class AppointmentOut(BaseModel):
    id: str
    user_phone: str
    patient_name: str | None = None
    start: dt.datetime = Field(description="Clinic-local start with offset.")
    end: dt.datetime
    spoken: str
    status: str
    meta: dict[str, Any] = Field(default_factory=dict)


class AppointmentsPage(BaseModel):
    model_config = _examples(
        {
            "phone": "+14155550132",
            "patient_name": "Jordan Lee",
            "registered": True,
            "timezone": "America/New_York",
            "items": [
                {
                    "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
                    "user_phone": "+14155550132",
                    "patient_name": "Jordan Lee",
                    "start": "2026-03-10T10:30:00-04:00",
                    "end": "2026-03-10T11:00:00-04:00",
                    "spoken": "Tuesday, March 10 at 10:30 AM",
                    "status": "booked",
                    "meta": {"reason": "annual check-up"},
                }
            ],
            "total": 1,
            "limit": 50,
            "offset": 0,
            "next_offset": None,
        }
    )
    phone: str | None = Field(description="The number looked up, in E.164; null for a window.")
    patient_name: str | None
    registered: bool | None = Field(
        description="Whether a patient record exists for the number; null for a window."
    )
    timezone: str
    items: list[AppointmentOut]
    total: int
    limit: int
    offset: int
    next_offset: int | None


# --- call summaries ---

_SUMMARY_EXAMPLE: dict[str, Any] = {
    "id": "7d444840-9dc0-11d1-b245-5ffdce74fad2",
    "user_phone": "+14155550132",
    "summary_text": "Jordan Lee booked a check-up for Tuesday, March 10 at 10:30 AM.",
    "status": "complete",
    "room_name": "aida-3f2b9c1e8d7a4b6f9e0d1c2b3a4f5e6d",
    "started_at": "2026-03-02T14:00:00Z",
    "ended_at": "2026-03-02T14:03:12Z",
    "duration_seconds": 192.0,
    "end_reason": "caller_hung_up",
    "created_at": "2026-03-02T14:03:15Z",
    "action_items": [{"kind": "follow_up", "text": "Bring insurance card."}],
    "appointments_in_call": [{"action": "booked", "id": "0f8fad5b-d9cb-469f-a165-70867728950e"}],
}


class BookRequest(BaseModel):
    model_config = _examples(
        {"phone": "(415) 555-0132", "start": "2026-03-04T10:00:00", "reason": "annual check-up"}
    )
    phone: str = Field(max_length=32, description="The patient's phone number, any format.")
    start: str = Field(
        min_length=1,
        max_length=80,
        description="ISO datetime (clinic-local when it has no offset) or words ('Friday at 9').",
    )
    name: str | None = Field(
        None, max_length=120, description="Full name; needed when the number is not on file."
    )
    reason: str | None = Field(None, max_length=200, description="What the visit is for.")


class MoveRequest(BaseModel):
    model_config = _examples({"start": "2026-03-05T14:30:00"})
    start: str = Field(min_length=1, max_length=80, description="The new time, as for booking.")


class AppointmentChange(BaseModel):
    """What a staff booking, move or cancellation did, in a sentence and in full."""

    message: str = Field(description="One sentence for the person who asked.")
    appointment: AppointmentOut
    previous: AppointmentOut | None = Field(None, description="A move: where it was.")
    created: bool | None = Field(None, description="A booking: false when it already existed.")
    by: str = Field(description='Who did it, as the audit log records it: "staff:<key label>".')


class ActionItemState(BaseModel):
    """Whether a call's action item (`action_items[index]`) is done, and who marked it when."""

    index: int
    done: bool
    done_at: dt.datetime | None = None
    done_by: str | None = None


class SummaryItem(BaseModel):
    """A call in the list: everything but the transcript and the timeline."""

    model_config = _examples(_SUMMARY_EXAMPLE)
    id: str
    user_phone: str | None = Field(
        None, description="The patient's phone, only when the caller proved to be them."
    )
    presented_phone: str | None = Field(
        None, description="The number the line or web form presented (a hint, not proof)."
    )
    caller_verified: bool | None = Field(
        None, description="Whether the caller proved who they are (false: unverified caller)."
    )
    direction: str | None = Field(
        None,
        description='"inbound" or "outbound" (Aida called: a reminder, a waitlist offer); '
        "null on records from before it was kept (inbound).",
    )
    summary_text: str | None = None
    status: str | None = None
    room_name: str | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    duration_seconds: float | None = None
    end_reason: str | None = None
    created_at: dt.datetime | None = None
    action_items: list[dict[str, Any]] | None = None
    appointments_in_call: list[dict[str, Any]] | None = None
    action_items_state: list[ActionItemState] = Field(
        default_factory=list, description="One per action item, in the same order."
    )
    open_action_items: int = Field(0, description="Action items nobody has marked done yet.")


class SummaryDetail(SummaryItem):
    model_config = _examples(
        {
            **_SUMMARY_EXAMPLE,
            "preferences": {"preferred_time": "mornings"},
            "cost_breakdown": {"total_usd": 0.0123, "llm": {"input_tokens": 5120}},
            "timeline": [{"t": 3.2, "type": "tool_call", "name": "find_available_slots"}],
            "transcript": [{"role": "assistant", "text": "Hello, this is Aida."}],
        }
    )
    preferences: dict[str, Any] | None = None
    cost_breakdown: dict[str, Any] | None = None
    timeline: list[dict[str, Any]] | None = None
    transcript: list[dict[str, Any]] | None = None


class SummariesPage(BaseModel):
    model_config = _examples(
        {"items": [_SUMMARY_EXAMPLE], "limit": 20, "offset": 0, "next_offset": None}
    )
    items: list[SummaryItem]
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last page.")


# --- audit log ---


class AuditEntryOut(BaseModel):
    model_config = _examples(
        {
            "id": "3b241101-e2bb-4255-8caf-4136c566a962",
            "at": "2026-03-02T14:05:00Z",
            "actor": "staff:frontdesk",
            "action": "read_call_summary",
            "patient_phone": "+14155550132",
            "detail": {"summary_id": "7d444840-9dc0-11d1-b245-5ffdce74fad2"},
        }
    )
    id: str
    at: dt.datetime = Field(description="When it happened (UTC).")
    actor: str = Field(description='"call:<call id>" for the voice agent, "staff:<key label>".')
    action: str = Field(description="What was done, e.g. read_call_summary, book_appointment.")
    patient_phone: str | None = Field(description="The patient concerned, when it was one.")
    detail: dict[str, Any] = Field(description="Ids and counts; never transcript text.")


class AuditPage(BaseModel):
    model_config = _examples(
        {
            "items": [
                {
                    "id": "3b241101-e2bb-4255-8caf-4136c566a962",
                    "at": "2026-03-02T14:05:00Z",
                    "actor": "staff:frontdesk",
                    "action": "read_call_summary",
                    "patient_phone": "+14155550132",
                    "detail": {"summary_id": "7d444840-9dc0-11d1-b245-5ffdce74fad2"},
                }
            ],
            "limit": 100,
            "offset": 0,
            "next_offset": None,
        }
    )
    items: list[AuditEntryOut]
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page; null on the last page.")


# --- closures (the clinic's calendar) ---


class ClosureIn(BaseModel):
    """Close one day, a run of days, or part of a day to new bookings. Times are the clinic's."""

    model_config = _examples(
        {"date": "2026-11-26", "reason": "Thanksgiving"},
        {"date": "2026-12-24", "until": "2026-12-26", "reason": "Winter break"},
        {"date": "2026-12-04", "from_time": "13:00", "to_time": "17:00", "reason": "Training"},
    )
    date: dt.date = Field(description="The (first) day closed.")
    until: dt.date | None = Field(None, description="The last day closed, inclusive.")
    from_time: dt.time | None = Field(None, description="Closed from this time on the first day.")
    to_time: dt.time | None = Field(None, description="Closed until this time on the last day.")
    reason: str | None = Field(
        None, max_length=200, description="Said to callers: 'We're closed ... for <reason>'."
    )


class ClosureOut(BaseModel):
    model_config = _examples(
        {
            "id": "5b9f3c1e-2d4a-4e8b-9c7d-1a2b3c4d5e6f",
            "start": "2026-11-26T00:00:00-05:00",
            "end": "2026-11-27T00:00:00-05:00",
            "all_day": True,
            "reason": "Thanksgiving",
            "spoken": "on Thursday, November 26 for Thanksgiving",
        }
    )
    id: str
    start: dt.datetime = Field(description="Clinic-local start with offset.")
    end: dt.datetime = Field(description="Clinic-local end (exclusive).")
    all_day: bool
    reason: str | None = None
    spoken: str = Field(description="How Aida tells a caller.")


class ClosureCreated(BaseModel):
    closure: ClosureOut
    affected: list[AppointmentOut] = Field(
        description="Booked appointments inside the closure: still booked, for staff to move."
    )


class ClosuresPage(BaseModel):
    timezone: str
    items: list[ClosureOut]


class PendingPatient(BaseModel):
    """A patient registered from an unproven number, waiting for staff (or just confirmed)."""

    phone: str
    name: str | None = None
    date_of_birth: dt.date | None = None
    pending: bool = True
