"""Look up the patient a phone number belongs to."""

from __future__ import annotations

import argparse

from aida.tools._common import phone_of
from aida.tools.base import ClinicContext, ToolResult, run_cli


async def find_patient(ctx: ClinicContext, phone: str) -> ToolResult:
    e164 = phone_of(ctx, phone)
    patient = await ctx.store.get_patient(e164)
    if patient is None:
        return ToolResult(
            say="I don't have a record for this number yet.",
            data={"found": False, "phone": e164, "patient": None},
        )
    name = patient.name or "a patient with no name on file"
    return ToolResult(
        say=f"I have {name} on file for this number.",
        data={"found": True, "phone": e164, "patient": patient.model_dump()},
    )


async def _cli(ctx: ClinicContext, args: argparse.Namespace) -> ToolResult:
    return await find_patient(ctx, args.phone)


def main(argv: list[str] | None = None) -> int:
    return run_cli(__doc__ or "", lambda p: None, _cli, argv)


if __name__ == "__main__":
    raise SystemExit(main())
