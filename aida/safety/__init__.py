"""Patient safety checks in code, run before the LLM: the model may ignore a prompt, not these."""

from aida.safety.emergency import (
    CATEGORIES,
    EmergencyMatch,
    Kind,
    Tier,
    detect_emergency,
    is_all_clear,
)
from aida.safety.messages import (
    emergency_message,
    emergency_reminder,
    safety_message,
    write_refusal,
)

__all__ = [
    "CATEGORIES",
    "EmergencyMatch",
    "Kind",
    "Tier",
    "detect_emergency",
    "emergency_message",
    "emergency_reminder",
    "is_all_clear",
    "safety_message",
    "write_refusal",
]
