"""`python -m aida <command>` (also installed as `aida`): operate Aida from a shell.

Each area registers its own subcommands (`register(subparsers)` in its `cli` module), so this file
only gathers them. Errors print one line and exit non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Awaitable, Callable

from aida.errors import AidaError

# Areas that add subcommands. Each module defines `register(subparsers)`, and each subcommand sets
# `func` to a callable taking the parsed args and returning an exit code (or an awaitable of one).
AREAS = (
    "aida.store.cli",
    "aida.calendar.cli",
    "aida.local.cli",
    "aida.calls.cli",
    "aida.outbound.cli",
    "aida.waitlist.cli",
    "aida.simulate.cli",
)

Handler = Callable[[argparse.Namespace], "int | Awaitable[int]"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aida", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in AREAS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from aida.logs import setup_logging

    setup_logging(logging.DEBUG if args.verbose else None)
    try:
        outcome = args.func(args)
        if asyncio.iscoroutine(outcome):
            outcome = asyncio.run(outcome)
    except AidaError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return int(outcome or 0)
