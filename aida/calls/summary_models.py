"""Which language models write the after-call summary, in the order they are tried.

Only the chosen plugins are imported (LiveKit loads slowly), so a process with no model
configured never pays for it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aida.config import Settings

if TYPE_CHECKING:
    from livekit.agents import llm

logger = logging.getLogger("aida.calls.summary")


def build_summary_llms(settings: Settings, *, include_local: bool = True) -> list[llm.LLM]:
    """OPENAI_MODEL when OpenAI has a key, then Anthropic when it has one, then the local model
    unless PROVIDERS=cloud or `include_local=False` (a process that serves calls should not lend
    its CPU to a background summary). A provider that cannot be built is left out, never fatal."""
    models: list[llm.LLM] = []

    def secret(value: Any) -> str | None:
        text = value.get_secret_value().strip() if value is not None else ""
        return text or None

    if key := secret(settings.openai_api_key):
        from livekit.agents.types import NOT_GIVEN
        from livekit.plugins import openai

        models.append(
            openai.LLM(
                model=settings.openai_model,
                api_key=key,
                base_url=settings.openai_base_url or NOT_GIVEN,
            )
        )
    if key := secret(settings.anthropic_api_key):
        from livekit.agents.types import NOT_GIVEN
        from livekit.plugins import anthropic

        models.append(
            anthropic.LLM(
                model=settings.anthropic_model,
                api_key=key,
                base_url=settings.anthropic_base_url or NOT_GIVEN,
            )
        )
    if include_local and settings.providers != "cloud":
        try:
            from aida.local import build_llm

            models.append(build_llm(settings))
        except Exception as exc:  # weights not installed: summaries fall back to the timeline
            logger.warning("local model unavailable for summaries: %s", type(exc).__name__)
    return models
