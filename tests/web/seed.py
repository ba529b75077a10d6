"""What the browser tests see: a clinic in Denver, two patients, three calls, one recorded timeline.

Denver is UTC-7 in early March 2026 (DST starts March 8), and the browser runs in Tokyo (UTC+9), so
a time drawn in the wrong zone is off by hours and cannot pass by accident.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aida.agent.timeline import Timeline
from aida.calls.appointments import appointments_in_call, callback_requests
from aida.calls.cost import cost_breakdown, load_price_table
from aida.config import Settings
from aida.store.factory import open_store
from aida.store.models import CallSummary

CLINIC_TZ = "America/Denver"
BROWSER_TZ = "Asia/Tokyo"
STAFF_KEY = "staff-web-key-0123456789abcdef0123456789"
# Monday 2 March 2026, 9:00 AM in Denver.
NOW = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)

JORDAN = "+14155550132"
MARIA = "+13035550148"
JORDAN_CALL = "5b0f2c1e-8d7a-4b6f-9e0d-1c2b3a4f5e6d"
MARIA_CALL = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
ANON_CALL = "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f"
EMERGENCY_ITEM = (
    "The caller described a possible emergency (chest pain) and was told to call emergency "
    "services. Check on the patient now."
)

# Tuesday 3 March, 10:30-11:00 AM in Denver = 17:30-18:00 UTC.
JORDAN_START = dt.datetime(2026, 3, 3, 17, 30, tzinfo=dt.UTC)
# Wednesday 4 March, 2:00-2:30 PM in Denver = 21:00-21:30 UTC.
MARIA_START = dt.datetime(2026, 3, 4, 21, 0, tzinfo=dt.UTC)
# Thursday 5 March, 9:00 AM in Denver, cancelled.
MARIA_CANCELLED = dt.datetime(2026, 3, 5, 16, 0, tzinfo=dt.UTC)
SLOT = dt.timedelta(minutes=30)

SUMMARY = "Jordan Lee booked an annual check-up for Tuesday, March 3 at 10:30 AM."

# What the session reported as used, priced by the after-call record's own cost code.
USAGE = [
    {
        "type": "llm_usage",
        "provider": "openai",
        "model": "gpt-4o-mini",
        "input_tokens": 5120,
        "input_cached_tokens": 1024,
        "output_tokens": 210,
    },
    {"type": "stt_usage", "provider": "deepgram", "model": "nova-3", "audio_duration": 22.5},
    {"type": "tts_usage", "provider": "cartesia", "model": "sonic-2", "characters_count": 190},
]


def chat_items() -> list[dict[str, Any]]:
    """The transcript as `aida.calls.record.transcript_items` stores it: LiveKit chat items
    (messages with `content` lists, tool calls and their outputs, `created_at` in seconds).
    Written out rather than built from a ChatContext: importing livekit.agents takes seconds."""
    t0 = NOW.timestamp() - 600

    def message(n: int, role: str, text: str) -> dict[str, Any]:
        return {
            "id": f"item_{n}",
            "type": "message",
            "role": role,
            "content": [text],
            "interrupted": False,
            "extra": {},
            "metrics": {},
            "created_at": t0 + n * 1.5,
        }

    return [
        message(1, "assistant", "Hello, this is Aida at Riverside Family Clinic."),
        message(2, "user", "Hi, I'd like a check-up tomorrow morning."),
        {
            "id": "item_3",
            "type": "function_call",
            "call_id": "call_1",
            "arguments": '{"when": "tomorrow morning"}',
            "name": "find_available_slots",
            "created_at": t0 + 4.5,
            "extra": {},
        },
        {
            "id": "item_4",
            "type": "function_call_output",
            "name": "find_available_slots",
            "call_id": "call_1",
            "output": "I have 10:30 AM or 11:00 AM tomorrow.",
            "is_error": False,
            "created_at": t0 + 6.0,
        },
        message(5, "assistant", "You're all set for Tuesday at 10:30. Goodbye!"),
    ]


def recorded_timeline(
    call_id: str = JORDAN_CALL, appointment_id: str = "appt-1"
) -> list[dict[str, Any]]:
    """The events of Jordan's call, made by the agent's own `Timeline` (so the format is the
    one the worker publishes on the data topic), 1.5 s of call time apart."""
    ticks = iter(range(0, 100_000, 1500))
    base = NOW.timestamp() - 600
    timeline = Timeline(call_id, clock=lambda: base + next(ticks) / 1000)
    record = timeline.record
    record("call_started", room="aida-test-room", caller_id="sip", identified=True, on_file=True)
    record(
        "transcript",
        role="assistant",
        text="Hello, this is Aida at Riverside Family Clinic.",
        interrupted=False,
    )
    record("agent_state", old="speaking", new="listening")
    record(
        "transcript",
        role="user",
        text="Hi, I'd like a check-up tomorrow morning.",
        interrupted=False,
    )
    record(
        "tool_call",
        tool_call_id="call_1",
        name="find_available_slots",
        args={"when": "tomorrow morning"},
    )
    record(
        "tool_result",
        tool_call_id="call_1",
        name="find_available_slots",
        ok=True,
        duration_ms=412.5,
        result={
            "say": "I have 10:30 AM or 11:00 AM tomorrow.",
            "slots": ["2026-03-03T10:30:00-07:00"],
        },
    )
    record(
        "transcript",
        role="assistant",
        text="I have 10:30 or 11 tomorrow morning. Which suits you?",
        interrupted=False,
    )
    record("transcript", role="user", text="10:30 please.", interrupted=False)
    record(
        "tool_call",
        tool_call_id="call_2",
        name="book_appointment",
        args={"start": "2026-03-03T10:30"},
    )
    record(
        "tool_result",
        tool_call_id="call_2",
        name="book_appointment",
        ok=True,
        duration_ms=38.2,
        result={
            "say": "You're booked for Tuesday, March 3 at 10:30 AM.",
            "created": True,
            "appointment": {
                "id": appointment_id,
                "start": "2026-03-03T10:30:00-07:00",
                "end": "2026-03-03T11:00:00-07:00",
                "spoken": "Tuesday, March 3 at 10:30 AM",
                "status": "booked",
                "reason": "annual check-up",
            },
        },
    )
    record(
        "tool_call",
        tool_call_id="call_3",
        name="remember_preference",
        args={"topic": "time", "preference": "mornings"},
    )
    record(
        "tool_result",
        tool_call_id="call_3",
        name="remember_preference",
        ok=False,
        duration_ms=5.0,
        error={"error": "store_unavailable", "message": "The database is busy right now."},
    )
    record(
        "action_item",
        item={
            "kind": "callback",
            "reason": "check whether the insurance covers the check-up",
            "identified": True,
            "ts": "2026-03-02T15:50:19.500+00:00",
        },
    )
    record(
        "transcript",
        role="assistant",
        text="You're all set for Tuesday at 10:30. Goodbye!",
        interrupted=False,
    )
    record("call_ended", reason="caller_hung_up")
    return timeline.events


def settings_for(db_path: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{db_path}",
        "default_timezone": CLINIC_TZ,
        "staff_api_keys": STAFF_KEY,
        "session_rate_limit_per_minute": 1000,
        # No LiveKit: the Call Aida page must say that calls are not set up.
        "livekit_url": None,
        "livekit_api_key": None,
        "livekit_api_secret": None,
        "providers": "local",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def seed(settings: Settings) -> dict[str, str]:
    store = await open_store(settings)
    try:
        await store.upsert_patient(JORDAN, "Jordan Lee")
        await store.upsert_patient(MARIA, "Maria Garcia")
        jordan = await store.book(
            JORDAN, JORDAN_START, JORDAN_START + SLOT, {"reason": "annual check-up"}
        )
        await store.book(MARIA, MARIA_START, MARIA_START + SLOT, {"reason": "blood test"})
        gone = await store.book(
            MARIA, MARIA_CANCELLED, MARIA_CANCELLED + SLOT, {"reason": "flu shot"}
        )
        await store.cancel(gone.appointment.id, MARIA)
        appt_id = jordan.appointment.id
        events = recorded_timeline(JORDAN_CALL, appt_id)
        await store.save_call_summary(
            CallSummary(
                id=JORDAN_CALL,
                user_phone=JORDAN,
                summary_text=SUMMARY,
                status="complete",
                room_name="aida-test-room",
                started_at=NOW - dt.timedelta(minutes=10),
                ended_at=NOW - dt.timedelta(minutes=10) + dt.timedelta(seconds=22.5),
                duration_seconds=22.5,
                end_reason="caller_hung_up",
                created_at=NOW - dt.timedelta(minutes=9),
                action_items=callback_requests(events),
                appointments_in_call=appointments_in_call(events),
                cost_breakdown=cost_breakdown(USAGE, load_price_table()),
                preferences={"preferred_time": "mornings"},
                timeline=events,
                transcript=chat_items(),
            )
        )
        await store.save_call_summary(
            CallSummary(
                id=MARIA_CALL,
                user_phone=MARIA,
                summary_text="Maria Garcia cancelled her flu shot on Thursday.",
                status="complete",
                direction="outbound",  # her reminder call
                started_at=NOW - dt.timedelta(days=1, hours=2),
                duration_seconds=75,
                created_at=NOW - dt.timedelta(days=1, hours=2),
                appointments_in_call=[
                    {
                        "action": "cancelled",
                        "id": gone.appointment.id,
                        "spoken": "Thursday, March 5 at 9 AM",
                    }
                ],
                timeline=[],
                transcript=[],
            )
        )
        await store.save_call_summary(
            CallSummary(
                id=ANON_CALL,
                user_phone=None,
                summary_text="A caller described chest pain and was told to call 911.",
                status="timeline_only",
                started_at=NOW - dt.timedelta(days=3),
                duration_seconds=41,
                created_at=NOW - dt.timedelta(days=3),
                # the record lists the emergency after a callback here on purpose: the page
                # must put the urgent item first whatever the stored order
                action_items=[
                    {
                        "kind": "callback",
                        "text": "Call the patient back: billing",
                        "source": "call",
                    },
                    {
                        "kind": "emergency",
                        "urgent": True,
                        "text": EMERGENCY_ITEM,
                        "source": "call",
                    },
                ],
                timeline=[
                    {
                        "v": 1,
                        "seq": 1,
                        "call_id": ANON_CALL,
                        "type": "emergency",
                        "ts": "2026-02-27T16:00:02.000+00:00",
                        "t_ms": 2000,
                        "kind": "medical",
                        "category": "chest_pain",
                    },
                ],
            )
        )
        return {"jordan_appointment": appt_id}
    finally:
        await store.close()
