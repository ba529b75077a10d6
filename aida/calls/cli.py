"""`aida summaries retry | list`: deliver queued call records by hand, or see what is queued."""

from __future__ import annotations

import argparse
import json

from aida.config import get_settings


def register(sub: argparse._SubParsersAction) -> None:
    summaries = sub.add_parser("summaries", help="the after-call records waiting in the outbox")
    actions = summaries.add_subparsers(dest="summaries_command", required=True, metavar="ACTION")
    retry = actions.add_parser(
        "retry", help="deliver every queued call record now (summary, preferences, database)"
    )
    retry.add_argument(
        "--no-llm",
        action="store_true",
        help="do not ask a language model; queued calls get the timeline-only summary",
    )
    retry.set_defaults(func=_retry)
    listing = actions.add_parser("list", help="show the queued call records (no patient data)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=_list)


async def _retry(args: argparse.Namespace) -> int:
    from aida.calls.deliver import Deliverer

    settings = get_settings()
    deliverer = Deliverer(settings, llms=[] if args.no_llm else None)
    results = await deliverer.drain(force=True)
    left = deliverer.outbox.ids()
    stored = [r for r in results if r.outcome == "stored"]
    failed = [r for r in results if not r.stored]
    print(f"{len(stored)} stored, {len(left)} still queued in {settings.outbox_dir}")
    for r in results:
        if r.outcome != "stored":
            detail = r.error or ("stored; summary to retry" if r.stored else r.outcome)
            print(f"  {r.call_id}: {r.outcome} ({detail})")
    return 1 if failed else 0


async def _list(args: argparse.Namespace) -> int:
    from aida.calls.outbox import Outbox, pending_report

    settings = get_settings()
    rows = pending_report(Outbox(settings.outbox_dir))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{len(rows)} queued in {settings.outbox_dir}")
    for row in rows:
        error = f", last error: {row['last_error']}" if row["last_error"] else ""
        print(
            f"  {row['call_id']}  queued {row['queued_at']}  stored={row['stored']}"
            f"  summary={row['summary']}  attempts={row['attempts']}{error}"
        )
    return 0
