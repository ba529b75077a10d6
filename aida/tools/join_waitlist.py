"""Put a patient on the waitlist for a time that is taken, or a window ("any Tuesday morning"),
in the caller's words; resolved by the time grammar (`aida.waitlist.wanted`)."""

from __future__ import annotations

import argparse

from aida.calendar.catalog import Catalog
from aida.tools._common import phone_of
from aida.tools.base import ClinicContext, ToolResult, run_cli
from aida.waitlist.service import join


async def join_waitlist(
    ctx: ClinicContext,
    phone: str,
    when: str,
    provider: str | None = None,
    *,
    actor: str = "cli",
) -> ToolResult:
    e164 = phone_of(ctx, phone)
    provider_id = None
    if provider and provider.strip():
        choice = (await Catalog.load(ctx.store)).choose(provider=provider, ask=False)
        if choice.named and choice.providers:
            provider_id = choice.providers[0].id
    joined = await join(ctx, e164, when, actor=actor, provider_id=provider_id)
    entry = joined.entry
    minutes = ctx.settings.waitlist_hold_minutes
    if joined.created:
        say = (
            f"I've put you on the waitlist for {entry.description}. If that time opens up, we'll "
            f"call you and hold it for you for {minutes} minutes."
        )
    else:
        say = f"You're already on the waitlist for {entry.description}."
    return ToolResult(
        say=say,
        data={
            "waitlist": {
                "id": entry.id,
                "description": entry.description,
                "weekly": entry.weekly,
                "status": entry.status,
            },
            "created": joined.created,
        },
    )


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await join_waitlist(ctx, args.phone, args.when, args.provider)


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--when", required=True, help='words: "Thursday at 3", "any Tuesday morning"'
        )
        p.add_argument("--provider", help='who with, e.g. "Dr. Patel"')

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
