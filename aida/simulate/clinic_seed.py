"""The clinic a scenario's call happens in, beyond its settings: providers with their hours,
visit types, closures, and the clinic profile (what Aida may tell callers about the clinic).

```yaml
providers:
  - {name: Dr. Patel, hours: "Mon-Fri 09:00-17:00"}
  - {name: Dr. Kim}                                   # the clinic's own hours
visit_types:
  - {name: Physical, minutes: 60, providers: [Dr. Patel]}
closures:
  - {from: "2026-11-26", reason: Thanksgiving}        # whole days, `to` inclusive
  - {from: "2026-12-04T13:00", to: "2026-12-04T17:00", reason: Staff training}
profile: {address: "12 Main St", parking: Free lot behind the building}
```
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from aida.calendar.closures import closure_window
from aida.calendar.profile import ProfileEdits, read_edits, save_edits
from aida.errors import InvalidRequest
from aida.scheduling.working_hours import normalize_hours
from aida.simulate import fields
from aida.simulate.fields import ScenarioError
from aida.store.protocol import Store

SCENARIO_ACTOR = "scenario"


@dataclass(frozen=True)
class SeedProvider:
    name: str
    hours: str | None = None  # "Mon-Fri 09:00-17:00"; None: the clinic's hours


@dataclass(frozen=True)
class SeedVisitType:
    name: str
    minutes: int
    providers: tuple[str, ...] = ()  # names; empty: every provider


@dataclass(frozen=True)
class SeedClosure:
    start: dt.datetime  # aware
    end: dt.datetime
    all_day: bool
    reason: str | None = None


@dataclass(frozen=True)
class ClinicSeed:
    providers: tuple[SeedProvider, ...] = ()
    visit_types: tuple[SeedVisitType, ...] = ()
    closures: tuple[SeedClosure, ...] = ()
    profile: ProfileEdits | None = None

    def provider(self, name: str) -> SeedProvider | None:
        return next((p for p in self.providers if p.name.casefold() == name.casefold()), None)

    def visit_type(self, name: str) -> SeedVisitType | None:
        return next((v for v in self.visit_types if v.name.casefold() == name.casefold()), None)


def parse_clinic_seed(data: dict[str, Any], tz: ZoneInfo, where: str) -> ClinicSeed:
    providers = []
    for i, raw in enumerate(fields.listing(data.get("providers"), f"{where}: providers")):
        at = f"{where}: providers[{i}]"
        raw = fields.mapping(raw, at)
        fields.only(raw, {"name", "hours"}, at)
        try:
            hours = normalize_hours(None if raw.get("hours") is None else str(raw["hours"]))
        except InvalidRequest as exc:
            raise ScenarioError(f"{at}: hours: {exc.message}") from None
        providers.append(SeedProvider(fields.text(raw.get("name"), f"{at}: name"), hours))
    seed = ClinicSeed(providers=tuple(providers))

    visit_types = []
    for i, raw in enumerate(fields.listing(data.get("visit_types"), f"{where}: visit_types")):
        at = f"{where}: visit_types[{i}]"
        raw = fields.mapping(raw, at)
        fields.only(raw, {"name", "minutes", "providers"}, at)
        minutes = raw.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 5 <= minutes <= 480:
            raise ScenarioError(f"{at}: minutes must be a whole number from 5 to 480")
        names = fields.phrases(raw["providers"], f"{at}: providers") if "providers" in raw else ()
        for name in names:
            if seed.provider(name) is None:
                raise ScenarioError(f"{at}: provider {name!r} is not in `providers`")
        visit_types.append(
            SeedVisitType(fields.text(raw.get("name"), f"{at}: name"), minutes, names)
        )

    closures = []
    for i, raw in enumerate(fields.listing(data.get("closures"), f"{where}: closures")):
        at = f"{where}: closures[{i}]"
        raw = fields.mapping(raw, at)
        fields.only(raw, {"from", "to", "reason"}, at)
        if "from" not in raw:
            raise ScenarioError(f"{at}: needs `from` (a date, or a date and time)")
        closures.append(_closure(raw, tz, at))

    profile = None
    if data.get("profile") is not None:
        try:
            profile = read_edits(fields.mapping(data["profile"], f"{where}: profile"))
        except InvalidRequest as exc:
            raise ScenarioError(f"{where}: profile.{exc.message}") from None
    return ClinicSeed(seed.providers, tuple(visit_types), tuple(closures), profile)


def _is_day(raw: Any) -> bool:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return True
    return isinstance(raw, str) and len(raw.strip()) == 10


def _closure(raw: dict[str, Any], tz: ZoneInfo, at: str) -> SeedClosure:
    reason = None if raw.get("reason") is None else fields.text(raw["reason"], f"{at}: reason")
    first, last = raw["from"], raw.get("to")
    if _is_day(first) and (last is None or _is_day(last)):
        # whole local days, `to` the last one closed, as `aida clinic close --until`
        start_day = fields.date(first, f"{at}: from")
        end_day = fields.date(last, f"{at}: to") if last is not None else None
        try:
            start, end, _ = closure_window(tz, start_day, end_day)
        except InvalidRequest as exc:
            raise ScenarioError(f"{at}: {exc.message}") from None
        return SeedClosure(start, end, True, reason)
    if last is None:
        raise ScenarioError(f"{at}: a closure from a time needs `to` (a date and time)")
    start, end = fields.when(first, tz, f"{at}: from"), fields.when(last, tz, f"{at}: to")
    if end <= start:
        raise ScenarioError(f"{at}: `to` must be after `from`")
    return SeedClosure(start, end, False, reason)


async def seed_clinic(store: Store, seed: ClinicSeed) -> None:
    """Providers, visit types, closures and the profile into the store (idempotent)."""
    for provider in seed.providers:
        await store.save_provider(provider.name, provider.hours)
    if seed.visit_types:
        ids = {p.name.casefold(): p.id for p in await store.list_providers()}
        for visit in seed.visit_types:
            await store.save_visit_type(
                visit.name, visit.minutes, [ids[n.casefold()] for n in visit.providers]
            )
    if seed.closures:
        existing = {(c.start_time, c.end_time) for c in await store.list_closures()}
        for closure in seed.closures:
            if (closure.start, closure.end) not in existing:
                await store.add_closure(
                    closure.start, closure.end, closure.reason, all_day=closure.all_day
                )
    if seed.profile is not None:
        await save_edits(store, seed.profile, SCENARIO_ACTOR)
