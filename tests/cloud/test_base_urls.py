"""Each cloud plugin takes its endpoint from settings through its own base-URL parameter; unset,
the plugin keeps the public API."""

from __future__ import annotations

from typing import Any

from aida.agent.providers import build_providers
from aida.config import Settings

KEYS: dict[str, Any] = {
    "providers": "cloud",
    "llm_fallback": "anthropic",
    "openai_api_key": "sk-test",
    "anthropic_api_key": "sk-ant-test",
    "deepgram_api_key": "dg-test",
    "cartesia_api_key": "ca-test",
    "cartesia_voice_id": "voice",
}


def _build(**overrides: Any) -> Any:
    return build_providers(Settings(_env_file=None, **KEYS, **overrides))


def test_base_urls_reach_each_plugin() -> None:
    built = _build(
        openai_base_url="http://127.0.0.1:9001/v1",
        anthropic_base_url="http://127.0.0.1:9002",
        deepgram_base_url="http://127.0.0.1:9003/v1/listen",
        cartesia_base_url="http://127.0.0.1:9004",
    )
    openai_llm, anthropic_llm = built.llm._llm_instances
    assert openai_llm.provider == "127.0.0.1:9001"
    assert anthropic_llm.provider == "127.0.0.1:9002"
    assert built.stt._opts.endpoint_url == "http://127.0.0.1:9003/v1/listen"
    assert built.tts._opts.base_url == "http://127.0.0.1:9004"


def test_unset_base_urls_keep_the_public_apis() -> None:
    built = _build()
    assert [m.provider for m in built.llm._llm_instances] == ["api.openai.com", "api.anthropic.com"]
    assert built.stt._opts.endpoint_url == "https://api.deepgram.com/v1/listen"
    assert built.tts._opts.base_url == "https://api.cartesia.ai"
