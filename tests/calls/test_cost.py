"""Cost arithmetic from known usage, the price table and its override."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from livekit.agents.metrics.usage import (
    AgentSessionUsage,
    EOTModelUsage,
    LLMModelUsage,
    STTModelUsage,
    TTSModelUsage,
)

from aida.calls.cost import cost_breakdown, default_prices, load_price_table, usage_dicts

CLOUD_CALL = AgentSessionUsage(
    model_usage=[
        LLMModelUsage(
            provider="api.openai.com",
            model="gpt-4o-mini-2024-07-18",
            input_tokens=12_000,
            input_cached_tokens=4_000,
            output_tokens=800,
        ),
        STTModelUsage(provider="Deepgram", model="nova-3", audio_duration=150.0),
        TTSModelUsage(
            provider="Cartesia", model="sonic-2", characters_count=1_800, audio_duration=120.0
        ),
        EOTModelUsage(provider="livekit", model="turn-detector", total_requests=12),
    ]
)


def test_cloud_call_costs_add_up_exactly() -> None:
    cost = cost_breakdown(usage_dicts(CLOUD_CALL), default_prices())
    llm, stt, tts = cost["items"]  # turn detection has no usage price and is left out
    # 8,000 fresh input tokens at $0.15/M + 4,000 cached at $0.075/M + 800 output at $0.60/M
    assert [(line["unit"], line["quantity"], line["usd"]) for line in llm["lines"]] == [
        ("input_tokens", 8_000, 0.0012),
        ("cached_input_tokens", 4_000, 0.0003),
        ("output_tokens", 800, 0.00048),
    ]
    assert llm["usd"] == 0.00198 and llm["priced_as"] == "openai/gpt-4o-mini"
    # 2.5 minutes at $0.0077/min
    assert stt["lines"] == [
        {"unit": "audio_minutes", "quantity": 2.5, "usd_per_minute": 0.0077, "usd": 0.01925}
    ]
    # 1,800 characters at $38/M
    assert tts["usd"] == 0.0684 and tts["provider"] == "cartesia"
    assert cost["by_component"] == {"stt": 0.01925, "llm": 0.00198, "tts": 0.0684}
    assert cost["total_usd"] == 0.08963
    assert Decimal(str(cost["total_usd"])) == sum(
        Decimal(str(v)) for v in cost["by_component"].values()
    )
    assert cost["complete"] is True and cost["currency"] == "USD"
    assert "verify" in cost["prices"]["note"] and cost["prices"]["as_of"] == "2026-11-23"


def test_anthropic_cache_reads_and_writes_are_priced_apart() -> None:
    usage = [
        {
            "type": "llm_usage",
            "provider": "api.anthropic.com",
            "model": "claude-3-5-haiku-latest",
            "input_tokens": 10_000,
            "input_cached_tokens": 6_000,
            "input_cache_creation_tokens": 2_000,
            "output_tokens": 1_000,
        }
    ]
    item = cost_breakdown(usage, default_prices())["items"][0]
    # 2,000 fresh x 0.80 + 6,000 read x 0.08 + 2,000 written x 1.00 + 1,000 out x 4.00 (per M)
    assert [line["usd"] for line in item["lines"]] == [0.0016, 0.00048, 0.002, 0.004]
    assert item["usd"] == 0.00808


def test_local_models_cost_nothing_and_unknown_ones_are_flagged() -> None:
    usage = [
        {
            "type": "llm_usage",
            "provider": "llama.cpp",
            "model": "qwen2.5-3b",
            "input_tokens": 9_999,
        },
        {
            "type": "llm_usage",
            "provider": "localhost:11434",
            "model": "qwen2.5:1.5b",
            "input_tokens": 500,
        },
        {
            "type": "stt_usage",
            "provider": "faster-whisper",
            "model": "whisper-tiny.en",
            "audio_duration": 600.0,
        },
        {
            "type": "tts_usage",
            "provider": "hibari-tts",
            "model": "hibari-heart",
            "characters_count": 5_000,
        },
        {
            "type": "llm_usage",
            "provider": "api.mistral.ai",
            "model": "mistral-small",
            "input_tokens": 100,
        },
    ]
    cost = cost_breakdown(usage, default_prices())
    assert [i["priced_as"] for i in cost["items"]] == ["local"] * 4 + [None]
    assert cost["total_usd"] == 0.0
    assert cost["unpriced"] == [
        {"component": "llm", "provider": "api.mistral.ai", "model": "mistral-small"}
    ]
    assert cost["complete"] is False


def test_prefix_matching_picks_the_longest_listed_model() -> None:
    table = default_prices()
    assert table.lookup("llm", "openai", "gpt-4o-mini-2024-07-18")[0] == "openai/gpt-4o-mini"  # type: ignore[index]
    assert table.lookup("llm", "openai", "gpt-4o-2024-08-06")[0] == "openai/gpt-4o"  # type: ignore[index]
    assert table.lookup("llm", "openai", "gpt-4o2") is None


def test_override_inline_and_from_a_file(tmp_path: Path) -> None:
    inline = json.dumps(
        {"as_of": "2027-01-05", "llm": {"openai/gpt-4o-mini": {"input": 1, "output": 2}}}
    )
    table = load_price_table({"AIDA_PRICES": inline})
    assert table.source == "AIDA_PRICES" and table.as_of == "2027-01-05"
    usage = [
        {
            "type": "llm_usage",
            "provider": "api.openai.com",
            "model": "gpt-4o-mini",
            "input_tokens": 1_000_000,
            "output_tokens": 500_000,
        }
    ]
    assert cost_breakdown(usage, table)["total_usd"] == 2.0
    # the rest of the defaults stay
    assert table.lookup("stt", "deepgram", "nova-3") is not None

    path = tmp_path / "prices.json"
    path.write_text(
        json.dumps(
            {"stt": {"deepgram/nova-3": {"per_minute": 0.01}}, "local_providers": ["my-gpu-box"]}
        )
    )
    table = load_price_table({"AIDA_PRICES": str(path)})
    stt = [{"type": "stt_usage", "provider": "Deepgram", "model": "nova-3", "audio_duration": 90}]
    assert cost_breakdown(stt, table)["total_usd"] == 0.015
    local = [{"type": "llm_usage", "provider": "my-gpu-box", "model": "x", "input_tokens": 9}]
    assert cost_breakdown(local, table)["items"][0]["priced_as"] == "local"


def test_a_broken_override_falls_back_to_the_defaults() -> None:
    for bad in (
        "{not json",
        "/nonexistent/prices.json",
        '{"llm": {"gpt": {"input": 1}}}',
        '{"llm": {"openai/x": {"input": -1}}}',
    ):
        table = load_price_table({"AIDA_PRICES": bad})
        assert table.source == "defaults"


def test_an_override_in_dotenv_reaches_the_table(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # pydantic-settings reads .env for its fields only: the override must come through Settings.
    (tmp_path / ".env").write_text('AIDA_PRICES={"as_of": "2027-02-01"}\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AIDA_PRICES", raising=False)
    import aida.config

    aida.config.get_settings.cache_clear()
    try:
        assert load_price_table().as_of == "2027-02-01"
    finally:
        aida.config.get_settings.cache_clear()
