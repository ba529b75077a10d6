"""The LLM doubles on the wire and through the real plugins: a streamed tool call split across
chunks reaches LiveKit whole, usage comes in the last chunk, errors are the APIs' own."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from livekit.agents import APIStatusError, function_tool
from livekit.agents import llm as lk_llm
from livekit.plugins import anthropic, openai

from aida.simulate.cloud_doubles import CloudDoubles
from aida.simulate.scripted_llm import call, say


@function_tool
async def book_appointment(start: str, reason: str = "") -> str:
    """Book an appointment at a time the caller names."""
    return "ok"


def _ctx() -> lk_llm.ChatContext:
    ctx = lk_llm.ChatContext.empty()
    ctx.add_message(role="system", content="You are Aida.")
    ctx.add_message(role="user", content="Book me Wednesday at ten for a check-up.")
    return ctx


async def _sse(url: str, body: dict[str, Any]) -> list[str]:
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        text = await response.text()
    return [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]


async def test_openai_stream_splits_a_tool_call_and_ends_with_usage(doubles: CloudDoubles) -> None:
    doubles.llm_script.extend([call("book_appointment", start="Wednesday at 10 AM", reason="x")])
    body = {
        "model": "gpt-4o",
        "stream": True,
        "stream_options": {"include_usage": True},
        "messages": [{"role": "user", "content": "Book me Wednesday at ten."}],
        "tools": [{"type": "function", "function": {"name": "book_appointment"}}],
    }
    data = await _sse(f"{doubles.openai.base_url}/chat/completions", body)

    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    calls = [tc for d in deltas for tc in d.get("tool_calls") or []]
    assert calls[0]["id"] and calls[0]["function"] == {"name": "book_appointment", "arguments": ""}
    pieces = [tc["function"]["arguments"] for tc in calls[1:]]
    assert len(pieces) > 2 and all("id" not in tc for tc in calls[1:])
    assert json.loads("".join(pieces)) == {"start": "Wednesday at 10 AM", "reason": "x"}
    assert [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]][-1] == "tool_calls"
    last = chunks[-1]
    assert last["choices"] == [] and last["usage"]["total_tokens"] == (
        last["usage"]["prompt_tokens"] + last["usage"]["completion_tokens"]
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_plugin_gets_the_whole_tool_call_and_the_usage(
    provider: str, doubles: CloudDoubles
) -> None:
    doubles.llm_script.extend(
        [call("book_appointment", start="Wednesday, March 4 at 10 AM", reason="check-up")]
    )
    model: lk_llm.LLM
    if provider == "openai":
        model = openai.LLM(model="gpt-4o", api_key="sk-test", base_url=doubles.openai.base_url)
    else:
        model = anthropic.LLM(
            model="claude-3-5-haiku-latest", api_key="sk-test", base_url=doubles.anthropic.base_url
        )
    chunks = [c async for c in model.chat(chat_ctx=_ctx(), tools=[book_appointment])]
    await model.aclose()

    calls = [tc for c in chunks if c.delta for tc in c.delta.tool_calls]
    assert [c.name for c in calls] == ["book_appointment"]
    assert json.loads(calls[0].arguments) == {
        "start": "Wednesday, March 4 at 10 AM",
        "reason": "check-up",
    }
    usage = [c.usage for c in chunks if c.usage is not None][-1]
    double = doubles.openai if provider == "openai" else doubles.anthropic
    billed = double.usage[-1]
    prompt_key, output_key = (
        ("prompt_tokens", "completion_tokens")
        if provider == "openai"
        else ("input_tokens", "output_tokens")
    )
    assert usage.prompt_tokens == billed[prompt_key]
    # Anthropic's message_delta carries the message's whole output count; livekit-plugins-
    # anthropic 1.8.9 adds it to message_start's (1), so it reports one token more per request
    extra = 1 if provider == "anthropic" else 0
    assert usage.completion_tokens == billed[output_key] + extra
    # the request as the double read it back: the caller's words and the tool offered
    request = doubles.llm_script.requests[-1]
    assert request.tool_names == ["book_appointment"]
    assert "Wednesday at ten" in (request.chat_ctx.messages()[-1].text_content or "")


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_plugin_streams_text_word_by_word(provider: str, doubles: CloudDoubles) -> None:
    doubles.llm_script.extend([say("You're all set for Wednesday at 10 AM.")])
    model: lk_llm.LLM = (
        openai.LLM(model="gpt-4o", api_key="sk-test", base_url=doubles.openai.base_url)
        if provider == "openai"
        else anthropic.LLM(
            model="claude-3-5-haiku-latest", api_key="sk-test", base_url=doubles.anthropic.base_url
        )
    )
    chunks = [c async for c in model.chat(chat_ctx=_ctx())]
    await model.aclose()
    texts = [c.delta.content for c in chunks if c.delta and c.delta.content]
    assert "".join(texts) == "You're all set for Wednesday at 10 AM."
    assert len(texts) >= 7


@pytest.mark.parametrize("status", ["429", "500"])
@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_plugin_raises_the_api_status(
    provider: str, status: str, doubles: CloudDoubles
) -> None:
    model: lk_llm.LLM = (
        openai.LLM(model="gpt-4o", api_key="sk-test", base_url=doubles.openai.base_url)
        if provider == "openai"
        else anthropic.LLM(
            model="claude-3-5-haiku-latest", api_key="sk-test", base_url=doubles.anthropic.base_url
        )
    )
    (doubles.openai if provider == "openai" else doubles.anthropic).faults.inject(status)  # type: ignore[arg-type]
    with pytest.raises(APIStatusError) as caught:
        async with model.chat(
            chat_ctx=_ctx(), conn_options=lk_llm.llm.APIConnectOptions(max_retry=0)
        ) as stream:
            async for _ in stream:
                pass
    await model.aclose()
    assert caught.value.status_code == int(status)
    assert doubles.llm_script.requests == []  # a refused request takes no step
