"""`aida reminders run`: one pass of reminder calls (for cron; docs/outbound.md)."""

from __future__ import annotations

import argparse
import json

from aida.config import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    reminders = sub.add_parser("reminders", help="reminder and confirmation calls")
    actions = reminders.add_subparsers(dest="reminders_command", required=True, metavar="ACTION")
    run = actions.add_parser(
        "run",
        help="call the patients whose appointments are due a reminder now (one pass; counts out)",
    )
    run.add_argument(
        "--dry-run", action="store_true", help="select only: say how many are due, call nobody"
    )
    run.set_defaults(func=_run)


async def _run(args: argparse.Namespace) -> int:
    from aida.outbound.reminders import run_reminders
    from aida.store.factory import open_store

    settings = get_settings()
    store = await open_store(settings)
    try:
        report = await run_reminders(store, settings, dry_run=args.dry_run)
    finally:
        await store.close()
    print(json.dumps(report.as_dict(), sort_keys=True))
    return 0
