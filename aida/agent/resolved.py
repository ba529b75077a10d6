"""The instants a tool call's time words mean, recorded next to the words on the timeline.

`start: "Saturday at 8pm"` is resolved here by the same `resolve_when`, clock and clinic hours
the tool itself uses, so whoever reads the timeline (the scenario checks, staff) sees the time
the tool acted on without parsing words again. A time the grammar cannot read, or reads two
ways, is left out: the tool answers that call with its own question or refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aida.errors import AidaError
from aida.scheduling.dates import resolve_when
from aida.scheduling.speech import local_iso
from aida.tools.base import ClinicContext

# The arguments that hold a time in the caller's words (book, reschedule, find).
TIME_ARGS = ("start", "new_start", "when")


def resolved_times(ctx: ClinicContext, args: Mapping[str, Any]) -> dict[str, Any]:
    """{arg: "2026-03-07T20:00:00-05:00"} for an exact time, {arg: {"from", "to"}} for a
    window ("Tuesday morning"); only the arguments that resolve."""
    out: dict[str, Any] = {}
    tz = ctx.clinic_hours.tz
    for key in TIME_ARGS:
        raw = args.get(key)
        if not isinstance(raw, str) or not raw.strip():
            continue
        try:
            when = resolve_when(raw, ctx.now(), ctx.clinic_hours)
        except AidaError:
            continue
        if when.kind == "exact":
            out[key] = local_iso(when.start, tz)
        else:
            out[key] = {"from": local_iso(when.start, tz), "to": local_iso(when.end, tz)}
    return out
