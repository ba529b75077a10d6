"""Which provider served each request of a call, and what it used, on the timeline.

With fallback chains (`FallbackAdapter`s from `build_providers`) the configured provider is not
always the one that answered: a turn can be served by Anthropic because OpenAI returned 500, or
by the local voice because Cartesia dropped. Every provider request's metrics name the instance
that served it, so each becomes a `provider_request` event (role, provider, model, usage in the
provider's units); each change of a provider's availability in a chain becomes
`provider_available` (available true/false). The call record keeps the timeline, so it says who
served which turn; the cost is priced from the same usage (aida/calls/cost.py). A streaming STT
that stopped answering (aida/agent/stt_watchdog.py) is `provider_stalled` just before it is
`provider_available` false.

After a failure the adapter sends the failed request again to the failed provider in the
background, to see whether it is back, and throws the answer away. That probe is billed like any
request, so it is recorded too; the `provider_available` event that says the provider is back
names it (`probe_request_id`), which tells it apart from the request that served the turn.
"""

from __future__ import annotations

import logging
from typing import Any

from aida.agent.timeline import Timeline

logger = logging.getLogger("aida.providers")

_ROLE = {"llm_metrics": "llm", "stt_metrics": "stt", "tts_metrics": "tts"}


def request_event(metrics: Any) -> dict[str, Any] | None:
    """The `provider_request` fields of one metrics report, or None for other metrics."""
    role = _ROLE.get(str(getattr(metrics, "type", "")))
    if role is None:
        return None
    meta = getattr(metrics, "metadata", None)
    fields: dict[str, Any] = {
        "role": role,
        "provider": getattr(meta, "model_provider", None) or getattr(metrics, "label", ""),
        "model": getattr(meta, "model_name", None),
        "request_id": getattr(metrics, "request_id", None),
    }
    if role == "llm":
        fields.update(
            input_tokens=metrics.prompt_tokens,
            output_tokens=metrics.completion_tokens,
            ttft_s=round(metrics.ttft, 3) if metrics.ttft >= 0 else None,
            cancelled=bool(metrics.cancelled),
        )
    elif role == "stt":
        fields.update(audio_seconds=round(metrics.audio_duration, 3), streamed=metrics.streamed)
    else:
        fields.update(
            characters=metrics.characters_count,
            audio_seconds=round(metrics.audio_duration, 3),
            ttfb_s=round(metrics.ttfb, 3) if metrics.ttfb >= 0 else None,
            cancelled=bool(metrics.cancelled),
        )
    return fields


def wire_served(providers: Any, timeline: Timeline) -> None:
    """Subscribe the timeline to the providers' metrics and the chains' availability."""
    from livekit.agents import llm, stt, tts

    down_since_request: dict[tuple[str, str], str | None] = {}  # (role, provider) -> last request

    def _on_metrics(metrics: Any) -> None:
        fields = request_event(metrics)
        if fields is None:
            return
        key = (fields["role"], str(fields["provider"]))
        if key in down_since_request:
            down_since_request[key] = fields["request_id"]
        timeline.record("provider_request", **fields)

    seen: set[int] = set()
    for role in ("stt", "llm", "tts"):
        instance = getattr(providers, role, None)
        if instance is not None and hasattr(instance, "on") and id(instance) not in seen:
            seen.add(id(instance))
            instance.on("metrics_collected", _on_metrics)

    chains = {"stt": stt.FallbackAdapter, "llm": llm.FallbackAdapter, "tts": tts.FallbackAdapter}
    for role, chain in chains.items():
        instance = getattr(providers, role, None)
        if not isinstance(instance, chain):
            continue  # one provider: nothing to fail over to

        def _on_availability(ev: Any, role: str = role) -> None:
            served_by = getattr(ev, role, None)
            provider = str(getattr(served_by, "provider", "?"))
            extra: dict[str, Any] = {}
            if ev.available:
                probe = down_since_request.pop((role, provider), None)
                if probe is not None:
                    extra["probe_request_id"] = probe
            else:
                down_since_request[(role, provider)] = None
            timeline.record(
                "provider_available", role=role, provider=provider, available=ev.available, **extra
            )
            logger.warning(
                "%s provider %s %s", role, provider, "back" if ev.available else "unavailable"
            )

        instance.on(f"{role}_availability_changed", _on_availability)

    for watched in getattr(providers, "watched_stt", None) or []:

        def _on_stall(ev: Any) -> None:
            timeline.record(
                "provider_stalled",
                role="stt",
                provider=ev.provider,
                model=ev.model,
                waited_s=ev.waited_s,
                reason=ev.reason,
                rescued=ev.rescued,
            )

        watched.on("stt_stalled", _on_stall)
