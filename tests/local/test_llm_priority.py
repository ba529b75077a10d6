"""Who gets the host's one llama.cpp context: a caller's turn before a finished call's summary,
and a prefill only when it pays. Runs `LlamaLLM`'s own scheduling over a slow stand-in for the
llama.cpp object (no weights: each evaluated token costs a fixed sleep, and the reply is fixed),
so the order is deterministic and each test takes well under a second or two."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from livekit.agents import llm

from aida.calls.summary import SUMMARY_TOOL, summarize, summary_tools
from aida.local.llm import LlamaLLM
from aida.local.priority import BACKGROUND, LIVE, PREFILL, ModelYielded, background
from aida.store.models import CallSummary

EOS = 0
SUMMARY_ARGS = '{"summary_text": "Jane booked a checkup.", "action_items": []}'


class SlowLlama:
    """What LlamaLLM uses of `llama_cpp.Llama`: one token per character, `step` seconds per
    evaluated token, and a reply chosen by whether the summary tool was offered."""

    def __init__(self, step: float = 0.0005) -> None:
        self.step = step
        self.input_ids = np.zeros(32_768, dtype=np.intc)
        self.n_tokens = 0
        self.evaluated = 0  # tokens evaluated in all

    def tokenize(self, text: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        return [ord(c) for c in text.decode("utf-8")]

    def detokenize(self, tokens: list[int], special: bool = False) -> bytes:
        return "".join(chr(t) for t in tokens).encode("utf-8")

    def token_eos(self) -> int:
        return EOS

    def reset(self) -> None:
        self.n_tokens = 0

    def eval(self, tokens: list[int]) -> None:
        time.sleep(self.step * len(tokens))
        self.input_ids[self.n_tokens : self.n_tokens + len(tokens)] = tokens
        self.n_tokens += len(tokens)
        self.evaluated += len(tokens)

    def save_state(self) -> tuple[int, np.ndarray]:
        return self.n_tokens, self.input_ids.copy()

    def load_state(self, state: tuple[int, np.ndarray]) -> None:
        self.n_tokens, ids = state
        self.input_ids[:] = ids

    def generate(self, tokens: list[int], **_: Any) -> Any:
        tokens = list(tokens)
        done = 0
        for a, b in zip(self.input_ids[: self.n_tokens], tokens, strict=False):
            if a != b:
                break
            done += 1
        self.n_tokens = min(done, len(tokens) - 1)
        self.eval(tokens[self.n_tokens :])
        prompt = "".join(chr(t) for t in tokens)
        reply = SUMMARY_ARGS if SUMMARY_TOOL in prompt else "Yes, Wednesday is free."
        for c in reply:
            self.eval([ord(c)])
            yield ord(c)
        yield EOS


@pytest.fixture
def model() -> LlamaLLM:
    engine = LlamaLLM(Path("fake.gguf"))
    engine._llama = SlowLlama()  # type: ignore[assignment]
    return engine


def turn(text: str) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="You are Aida, the front desk of a clinic.")
    ctx.add_message(role="assistant", content="Hello, this is Aida. How can I help?")
    ctx.add_message(role="user", content=text)
    return ctx


def summary_ctx(words: int) -> llm.ChatContext:
    ctx = llm.ChatContext.empty()
    ctx.add_message(role="system", content="You write the note for the front desk.")
    ctx.add_message(role="user", content="CONVERSATION:\n" + "Caller: I need a checkup. " * words)
    return ctx


async def ask(model: LlamaLLM, ctx: llm.ChatContext, done: list[str], name: str) -> str:
    text = ""
    async with model.chat(chat_ctx=ctx) as stream:
        async for chunk in stream:
            if chunk.delta is not None:
                text += chunk.delta.content or ""
    done.append(name)
    return text


async def until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


async def test_a_waiting_turn_goes_before_a_waiting_summary(model: LlamaLLM) -> None:
    gate = model.run_lock
    done: list[str] = []
    gate.acquire()  # another turn holds the context
    with background():
        summary = asyncio.create_task(ask(model, summary_ctx(5), done, "summary"))
    await until(lambda: gate._waiting[BACKGROUND] == 1)
    live = asyncio.create_task(ask(model, turn("Is Wednesday free?"), done, "turn"))
    await until(lambda: gate._waiting[LIVE] == 1)
    gate.release()
    assert await live == "Yes, Wednesday is free."
    await summary
    assert done == ["turn", "summary"]


async def test_a_summary_in_progress_gives_way_to_a_turn_and_is_deferred(
    model: LlamaLLM,
) -> None:
    fake: SlowLlama = model._llama  # type: ignore[assignment]
    record = CallSummary(id="c1", summary_text="", transcript=[], timeline=[])
    # a long transcript: about 2 s of prompt on the stand-in, as minutes on a loaded CPU
    record.transcript = [
        {"type": "message", "role": "user", "content": ["I need a checkup on Wednesday. " * 4]}
    ] * 20
    summary = asyncio.create_task(summarize(record, [model], timeout=30))
    await until(lambda: model.run_lock.holder == BACKGROUND)
    await until(lambda: fake.n_tokens > 100)  # well into its prompt
    asked = time.perf_counter()
    reply = await ask(model, turn("Is Wednesday free?"), [], "turn")
    waited = time.perf_counter() - asked
    note = await summary

    assert reply == "Yes, Wednesday is free."
    # the turn waited for one small step of the summary's prompt, not the whole of it
    assert waited < 0.5, waited
    assert model.stats.live_waits["summary"][0] < 0.2
    assert model.stats.yielded == 1
    assert note.status == "timeline_only" and note.deferred
    assert note.errors == ["llama.cpp/fake: gave way to a live call"]


async def test_with_nobody_waiting_the_summary_is_written_from_its_saved_head(
    model: LlamaLLM,
) -> None:
    fake: SlowLlama = model._llama  # type: ignore[assignment]
    from aida.calls.summary import instructions

    model.warm(instructions("the clinic"), summary_tools())
    head = fake.evaluated
    record = CallSummary(id="c2", summary_text="", transcript=[], timeline=[])
    note = await summarize(record, [model], timeout=30)
    assert note.status == "complete" and note.text == "Jane booked a checkup."
    assert not note.deferred
    outcome = model.last_outcome
    assert outcome is not None and outcome.cached_tokens >= head  # the head was not evaluated again


async def test_prefill_runs_only_when_it_pays(model: LlamaLLM) -> None:
    tools: list[llm.Tool] = []
    call_a, call_b = turn("Book Wednesday."), turn("Cancel Friday.")
    call_a.add_message(role="assistant", content="Shall I book Wednesday at ten?")
    call_b.add_message(role="assistant", content="Shall I cancel Friday at two?")
    end_a, end_b = threading.Event(), threading.Event()

    assert await asyncio.to_thread(model.prefill, call_a, tools, end_a) > 0
    # the context already holds call A's turn: nothing to do
    assert await asyncio.to_thread(model.prefill, call_a, tools, end_a) == 0
    # call B would evict call A's evaluated conversation while A is still on the line
    assert await asyncio.to_thread(model.prefill, call_b, tools, end_b) == 0
    assert model.stats.prefill_skipped == {
        "already evaluated": 1,
        "another call's turn in the context": 1,
    }
    # a turn waiting for the model: no prefill starts
    model.run_lock.acquire()
    waiter = threading.Thread(target=model.run_lock.acquire)
    waiter.start()
    await until(lambda: model.run_lock._waiting[LIVE] == 1)
    model.run_lock.release()
    waiter.join()
    # (the waiter now holds it; a second waiter shows the rule)
    second = threading.Thread(target=model.run_lock.acquire)
    second.start()
    await until(lambda: model.run_lock._waiting[LIVE] == 1)
    assert await asyncio.to_thread(model.prefill, call_b, tools, end_b) == 0
    assert model.stats.prefill_skipped["request waiting"] == 1
    model.run_lock.release()
    second.join()
    model.run_lock.release()
    # once call A has ended its conversation is worth nothing: B's prefill runs
    end_a.set()
    assert await asyncio.to_thread(model.prefill, call_b, tools, end_b) > 0


async def test_a_background_request_elsewhere_raises_model_yielded(model: LlamaLLM) -> None:
    model.run_lock.acquire()
    with background():
        task = asyncio.create_task(ask(model, summary_ctx(200), [], "summary"))
    await until(lambda: model.run_lock._waiting[BACKGROUND] == 1)
    model.run_lock.release()
    await until(lambda: model.run_lock.holder == BACKGROUND)
    turn_task = asyncio.create_task(ask(model, turn("Hi"), [], "turn"))
    with pytest.raises(ModelYielded):
        await task
    assert await turn_task == "Yes, Wednesday is free."


async def test_a_prefill_in_progress_gives_the_context_to_another_calls_turn(
    model: LlamaLLM,
) -> None:
    fake: SlowLlama = model._llama  # type: ignore[assignment]
    long_call = turn("I'd like to talk about my appointments. " * 60)  # ~2 s of prefill here
    long_call.add_message(role="assistant", content="Sure, which one?")
    prefill = asyncio.create_task(
        asyncio.to_thread(model.prefill, long_call, [], threading.Event())
    )
    await until(lambda: model.run_lock.holder == PREFILL and fake.n_tokens > 200)
    reply = await ask(model, turn("Is Wednesday free?"), [], "turn")
    evaluated = await prefill

    assert reply == "Yes, Wednesday is free."
    assert 0 < evaluated < len(str(long_call.items[2].content))  # stopped part way
    # the turn had the context within one 8-token step of the prefill
    assert len(model.run_lock.gave_way[PREFILL]) == 1
    assert model.run_lock.gave_way[PREFILL][0] < 0.2


def test_turns_are_served_in_the_order_they_asked() -> None:
    from aida.local.priority import Gate

    gate = Gate()
    order: list[int] = []
    gate.acquire()

    def turn_of(i: int) -> None:
        with gate:
            order.append(i)

    threads = []
    for i in range(4):
        threads.append(threading.Thread(target=turn_of, args=(i,)))
        threads[-1].start()
        deadline = time.monotonic() + 5
        while gate._waiting[LIVE] != i + 1:  # this one is in line before the next asks
            assert time.monotonic() < deadline
            time.sleep(0.001)
    gate.release()
    for t in threads:
        t.join()
    assert order == [0, 1, 2, 3]
