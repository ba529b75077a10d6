"""Aida's settings: every variable of the brief plus ours, read from the environment and `.env`.

One `Settings` object is built per process (`get_settings()`); tests build their own with overrides
instead of touching the environment.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_SQLITE_URL = "sqlite:///data/aida.db"


# A label is a short name for whoever holds a staff key ("frontdesk", "dr.kim"); it is what the
# audit log records, so the key itself never has to be.
_STAFF_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,39}")


# HS256 keys and bearer keys shorter than this can be guessed or brute-forced offline.
MIN_SECRET_BYTES = 32


def _bytes(secret: SecretStr) -> int:
    return len(secret.get_secret_value().encode("utf-8"))


@dataclass(frozen=True)
class StaffKey:
    label: str
    key: SecretStr


def parse_staff_keys(entries: list[SecretStr]) -> list[StaffKey]:
    """STAFF_API_KEYS entries as labelled keys: "label:key", or a plain "key" labelled "key<N>"
    by its position (1-based). A plain key must therefore not look like "word:rest"."""
    keys: list[StaffKey] = []
    for position, entry in enumerate(entries, start=1):
        raw = entry.get_secret_value().strip()
        label, colon, key = raw.partition(":")
        if colon and _STAFF_LABEL.fullmatch(label):
            keys.append(StaffKey(label, SecretStr(key.strip())))
        else:
            keys.append(StaffKey(f"key{position}", SecretStr(raw)))
    return keys


def transfer_uri(value: str, region: str, allow_fictional: bool) -> str:
    """A transfer target as a URI: "sip:..." as given, a phone number as "tel:+E164"."""
    if value.lower().startswith("sip:"):
        return value
    from aida.errors import InvalidPhone
    from aida.scheduling.phones import normalize_phone

    try:
        return "tel:" + normalize_phone(value, region, allow_fictional)
    except InvalidPhone as exc:
        # no number in the message: the settings error names the variable, not its value
        raise ValueError("STAFF_TRANSFER_NUMBER must be a phone number or a sip: URI") from exc


def parse_hour_window(value: str) -> tuple[float, float]:
    """REMINDER_HOURS: "24-48" (hours from now, from before to)."""
    lo, dash, hi = value.strip().partition("-")
    try:
        start, end = float(lo), float(hi)
    except ValueError:
        raise ValueError("REMINDER_HOURS must look like 24-48 (hours from now)") from None
    if not dash or start < 0 or end <= start:
        raise ValueError("REMINDER_HOURS must look like 24-48 (hours from now)")
    return start, end


def parse_clock_window(value: str) -> tuple[dt.time, dt.time]:
    """REMINDER_CALL_HOURS: "09:00-19:00" (local times of the clinic's day, first before last)."""
    lo, dash, hi = value.strip().partition("-")
    try:
        start, end = dt.time.fromisoformat(lo.strip()), dt.time.fromisoformat(hi.strip())
    except ValueError:
        raise ValueError("REMINDER_CALL_HOURS must look like 09:00-19:00") from None
    if not dash or end <= start:
        raise ValueError("REMINDER_CALL_HOURS must look like 09:00-19:00 (first before last)")
    return start, end


def _csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
        # A refused value may be a secret (a staff key, an API key): name the variable, not it.
        hide_input_in_errors=True,
    )

    # --- LiveKit (brief) ---
    livekit_url: str | None = None
    livekit_api_key: str | None = None
    livekit_api_secret: SecretStr | None = None
    livekit_token_ttl: int = Field(3600, ge=60, le=86400)

    # --- LLM providers (brief) ---
    openai_api_key: SecretStr | None = None
    openai_model: str = "gpt-4o-mini"
    livekit_llm_model: str = "openai/gpt-4o-mini"
    llm_fallback: str | None = None
    anthropic_api_key: SecretStr | None = None
    anthropic_model: str = "claude-3-5-haiku-latest"

    # --- speech providers (brief) ---
    deepgram_api_key: SecretStr | None = None
    deepgram_stt_model: str = "nova-3"
    cartesia_api_key: SecretStr | None = None
    cartesia_tts_model: str = "sonic-2"
    cartesia_voice_id: str | None = None
    # how long a cloud speech provider in a fallback chain may leave the caller unanswered
    # before the local one behind it takes over (ours; docs/providers.md "Faults"): Deepgram,
    # from when the VAD heard the caller; Cartesia, between its messages, on one attempt
    stt_stall_seconds: float = Field(2.5, gt=0)
    tts_timeout_seconds: float = Field(2.0, gt=0)

    # --- provider endpoints (ours): unset means each provider's public API. Set them for a
    # proxy, a regional endpoint, or the local doubles of `AIDA_CLOUD_DOUBLES=1` (tests).
    openai_base_url: str | None = None
    anthropic_base_url: str | None = None
    deepgram_base_url: str | None = None
    cartesia_base_url: str | None = None
    # `aida simulate --providers cloud` against local doubles of the four providers (a test
    # mode: aida/simulate/cloud_doubles, docs/providers.md); never used by the worker.
    aida_cloud_doubles: bool = False

    # --- storage (brief: Supabase; ours: DATABASE_URL) ---
    supabase_url: str | None = None
    supabase_key: SecretStr | None = None
    database_url: str | None = None

    # --- the clinic's calendar (ours): "store" keeps patients and appointments in the store
    # above; "fhir" reads and writes them in the clinic's EHR over FHIR R4 (docs/fhir.md), and
    # the store keeps only Aida's own records (calls, action items, identity failures, audit).
    calendar_backend: Literal["store", "fhir"] = "store"
    fhir_base_url: str | None = None  # e.g. https://ehr.example.org/fhir/r4
    fhir_token: SecretStr | None = None  # a bearer token, when the EHR hands out a static one
    # SMART backend services (client credentials): the token URL is discovered from
    # .well-known/smart-configuration unless given; a private key (RS384) or a client secret.
    fhir_client_id: str | None = None
    fhir_client_secret: SecretStr | None = None
    fhir_private_key_path: Path | None = None
    fhir_token_url: str | None = None
    fhir_scope: str = (
        "system/Patient.rs system/Patient.u system/Patient.c system/Practitioner.rs"
        " system/Practitioner.c system/Practitioner.u system/Schedule.rs system/Schedule.c"
        " system/Schedule.u system/Slot.rs system/Slot.c system/Slot.u system/Appointment.rs"
        " system/Appointment.c system/Appointment.u system/HealthcareService.rs"
        " system/HealthcareService.c system/HealthcareService.u system/Location.rs"
        " system/Location.c"
    )
    # Aida books into the EHR one writer at a time per clinic: a lock file every worker process
    # on this host shares (see docs/fhir.md for why a version check alone is not enough).
    fhir_lock_dir: Path = Path("data")

    # --- clinic (brief: timezone; ours: the rest) ---
    default_timezone: str = "America/New_York"
    clinic_name: str = "Riverside Family Clinic"
    clinic_days: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"]
    )
    clinic_open: dt.time = dt.time(9, 0)
    clinic_close: dt.time = dt.time(17, 0)
    slot_minutes: int = Field(30, ge=5, le=240)
    booking_horizon_days: int = Field(90, ge=1, le=730)
    phone_region: str = "US"
    # The never-assigned 555 area code, for demos and tests; a real clinic has no such callers.
    allow_fictional_numbers: bool = False
    emergency_number: str = "911"
    # Plain caller turns (book <a time>, cancel <one>, goodbye...) are read in code and answered
    # with the tools directly, without a model request (aida.agent.understand).
    understand_in_code: bool | Literal["auto"] = "auto"
    # A short "One moment." as soon as a voice turn goes to the model, when the model is the
    # local one (seconds per request on a CPU): "auto" | "on" | "off".
    thinking_filler: Literal["auto", "on", "off"] = "auto"
    crisis_line: str = "988"  # what Aida gives a caller who speaks of self-harm
    # The semantic self-harm layer (aida/safety/semantic.py): indirect self-harm wording the
    # emergency signs miss gets the crisis line. Off: the signs alone.
    semantic_self_harm: bool = True
    # Where transfer_to_staff sends a phone (SIP) caller: a number (E.164 or local) or a
    # sip:/tel: URI. Unset: Aida takes a callback request instead of transferring.
    staff_transfer_number: str | None = None

    # --- outbound calls: reminders and waitlist offers (aida/outbound, docs/outbound.md) ---
    # The LiveKit SIP outbound trunk Aida dials through (`lk sip outbound create`); unset:
    # `aida reminders run` selects but places no call.
    sip_outbound_trunk_id: str | None = None
    # Remind appointments that start between these many hours from now ("24-48").
    reminder_hours: str = "24-48"
    # Place reminder calls only within these hours of the clinic's day, in DEFAULT_TIMEZONE.
    reminder_call_hours: str = "09:00-19:00"
    # Calls per appointment, answered or not (a busy line or no answer is retried later).
    reminder_max_attempts: int = Field(2, ge=1, le=10)
    # Wait at least this long after an attempt before the next one for the same appointment.
    reminder_retry_minutes: int = Field(60, ge=1, le=24 * 60)

    # --- caller identity (ours) ---
    # A freed slot is held this long for the waitlist patient it is offered to (docs/waitlist.md).
    waitlist_hold_minutes: int = Field(15, ge=1, le=24 * 60)
    # Failed identity checks per phone, counted across calls over the lockout window.
    identity_max_failures: int = Field(3, ge=1, le=100)
    identity_lockout_minutes: int = Field(60, ge=1, le=7 * 24 * 60)
    # Past IDENTITY_MAX_FAILURES a file is not locked but slowed: the next attempt on it waits
    # this long, doubling with each further failure (capped by the window).
    identity_backoff_seconds: int = Field(60, ge=1, le=24 * 3600)
    # With the local tiny.en speech-to-text: an identity turn whose transcript failed to verify
    # is heard again by whisper base and checked once more, within the same attempt
    # (aida/local/redecode.py). Off by default: bench/identity_redecode.py measured 18/24 turns
    # verified against 17/24 for about 3 s more per failed turn (docs/benchmarks.md).
    identity_redecode: bool = False
    # Shared with the clinic's patient portal, which signs who a signed-in patient is (HS256);
    # at least 32 bytes.
    portal_identity_secret: SecretStr | None = None
    # A call ends after this many minutes, and after this many seconds with the caller silent
    # (Aida says why first), so no line or worker is held by an abandoned or abusive call.
    max_call_minutes: int = Field(30, ge=1, le=24 * 60)
    idle_hangup_seconds: float = Field(90.0, ge=5)

    # --- API (brief: CORS; ours: staff credential, rate limit) ---
    backend_cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # "label:key,..." or plain "key,..." (labelled key1, key2, ... by position): the label names
    # the key holder in the audit log. See aida/api/security.py.
    staff_api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    session_rate_limit_per_minute: int = Field(30, ge=1)
    # Wrong staff keys per client address per minute before the address must wait.
    staff_auth_failures_per_minute: int = Field(10, ge=1)
    # The proxies whose X-Forwarded-For is believed (uvicorn reads the same variable, and its
    # --forwarded-allow-ips flag); unset: a forwarded header is never trusted for rate limits.
    forwarded_allow_ips: str | None = None

    # --- offline stack (ours) ---
    providers: Literal["auto", "local", "cloud"] = "auto"
    local_stt_model: Literal["tiny.en", "base"] = "tiny.en"
    local_llm_model_path: Path | None = None
    llm_base_url: str | None = None
    llm_base_model: str = "qwen2.5:1.5b"
    model_cache_dir: Path = Path.home() / ".cache" / "aida" / "models"
    turn_detection: Literal["auto", "vad"] = "auto"
    # How the worker runs its calls (aida/agent/worker.py): `thread` runs every call of a worker
    # in its one process, sharing one set of local models; `process` gives each call a process of
    # its own (LiveKit's default), each loading its own models; `auto` is `thread` when a local
    # model is a primary provider, else `process`.
    job_executor: Literal["auto", "thread", "process"] = "auto"
    # Calls one worker takes before it reports itself full to LiveKit (0: by CPU load only).
    worker_max_calls: int = Field(0, ge=0)
    # Port of the worker's Prometheus metrics (lk_agents_worker_load, for autoscaling); 0: off.
    worker_metrics_port: int = Field(0, ge=0, le=65535)

    # --- after the call (ours) ---
    outbox_dir: Path = Path("data/outbox")
    outbox_retry_seconds: float = Field(60.0, gt=0)
    aida_prices: str | None = None  # price overrides: inline JSON or a path (aida/calls/cost.py)

    log_level: str = "INFO"

    @field_validator("clinic_days", "backend_cors_origins", "staff_api_keys", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        return _csv(value)

    @field_validator("staff_api_keys")
    @classmethod
    def _check_staff_labels(cls, value: list[SecretStr]) -> list[SecretStr]:
        labels = [k.label for k in parse_staff_keys(value)]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        if repeated:
            # The audit log could not tell the holders apart.
            raise ValueError(f"STAFF_API_KEYS uses a label twice: {', '.join(repeated)}")
        return value

    @field_validator("staff_api_keys")
    @classmethod
    def _check_staff_key_length(cls, value: list[SecretStr]) -> list[SecretStr]:
        short = [k.label for k in parse_staff_keys(value) if 0 < _bytes(k.key) < MIN_SECRET_BYTES]
        if short:
            # Labels only: a key never goes into an error message.
            raise ValueError(
                f"STAFF_API_KEYS: each key needs at least {MIN_SECRET_BYTES} bytes (e.g. "
                f"`openssl rand -hex 32`); too short: {', '.join(short)}"
            )
        return value

    @field_validator("portal_identity_secret")
    @classmethod
    def _check_portal_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if _bytes(value) < MIN_SECRET_BYTES:
            raise ValueError(
                f"PORTAL_IDENTITY_SECRET needs at least {MIN_SECRET_BYTES} bytes (e.g. "
                "`openssl rand -hex 32`)"
            )
        return value

    @field_validator("clinic_days")
    @classmethod
    def _check_days(cls, value: list[str]) -> list[str]:
        days = [d.lower()[:3] for d in value]
        unknown = [d for d in days if d not in WEEKDAYS]
        if unknown or not days:
            raise ValueError(f"CLINIC_DAYS must be names from {','.join(WEEKDAYS)}; got {value}")
        return days

    @field_validator("default_timezone")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"DEFAULT_TIMEZONE {value!r} is not an IANA timezone name") from exc
        return value

    @field_validator("staff_transfer_number")
    @classmethod
    def _check_transfer_number(cls, value: str | None, info) -> str | None:  # type: ignore[no-untyped-def]
        if value is None or not value.strip():
            return None
        value = value.strip()
        if value.lower().startswith("sip:"):
            return value
        transfer_uri(
            value,
            info.data.get("phone_region", "US"),
            info.data.get("allow_fictional_numbers", False),
        )
        return value

    @field_validator("reminder_hours")
    @classmethod
    def _check_reminder_hours(cls, value: str) -> str:
        parse_hour_window(value)
        return value

    @field_validator("reminder_call_hours")
    @classmethod
    def _check_call_hours(cls, value: str) -> str:
        parse_clock_window(value)
        return value

    @property
    def reminder_window(self) -> tuple[dt.timedelta, dt.timedelta]:
        """REMINDER_HOURS as (from, to) offsets from now."""
        lo, hi = parse_hour_window(self.reminder_hours)
        return dt.timedelta(hours=lo), dt.timedelta(hours=hi)

    @property
    def reminder_call_window(self) -> tuple[dt.time, dt.time]:
        """REMINDER_CALL_HOURS as (first, last) local times of the clinic's day."""
        return parse_clock_window(self.reminder_call_hours)

    @field_validator("clinic_close")
    @classmethod
    def _close_after_open(cls, value: dt.time, info) -> dt.time:  # type: ignore[no-untyped-def]
        opening = info.data.get("clinic_open")
        if opening is not None and value <= opening:
            raise ValueError("CLINIC_CLOSE must be later than CLINIC_OPEN")
        return value

    @property
    def staff_keys(self) -> list[StaffKey]:
        """STAFF_API_KEYS with their labels; entries without a key are left out."""
        return [k for k in parse_staff_keys(self.staff_api_keys) if k.key.get_secret_value()]

    @property
    def staff_transfer_uri(self) -> str | None:
        """STAFF_TRANSFER_NUMBER as LiveKit's SIP transfer wants it: "tel:+E164" or "sip:..."."""
        if not self.staff_transfer_number:
            return None
        return transfer_uri(
            self.staff_transfer_number, self.phone_region, self.allow_fictional_numbers
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)

    @property
    def open_weekdays(self) -> frozenset[int]:
        """Weekday numbers (Monday=0) the clinic is open."""
        return frozenset(WEEKDAYS.index(d) for d in self.clinic_days)

    @property
    def store_backend(self) -> Literal["sqlite", "postgres", "supabase"]:
        """DATABASE_URL wins when set; else Supabase when configured; else the embedded SQLite."""
        if self.database_url:
            if self.database_url.startswith("sqlite"):
                return "sqlite"
            if self.database_url.startswith(("postgresql", "postgres")):
                return "postgres"
            raise ValueError("DATABASE_URL must start with sqlite:/// or postgresql://")
        if self.supabase_url and self.supabase_key:
            return "supabase"
        return "sqlite"

    @field_validator("fhir_base_url")
    @classmethod
    def _check_fhir_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("FHIR_BASE_URL must be an http(s):// URL")
        return value.strip().rstrip("/")

    @property
    def sqlite_url(self) -> str:
        return self.database_url or DEFAULT_SQLITE_URL


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
