"""Rows as the rest of Aida sees them, independent of the backend.

Times are always timezone-aware UTC here; the scheduling layer renders them in the clinic's zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

AppointmentStatus = Literal["booked", "cancelled"]


class Patient(BaseModel):
    phone: str  # E.164
    name: str | None = None
    preferences: dict[str, Any] = Field(default_factory=dict)


class Appointment(BaseModel):
    id: str  # uuid as text
    user_phone: str
    start_time: dt.datetime  # aware, UTC
    end_time: dt.datetime  # aware, UTC
    status: AppointmentStatus = "booked"
    meta: dict[str, Any] = Field(default_factory=dict)


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
