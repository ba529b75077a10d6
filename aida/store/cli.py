"""`aida db migrate | seed | slots`: set up the configured database and look at it."""

from __future__ import annotations

import argparse

from aida.config import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="create, upgrade and seed the configured database")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    migrate = db_sub.add_parser("migrate", help="create or upgrade the schema (idempotent)")
    migrate.set_defaults(func=_migrate)
    seed = db_sub.add_parser("seed", help="add the demo clinic's patients and appointments")
    seed.set_defaults(func=_seed)
    slots = db_sub.add_parser("slots", help="show free slots (default: the coming week)")
    slots.add_argument("when", nargs="?", default=None, help='e.g. "tomorrow", "next week"')
    slots.add_argument("--limit", type=int, default=10)
    slots.set_defaults(func=_slots)


async def _migrate(args: argparse.Namespace) -> int:
    from aida.store.factory import open_store

    settings = get_settings()
    store = await open_store(settings)  # open_store migrates (and checks an EHR's FHIR server)
    await store.close()
    print(f"schema is up to date ({store.backend})")
    # What the calendar backend found out about its server (FHIR: If-Match, the writer lock).
    for note in getattr(getattr(store, "calendar", None), "notes", []):
        print(f"  calendar: {note}")
    return 0


async def _seed(args: argparse.Namespace) -> int:
    from aida.store.factory import open_store
    from aida.store.seed import seed_demo_clinic

    settings = get_settings()
    store = await open_store(settings)
    try:
        report = await seed_demo_clinic(store, settings)
    finally:
        await store.close()
    print(report)
    return 0


async def _slots(args: argparse.Namespace) -> int:
    from aida.scheduling.clock import SystemClock
    from aida.store.factory import open_store
    from aida.tools.base import ClinicContext
    from aida.tools.find_available_slots import find_available_slots

    settings = get_settings()
    store = await open_store(settings)
    try:
        ctx = ClinicContext(store=store, settings=settings, clock=SystemClock())
        result = await find_available_slots(
            ctx, when=args.when, limit=args.limit, ask_visit_type=False
        )
    finally:
        await store.close()
    window = result.data["window"]
    zone = settings.default_timezone
    print(f"{settings.clinic_name}: free slots {window['description']} ({zone})")
    for slot in result.data["slots"]:
        print(f"  {slot['start']}  {slot['spoken']}")
    if not result.data["slots"]:
        print("  (none)")
    return 0
