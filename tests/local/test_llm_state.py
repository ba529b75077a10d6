"""The evaluated instructions saved on disk: a fresh process restores them instead of evaluating,
and answers exactly as the process that evaluated them (slow: two copies of the real model)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from livekit.agents import llm

from aida.config import Settings
from aida.local import llm_state

pytestmark = pytest.mark.slow

SYSTEM = "You are Aida, the front desk of a clinic. Answer in one short sentence."


def _ctx(text: str) -> llm.ChatContext:
    ctx = llm.ChatContext()
    ctx.add_message(role="system", content=SYSTEM)
    ctx.add_message(role="user", content=text)
    return ctx


async def _answer(model: llm.LLM, text: str) -> tuple[str, llm.CompletionUsage]:
    out, usage = "", None
    async with model.chat(chat_ctx=_ctx(text)) as stream:
        async for chunk in stream:
            if chunk.delta and chunk.delta.content:
                out += chunk.delta.content
            usage = chunk.usage or usage
    assert usage is not None
    return out, usage


@pytest.fixture(scope="module")
def gguf() -> Path:
    from aida.local import weights

    settings = Settings(_env_file=None)
    path = weights.default_gguf_path(settings.model_cache_dir)
    if not path.is_file():
        pytest.skip("the local LLM is not prepared: run `python -m aida models prepare`")
    return path


async def test_a_fresh_model_restores_the_saved_head_and_answers_the_same(
    gguf: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from aida.local.llm import LlamaLLM

    states = tmp_path / "states"
    first = LlamaLLM(gguf, seed=7, n_ctx=1024, state_dir=states)
    await asyncio.to_thread(first.warm, SYSTEM)
    saved = list(states.glob("prompt-*.llamastate.npz"))
    assert len(saved) == 1
    evaluated_answer, _ = await _answer(first, "Are you open on Saturday?")
    del first

    second = LlamaLLM(gguf, seed=7, n_ctx=1024, state_dir=states)
    with caplog.at_level("INFO", logger="aida.local.llm"):
        await asyncio.to_thread(second.warm, SYSTEM)
    assert any("restored the" in r.getMessage() for r in caplog.records), caplog.text
    assert not any("evaluated a" in r.getMessage() for r in caplog.records)
    restored_answer, usage = await _answer(second, "Are you open on Saturday?")
    assert usage.prompt_cached_tokens > 0  # the head came from the file, not evaluated again
    assert restored_answer == evaluated_answer

    # another head (another clinic's settings) does not take this state
    key = llm_state.state_key(gguf, 1024, SYSTEM + " Be brief.")
    assert not llm_state.state_path(states, key).exists()
    # a damaged file is evaluated over, never trusted
    saved[0].write_bytes(b"not a state")
    third = LlamaLLM(gguf, seed=7, n_ctx=1024, state_dir=states)
    caplog.clear()
    with caplog.at_level("INFO", logger="aida.local.llm"):
        await asyncio.to_thread(third.warm, SYSTEM)
    assert any("evaluated a" in r.getMessage() for r in caplog.records), caplog.text
    assert (await _answer(third, "Are you open on Saturday?"))[0] == evaluated_answer
