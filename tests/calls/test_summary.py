"""The summariser on its own: structured answers, bad answers, the order of models."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.calls.summary import summarize
from aida.calls.summary_models import build_summary_llms
from aida.config import Settings
from aida.store.models import CallSummary
from tests.calls.doubles import summary_call
from tests.scripted_llm import Call, Say, ScriptedLLM

RECORD = CallSummary(
    id="c0ffee00-0000-4000-8000-000000000000",
    user_phone="+12025550143",
    duration_seconds=42.0,
    end_reason="participant_disconnected",
    appointments_in_call=[{"action": "cancelled", "id": "a1", "spoken": "Friday, March 6 at 2 PM"}],
    timeline=[
        {"type": "transcript", "role": "user", "text": "Please cancel Friday."},
        {
            "type": "tool_result",
            "name": "identify_caller",
            "ok": True,
            "result": {"identified": True, "name": "Jane Doe"},
        },
    ],
    started_at=dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC),
)


async def test_a_bad_answer_moves_on_to_the_next_model() -> None:
    blank = ScriptedLLM([summary_call("   ")])  # fails validation
    wrong_tool = ScriptedLLM(
        [Call("something_else", {"x": 1})],
        provider="api.anthropic.com",
        model="claude-3-5-haiku-latest",
    )
    text_json = ScriptedLLM(
        [
            Say(
                'Here you go: {"summary_text": "Jane Doe cancelled Friday.", '
                '"action_items": [{"text": "Offer her a new time"}]}'
            )
        ],
        provider="llama.cpp",
        model="qwen2.5-3b-instruct-q4_k_m",
    )
    result = await summarize(RECORD, [blank, wrong_tool, text_json], timeout=5)
    assert result.status == "complete" and result.text == "Jane Doe cancelled Friday."
    assert result.action_items == [
        {"kind": "follow_up", "text": "Offer her a new time", "source": "summary"}
    ]
    assert result.model == {"provider": "llama.cpp", "model": "qwen2.5-3b-instruct-q4_k_m"}
    assert result.errors == [
        "api.openai.com/gpt-4o-mini: ValueError",
        "api.anthropic.com/claude-3-5-haiku-latest: ValueError",
    ]
    assert [u["purpose"] for u in result.usage] == ["summary"]


async def test_the_prompt_carries_the_facts_and_the_conversation() -> None:
    model = ScriptedLLM([summary_call("ok")])
    await summarize(RECORD, [model], clinic_name="Riverside Family Clinic", timeout=5)
    system, user = model.requests[0].chat_ctx.items
    assert "Riverside Family Clinic" in (system.text_content or "")
    text = user.text_content or ""
    assert '"caller_name": "Jane Doe"' in text and "Friday, March 6 at 2 PM" in text
    assert "Caller: Please cancel Friday." in text


async def test_timeline_only_when_all_fail() -> None:
    result = await summarize(RECORD, [ScriptedLLM([TimeoutError()])], timeout=5)
    assert result.status == "timeline_only"
    assert result.text.startswith("A 42 s call; the caller hung up. Caller: Jane Doe.")
    assert "Cancelled an appointment on Friday, March 6 at 2 PM." in result.text
    assert result.errors == ["api.openai.com/gpt-4o-mini: timed out"]


def test_models_in_order_from_settings() -> None:
    base = {"_env_file": None, "providers": "cloud"}
    assert build_summary_llms(Settings(**base)) == []  # type: ignore[arg-type]
    models = build_summary_llms(
        Settings(
            **base,
            openai_api_key="sk-test",
            openai_model="gpt-4o",  # type: ignore[arg-type]
            anthropic_api_key="sk-ant-test",
            anthropic_model="claude-3-5-haiku-latest",
        )
    )
    assert [(m.provider, m.model) for m in models] == [
        ("api.openai.com", "gpt-4o"),
        ("api.anthropic.com", "claude-3-5-haiku-latest"),
    ]


@pytest.mark.slow
async def test_the_local_model_writes_a_structured_summary() -> None:
    from aida.local import build_llm

    model = build_llm(Settings(_env_file=None))  # type: ignore[call-arg]
    result = await summarize(RECORD, [model], clinic_name="Riverside Family Clinic", timeout=240)
    assert result.errors == [] and result.status == "complete", result.errors
    assert 0 < len(result.text) <= 2_000
    assert result.model is not None and result.model["provider"] == "llama.cpp"
