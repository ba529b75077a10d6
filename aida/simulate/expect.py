"""`expect`: what must be true once the call is over.

Each entry is about one patient (`phone`, default `caller`) — the calendar (`booked`, `count`,
`on_date`, `not_at`), the stored `preferences`, whether they are `registered` — and/or about the
call itself (`action_items`, `transferred`, `ended_by`, `emergency`, and for a call Aida placed
its `outbound` outcome), which needs no phone. The
full format, with examples, is in docs/scenarios.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from aida.scheduling.phones import mask_phone
from aida.simulate import fields
from aida.simulate.checks import normalize
from aida.simulate.clinic_seed import ClinicSeed
from aida.simulate.fields import CALLER, ScenarioError
from aida.simulate.outcome import EMERGENCY_KINDS, ActionItemRule, CallOutcome
from aida.store.models import Appointment, Patient, WaitlistEntry

PATIENT_RULES = (
    "booked", "count", "on_date", "not_at", "preferences", "registered", "waitlist"
)  # fmt: skip
NONE = "none"
WAITLIST_STATES = ("waiting", "offered", "booked", "removed", NONE)
CALL_RULES = ("action_items", "transferred", "ended_by", "emergency", "outbound")
Registered = Literal["yes", "no", "pending", "confirmed"]  # what a rule asks
Registration = Literal["no", "pending", "confirmed"]  # what the store holds


@dataclass(frozen=True)
class Booked:
    """One appointment `booked` must find: its start, and who and what, when the rule says."""

    start: dt.datetime
    provider: str | None = None
    visit_type: str | None = None


@dataclass(frozen=True)
class Names:
    """Provider and visit type names by id, to say and compare who an appointment is with."""

    providers: dict[str, str] = field(default_factory=dict)
    visit_types: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PatientExpectation:
    phone: str
    booked: tuple[Booked, ...] | None = None  # exact set of booked starts
    count: int | None = None
    on_date: dt.date | None = None  # every booked appointment on this local date
    not_at: tuple[dt.datetime, ...] = ()
    # None: no rule; {}: no preferences at all ("none"); else each key's accepted values
    # (a tuple of alternatives) or None for "this key is not stored".
    preferences: dict[str, tuple[Any, ...] | None] | None = None
    registered: Registered | None = None
    # the status of the patient's latest waitlist entry (aida.waitlist), or "none": no entry
    waitlist: str | None = None

    def check(
        self,
        appointments: list[Appointment],
        tz: ZoneInfo,
        patient: Patient | None = None,
        names: Names | None = None,
        waitlist: list[WaitlistEntry] | None = None,
    ) -> list[str]:
        """What is wrong with this patient's end state; empty when all is as expected."""
        names = names or Names()
        who = mask_phone(self.phone)
        booked = sorted(
            (a for a in appointments if a.status == "booked"), key=lambda a: a.start_time
        )
        starts = [a.start_time.astimezone(tz) for a in booked]
        shown = ", ".join(_describe(a, tz, names) for a in booked) or "none"
        problems: list[str] = []
        if self.booked is not None:
            wanted = sorted(self.booked, key=lambda b: b.start)
            if starts != [b.start for b in wanted]:
                text = ", ".join(_show(b.start) for b in wanted) or "none"
                problems.append(f"{who}: expected booked {text}; found {shown}")
            else:
                for rule, appt in zip(wanted, booked, strict=True):
                    problems += _with(rule, appt, who, names, shown)
        if self.count is not None and len(starts) != self.count:
            problems.append(f"{who}: expected {self.count} booked; found {len(starts)} ({shown})")
        if self.on_date is not None:
            off = [s for s in starts if s.date() != self.on_date]
            if off:
                problems.append(
                    f"{who}: expected bookings on {self.on_date.isoformat()}; found {shown}"
                )
        for bad in self.not_at:
            if any(s == bad for s in starts):
                problems.append(f"{who}: must not be booked at {_show(bad)}; found {shown}")
        if self.preferences is not None:
            problems += self._preferences(patient, who)
        if self.registered is not None:
            state = registration(patient)
            accepted = ("pending", "confirmed") if self.registered == "yes" else (self.registered,)
            if state not in accepted:
                problems.append(f"{who}: expected registered: {self.registered}; found {state}")
        if self.waitlist is not None:
            entries = waitlist or []
            found = entries[-1].status if entries else NONE
            if found != self.waitlist:
                problems.append(f"{who}: expected waitlist: {self.waitlist}; found {found}")
        return problems

    def _preferences(self, patient: Patient | None, who: str) -> list[str]:
        stored = dict(patient.preferences) if patient is not None else {}
        assert self.preferences is not None
        if not self.preferences:
            return [f"{who}: expected no preferences; found {stored}"] if stored else []
        problems = []
        for key, accepted in self.preferences.items():
            if accepted is None:
                if key in stored:
                    problems.append(f"{who}: expected no {key} preference; found {stored[key]!r}")
                continue
            if key not in stored:
                problems.append(f"{who}: expected preference {key}: {_options(accepted)}; none")
            elif not any(_same_value(stored[key], a) for a in accepted):
                problems.append(
                    f"{who}: expected preference {key}: {_options(accepted)}; found {stored[key]!r}"
                )
        return problems


def registration(patient: Patient | None) -> Registration:
    """What the store holds: "no" record, "pending" (a registration staff have not confirmed
    yet: `registration_pending`), or "confirmed"."""
    if patient is None:
        return "no"
    return "pending" if patient.registration_pending else "confirmed"


def _with(rule: Booked, appt: Appointment, who: str, names: Names, shown: str) -> list[str]:
    problems = []
    provider = names.providers.get(appt.provider_id or "")
    if rule.provider is not None and normalize(provider or NONE) != normalize(rule.provider):
        problems.append(f"{who}: expected {_show(rule.start)} with {rule.provider}; found {shown}")
    kind = names.visit_types.get(appt.visit_type_id or "")
    if rule.visit_type is not None and normalize(kind or NONE) != normalize(rule.visit_type):
        problems.append(
            f"{who}: expected {_show(rule.start)} to be a {rule.visit_type}; found {shown}"
        )
    return problems


def _describe(appt: Appointment, tz: ZoneInfo, names: Names) -> str:
    text = _show(appt.start_time.astimezone(tz))
    extra = [
        n
        for n in (
            names.visit_types.get(appt.visit_type_id or ""),
            names.providers.get(appt.provider_id or ""),
        )
        if n
    ]
    return f"{text} ({', '.join(extra)})" if extra else text


def _show(when: dt.datetime) -> str:
    return when.strftime("%a %Y-%m-%d %H:%M")


def _options(values: tuple[Any, ...]) -> str:
    return " or ".join(repr(v) for v in values)


def _same_value(stored: Any, wanted: Any) -> bool:
    if isinstance(stored, str) and isinstance(wanted, str):
        return normalize(stored) == normalize(wanted)
    return bool(stored == wanted)


# --- parsing ---


def parse_expect(
    raw_expect: Any,
    *,
    presented: str | None,
    tz: ZoneInfo,
    clinic: ClinicSeed,
    region: str,
    where: str,
) -> tuple[tuple[PatientExpectation, ...], CallOutcome]:
    if not isinstance(raw_expect, list) or not raw_expect:
        raise ScenarioError(f"{where}: expect must be a non-empty list")
    patients = []
    outcome: dict[str, Any] = {}
    for i, raw in enumerate(raw_expect):
        at = f"{where}: expect[{i}]"
        raw = fields.mapping(raw, at)
        fields.only(raw, {"phone", *PATIENT_RULES, *CALL_RULES}, at)
        rules = set(PATIENT_RULES + CALL_RULES)
        if not rules & set(raw):
            raise ScenarioError(f"{at}: give at least one of {', '.join(sorted(rules))}")
        for key in CALL_RULES:
            if key in raw:
                if key in outcome:
                    raise ScenarioError(f"{at}: {key} is about the call; give it once")
                outcome[key] = _call_rule(key, raw[key], f"{at}: {key}")
        if set(PATIENT_RULES) & set(raw):
            patients.append(_patient(raw, presented, tz, clinic, region, at))
        elif "phone" in raw:
            raise ScenarioError(f"{at}: a phone needs a rule about that patient")
    emergency = outcome.pop("emergency", None)
    return tuple(patients), CallOutcome(
        **outcome,
        emergency=None if emergency is None else emergency[0],
        emergency_category=None if emergency is None else emergency[1],
    )


def _patient(
    raw: dict[str, Any],
    presented: str | None,
    tz: ZoneInfo,
    clinic: ClinicSeed,
    region: str,
    at: str,
) -> PatientExpectation:
    booked = raw.get("booked")
    if booked is not None and not isinstance(booked, list):
        raise ScenarioError(f"{at}: booked must be a list of starts")
    registered = raw.get("registered")
    return PatientExpectation(
        phone=fields.phone(raw.get("phone", CALLER), presented, at, region),
        booked=None
        if booked is None
        else tuple(_booked(b, tz, clinic, f"{at}: booked[{n}]") for n, b in enumerate(booked)),
        count=None if raw.get("count") is None else _count(raw["count"], f"{at}: count"),
        on_date=None if raw.get("on_date") is None else fields.date(raw["on_date"], at),
        not_at=tuple(fields.when(b, tz, at) for b in fields.listing(raw.get("not_at"), at)),
        preferences=_preferences(raw["preferences"], f"{at}: preferences")
        if "preferences" in raw
        else None,
        registered=None if registered is None else _registered(registered, f"{at}: registered"),
        waitlist=None if raw.get("waitlist") is None else _waitlist(raw["waitlist"], at),
    )


def _waitlist(raw: Any, at: str) -> str:
    value = str(raw).strip().lower()
    if value not in WAITLIST_STATES:
        raise ScenarioError(f"{at}: waitlist must be one of {', '.join(WAITLIST_STATES)}")
    return value


def _count(raw: Any, where: str) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise ScenarioError(f"{where}: expected a whole number, 0 or more")
    return raw


def _booked(raw: Any, tz: ZoneInfo, clinic: ClinicSeed, where: str) -> Booked:
    if not isinstance(raw, dict):
        return Booked(fields.when(raw, tz, where))
    fields.only(raw, {"start", "provider", "visit_type"}, where)
    if "start" not in raw:
        raise ScenarioError(f"{where}: needs a start")
    provider = raw.get("provider")
    if provider is not None and clinic.provider(str(provider)) is None:
        raise ScenarioError(f"{where}: provider {provider!r} is not in `providers`")
    kind = raw.get("visit_type")
    if kind is not None and clinic.visit_type(str(kind)) is None:
        raise ScenarioError(f"{where}: visit type {kind!r} is not in `visit_types`")
    return Booked(
        fields.when(raw["start"], tz, where),
        None if provider is None else str(provider),
        None if kind is None else str(kind),
    )


def _preferences(raw: Any, where: str) -> dict[str, tuple[Any, ...] | None]:
    if raw is None or (isinstance(raw, str) and raw.strip().lower() == NONE):
        return {}
    if not isinstance(raw, dict) or not raw:
        raise ScenarioError(f"{where}: give `none`, or {{topic: value}} (a list: any of them)")
    out: dict[str, tuple[Any, ...] | None] = {}
    for key, value in raw.items():
        name = str(key).strip().lower().replace(" ", "_")
        if value is None or (isinstance(value, str) and value.strip().lower() == NONE):
            out[name] = None
        elif isinstance(value, list) and value:
            out[name] = tuple(value)
        elif isinstance(value, str | int | float | bool):
            out[name] = (value,)
        else:
            raise ScenarioError(f"{where}.{key}: expected a value, a list of values, or none")
    return out


def _registered(raw: Any, where: str) -> Registered:
    """true: a record, pending or confirmed; pending / confirmed: that one; false: none."""
    if raw is True or str(raw).strip().lower() == "yes":
        return "yes"
    if raw is False or str(raw).strip().lower() == "no":
        return "no"
    value = str(raw).strip().lower()
    if value in ("pending", "confirmed"):
        return cast(Registered, value)
    raise ScenarioError(f"{where}: expected true, false, pending or confirmed")


def _call_rule(key: str, raw: Any, where: str) -> Any:
    if key == "action_items":
        return _action_items(raw, where)
    if key == "transferred":
        if raw is True or raw is False or raw == "attempted":
            return raw
        raise ScenarioError(f"{where}: expected true, false or attempted")
    if key == "ended_by":
        value = str(raw).strip().lower()
        if value not in ("aida", "caller"):
            raise ScenarioError(f"{where}: expected caller or aida")
        return value
    if key == "outbound":
        from aida.outbound.outcomes import CALL_OUTCOMES

        value = str(raw).strip().lower()
        if value not in CALL_OUTCOMES:
            raise ScenarioError(f"{where}: expected one of {', '.join(sorted(CALL_OUTCOMES))}")
        return value
    # emergency: a kind, `none`, or {kind, category}
    if isinstance(raw, dict):
        fields.only(raw, {"kind", "category"}, where)
        kind, category = raw.get("kind"), raw.get("category")
    else:
        kind, category = raw, None
    kind = str(kind).strip().lower() if kind is not None else ""
    if kind not in (*EMERGENCY_KINDS, NONE):
        raise ScenarioError(f"{where}: expected {', '.join(EMERGENCY_KINDS)} or none")
    return kind, None if category is None else str(category)


def _action_items(raw: Any, where: str) -> tuple[ActionItemRule, ...]:
    if raw is None or raw == [] or (isinstance(raw, str) and raw.strip().lower() == NONE):
        return ()
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}: give `none`, or a list of {{kind, topic, count}}")
    rules = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        item = {"kind": item} if isinstance(item, str) else fields.mapping(item, at)
        fields.only(item, {"kind", "topic", "count"}, at)
        if not {"kind", "topic"} & set(item):
            raise ScenarioError(f"{at}: give a kind, a topic, or both")
        rules.append(
            ActionItemRule(
                kind=None if item.get("kind") is None else fields.text(item["kind"], at),
                topic=None if item.get("topic") is None else fields.text(item["topic"], at),
                count=None if item.get("count") is None else _count(item["count"], at),
            )
        )
    return tuple(rules)
