"""The local LLM: its prompt format (fast) and the real model's tool calls and replies (slow)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from livekit.agents import llm

from aida.config import Settings
from aida.local import toolcall
from aida.local.llm import _ReplyParser
from aida.scheduling.dates import resolve_when
from aida.scheduling.hours import ClinicHours


# The shape of the agent's tool (aida/agent/aida.py). The description asks for the caller's own
# words: given the agent's example ("words like 'Tuesday December 1 at 10:30 AM'") this model
# turned "tomorrow at 3pm" into an invented "Tuesday March 1 at 3:00 PM" (measured 23:10 UTC).
@llm.function_tool
async def book_appointment(start: str, reason: str | None = None) -> str:
    """Book an appointment for the caller.

    Args:
        start: When, in the caller's own words (e.g. "tomorrow at 3pm"), or an ISO 8601 time
            from find_available_slots. Never work out dates yourself.
        reason: What the visit is for, in a few words, if the caller said.
    """
    return "booked"


@llm.function_tool
async def find_available_slots(when: str | None = None) -> str:
    """Find free appointment times to offer the caller.

    Args:
        when: The day or part of the week the caller asked about, in their words.
    """
    return "no slots"


TOOLS = [book_appointment, find_available_slots]
SYSTEM = (
    "You are Aida, the phone receptionist of Riverside Family Clinic. Keep replies to one or "
    "two short spoken sentences. Book with book_appointment; pass times in the caller's words."
)


# --- fast: the prompt format ---


def test_schemas_are_compact_and_sorted() -> None:
    functions = toolcall.tool_schemas(TOOLS)
    assert [f["name"] for f in functions] == ["book_appointment", "find_available_slots"]
    params = functions[0]["parameters"]
    assert params["required"] == ["start"]
    assert params["properties"]["reason"]["type"] == "string"  # not anyOf [string, null]
    assert "title" not in json.dumps(functions)


def test_per_call_system_notes_stay_out_of_the_cached_head() -> None:
    """A caller note or the greeting's instructions must not change the evaluated head: a miss
    there re-evaluates the whole instructions-and-tools prefix (tens of seconds on 2 cores)."""
    functions = toolcall.tool_schemas(TOOLS)
    system = {"role": "system", "content": SYSTEM}
    plain, _ = toolcall.render_prompt([system, {"role": "user", "content": "Hi"}], functions)
    note = {"role": "system", "content": "The caller is Jane Doe, identified by caller ID."}
    greet = {"role": "system", "content": "Greet the caller."}
    head, prompt = toolcall.render_prompt(
        [system, note, greet, {"role": "user", "content": "Hi"}], functions
    )
    assert head == plain
    assert prompt.startswith(head)
    assert "<|im_start|>system\nThe caller is Jane Doe" in prompt[len(head) :]


def test_the_prompt_head_is_identical_whatever_the_history() -> None:
    functions = toolcall.tool_schemas(TOOLS)
    system = {"role": "system", "content": SYSTEM}
    head1, prompt1 = toolcall.render_prompt([system, {"role": "user", "content": "Hi"}], functions)
    later = [
        system,
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Book tomorrow at 3pm"},
        {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "book_appointment", "arguments": '{"start": "3pm"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": '{"say": "Booked."}'},
    ]
    head2, prompt2 = toolcall.render_prompt(
        later, functions, raw_calls={"c1": '{"start":"tomorrow at 3pm"}'}
    )
    assert head1 == head2 and prompt1.startswith(head1) and prompt2.startswith(head1)
    # the second prompt extends the first turn exactly, so its tokens stay cached too
    assert prompt2.startswith(prompt1)
    assert "message:\nHello! How can I help?<|im_end|>" in prompt2
    assert 'functions.book_appointment:\n{"start":"tomorrow at 3pm"}<|im_end|>' in prompt2
    assert '<|im_start|>user\n<tool_response>\n{"say": "Booked."}\n</tool_response>' in prompt2
    assert prompt2.endswith("<|im_start|>assistant\n")


def _parse(chunks: list[str], prefill: str = "") -> tuple[str, str | None, str]:
    said: list[str] = []
    parser = _ReplyParser({"book_appointment"}, prefill, said.append)
    for chunk in chunks:
        if parser.feed(chunk):
            break
    parser.finish()
    return "".join(said), parser.call_name, parser.call_text


def test_reply_parser_streams_words_and_hides_the_markers() -> None:
    assert _parse(["mess", "age", ":\n", "Hello", "! How can", " I help?"]) == (
        "Hello! How can I help?",
        None,
        "",
    )
    assert _parse(["Hi there", "!"]) == ("Hi there!", None, "")  # a model that forgot the marker
    assert _parse(["message:\nThe fun", "ctions. are many"])[0] == "The functions. are many"


def test_reply_parser_reads_a_call_and_stops_at_its_end() -> None:
    said, name, args = _parse(
        ["functions", ".book", "_appointment", ":\n", '{"start": ', '"3pm"}', "\nmore"]
    )
    assert (said, name, json.loads(args)) == ("", "book_appointment", {"start": "3pm"})
    said, name, _ = _parse(["message:\nOne moment.", "\nfunc", 'tions.book_appointment:\n{"a":1}'])
    assert (said, name) == ("One moment.", "book_appointment")
    assert _parse(['{"start": "3pm"}'], prefill="functions.book_appointment:\n")[1] == (
        "book_appointment"
    )
    assert _parse(["functions.delete_everything:\n{}"])[1] == ""  # not offered: no call


def test_invented_optional_arguments_are_dropped_but_heard_ones_kept() -> None:
    function = toolcall.tool_schemas(TOOLS)[0]
    heard = toolcall.content_words("I'd like tomorrow at 3pm, it's about my back pain")
    invented = {"start": "tomorrow at 3pm", "reason": "a routine check-up"}
    assert toolcall.drop_invented(invented, function, heard) == {"start": "tomorrow at 3pm"}
    said = {"start": "2026-11-24T15:00", "reason": "back pain"}
    assert toolcall.drop_invented(said, function, heard) == said  # required start always kept


# --- slow: the real model ---


def _ctx(*turns: str) -> llm.ChatContext:
    ctx = llm.ChatContext()
    ctx.add_message(role="system", content=SYSTEM)
    for turn in turns:
        ctx.add_message(role="user", content=turn)
    return ctx


async def _ask(model: llm.LLM, ctx: llm.ChatContext) -> tuple[str, list, llm.CompletionUsage]:  # type: ignore[type-arg]
    text, calls, usage = "", [], None
    async with model.chat(chat_ctx=ctx, tools=TOOLS) as stream:
        async for chunk in stream:
            if chunk.delta and chunk.delta.content:
                text += chunk.delta.content
            if chunk.delta and chunk.delta.tool_calls:
                calls += chunk.delta.tool_calls
            usage = chunk.usage or usage
    assert usage is not None
    return text, calls, usage


@pytest.mark.slow
async def test_a_booking_request_becomes_a_valid_book_appointment_call(llama) -> None:  # type: ignore[no-untyped-def]
    text, calls, _ = await _ask(llama, _ctx("Book me an appointment tomorrow at 3pm"))
    assert [c.name for c in calls] == ["book_appointment"], text
    arguments = json.loads(calls[0].arguments)
    # dates are resolved in code, from the words the model passed on: the right slot follows
    hours = ClinicHours.from_settings(Settings(_env_file=None))
    monday = dt.datetime(2026, 11, 23, 10, 0, tzinfo=hours.tz)
    resolved = resolve_when(str(arguments["start"]), monday, hours)
    assert resolved.start == dt.datetime(2026, 11, 24, 15, 0, tzinfo=hours.tz), arguments


@pytest.mark.slow
async def test_a_greeting_gets_a_spoken_reply_and_reuses_the_cached_prompt(llama) -> None:  # type: ignore[no-untyped-def]
    text, calls, usage = await _ask(llama, _ctx("Hi there, good morning!"))
    assert calls == [] and len(text.split()) >= 2, text
    assert "message:" not in text and "functions." not in text
    # the system prompt and function list were evaluated by an earlier request (or test)
    head, _ = toolcall.render_prompt(
        [{"role": "system", "content": SYSTEM}], toolcall.tool_schemas(TOOLS)
    )
    assert usage.prompt_cached_tokens >= len(llama._tokenize(head)) - 1
    assert usage.completion_tokens > 0


@pytest.mark.slow
async def test_after_the_tool_result_the_model_tells_the_caller(llama) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx("Book me an appointment tomorrow at 3pm")
    ctx.insert(
        [
            llm.FunctionCall(
                call_id="c1", name="book_appointment", arguments='{"start": "tomorrow at 3pm"}'
            ),
            llm.FunctionCallOutput(
                call_id="c1",
                name="book_appointment",
                output=json.dumps(
                    {
                        "say": "You're booked for Tuesday, November 24 at 3:00 PM.",
                        "status": "booked",
                    }
                ),
                is_error=False,
            ),
        ]
    )
    text, calls, _ = await _ask(llama, ctx)
    assert calls == [] and text, text
    assert "3" in text or "three" in text.lower(), text


@pytest.mark.slow
async def test_prefill_leaves_only_the_callers_new_words_to_evaluate(llama) -> None:  # type: ignore[no-untyped-def]
    ctx = _ctx("Can I book Wednesday at ten?")
    ctx.insert(
        [
            llm.FunctionCall(
                call_id="p1", name="book_appointment", arguments='{"start": "Wednesday at ten"}'
            ),
            llm.FunctionCallOutput(
                call_id="p1",
                name="book_appointment",
                output='{"awaiting_confirmation":"2026-03-04T10:00:00-05:00"}',
                is_error=False,
            ),
        ]
    )
    ctx.add_message(role="assistant", content="Shall I book Wednesday, March 4 at 10 AM?")
    llama.hold_prefill(True)  # the caller is speaking: nothing is evaluated
    assert await asyncio.to_thread(llama.prefill, ctx, TOOLS) == 0
    llama.hold_prefill(False)
    evaluated = await asyncio.to_thread(llama.prefill, ctx, TOOLS)
    assert evaluated > 0
    assert await asyncio.to_thread(llama.prefill, ctx, TOOLS) == 0  # nothing new the second time

    ctx.add_message(role="user", content="Actually, make it Thursday instead.")
    _, _, usage = await _ask(llama, ctx)
    new_words = len(llama._tokenize("<|im_start|>user\nActually, make it Thursday instead."))
    # what the request evaluated: the caller's turn and the assistant marker, no more
    assert usage.prompt_tokens - usage.prompt_cached_tokens <= new_words + 8, usage
