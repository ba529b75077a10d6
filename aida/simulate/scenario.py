"""A simulated call as a small YAML file: the clinic, who calls, what they say, what Aida must
(never) say and do, and what the call must leave. The full format, every key with an example, is
in docs/scenarios.md; a key it does not have is an error naming it and where it is.

```yaml
name: book
now: "2026-03-02T08:30:00"        # the clinic's local time; the call happens "now"
caller: "+12025550143"            # caller ID on the line; `none` (or omitted): no caller ID
# web_phone: "+12025550143"       # instead of caller: a web session whose form claimed this
                                  # phone (caller ID source "token", a hint only)
providers: [{name: Dr. Patel, hours: "Mon-Fri 09:00-17:00"}]      # the clinic (clinic_seed.py)
visit_types: [{name: Physical, minutes: 60, providers: [Dr. Patel]}]
closures: [{from: "2026-03-05", reason: staff training}]
profile: {address: "12 Main St", parking: Free lot}
patients:                         # seeded before the call
  - {phone: caller, name: Jane Doe, date_of_birth: "1985-03-03"}
appointments:                     # seeded before the call (local times)
  - {phone: "+12025550178", start: "2026-03-04T10:00", reason: follow-up, provider: Dr. Patel}
lines:                            # the caller's turns; each waits for Aida to finish first
  - say: I'd like to book a check-up on Wednesday, March 4th at 10 AM.
    then_say: [["Shall I book"]]  # what Aida answers this line (then_never_say: the opposite)
  - wav: lines/confirm.wav        # or a recording (relative to the scenario file)
expect:                           # what the call left (expect.py, outcome.py)
  - phone: caller
    booked: ["2026-03-04T10:00"]  # exactly these booked appointments (local starts)
    preferences: none             # and registered: true|false|pending
  - {action_items: none, transferred: false, ended_by: caller, emergency: none}
must_say:                         # each check passes when any alternative was said
  - ["booked", "all set"]
never_say: ["can't book", "try again later"]
forbidden_tools:                  # a bare name, or a name with the arguments that must not occur
  - cancel_appointment            # (times compared as the tools resolved the words)
  - {name: book_appointment, args: {start: "2026-03-04T14:30"}}
# direction: outbound              # Aida calls `caller` (a reminder about their earliest
# purpose: reminder                 # appointment); the first line is how the phone is answered
scripted:                         # the LLM's side per caller turn, for `--scripted` and CI
  turns:                          # one step per model request; tools speak for themselves
    - - {call: book_appointment, args: {start: "Wednesday, March 4 at 10 AM"}}   # reads back
    - - {call: book_appointment, args: {start: "Wednesday, March 4 at 10 AM"}}   # on "yes"
```

`caller` in a phone field stands for the number the line presents (`caller`, else `web_phone`).
Times without an offset are in the scenario's clinic timezone, which is also where "now" is, so
dates are deterministic whatever the machine's clock says. A `scripted` turn lists one step per
LLM request: tool calls, and the reply text if the model is asked for one (last; a tool that
speaks for itself asks for none); an empty list is a turn the LLM must not be asked about (Aida's
code answers it). In a reply or an argument, `{tool}` is that tool's latest output as the model
saw it and `{tool.path.0.x}` a field of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aida.config import Settings
from aida.simulate import fields
from aida.simulate.checks import ConversationChecks, Failure, ForbiddenTool, TurnCheck
from aida.simulate.clinic_seed import ClinicSeed, parse_clinic_seed, seed_clinic
from aida.simulate.expect import Names, PatientExpectation, parse_expect
from aida.simulate.fields import CALLER, ScenarioError, only
from aida.simulate.outcome import CallOutcome
from aida.simulate.scenario_yaml import load_yaml
from aida.store.protocol import Store

__all__ = [
    "CALLER",
    "CLINIC_KEYS",
    "Line",
    "PatientExpectation",
    "Scenario",
    "ScenarioChecks",
    "ScenarioError",
    "check_end_state",
    "load_scenario",
    "parse_scenario",
    "seed",
    "shipped_scenarios",
]

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
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
TOP_KEYS = (
    "name",
    "description",
    "now",
    "caller",
    "web_phone",
    "clinic",
    "providers",
    "visit_types",
    "closures",
    "profile",
    "patients",
    "appointments",
    "lines",
    "expect",
    "must_say",
    "never_say",
    "forbidden_tools",
    "scripted",
    "direction",
    "purpose",
    "calendar",
    "waitlist",
)
DIRECTIONS = ("inbound", "outbound")
# outbound purposes a scenario can place (aida.agent.outbound, aida.agent.waitlist_offer)
PURPOSES = ("reminder", "waitlist_offer")
LINE_KEYS = ("say", "wav", "pause", "then_say", "then_never_say")


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
    provider: str | None = None  # a name from `providers`
    visit_type: str | None = None  # a name from `visit_types`: its length
    # Whose file it is on where the phone holds several (`calendar: fhir`): a patient's name.
    patient: str | None = None
    # Cancelled (through the cancel tool, so the waitlist matcher runs) before the call starts:
    # its time is freed and held for the first matching `waitlist` entry.
    cancelled_before_call: bool = False


@dataclass(frozen=True)
class SeedWaitlist:
    """A waitlist entry, in the order the list gives them (each joins a minute after the one
    before it, so the first is first in line)."""

    phone: str
    when: str  # the wanted time in words, resolved by the time grammar at the scenario's now


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
class ScenarioChecks(ConversationChecks):
    """Everything read from the call's timeline: what Aida said and did, per call and per line,
    and what the call left (`expect`'s call rules: action items, transfer, who hung up,
    emergency)."""

    outcome: CallOutcome = field(default_factory=CallOutcome)

    def __bool__(self) -> bool:
        return super().__bool__() or bool(self.outcome)

    def check(self, events: Iterable[Mapping[str, Any]], tz: ZoneInfo) -> list[Failure]:
        events = list(events)
        return self.outcome.check(events) + super().check(events, tz)


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
    checks: ScenarioChecks = field(default_factory=ScenarioChecks)
    scripted: Script | None = None
    calendar: ClinicSeed = field(default_factory=ClinicSeed)  # providers, closures, profile
    # "fhir": the scenario needs the calendar in an EHR (several files on one phone); it runs
    # with `--calendar fhir` only. None: any calendar.
    calendar_backend: str | None = None
    # "outbound": Aida placed the call (to `caller`), for `purpose`; a reminder is about the
    # caller's earliest seeded appointment. The first line is how the phone is answered.
    direction: str = "inbound"
    purpose: str | None = None
    waitlist: tuple[SeedWaitlist, ...] = ()

    def not_runnable_on(self, calendar_backend: str) -> str | None:
        """Why this scenario cannot run with that calendar, or None when it can."""
        if self.calendar_backend is not None and self.calendar_backend != calendar_backend:
            # several files on one phone exist only in an EHR; Aida's databases keep one
            return f"needs --calendar {self.calendar_backend}"
        if calendar_backend == "fhir" and (self.waitlist or self.purpose == "waitlist_offer"):
            # the store refuses holds on an EHR calendar (docs/fhir.md), so no offer is made
            return "waitlist holds are not built on an EHR calendar"
        return None

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


def _clinic(raw: Any, where: str) -> dict[str, Any]:
    """The clinic the scenario runs in. Keys it leaves out take Aida's defaults, not this
    machine's `.env`, so a scenario means the same dates and hours everywhere."""
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: clinic must be a mapping")
    only(raw, CLINIC_KEYS, f"{where}: clinic")
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
    only(data, TOP_KEYS, where)
    for key in ("now", "lines", "expect"):
        if key not in data:
            raise ScenarioError(f"{where}: missing {key!r}")

    clinic = _clinic(data.get("clinic"), where)
    tz = ZoneInfo(clinic["default_timezone"])
    raw_caller = data.get("caller")
    caller = (
        None
        if raw_caller is None or str(raw_caller).strip().lower() in NO_CALLER
        else fields.phone(raw_caller, None, f"{where}: caller", region)
    )
    web_phone = None
    if data.get("web_phone") is not None:
        if caller is not None:
            # a web session has no caller ID; both would leave it unclear which one Aida gets
            raise ScenarioError(f"{where}: give caller or web_phone, not both")
        web_phone = fields.phone(data["web_phone"], None, f"{where}: web_phone", region)
    presented = caller or web_phone
    now = fields.when(data["now"], tz, f"{where}: now")
    calendar = parse_clinic_seed(data, tz, where)

    patients = []
    for i, raw in enumerate(fields.listing(data.get("patients"), f"{where}: patients")):
        at = f"{where}: patients[{i}]"
        if not isinstance(raw, dict) or "phone" not in raw:
            raise ScenarioError(f"{at}: needs a phone")
        only(raw, {"phone", "name", "preferences", "date_of_birth"}, at)
        dob = raw.get("date_of_birth")
        patients.append(
            SeedPatient(
                phone=fields.phone(raw["phone"], presented, at, region),
                name=raw.get("name"),
                preferences=dict(raw.get("preferences") or {}),
                date_of_birth=None if dob is None else fields.date(dob, f"{at}: date_of_birth"),
            )
        )

    appointments = []
    for i, raw in enumerate(fields.listing(data.get("appointments"), f"{where}: appointments")):
        at = f"{where}: appointments[{i}]"
        if not isinstance(raw, dict) or "phone" not in raw or "start" not in raw:
            raise ScenarioError(f"{at}: needs a phone and a start")
        only(
            raw,
            {
                "phone",
                "start",
                "reason",
                "provider",
                "visit_type",
                "cancelled_before_call",
                "patient",
            },
            at,
        )
        provider, kind = raw.get("provider"), raw.get("visit_type")
        if provider is not None and calendar.provider(str(provider)) is None:
            raise ScenarioError(f"{at}: provider {provider!r} is not in `providers`")
        if kind is not None and calendar.visit_type(str(kind)) is None:
            raise ScenarioError(f"{at}: visit type {kind!r} is not in `visit_types`")
        appointments.append(
            SeedAppointment(
                phone=fields.phone(raw["phone"], presented, at, region),
                start=fields.when(raw["start"], tz, at),
                reason=raw.get("reason"),
                provider=None if provider is None else str(provider),
                visit_type=None if kind is None else str(kind),
                patient=None if raw.get("patient") is None else str(raw["patient"]),
                cancelled_before_call=bool(raw.get("cancelled_before_call", False)),
            )
        )

    waitlist = []
    for i, raw in enumerate(fields.listing(data.get("waitlist"), f"{where}: waitlist")):
        at = f"{where}: waitlist[{i}]"
        if not isinstance(raw, dict) or "phone" not in raw or not raw.get("when"):
            raise ScenarioError(f"{at}: needs a phone and a when")
        only(raw, {"phone", "when"}, at)
        waitlist.append(
            SeedWaitlist(
                phone=fields.phone(raw["phone"], presented, at, region), when=str(raw["when"])
            )
        )
    backend = data.get("calendar")
    if backend is not None and backend != "fhir":
        raise ScenarioError(f"{where}: calendar is fhir or left out")
    phones = [p.phone for p in patients]
    if backend is None and len(set(phones)) < len(phones):
        raise ScenarioError(
            f"{where}: several patients on one phone need `calendar: fhir` (an EHR keeps "
            "several files on a number; Aida's own databases keep one)"
        )

    direction = str(data.get("direction") or "inbound").strip().lower()
    if direction not in DIRECTIONS:
        raise ScenarioError(f"{where}: direction must be inbound or outbound")
    purpose = None
    if direction == "outbound":
        purpose = str(data.get("purpose") or "reminder").strip().lower()
        if purpose not in PURPOSES:
            raise ScenarioError(f"{where}: purpose must be one of {', '.join(PURPOSES)}")
        if caller is None:
            raise ScenarioError(f"{where}: an outbound call needs `caller`: the number dialled")
        if purpose == "reminder" and not any(a.phone == caller for a in appointments):
            raise ScenarioError(f"{where}: a reminder needs an appointment of the caller's")
        if purpose == "waitlist_offer" and not any(w.phone == caller for w in waitlist):
            raise ScenarioError(
                f"{where}: a waitlist offer needs a `waitlist` entry of the caller's"
            )
    elif data.get("purpose") is not None:
        raise ScenarioError(f"{where}: purpose is for direction: outbound")

    lines, turn_checks = _lines(data["lines"], path, where)
    expect, outcome = parse_expect(
        data["expect"], presented=presented, tz=tz, clinic=calendar, region=region, where=where
    )

    name = str(data.get("name") or (path.stem if path else "scenario"))
    return Scenario(
        name=name,
        path=path,
        now=now,
        caller=caller,
        lines=tuple(lines),
        expect=expect,
        patients=tuple(patients),
        appointments=tuple(appointments),
        clinic=clinic,
        description=str(data.get("description") or ""),
        web_phone=web_phone,
        checks=_checks(data, where, turn_checks, outcome),
        scripted=_script(data.get("scripted"), len(lines), where),
        calendar=calendar,
        direction=direction,
        purpose=purpose,
        calendar_backend=None if backend is None else str(backend),
        waitlist=tuple(waitlist),
    )


def _lines(raw_lines: Any, path: Path | None, where: str) -> tuple[list[Line], list[TurnCheck]]:
    lines: list[Line] = []
    checks: list[TurnCheck] = []
    base = path.parent if path else Path.cwd()
    if not isinstance(raw_lines, list) or not raw_lines:
        raise ScenarioError(f"{where}: lines must be a non-empty list")
    for i, raw in enumerate(raw_lines):
        at = f"{where}: lines[{i}]"
        if isinstance(raw, str):
            raw = {"say": raw}
        if not isinstance(raw, dict) or ("say" in raw) == ("wav" in raw):
            raise ScenarioError(f"{at}: give exactly one of 'say' or 'wav'")
        only(raw, LINE_KEYS, at)
        pause = float(raw.get("pause", Line.pause))
        if "say" in raw:
            if not isinstance(raw["say"], str):
                # parsed by another YAML reader (yes -> True): never say "True" for the caller
                raise ScenarioError(
                    f"{at}: say must be the caller's words as text, not {raw['say']!r} "
                    "(quote it in YAML)"
                )
            text = raw["say"].strip()
            if not text:
                raise ScenarioError(f"{at}: empty line")
            line = Line(text=text, pause=pause)
        else:
            wav = Path(str(raw["wav"]))
            line = Line(wav=wav if wav.is_absolute() else base / wav, pause=pause)
        lines.append(line)
        then_say = fields.alternatives(raw.get("then_say") or [], f"{at}: then_say")
        raw_never = raw.get("then_never_say") or []
        if not isinstance(raw_never, list):
            raise ScenarioError(f"{at}: then_never_say must be a list of phrases")
        then_never = fields.phrases(raw_never, f"{at}: then_never_say") if raw_never else ()
        if then_say or then_never:
            checks.append(TurnCheck(i + 1, line.label, then_say, then_never))
    return lines, checks


def _checks(
    data: dict[str, Any], where: str, turns: list[TurnCheck], outcome: CallOutcome
) -> ScenarioChecks:
    must_say = fields.alternatives(data.get("must_say") or [], f"{where}: must_say")

    raw_never = data.get("never_say") or []
    if not isinstance(raw_never, list):
        raise ScenarioError(f"{where}: never_say must be a list of phrases")
    never_say = fields.phrases(raw_never, f"{where}: never_say") if raw_never else ()

    forbidden = []
    raw_forbidden = data.get("forbidden_tools") or []
    if not isinstance(raw_forbidden, list):
        raise ScenarioError(f"{where}: forbidden_tools must be a list")
    for i, raw in enumerate(raw_forbidden):
        at = f"{where}: forbidden_tools[{i}]"
        if isinstance(raw, str):
            forbidden.append(ForbiddenTool(fields.text(raw, at)))
            continue
        if not isinstance(raw, dict) or "name" not in raw:
            raise ScenarioError(f"{at}: give a tool name, or {{name: ..., args: {{...}}}}")
        only(raw, {"name", "args"}, at)
        args = raw.get("args") or {}
        if not isinstance(args, dict):
            raise ScenarioError(f"{at}: args must be a mapping")
        forbidden.append(ForbiddenTool(fields.text(raw["name"], at), dict(args)))
    return ScenarioChecks(must_say, never_say, tuple(forbidden), tuple(turns), outcome=outcome)


def _script(raw: Any, n_lines: int, where: str) -> Script | None:
    if raw is None:
        return None
    at = f"{where}: scripted"
    if isinstance(raw, list):
        raw = {"turns": raw}
    if not isinstance(raw, dict):
        raise ScenarioError(f"{at}: expected {{turns: [...]}} or a list of turns")
    only(raw, {"turns"}, at)
    if "turns" not in raw:
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
    if not isinstance(raw, dict) or "call" not in raw:
        raise ScenarioError(f"{where}: expected {{call: tool_name, args: {{...}}}}")
    only(raw, {"call", "args"}, where)
    args = raw.get("args") or {}
    if not isinstance(args, dict):
        raise ScenarioError(f"{where}: args must be a mapping")
    return ScriptedCall(fields.text(raw["call"], where), dict(args))


def _step(raw: Any, where: str) -> ScriptedStep:
    if isinstance(raw, str):
        return ScriptedStep(say=fields.text(raw, where))
    if isinstance(raw, dict) and "say" in raw:
        only(raw, {"say"}, where)
        return ScriptedStep(say=fields.text(raw["say"], where))
    if isinstance(raw, dict) and "calls" in raw:
        only(raw, {"calls"}, where)
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
    data = load_yaml(path)  # caller lines stay text: `say: yes` is "yes" (scenario_yaml)
    return parse_scenario(data, path=path, region=region)


def shipped_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))


async def seed(store: Store, scenario: Scenario, settings: Settings) -> None:
    """Put the scenario's clinic (providers, visit types, closures, profile), patients and
    appointments in the store (idempotent). Appointments go in before closures, so a scenario
    can hold one that a closure leaves for staff to move."""
    await seed_clinic(store, replace(scenario.calendar, closures=()))
    slot = dt.timedelta(minutes=settings.slot_minutes)
    seeded: set[str] = set()
    for patient in scenario.patients:
        if patient.phone in seeded:
            # A second file on a family phone, as the clinic's staff make it in the EHR.
            await _another_file(store, patient)
        elif patient.date_of_birth is None:
            await store.upsert_patient(patient.phone, patient.name)
        else:
            await store.upsert_patient(
                patient.phone, patient.name, date_of_birth=patient.date_of_birth
            )
        seeded.add(patient.phone)
        if patient.preferences:
            await store.merge_preferences(patient.phone, patient.preferences)
    providers = {p.name.casefold(): p for p in await store.list_providers()}
    kinds = {v.name.casefold(): v for v in await store.list_visit_types()}
    for appt in scenario.appointments:
        if await store.get_patient(appt.phone) is None:
            await store.upsert_patient(appt.phone, None)
        start = appt.start.astimezone(dt.UTC)
        meta = {"reason": appt.reason} if appt.reason else {}
        kind = kinds[appt.visit_type.casefold()] if appt.visit_type else None
        provider = providers[appt.provider.casefold()] if appt.provider else None
        length = dt.timedelta(minutes=kind.minutes) if kind else slot
        file = None
        if appt.patient is not None:
            files = await store.patients_for(appt.phone)
            file = next(f.file_id for f in files if f.name == appt.patient)
        await store.book(
            appt.phone,
            start,
            start + length,
            meta,
            provider_id=provider.id if provider else None,
            visit_type_id=kind.id if kind else None,
            patient_file=file,
        )
    await seed_clinic(store, ClinicSeed(closures=scenario.calendar.closures))
    await _seed_waitlist(store, scenario, settings)


async def _seed_waitlist(store: Store, scenario: Scenario, settings: Settings) -> None:
    """The waitlist in its order, then the cancellations before the call, through the cancel
    tool at the scenario's now: the matcher holds each freed time for the first match."""
    if not scenario.waitlist and not any(a.cancelled_before_call for a in scenario.appointments):
        return
    from aida.scheduling.clock import FixedClock
    from aida.tools.base import ClinicContext
    from aida.tools.cancel_appointment import cancel_appointment
    from aida.waitlist import service

    clock = FixedClock(scenario.now - dt.timedelta(minutes=len(scenario.waitlist) + 1))
    ctx = ClinicContext(store=store, settings=settings, clock=clock)
    for wish in scenario.waitlist:
        if await store.get_patient(wish.phone) is None:
            await store.upsert_patient(wish.phone, None)
        await service.join(ctx, wish.phone, wish.when, actor="scenario")
        clock.advance(dt.timedelta(minutes=1))
    clock = FixedClock(scenario.now)
    ctx = ClinicContext(store=store, settings=settings, clock=clock)
    for appt in scenario.appointments:
        if not appt.cancelled_before_call:
            continue
        start = appt.start.astimezone(dt.UTC)
        mine = [
            a
            for a in await store.list_appointments(phone=appt.phone, status="booked")
            if a.start_time == start
        ]
        for booked in mine:
            await cancel_appointment(ctx, appt.phone, booked.id)


async def _another_file(store: Store, patient: SeedPatient) -> None:
    from aida.store.fhir import FhirCalendar

    calendar = getattr(store, "calendar", None)
    if not isinstance(calendar, FhirCalendar):
        raise ScenarioError("several patients on one phone need the calendar in FHIR")
    await calendar.add_file(patient.phone, patient.name, patient.date_of_birth)


async def check_end_state(store: Store, scenario: Scenario, settings: Settings) -> list[str]:
    """Every way the store differs from the scenario's patient expectations (empty: as
    expected). The call's own rules (action items, transfer, ...) are `scenario.checks`."""
    tz = settings.tz
    names = Names(
        providers={p.id: p.name for p in await store.list_providers()},
        visit_types={v.id: v.name for v in await store.list_visit_types()},
    )
    problems: list[str] = []
    for rule in scenario.expect:
        appointments = await store.list_appointments(phone=rule.phone, status="booked")
        patient = await store.get_patient(rule.phone)
        waitlist = await store.list_waitlist(phone=rule.phone) if rule.waitlist else None
        problems.extend(rule.check(appointments, tz, patient, names, waitlist))
    return problems
