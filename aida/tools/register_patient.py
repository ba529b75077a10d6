"""Register a new patient (or correct the name on file) for a phone number."""

from __future__ import annotations

import argparse

from aida.errors import InvalidRequest
from aida.tools._common import phone_of
from aida.tools.base import ClinicContext, ToolResult, run_cli

MAX_NAME = 100


def clean_name(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidRequest("I didn't catch the name. Could you say your full name?")
    if len(cleaned) > MAX_NAME:
        raise InvalidRequest(
            "That name is too long for our records. Could you give a shorter form?"
        )
    return cleaned


async def register_patient(ctx: ClinicContext, phone: str, name: str) -> ToolResult:
    e164 = phone_of(ctx, phone)
    patient = await ctx.store.upsert_patient(e164, clean_name(name))
    return ToolResult(
        say=f"Thank you, {patient.name}, you're registered.",
        data={"phone": e164, "patient": patient.model_dump()},
    )


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await register_patient(ctx, args.phone, args.name)


def main(argv: list[str] | None = None) -> int:
    def flags(p: argparse.ArgumentParser) -> None:
        p.add_argument("--name", required=True, help="the patient's full name")

    return run_cli(__doc__ or "", flags, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
