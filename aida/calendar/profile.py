"""The clinic's profile: the facts Aida may tell a caller about the clinic, and nothing else.

Two layers. What staff set (`ProfileEdits`, kept in the store, edited at `PUT /api/clinic/profile`
or with `aida clinic profile set`) over what the clinic's configuration already says (its name,
and its hours per day from CLINIC_OPEN/CLINIC_CLOSE/CLINIC_DAYS or, when it has providers, from
their hours). Holidays are never typed twice: they are the clinic's closures. A fact nobody
configured is absent (None or empty), never a placeholder, so a question about it can only be
answered "I don't have that information".

`profile_for_call(store, settings, now)` is what a call uses.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    field_validator,
)

from aida.calendar.closures import local_days, spoken_closure
from aida.config import Settings
from aida.errors import InvalidRequest
from aida.scheduling.hours import days_text
from aida.scheduling.speech import clock_time
from aida.scheduling.working_hours import DAYS, parse_hours
from aida.store.models import Closure, Provider
from aida.store.protocol import Store

MAX_TEXT = 300
MAX_ITEMS = 30
# How far ahead a call is told about closures: what a caller plans for.
HOLIDAY_HORIZON = dt.timedelta(days=366)
_PERIOD = re.compile(r"^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")
_FACT_NAME = re.compile(r"^[a-z0-9][a-z0-9_ -]{0,39}$")
CLOSED = "closed"


# A wall-clock time in JSON as staff write it, "09:00" (JSON Schema's "time" format would want
# an offset, which a clinic's opening hour does not have).
WallTime = Annotated[
    dt.time,
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "examples": ["09:00"]},
        mode="serialization",
    ),
]


class OpenPeriod(BaseModel):
    model_config = ConfigDict(frozen=True)

    open: WallTime
    close: WallTime

    def text(self) -> str:
        return f"{self.open:%H:%M}-{self.close:%H:%M}"

    def spoken(self) -> str:
        return f"{clock_time(self.open)} to {clock_time(self.close)}"


class Holiday(BaseModel):
    """A closure as the profile shows it: the local days it covers and why."""

    first_day: dt.date
    last_day: dt.date
    all_day: bool
    start: dt.datetime  # clinic-local, aware
    end: dt.datetime
    reason: str | None = None
    spoken: str  # "on Thursday, November 26 for Thanksgiving"


def _text(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text")
    clean = " ".join(value.split())
    if len(clean) > MAX_TEXT:
        raise ValueError(f"{what} can be at most {MAX_TEXT} characters")
    return clean or None


def _items(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # "Aetna, Cigna" as staff type it in a shell
        value = value.split(",")
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list of text")
    out: list[str] = []
    for item in value:
        clean = _text(item, what)
        if clean and clean.casefold() not in {o.casefold() for o in out}:
            out.append(clean)
    if len(out) > MAX_ITEMS:
        raise ValueError(f"{what} can have at most {MAX_ITEMS} entries")
    return out


def parse_day_hours(spec: str | None) -> list[OpenPeriod]:
    """ "09:00-17:00", "08:00-12:00, 13:00-17:00" or "closed" (also empty)."""
    if spec is None or not spec.strip() or spec.strip().lower() == CLOSED:
        return []
    periods = []
    for part in spec.split(","):
        match = _PERIOD.match(part)
        if match is None:
            raise ValueError(f'hours look like "09:00-17:00" or "closed", not {part.strip()!r}')
        try:
            opens, closes = (dt.time.fromisoformat(t.zfill(5)) for t in match.groups())
        except ValueError:
            raise ValueError(f"{part.strip()!r} is not a time range") from None
        if closes <= opens:
            raise ValueError(f"{part.strip()!r} must end after it starts")
        periods.append(OpenPeriod(open=opens, close=closes))
    return _merged(periods)


def _merged(periods: list[OpenPeriod]) -> list[OpenPeriod]:
    out: list[OpenPeriod] = []
    for p in sorted(periods, key=lambda p: (p.open, p.close)):
        if out and p.open <= out[-1].close:
            last = out.pop()
            p = OpenPeriod(open=last.open, close=max(last.close, p.close))
        out.append(p)
    return out


def _without(period: OpenPeriod, lo: dt.time, hi: dt.time) -> list[OpenPeriod]:
    """`period` with [lo, hi) taken out: nothing, one piece, or two."""
    if hi <= period.open or lo >= period.close:
        return [period]
    pieces = []
    if lo > period.open:
        pieces.append(OpenPeriod(open=period.open, close=lo))
    if hi < period.close:
        pieces.append(OpenPeriod(open=hi, close=period.close))
    return pieces


class ProfileEdits(BaseModel):
    """What staff set; every field left out (None, or absent) keeps the configured default."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    address: str | None = None
    phone: str | None = None
    # Per weekday ("mon".."sun"): "09:00-17:00", "08:00-12:00,13:00-17:00" or "closed". A day
    # left out keeps the hours the configuration gives it.
    hours: dict[str, str] | None = None
    parking: str | None = None
    what_to_bring: list[str] | None = None
    insurance_accepted: list[str] | None = None
    languages: list[str] | None = None
    # Anything else staff want Aida to be able to say ("wifi": "...", "fax": "...").
    facts: dict[str, str] | None = None

    @field_validator("name", "address", "phone", "parking", mode="before")
    @classmethod
    def _clean_text(cls, value: Any, info: Any) -> str | None:
        return _text(value, info.field_name)

    @field_validator("what_to_bring", "insurance_accepted", "languages", mode="before")
    @classmethod
    def _clean_items(cls, value: Any, info: Any) -> list[str] | None:
        return None if value is None else _items(value, info.field_name)

    @field_validator("hours", mode="before")
    @classmethod
    def _check_hours(cls, value: Any) -> dict[str, str] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError('hours must map days ("mon".."sun") to "09:00-17:00" or "closed"')
        out = {}
        for day, spec in value.items():
            key = str(day).strip().lower()[:3]
            if key not in DAYS:
                raise ValueError(f"hours: {day!r} is not a day (mon, tue, ... sun)")
            periods = parse_day_hours(None if spec is None else str(spec))
            out[key] = ",".join(p.text() for p in periods) or CLOSED
        return out

    @field_validator("facts", mode="before")
    @classmethod
    def _check_facts(cls, value: Any) -> dict[str, str] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("facts must map a short name to a sentence")
        out = {}
        for raw_name, raw_text in value.items():
            name = " ".join(str(raw_name).lower().split())
            if not _FACT_NAME.match(name):
                raise ValueError(f"facts: {raw_name!r} is not a short name (letters, digits, _)")
            text = _text(raw_text, f"facts.{name}")
            if text:
                out[name] = text
        if len(out) > MAX_ITEMS:
            raise ValueError(f"facts can have at most {MAX_ITEMS} entries")
        return out

    def stored(self) -> dict[str, Any]:
        """The JSON kept in the store: only what staff actually set."""
        return self.model_dump(mode="json", exclude_none=True)


def read_edits(raw: dict[str, Any] | None) -> ProfileEdits:
    """The edits from the store (or from a request body); `InvalidRequest` names the field."""
    try:
        return ProfileEdits.model_validate(raw or {})
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error.get("loc", ())) or "profile"
        raise InvalidRequest(f"{where}: {error.get('msg', 'invalid')}") from None


class ClinicProfile(BaseModel):
    """The facts a call may use. `hours` has every weekday ("mon".."sun"; [] when closed)."""

    name: str
    address: str | None = None
    phone: str | None = None
    timezone: str
    hours: dict[str, list[OpenPeriod]]
    holidays: list[Holiday] = Field(default_factory=list)
    parking: str | None = None
    what_to_bring: list[str] = Field(default_factory=list)
    insurance_accepted: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    facts: dict[str, str] = Field(default_factory=dict)

    def open_on(self, day: dt.date) -> list[OpenPeriod]:
        """The periods the clinic is open on that local date: its weekday's hours less the
        closures that day (none on a whole-day holiday); `closure_on` says why."""
        periods = list(self.hours[DAYS[day.weekday()]])
        for h in self.holidays:
            if not h.first_day <= day <= h.last_day:
                continue
            if h.all_day:
                return []
            # the part of the day the closure covers, in wall-clock times
            lo = h.start.time() if h.start.date() == day else dt.time(0)
            hi = h.end.time() if h.end.date() == day else dt.time.max
            periods = [piece for p in periods for piece in _without(p, lo, hi)]
        return periods

    def closure_on(self, day: dt.date) -> Holiday | None:
        return next((h for h in self.holidays if h.first_day <= day <= h.last_day), None)

    def spoken_hours(self) -> str:
        """ "Monday to Friday, 9 AM to 5 PM; Saturday, 9 AM to 12 PM" (days with the same hours
        together); "" when the clinic has no open day at all."""
        groups: dict[tuple[OpenPeriod, ...], set[int]] = {}
        for i, day in enumerate(DAYS):
            periods = tuple(self.hours.get(day, []))
            if periods:
                groups.setdefault(periods, set()).add(i)
        parts = []
        for periods, days in sorted(groups.items(), key=lambda kv: min(kv[1])):
            parts.append(
                f"{days_text(frozenset(days))}, {' and '.join(p.spoken() for p in periods)}"
            )
        return "; ".join(parts)

    def known(self) -> dict[str, Any]:
        """Each fact that is configured, by name; a name not here is not known to the clinic."""
        facts: dict[str, Any] = {"name": self.name}
        for key in ("address", "phone", "parking"):
            value = getattr(self, key)
            if value:
                facts[key] = value
        if any(self.hours.values()):
            facts["hours"] = self.spoken_hours()
        for key in ("what_to_bring", "insurance_accepted", "languages"):
            value = getattr(self, key)
            if value:
                facts[key] = list(value)
        if self.holidays:
            facts["holidays"] = [h.spoken for h in self.holidays]
        facts.update(self.facts)
        return facts


def configured_hours(settings: Settings, providers: list[Provider]) -> dict[str, list[OpenPeriod]]:
    """Hours per weekday from the configuration: CLINIC_DAYS at CLINIC_OPEN-CLINIC_CLOSE, or with
    providers, when any of them works (each with their own hours, or the clinic's)."""
    clinic = [(settings.open_weekdays, settings.clinic_open, settings.clinic_close)]
    spans = clinic
    if providers:
        spans = []
        for provider in providers:
            if provider.hours:
                wh = parse_hours(provider.hours)
                spans.append((wh.weekdays, wh.open, wh.close))
            else:
                spans.extend(clinic)
    hours: dict[str, list[OpenPeriod]] = {}
    for i, day in enumerate(DAYS):
        periods = [OpenPeriod(open=o, close=c) for days, o, c in spans if i in days]
        hours[day] = _merged(periods)
    return hours


def holiday(closure: Closure, settings: Settings) -> Holiday:
    tz = settings.tz
    first, last = local_days(closure, tz)
    return Holiday(
        first_day=first,
        last_day=last,
        all_day=closure.all_day,
        start=closure.start_time.astimezone(tz),
        end=closure.end_time.astimezone(tz),
        reason=closure.reason,
        spoken=spoken_closure(closure, tz),
    )


def build_profile(
    settings: Settings,
    edits: ProfileEdits,
    providers: list[Provider] | None = None,
    closures: list[Closure] | None = None,
) -> ClinicProfile:
    """The profile from the configuration, staff edits over it, and the closures as holidays."""
    hours = configured_hours(settings, providers or [])
    for day, spec in (edits.hours or {}).items():
        hours[day] = parse_day_hours(spec)
    return ClinicProfile(
        name=edits.name or settings.clinic_name,
        address=edits.address,
        phone=edits.phone,
        timezone=settings.default_timezone,
        hours=hours,
        holidays=[holiday(c, settings) for c in closures or []],
        parking=edits.parking,
        what_to_bring=edits.what_to_bring or [],
        insurance_accepted=edits.insurance_accepted or [],
        languages=edits.languages or [],
        facts=edits.facts or {},
    )


async def load_edits(store: Store) -> ProfileEdits:
    return read_edits(await store.get_clinic_profile())


async def save_edits(store: Store, edits: ProfileEdits, updated_by: str) -> ProfileEdits:
    await store.save_clinic_profile(edits.stored(), updated_by)
    return edits


async def profile_for_call(store: Store, settings: Settings, now: dt.datetime) -> ClinicProfile:
    """The profile a call answers from: configuration, staff edits, and the closures from today
    (clinic time) for a year."""
    today = dt.datetime.combine(now.astimezone(settings.tz).date(), dt.time(0), tzinfo=settings.tz)
    edits = await load_edits(store)
    providers = await store.list_providers()
    closures = await store.list_closures(start=today, end=today + HOLIDAY_HORIZON)
    return build_profile(settings, edits, providers, closures)


def set_field(edits: ProfileEdits, key: str, value: str | None) -> ProfileEdits:
    """One change as staff type it in a shell: `address "12 Main St"`, `hours.sat 09:00-12:00`,
    `facts.wifi "Ask at the desk"`, `insurance_accepted "Aetna, Cigna"`; an empty value clears."""
    data = edits.stored()
    head, _, sub = key.strip().lower().partition(".")
    if head not in ProfileEdits.model_fields:
        names = ", ".join(ProfileEdits.model_fields)
        raise InvalidRequest(f"No profile field {key!r}; the fields are {names}.")
    empty = value is None or not value.strip()
    if head in ("hours", "facts"):
        if not sub:
            raise InvalidRequest(f"Name the {head} entry: {head}.<name>, e.g. hours.sat.")
        entries = dict(data.get(head) or {})
        if empty:
            entries.pop(sub, None)
        else:
            entries[sub] = value
        data[head] = entries or None
    elif sub:
        raise InvalidRequest(f"{head} has no entries; give it a value: {head} VALUE.")
    else:
        data[head] = None if empty else value
    return read_edits(data)
