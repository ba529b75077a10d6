"""`aida clinic profile show|set`: the clinic's profile from a shell.

aida clinic profile show                      the profile a call uses now, as JSON
aida clinic profile set address "12 Main St, Springfield"
aida clinic profile set insurance_accepted "Aetna, Cigna, Medicare"
aida clinic profile set hours.sat 09:00-12:00 (or "closed")
aida clinic profile set facts.wifi "Ask the front desk for the password"
aida clinic profile set parking ""            an empty value clears the field
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from aida.calendar.cli import _store
from aida.calendar.profile import load_edits, profile_for_call, save_edits, set_field


def register(actions: argparse._SubParsersAction) -> None:
    profile = actions.add_parser("profile", help="what Aida may tell callers about the clinic")
    steps = profile.add_subparsers(dest="profile_command", required=True)
    show = steps.add_parser("show", help="the profile a call uses now (JSON)")
    show.add_argument("--edits", action="store_true", help="only what staff set")
    show.set_defaults(func=_show)
    change = steps.add_parser("set", help="set one field (an empty value clears it)")
    change.add_argument("field", help="address, phone, parking, hours.mon, facts.<name>, ...")
    change.add_argument("value", help="the value; lists comma-separated")
    change.set_defaults(func=_set)


async def _show(args: argparse.Namespace) -> int:
    async with _store() as (store, settings):
        if args.edits:
            data = (await load_edits(store)).stored()
        else:
            profile = await profile_for_call(store, settings, dt.datetime.now(dt.UTC))
            data = profile.model_dump(mode="json")
    print(json.dumps(data, indent=2))
    return 0


async def _set(args: argparse.Namespace) -> int:
    async with _store() as (store, _):
        edits = set_field(await load_edits(store), args.field, args.value)
        await save_edits(store, edits, "cli")
    print(json.dumps(edits.stored(), indent=2))
    return 0
