"""`aida clinic ...`: closures, providers and visit types, from a shell.

    aida clinic close 2026-11-26 --reason Thanksgiving
    aida clinic close 2026-12-24 --until 2026-12-26 --reason "Winter break"
    aida clinic close 2026-12-04 --from 13:00 --to 17:00 --reason "Staff training"
    aida clinic closures [--all]
    aida clinic reopen 2026-11-26        (or the closure's id)
    aida clinic provider add "Dr. Patel" --hours "Mon-Fri 09:00-17:00"
    aida clinic provider list
    aida clinic visit-type add "Physical" --minutes 60 --providers "Dr. Patel"
    aida clinic visit-type list
    aida clinic profile show | set FIELD VALUE   (aida/calendar/profile_cli.py)

Dates and times are the clinic's (DEFAULT_TIMEZONE). Closing a day with appointments already in
it keeps them booked and lists them: someone has to call those patients.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aida.calendar.catalog import Catalog
from aida.calendar.closures import closure_window, day_range, spoken_closure
from aida.config import Settings, get_settings
from aida.errors import InvalidRequest
from aida.scheduling.phones import mask_phone
from aida.scheduling.speech import local_iso
from aida.store.models import Closure
from aida.store.protocol import Store


def register(sub: argparse._SubParsersAction) -> None:
    clinic = sub.add_parser(
        "clinic", help="closures, providers and visit types of the clinic's calendar"
    )
    actions = clinic.add_subparsers(dest="clinic_command", required=True, metavar="ACTION")

    close = actions.add_parser("close", help="close a day, days, or hours to new bookings")
    close.add_argument("date", help="the first day closed, YYYY-MM-DD")
    close.add_argument("--until", help="the last day closed (inclusive), YYYY-MM-DD")
    close.add_argument("--from", dest="from_time", help="close from this time (HH:MM) only")
    close.add_argument("--to", dest="to_time", help="close until this time (HH:MM) only")
    close.add_argument("--reason", help='said to callers, e.g. "Thanksgiving"')
    close.set_defaults(func=_close)

    listing = actions.add_parser("closures", help="list upcoming closures")
    listing.add_argument("--all", action="store_true", help="past ones too")
    listing.set_defaults(func=_closures)

    reopen = actions.add_parser("reopen", help="remove a closure, by its id or a date it covers")
    reopen.add_argument("what", help="a closure id, or a date YYYY-MM-DD")
    reopen.set_defaults(func=_reopen)

    provider = actions.add_parser("provider", help="add or list providers")
    provider_actions = provider.add_subparsers(dest="provider_command", required=True)
    add = provider_actions.add_parser("add", help="add a provider, or change their hours")
    add.add_argument("name", help='e.g. "Dr. Patel"')
    add.add_argument("--hours", help='e.g. "Mon-Fri 09:00-17:00" (default: the clinic\'s)')
    add.set_defaults(func=_provider_add)
    provider_actions.add_parser("list", help="list providers").set_defaults(func=_provider_list)

    visit = actions.add_parser("visit-type", help="add or list visit types")
    visit_actions = visit.add_subparsers(dest="visit_command", required=True)
    vadd = visit_actions.add_parser("add", help="add a visit type, or change it")
    vadd.add_argument("name", help='e.g. "Physical"')
    vadd.add_argument("--minutes", type=int, required=True, help="how long it takes")
    vadd.add_argument("--providers", help="who sees it, comma-separated names (default: everyone)")
    vadd.set_defaults(func=_visit_add)
    visit_actions.add_parser("list", help="list visit types").set_defaults(func=_visit_list)

    from aida.calendar import profile_cli

    profile_cli.register(actions)


@asynccontextmanager
async def _store() -> AsyncIterator[tuple[Store, Settings]]:
    from aida.store.factory import open_store

    settings = get_settings()
    store = await open_store(settings)
    try:
        yield store, settings
    finally:
        await store.close()


def parse_day(text: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(f"The {what} should look like 2026-11-26.") from None


def parse_clock(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest("A time should look like 13:00.") from None


def describe(closure: Closure, settings: Settings) -> str:
    return f"{closure.id}  closed {spoken_closure(closure, settings.tz)}"


async def _close(args: argparse.Namespace) -> int:
    async with _store() as (store, settings):
        start, end, all_day = closure_window(
            settings.tz,
            parse_day(args.date),
            parse_day(args.until, "last day") if args.until else None,
            parse_clock(args.from_time) if args.from_time else None,
            parse_clock(args.to_time) if args.to_time else None,
        )
        added = await store.add_closure(start, end, args.reason, all_day=all_day)
    print(describe(added.closure, settings))
    if added.affected:
        print(f"{len(added.affected)} booked appointment(s) in it stay booked; call to move them:")
        for appt in added.affected:
            print(
                f"  {local_iso(appt.start_time, settings.tz)}  {mask_phone(appt.user_phone)}"
                f"  {appt.id}"
            )
    return 0


async def _closures(args: argparse.Namespace) -> int:
    async with _store() as (store, settings):
        since = None if args.all else dt.datetime.now(dt.UTC)
        closures = await store.list_closures(start=since)
    for closure in closures:
        print(describe(closure, settings))
    if not closures:
        print("no closures" if args.all else "no upcoming closures")
    return 0


async def _reopen(args: argparse.Namespace) -> int:
    async with _store() as (store, settings):
        removed = await reopen(store, settings, args.what)
    for closure in removed:
        print(f"reopened: {describe(closure, settings)}")
    return 0


async def reopen(store: Store, settings: Settings, what: str) -> list[Closure]:
    """Remove the closure with this id, or every closure touching this local date."""
    one = await store.remove_closure(what)
    if one is not None:
        return [one]
    try:
        day = dt.date.fromisoformat(what.strip())
    except ValueError:
        raise InvalidRequest("There is no closure with that id.") from None
    start, end = day_range(day, day, settings.tz)
    removed = []
    for closure in await store.list_closures(start=start, end=end):
        gone = await store.remove_closure(closure.id)
        if gone is not None:
            removed.append(gone)
    if not removed:
        raise InvalidRequest(f"The clinic isn't closed on {what}.")
    return removed


async def _provider_add(args: argparse.Namespace) -> int:
    async with _store() as (store, _):
        provider = await store.save_provider(args.name, args.hours)
    print(f"{provider.id}  {provider.name}  {provider.hours or '(clinic hours)'}")
    return 0


async def _provider_list(args: argparse.Namespace) -> int:
    async with _store() as (store, _):
        providers = await store.list_providers()
    for provider in providers:
        print(f"{provider.id}  {provider.name}  {provider.hours or '(clinic hours)'}")
    if not providers:
        print("no providers: the clinic books one shared calendar")
    return 0


async def _visit_add(args: argparse.Namespace) -> int:
    async with _store() as (store, _):
        catalog = await Catalog.load(store)
        names = [n for n in (args.providers or "").split(",") if n.strip()]
        ids = [catalog.provider_named(n).id for n in names]
        visit = await store.save_visit_type(args.name, args.minutes, ids)
        catalog = await Catalog.load(store)
    print(_visit_line(visit.id, visit.name, visit.minutes, visit.provider_ids, catalog))
    return 0


async def _visit_list(args: argparse.Namespace) -> int:
    async with _store() as (store, _):
        catalog = await Catalog.load(store)
    for v in catalog.visit_types:
        print(_visit_line(v.id, v.name, v.minutes, v.provider_ids, catalog))
    if not catalog.visit_types:
        print("no visit types: every appointment is one slot long")
    return 0


def _visit_line(
    visit_id: str, name: str, minutes: int, provider_ids: list[str], catalog: Catalog
) -> str:
    who = [p.name for p in catalog.providers if p.id in provider_ids] or ["any provider"]
    return f"{visit_id}  {name}  {minutes} min  {', '.join(who)}"
