"""A scenario's `scripted:` block as steps of the scripted LLM (`aida.simulate.scripted_llm`).

Placeholders are filled from the tool outputs the model has been shown when its request comes,
so a script can act on what the tools really returned: `{tool}` is the latest output of that tool
(its `say` or `error` field when it has one, else the output as the model saw it) and
`{tool.a.0.b}` a field of it (to book the first start a search offered, say).
"""

from __future__ import annotations

import json
import re
from typing import Any

from livekit.agents import llm

from aida.simulate.scenario import ScriptedStep
from aida.simulate.scripted_llm import Call, Reply, Say, Step

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)((?:\.[A-Za-z0-9_-]+)*)\}")


def latest_outputs(chat_ctx: llm.ChatContext) -> dict[str, llm.FunctionCallOutput]:
    latest: dict[str, llm.FunctionCallOutput] = {}
    for item in chat_ctx.items:
        if item.type == "function_call_output":
            latest[item.name] = item
    return latest


def _parsed(output: llm.FunctionCallOutput) -> Any:
    if output.is_error:
        return {"error": output.output}
    try:
        return json.loads(output.output)
    except ValueError:
        return {"say": output.output}


def _text_of(output: llm.FunctionCallOutput) -> str:
    data = _parsed(output)
    if isinstance(data, dict):
        return str(data.get("error") or data.get("say") or output.output)
    return output.output


def _field(data: Any, path: list[str]) -> Any:
    for key in path:
        if isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        elif isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return None
    return data


def fill(text: str, chat_ctx: llm.ChatContext) -> Any:
    """`text` with its placeholders filled. A string that is one placeholder becomes the value
    itself (an id stays an id); one that cannot be filled says so in brackets, which no tool
    accepts and no check mistakes for a real answer."""
    outputs = latest_outputs(chat_ctx)

    def value(match: re.Match[str]) -> Any:
        tool, path = match.group(1), [p for p in match.group(2).split(".") if p]
        output = outputs.get(tool)
        if output is None:
            return f"[no output of {tool}]"
        if not path:
            return _text_of(output)
        found = _field(_parsed(output), path)
        return f"[no {tool}{match.group(2)}]" if found is None else found

    whole = PLACEHOLDER.fullmatch(text)
    if whole:
        return value(whole)
    return PLACEHOLDER.sub(lambda m: str(value(m)), text)


def _fill_args(args: Any, chat_ctx: llm.ChatContext) -> Any:
    if isinstance(args, str):
        return fill(args, chat_ctx)
    if isinstance(args, dict):
        return {k: _fill_args(v, chat_ctx) for k, v in args.items()}
    if isinstance(args, list):
        return [_fill_args(v, chat_ctx) for v in args]
    return args


def _has_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return bool(PLACEHOLDER.search(value))
    if isinstance(value, dict):
        return any(_has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_placeholder(v) for v in value)
    return False


def compile_step(step: ScriptedStep) -> Step:
    if not _has_placeholder(step.say) and not any(_has_placeholder(c.args) for c in step.calls):
        return _reply(step, None)
    return lambda chat_ctx: _reply(step, chat_ctx)


def _reply(step: ScriptedStep, chat_ctx: llm.ChatContext | None) -> Reply:
    if step.say is not None:
        return Say(str(fill(step.say, chat_ctx)) if chat_ctx is not None else step.say)
    calls = [
        Call(c.name, _fill_args(c.args, chat_ctx) if chat_ctx is not None else dict(c.args))
        for c in step.calls
    ]
    return calls[0] if len(calls) == 1 else calls


def compile_turn(steps: tuple[ScriptedStep, ...]) -> list[Step]:
    return [compile_step(s) for s in steps]
