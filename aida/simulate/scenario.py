"""A simulated call as a small YAML file: who calls, what they say, what Aida must (never) say,
and how the calendar must end. The full format, with examples, is in docs/scenarios.md.

```yaml
name: book
now: "2026-03-02T08:30:00"        # the clinic's local time; the call happens "now"
caller: "+12025550143"            # caller ID on the line; `none` (or omitted): no caller ID
# web_phone: "+12025550143"       # instead of caller: a web session whose form claimed this
                                  # phone (caller ID source "token", a hint only)
patients:                         # seeded before the call
  - {phone: caller, name: Jane Doe, date_of_birth: "1985-03-03"}
appointments:                     # seeded before the call (local times)
  - {phone: "+12025550178", start: "2026-03-04T10:00", reason: follow-up}
lines:                            # the caller's turns; each waits for Aida to finish first
  - say: I'd like to book a check-up on Wednesday, March 4th at 10 AM.
  - wav: lines/confirm.wav        # or a recording (relative to the scenario file)
expect:                           # the end state in the store, per patient
  - phone: caller
    booked: ["2026-03-04T10:00"]  # exactly these booked appointments (local starts)
must_say:                         # each check passes when any alternative was said
  - ["booked", "all set"]
never_say: ["can't book", "try again later"]
forbidden_tools:                  # a bare name, or a name with the arguments that must not occur
  - cancel_appointment
  - {name: book_appointment, args: {start: "2026-03-04T14:30"}}
scripted:                         # the LLM's side per caller turn, for `--scripted` and CI
  turns:                          # one step per model request; tools speak for themselves
    - - {call: book_appointment, args: {start: "Wednesday, March 4 at 10 AM"}}   # reads back
    - - {call: book_appointment, args: {start: "Wednesday, March 4 at 10 AM"}}   # on "yes"
```

`caller` in a phone field stands for the number the line presents (`caller`, else `web_phone`).
Per patient, `booked` is the exact set of booked starts; `count`, `on_date` and `not_at` describe
an outcome the caller may reach several ways (e.g. "any other time that day"). Times without an
offset are in the scenario's clinic timezone, which is also where "now" is, so dates are
deterministic whatever the machine's clock says.

`must_say`/`never_say` are case-insensitive substrings of what Aida said (all her lines, the
greeting included); `forbidden_tools` fails on any call of the tool, refused or not. A `scripted`
turn lists one step per LLM request: tool calls, and the reply text if the model is asked for one
(last; a tool that speaks for itself asks for none); an empty list is a turn the LLM must not be
asked about (Aida's code answers it). In a reply or an argument, `{tool}` is that tool's latest
output as the model saw it and `{tool.path.0.x}` a field of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from aida.config import Settings
from aida.errors import InvalidPhone
from aida.scheduling.phones import mask_phone, normalize_phone
from aida.simulate.checks import ConversationChecks, ForbiddenTool
from aida.store.models import Appointment
from aida.store.protocol import Store

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
CALLER = "caller"  # stands for the number the line presents in `patients`, `appointments`, `expect`
NO_CALLER = ("none", "")

# Clinic settings a scenario may pin (YAML key -> Settings field).
CLINIC_KEYS = {
    "timezone": "default_timezone",
    "name": "clinic_name",
    "days": "clinic_days",
    "open": "clinic_open",
    "close": "clinic_close",
    "slot_minutes": "slot_minutes",
    "emergency_number": "emergency_number",
}


class ScenarioError(ValueError):
    """A scenario file that cannot be run; the message names the file and the field."""


@dataclass(frozen=True)
class Line:
    """One thing the caller says: text for the local voice, or a recording."""

    text: str | None = None
    wav: Path | None = None
    pause: float = 0.6  # seconds of silence before speaking, as a person takes a breath

    @property
    def label(self) -> str:
        return self.text if self.text is not None else f"[{self.wav.name if self.wav else ''}]"


@dataclass(frozen=True)
class SeedPatient:
    phone: str
    name: str | None
    preferences: dict[str, Any] = field(default_factory=dict)
    date_of_birth: dt.date | None = None


@dataclass(frozen=True)
class SeedAppointment:
    phone: str
    start: dt.datetime  # aware, clinic timezone
    reason: str | None = None


@dataclass(frozen=True)
class PatientExpectation:
    phone: str
    booked: tuple[dt.datetime, ...] | None = None  # exact set of booked starts
    count: int | None = None
    on_date: dt.date | None = None  # every booked appointment on this local date
    not_at: tuple[dt.datetime, ...] = ()

    def check(self, appointments: list[Appointment], tz: ZoneInfo) -> list[str]:
        """What is wrong with this patient's booked appointments; empty when all is as expected."""
        who = mask_phone(self.phone)
        starts = sorted(a.start_time.astimezone(tz) for a in appointments if a.status == "booked")
        shown = ", ".join(_show(s) for s in starts) or "none"
        problems: list[str] = []
        if self.booked is not None and starts != sorted(self.booked):
            wanted = ", ".join(_show(s) for s in sorted(self.booked)) or "none"
            problems.append(f"{who}: expected booked {wanted}; found {shown}")
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
        return problems


@dataclass(frozen=True)
class ScriptedCall:
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScriptedStep:
    """One LLM request's answer: tool calls (made together), or the reply text."""

    calls: tuple[ScriptedCall, ...] = ()
    say: str | None = None


@dataclass(frozen=True)
class Script:
    """The LLM's side of the call: its steps per caller line (the greeting is a fixed sentence,
    not a model request)."""

    turns: tuple[tuple[ScriptedStep, ...], ...]


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path | None
    now: dt.datetime  # aware, clinic timezone
    caller: str | None  # E.164 caller ID on the line; None: no caller ID
    lines: tuple[Line, ...]
    expect: tuple[PatientExpectation, ...]
    patients: tuple[SeedPatient, ...] = ()
    appointments: tuple[SeedAppointment, ...] = ()
    clinic: dict[str, Any] = field(default_factory=dict)  # Settings overrides
    description: str = ""
    web_phone: str | None = None  # E.164 a web session's form claimed (a hint, not proof)
    checks: ConversationChecks = field(default_factory=ConversationChecks)
    scripted: Script | None = None

    def settings(self, base: Settings, **overrides: Any) -> Settings:
        """`base` with this scenario's clinic pinned (and any further overrides)."""
        return base.model_copy(update={**self.clinic, **overrides})

    @property
    def presented_phone(self) -> str | None:
        """The number the call comes with, from the line or the web session."""
        return self.caller or self.web_phone

    @property
    def caller_id_source(self) -> str:
        """Where that number comes from: "sip", "token" or "none" (as `aida.agent.identity`)."""
        if self.caller:
            return "sip"
        return "token" if self.web_phone else "none"


def _show(when: dt.datetime) -> str:
    return when.strftime("%a %Y-%m-%d %H:%M")


def _phone(raw: Any, caller: str | None, where: str, region: str) -> str:
    if raw == CALLER:
        if caller is None:
            raise ScenarioError(f"{where}: 'caller' needs a caller or web_phone to stand for")
        return caller
    try:
        return normalize_phone(str(raw), region)
    except InvalidPhone as exc:
        raise ScenarioError(f"{where}: {raw!r} is not a phone number") from exc


def _when(raw: Any, tz: ZoneInfo, where: str) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        try:
            value = dt.datetime.fromisoformat(str(raw))
        except ValueError as exc:
            raise ScenarioError(f"{where}: {raw!r} is not an ISO date and time") from exc
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value.astimezone(tz)


def _date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ScenarioError(f"{where}: {raw!r} is not an ISO date") from exc


def _clinic(raw: Any, where: str) -> dict[str, Any]:
    """The clinic the scenario runs in. Keys it leaves out take Aida's defaults, not this
    machine's `.env`, so a scenario means the same dates and hours everywhere."""
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: clinic must be a mapping")
    unknown = set(raw) - set(CLINIC_KEYS)
    if unknown:
        raise ScenarioError(f"{where}: unknown clinic keys {sorted(unknown)}")
    values = {CLINIC_KEYS[k]: v for k, v in raw.items()}
    # validated the way the environment would be, so a scenario cannot hold what .env could not
    try:
        checked = Settings.model_validate(values)
    except Exception as exc:
        raise ScenarioError(f"{where}: clinic: {exc}".splitlines()[0]) from exc
    return {name: getattr(checked, name) for name in CLINIC_KEYS.values()}


def parse_scenario(data: Any, *, path: Path | None = None, region: str = "US") -> Scenario:
    """A scenario from its parsed YAML; `ScenarioError` names what is wrong."""
    where = str(path) if path else "scenario"
    if not isinstance(data, dict):
        raise ScenarioError(f"{where}: expected a mapping at the top")
    known = {
        "name",
        "description",
        "now",
        "caller",
        "clinic",
        "patients",
        "appointments",
        "lines",
        "expect",
        "web_phone",
        "must_say",
        "never_say",
        "forbidden_tools",
        "scripted",
    }
    unknown = set(data) - known
    if unknown:
        raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("now", "lines", "expect"):
        if key not in data:
            raise ScenarioError(f"{where}: missing {key!r}")

    clinic = _clinic(data.get("clinic"), where)
    tz = ZoneInfo(clinic["default_timezone"])
    raw_caller = data.get("caller")
    caller = (
        None
        if raw_caller is None or str(raw_caller).strip().lower() in NO_CALLER
        else _phone(raw_caller, None, f"{where}: caller", region)
    )
    web_phone = None
    if data.get("web_phone") is not None:
        if caller is not None:
            # a web session has no caller ID; both would leave it unclear which one Aida gets
            raise ScenarioError(f"{where}: give caller or web_phone, not both")
        web_phone = _phone(data["web_phone"], None, f"{where}: web_phone", region)
    presented = caller or web_phone
    now = _when(data["now"], tz, f"{where}: now")

    patients = []
    for i, raw in enumerate(data.get("patients") or []):
        at = f"{where}: patients[{i}]"
        if not isinstance(raw, dict) or "phone" not in raw:
            raise ScenarioError(f"{at}: needs a phone")
        unknown = set(raw) - {"phone", "name", "preferences", "date_of_birth"}
        if unknown:
            raise ScenarioError(f"{at}: unknown keys {sorted(unknown)}")
        dob = raw.get("date_of_birth")
        patients.append(
            SeedPatient(
                phone=_phone(raw["phone"], presented, at, region),
                name=raw.get("name"),
                preferences=dict(raw.get("preferences") or {}),
                date_of_birth=None if dob is None else _date(dob, f"{at}: date_of_birth"),
            )
        )

    appointments = []
    for i, raw in enumerate(data.get("appointments") or []):
        at = f"{where}: appointments[{i}]"
        if not isinstance(raw, dict) or "phone" not in raw or "start" not in raw:
            raise ScenarioError(f"{at}: needs a phone and a start")
        appointments.append(
            SeedAppointment(
                phone=_phone(raw["phone"], presented, at, region),
                start=_when(raw["start"], tz, at),
                reason=raw.get("reason"),
            )
        )

    lines = []
    base = path.parent if path else Path.cwd()
    raw_lines = data["lines"]
    if not isinstance(raw_lines, list) or not raw_lines:
        raise ScenarioError(f"{where}: lines must be a non-empty list")
    for i, raw in enumerate(raw_lines):
        at = f"{where}: lines[{i}]"
        if isinstance(raw, str):
            raw = {"say": raw}
        if not isinstance(raw, dict) or ("say" in raw) == ("wav" in raw):
            raise ScenarioError(f"{at}: give exactly one of 'say' or 'wav'")
        pause = float(raw.get("pause", Line.pause))
        if "say" in raw:
            text = str(raw["say"]).strip()
            if not text:
                raise ScenarioError(f"{at}: empty line")
            lines.append(Line(text=text, pause=pause))
        else:
            wav = Path(str(raw["wav"]))
            lines.append(Line(wav=wav if wav.is_absolute() else base / wav, pause=pause))

    expect = []
    raw_expect = data["expect"]
    if not isinstance(raw_expect, list) or not raw_expect:
        raise ScenarioError(f"{where}: expect must be a non-empty list")
    for i, raw in enumerate(raw_expect):
        at = f"{where}: expect[{i}]"
        if not isinstance(raw, dict):
            raise ScenarioError(f"{at}: expected a mapping")
        rules = {"booked", "count", "on_date", "not_at"}
        if not rules & set(raw):
            raise ScenarioError(f"{at}: give at least one of {sorted(rules)}")
        unknown = set(raw) - rules - {"phone"}
        if unknown:
            raise ScenarioError(f"{at}: unknown keys {sorted(unknown)}")
        booked = raw.get("booked")
        expect.append(
            PatientExpectation(
                phone=_phone(raw.get("phone", CALLER), presented, at, region),
                booked=None if booked is None else tuple(_when(b, tz, at) for b in booked),
                count=None if raw.get("count") is None else int(raw["count"]),
                on_date=None if raw.get("on_date") is None else _date(raw["on_date"], at),
                not_at=tuple(_when(b, tz, at) for b in raw.get("not_at") or []),
            )
        )

    name = str(data.get("name") or (path.stem if path else "scenario"))
    return Scenario(
        name=name,
        path=path,
        now=now,
        caller=caller,
        lines=tuple(lines),
        expect=tuple(expect),
        patients=tuple(patients),
        appointments=tuple(appointments),
        clinic=clinic,
        description=str(data.get("description") or ""),
        web_phone=web_phone,
        checks=_checks(data, where),
        scripted=_script(data.get("scripted"), len(lines), where),
    )


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool) or not str(raw).strip():
        raise ScenarioError(f"{where}: expected a non-empty phrase")
    return str(raw).strip()


def _checks(data: dict[str, Any], where: str) -> ConversationChecks:
    must_say = []
    raw_must = data.get("must_say") or []
    if not isinstance(raw_must, list):
        raise ScenarioError(f"{where}: must_say must be a list of checks")
    for i, raw in enumerate(raw_must):
        at = f"{where}: must_say[{i}]"
        # a bare phrase is a check with one alternative
        alternatives = raw if isinstance(raw, list) else [raw]
        if not alternatives:
            raise ScenarioError(f"{at}: a check needs at least one phrase")
        must_say.append(tuple(_text(a, at) for a in alternatives))

    raw_never = data.get("never_say") or []
    if not isinstance(raw_never, list):
        raise ScenarioError(f"{where}: never_say must be a list of phrases")
    never_say = tuple(_text(p, f"{where}: never_say[{i}]") for i, p in enumerate(raw_never))

    forbidden = []
    raw_forbidden = data.get("forbidden_tools") or []
    if not isinstance(raw_forbidden, list):
        raise ScenarioError(f"{where}: forbidden_tools must be a list")
    for i, raw in enumerate(raw_forbidden):
        at = f"{where}: forbidden_tools[{i}]"
        if isinstance(raw, str):
            forbidden.append(ForbiddenTool(_text(raw, at)))
            continue
        if not isinstance(raw, dict) or "name" not in raw or set(raw) - {"name", "args"}:
            raise ScenarioError(f"{at}: give a tool name, or {{name: ..., args: {{...}}}}")
        args = raw.get("args") or {}
        if not isinstance(args, dict):
            raise ScenarioError(f"{at}: args must be a mapping")
        forbidden.append(ForbiddenTool(_text(raw["name"], at), dict(args)))
    return ConversationChecks(tuple(must_say), never_say, tuple(forbidden))


def _script(raw: Any, n_lines: int, where: str) -> Script | None:
    if raw is None:
        return None
    at = f"{where}: scripted"
    if isinstance(raw, list):
        raw = {"turns": raw}
    if not isinstance(raw, dict) or set(raw) - {"turns"} or "turns" not in raw:
        raise ScenarioError(f"{at}: expected {{turns: [...]}} or a list of turns")
    raw_turns = raw["turns"]
    if not isinstance(raw_turns, list) or len(raw_turns) != n_lines:
        count = len(raw_turns) if isinstance(raw_turns, list) else 0
        raise ScenarioError(f"{at}: needs one turn per line ({n_lines}); found {count}")
    turns = []
    for t, raw_turn in enumerate(raw_turns):
        turn_at = f"{at}.turns[{t}]"
        if raw_turn is None:
            raw_turn = []
        if not isinstance(raw_turn, list):
            raise ScenarioError(f"{turn_at}: expected a list of steps")
        steps = tuple(_step(s, f"{turn_at}[{i}]") for i, s in enumerate(raw_turn))
        # a reply ends the turn, so it can only come last; a turn may also end on a call,
        # when that tool speaks for itself and asks the model for no reply
        for i, step in enumerate(steps[:-1]):
            if step.say is not None:
                raise ScenarioError(f"{turn_at}[{i}]: a reply ends the turn; only the last step")
        turns.append(steps)
    return Script(turns=tuple(turns))


def _call(raw: Any, where: str) -> ScriptedCall:
    if not isinstance(raw, dict) or "call" not in raw or set(raw) - {"call", "args"}:
        raise ScenarioError(f"{where}: expected {{call: tool_name, args: {{...}}}}")
    args = raw.get("args") or {}
    if not isinstance(args, dict):
        raise ScenarioError(f"{where}: args must be a mapping")
    return ScriptedCall(_text(raw["call"], where), dict(args))


def _step(raw: Any, where: str) -> ScriptedStep:
    if isinstance(raw, str):
        return ScriptedStep(say=_text(raw, where))
    if isinstance(raw, dict) and set(raw) == {"say"}:
        return ScriptedStep(say=_text(raw["say"], where))
    if isinstance(raw, dict) and set(raw) == {"calls"}:
        if not isinstance(raw["calls"], list) or not raw["calls"]:
            raise ScenarioError(f"{where}: calls must be a non-empty list")
        return ScriptedStep(
            calls=tuple(_call(c, f"{where}.calls[{i}]") for i, c in enumerate(raw["calls"]))
        )
    if isinstance(raw, dict) and "call" in raw:
        return ScriptedStep(calls=(_call(raw, where),))
    raise ScenarioError(
        f"{where}: a step is reply text, {{say: ...}}, {{call: ...}} or {{calls: [...]}}"
    )


def load_scenario(name_or_path: str | Path, *, region: str = "US") -> Scenario:
    """A shipped scenario by name ("book") or any YAML file by path."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = SCENARIOS_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        names = ", ".join(shipped_scenarios()) or "none"
        raise ScenarioError(f"no scenario {str(name_or_path)!r} (shipped: {names})")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}".splitlines()[0]) from exc
    return parse_scenario(data, path=path, region=region)


def shipped_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))


async def seed(store: Store, scenario: Scenario, settings: Settings) -> None:
    """Put the scenario's patients and appointments in the store (idempotent)."""
    slot = dt.timedelta(minutes=settings.slot_minutes)
    for patient in scenario.patients:
        if patient.date_of_birth is None:
            await store.upsert_patient(patient.phone, patient.name)
        else:
            await store.upsert_patient(
                patient.phone, patient.name, date_of_birth=patient.date_of_birth
            )
        if patient.preferences:
            await store.merge_preferences(patient.phone, patient.preferences)
    for appt in scenario.appointments:
        if await store.get_patient(appt.phone) is None:
            await store.upsert_patient(appt.phone, None)
        start = appt.start.astimezone(dt.UTC)
        meta = {"reason": appt.reason} if appt.reason else {}
        await store.book(appt.phone, start, start + slot, meta)


async def check_end_state(store: Store, scenario: Scenario, settings: Settings) -> list[str]:
    """Every way the store differs from the scenario's expectations (empty: as expected)."""
    tz = settings.tz
    problems: list[str] = []
    for rule in scenario.expect:
        appointments = await store.list_appointments(phone=rule.phone, status="booked")
        problems.extend(rule.check(appointments, tz))
    return problems
