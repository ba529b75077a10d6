"""What a call cost: LiveKit's per-model usage times a price table, in exact decimal USD.

The default table (`prices.json`, next to this file) holds list prices with the date they were
taken; `AIDA_PRICES` (inline JSON, or a path to a JSON file of the same shape) overrides entries
per provider/model. Local models cost nothing. A model missing from the table is listed under
`unpriced` and makes the breakdown `complete: false` rather than guessing a price.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any

logger = logging.getLogger("aida.calls.cost")

PRICES_ENV = "AIDA_PRICES"
COMPONENTS = ("stt", "llm", "tts")
USAGE_COMPONENT = {"llm_usage": "llm", "stt_usage": "stt", "tts_usage": "tts"}
MICRO = Decimal("0.000001")  # amounts are kept to the micro-dollar, totals add up exactly
MILLION = Decimal(1_000_000)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal")

PriceEntry = dict[str, Decimal]


@dataclass(frozen=True)
class PriceTable:
    as_of: str
    note: str
    source: str
    local_providers: frozenset[str] = frozenset()
    entries: dict[str, dict[str, PriceEntry]] = field(default_factory=dict)  # component -> key

    def lookup(self, component: str, provider: str, model: str) -> tuple[str, PriceEntry] | None:
        """The entry for provider/model: the exact model, else the longest listed model the name
        extends ("gpt-4o-mini-2024-07-18" is priced as "gpt-4o-mini")."""
        table = self.entries.get(component, {})
        best: tuple[str, PriceEntry] | None = None
        for key, entry in table.items():
            key_provider, _, key_model = key.partition("/")
            if key_provider != provider:
                continue
            matches = model == key_model or model.startswith((key_model + "-", key_model + "@"))
            if matches and (best is None or len(key) > len(best[0])):
                best = (key, entry)
        return best

    def describe(self) -> dict[str, str]:
        return {"as_of": self.as_of, "note": self.note, "source": self.source}


def _decimal_entries(raw: Mapping[str, Any]) -> dict[str, PriceEntry]:
    out: dict[str, PriceEntry] = {}
    for key, entry in raw.items():
        if key.startswith("_"):
            continue
        if "/" not in key or not isinstance(entry, Mapping):
            raise ValueError(f"price key {key!r} must be 'provider/model' with an object of prices")
        prices = {name: Decimal(str(value)) for name, value in entry.items()}
        if any(p < 0 for p in prices.values()):
            raise ValueError(f"negative price for {key!r}")
        out[key.lower()] = prices
    return out


def _table_from(data: Mapping[str, Any], source: str, base: PriceTable | None = None) -> PriceTable:
    entries = {c: dict(base.entries.get(c, {})) if base else {} for c in COMPONENTS}
    for component in COMPONENTS:
        if component in data:
            entries[component].update(_decimal_entries(data[component]))
    local = {p.lower() for p in data.get("local_providers", [])}
    return PriceTable(
        as_of=str(data.get("as_of") or (base.as_of if base else "unknown")),
        note=str(data.get("note") or (base.note if base else "")),
        source=source,
        local_providers=frozenset(local | (base.local_providers if base else set())),
        entries=entries,
    )


def default_prices() -> PriceTable:
    text = resources.files("aida.calls").joinpath("prices.json").read_text(encoding="utf-8")
    return _table_from(json.loads(text), "defaults")


def load_price_table(env: Mapping[str, str] | None = None) -> PriceTable:
    """The defaults, with `AIDA_PRICES` laid over them. A broken override is logged and ignored:
    a wrong price must never cost the clinic its call record."""
    table = default_prices()
    if env is None:  # the process environment, then .env through the settings
        from aida.config import get_settings

        override = (os.environ.get(PRICES_ENV) or get_settings().aida_prices or "").strip()
    else:
        override = (env.get(PRICES_ENV) or "").strip()
    if not override:
        return table
    try:
        text = override if override.startswith("{") else Path(override).read_text(encoding="utf-8")
        data = json.loads(text)
        if not isinstance(data, Mapping):
            raise ValueError("the top level must be an object")
        return _table_from(data, PRICES_ENV, base=table)
    except (OSError, ValueError, ArithmeticError) as exc:
        logger.error("%s ignored, using the default prices: %s", PRICES_ENV, exc)
        return table


# --- usage -> cost ------------------------------------------------------------------------------


def provider_key(provider: str) -> str:
    """LiveKit plugins name providers differently ("api.openai.com", "Deepgram"): one spelling."""
    name = provider.strip().lower()
    host = _host(name)
    for known in ("openai", "anthropic", "deepgram", "cartesia"):
        if host == known or host.endswith(f"{known}.com"):
            return known
    return name


def _host(name: str) -> str:
    if "://" in name:
        name = name.split("://", 1)[1]
    name = name.split("/", 1)[0]
    if name.startswith("["):
        return name[1:].split("]", 1)[0]
    return name.rsplit(":", 1)[0] if name.count(":") == 1 else name


def is_local(provider: str, table: PriceTable) -> bool:
    name = provider.strip().lower()
    host = _host(name)
    return (
        name in table.local_providers
        or host in LOCAL_HOSTS
        or host.startswith("127.")
        or host.endswith(".local")
    )


def usage_dicts(usage: Any) -> list[dict[str, Any]]:
    """LiveKit's `AgentSessionUsage`, a list of its `*ModelUsage`, or their dumps -> plain dicts."""
    if usage is None:
        return []
    items = getattr(usage, "model_usage", usage)
    out = []
    for item in items:
        if hasattr(item, "model_dump"):
            item = item.model_dump()
        if isinstance(item, Mapping):
            out.append(dict(item))
    return out


def _money(value: Decimal) -> Decimal:
    return value.quantize(MICRO, rounding=ROUND_HALF_UP)


def _line(unit: str, quantity: Decimal, price: Decimal, per: str) -> tuple[dict[str, Any], Decimal]:
    divisor = MILLION if per == "usd_per_million" else Decimal(1)
    usd = _money(quantity * price / divisor)
    return {
        "unit": unit,
        "quantity": _number(quantity),
        per: _number(price),
        "usd": _number(usd),
    }, usd


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _lines(
    component: str, usage: Mapping[str, Any], price: PriceEntry
) -> list[tuple[dict[str, Any], Decimal]]:
    def n(name: str) -> Decimal:
        return Decimal(str(usage.get(name) or 0))

    if component == "llm":
        cached, written = n("input_cached_tokens"), n("input_cache_creation_tokens")
        fresh = max(Decimal(0), n("input_tokens") - cached - written)
        base = price.get("input", Decimal(0))
        parts = [
            ("input_tokens", fresh, base),
            ("cached_input_tokens", cached, price.get("cached_input", base)),
            ("cache_write_tokens", written, price.get("cache_write", base)),
            ("output_tokens", n("output_tokens"), price.get("output", Decimal(0))),
        ]
        return [_line(u, q, p, "usd_per_million") for u, q, p in parts if q]
    if component == "stt":
        minutes = (n("audio_duration") / 60).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        return [
            _line("audio_minutes", minutes, price.get("per_minute", Decimal(0)), "usd_per_minute")
        ]
    chars = n("characters_count")
    return [
        _line("characters", chars, price.get("per_million_chars", Decimal(0)), "usd_per_million")
    ]


def _quantities(component: str, usage: Mapping[str, Any]) -> dict[str, Any]:
    keys = {
        "llm": (
            "input_tokens",
            "input_cached_tokens",
            "input_cache_creation_tokens",
            "output_tokens",
        ),
        "stt": ("audio_duration",),
        "tts": ("characters_count", "audio_duration"),
    }[component]
    return {k: usage.get(k, 0) for k in keys}


def cost_breakdown(usage: Iterable[Mapping[str, Any]], table: PriceTable) -> dict[str, Any]:
    """`{"currency", "total_usd", "by_component": {stt, llm, tts}, "items": [...], "unpriced",
    "complete", "prices"}`; each item is one provider/model/purpose with its usage lines."""
    items: list[dict[str, Any]] = []
    unpriced: list[dict[str, str]] = []
    by_component = {c: Decimal(0) for c in COMPONENTS}
    for raw in usage:
        component = USAGE_COMPONENT.get(str(raw.get("type")))
        if component is None:
            continue  # turn detection and the like: no usage-based price
        provider_raw, model = str(raw.get("provider") or ""), str(raw.get("model") or "")
        provider = provider_key(provider_raw)
        if "/" in model and provider not in ("openai", "anthropic"):
            # LiveKit Inference names models "openai/gpt-4o-mini"
            maybe_provider, _, bare = model.partition("/")
            if maybe_provider in ("openai", "anthropic", "deepgram", "cartesia"):
                provider, model = maybe_provider, bare
        item: dict[str, Any] = {
            "component": component,
            "provider": provider,
            "model": model,
            "purpose": raw.get("purpose", "call"),
            "usage": _quantities(component, raw),
        }
        if is_local(provider_raw, table) or is_local(provider, table):
            item.update(priced_as="local", usd=0.0, lines=[])
        else:
            found = table.lookup(component, provider, model.lower())
            if found is None:
                item.update(priced_as=None, usd=None, lines=[])
                unpriced.append({"component": component, "provider": provider, "model": model})
            else:
                key, price = found
                lines = _lines(component, raw, price)
                amount = sum((usd for _, usd in lines), Decimal(0))
                by_component[component] += amount
                item.update(
                    priced_as=key,
                    usd=_number(amount) if amount else 0.0,
                    lines=[line for line, _ in lines],
                )
        items.append(item)
    total = sum(by_component.values(), Decimal(0))
    return {
        "currency": "USD",
        "total_usd": float(total),
        "by_component": {c: float(v) for c, v in by_component.items()},
        "items": items,
        "unpriced": unpriced,
        "complete": not unpriced,
        "prices": table.describe(),
    }
