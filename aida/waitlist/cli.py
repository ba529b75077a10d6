"""`aida waitlist list | run`: the waitlist from a shell (docs/waitlist.md)."""

from __future__ import annotations

import argparse
import json

from aida.config import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    waitlist = sub.add_parser("waitlist", help="the waitlist and its offer calls")
    actions = waitlist.add_subparsers(dest="waitlist_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="entries waiting or offered, oldest first (counts)")
    listing.set_defaults(func=_list)
    run = actions.add_parser(
        "run",
        help="pass lapsed holds on and call the patients offered a time (one pass; counts out)",
    )
    run.set_defaults(func=_run)


async def _list(args: argparse.Namespace) -> int:
    from aida.store.factory import open_store

    store = await open_store(get_settings())
    try:
        entries = await store.list_waitlist()
    finally:
        await store.close()
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.status] = counts.get(entry.status, 0) + 1
    print(json.dumps(counts, sort_keys=True))  # counts only: no patient data in a shell log
    return 0


async def _run(args: argparse.Namespace) -> int:
    from aida.store.factory import open_store
    from aida.waitlist.calls import run_offers

    settings = get_settings()
    store = await open_store(settings)
    try:
        report = await run_offers(store, settings)
    finally:
        await store.close()
    print(json.dumps(report.as_dict(), sort_keys=True))
    return 0
