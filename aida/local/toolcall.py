"""The prompt and tool-call format for the local model (Qwen2.5 in ChatML).

Each assistant turn starts with an explicit choice: `message:` and the words to say, or
`functions.<name>:` and the JSON arguments (the format of llama-cpp-python's
"chatml-function-calling", which the note in shared/notes measured working). Measured here, the
same 1.5B model given Qwen's own `<tool_call>` format answered "Book me an appointment tomorrow at
3pm" with a sentence about booking instead of a call, three times out of three; made to choose a
prefix first, it called the tool. Tool results go back as `<tool_response>` in a user turn, as in
Qwen's template.

The rendered prompt starts with the system message and the function list, byte for byte the same
every turn, so llama.cpp reuses their KV cache and only the new turn is evaluated.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from livekit.agents import llm

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
ASSISTANT_TURN = f"{IM_START}assistant\n"  # where the model's turn begins: the end of every prompt
MESSAGE_PREFIX = "message:"
CALL_PREFIX = "functions."

_TOOLS_INTRO = "\n\nYou have access to the following functions:\n"
_TOOLS_RULES = (
    "\n\nYou can respond to the user with either a single message or a function call."
    "\n\nTo respond with a message begin the message with 'message:', use the following format:"
    "\n\nmessage:\n<message>"
    "\n\nTo respond with a function call begin the message with 'functions.<function_name>:', "
    "use the following format:"
    '\n\nfunctions.<function_name>:\n{ "arg1": "value1", "arg2": "value2" }'
    "\n\nOnly include arguments the user actually said; never make up names or reasons."
)
_DEFAULT_SYSTEM = "You are a helpful assistant."


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


_dumps = dumps


def compact_schema(schema: Any) -> Any:
    """A JSON schema without what only costs prompt tokens: titles, and `null` options of
    optional fields (an omitted optional argument already means "not given")."""
    if isinstance(schema, list):
        return [compact_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title":
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: compact_schema(prop) for name, prop in value.items()}
            continue
        out[key] = compact_schema(value)
    options = out.get("anyOf")
    if isinstance(options, list):
        non_null = [o for o in options if o != {"type": "null"}]
        if len(non_null) == 1 and len(non_null) < len(options):
            out.pop("anyOf")
            if out.get("default", "") is None:
                out.pop("default")
            out = {**non_null[0], **out}
    return out


def tool_schemas(tools: list[llm.Tool]) -> list[dict[str, Any]]:
    """OpenAI-style function schemas for the tools, sorted by name so the prompt is stable."""
    schemas = llm.ToolContext(tools).parse_function_tools("openai", strict=False)
    functions = [compact_schema(s["function"]) for s in schemas]
    return sorted(functions, key=lambda f: f["name"])


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content
        )
    return str(content)


def render_system(system: str, functions: list[dict[str, Any]]) -> str:
    """The stable head of every prompt: the system message with the function list."""
    body = system.strip() or _DEFAULT_SYSTEM
    if functions:
        listed = "".join(
            f"\n{CALL_PREFIX}{f['name']}:\n{f.get('description', '').strip()}\n"
            f"{_dumps(f.get('parameters') or {})}\n"
            for f in functions
        )
        body += _TOOLS_INTRO + listed + _TOOLS_RULES
    return f"{IM_START}system\n{body}{IM_END}\n"


def render_prompt(
    messages: list[dict[str, Any]],
    functions: list[dict[str, Any]],
    *,
    raw_calls: dict[str, str] | None = None,
) -> tuple[str, str]:
    """OpenAI-format messages -> (stable system head, full prompt ending in the assistant's turn).

    Only the first system/developer message (the agent's constant instructions) goes into the
    head with the tools; any other system message (a per-call note, the greeting's instructions)
    stays in place as a system turn, so the head, and the KV cache behind it, is the same for
    every call and every turn.
    Consecutive tool results share one user turn, as in Qwen's own template. `raw_calls` maps
    call ids to the JSON text the model sampled, so replayed calls match the cached tokens.
    """
    raw_calls = raw_calls or {}
    index = 0
    system = ""
    if messages and messages[0].get("role") in ("system", "developer"):
        system, index = _text(messages[0].get("content")), 1
    head = render_system(system, functions)

    parts = [head]
    pending_tool_results = False
    for message in messages[index:]:
        role = message.get("role")
        if role == "tool":
            if not pending_tool_results:
                parts.append(f"{IM_START}user")
                pending_tool_results = True
            parts.append(f"\n<tool_response>\n{_text(message.get('content'))}\n</tool_response>")
            continue
        if pending_tool_results:
            parts.append(f"{IM_END}\n")
            pending_tool_results = False
        if role == "assistant":
            body = _text(message.get("content")).strip()
            if body and functions:
                body = f"{MESSAGE_PREFIX}\n{body}"
            for call in message.get("tool_calls") or []:
                fn = call.get("function", {})
                name = fn.get("name", "")
                raw = raw_calls.get(call.get("id", "")) or _dumps(
                    _parse_arguments(fn.get("arguments"))
                )
                body += ("\n" if body else "") + f"{CALL_PREFIX}{name}:\n{raw}"

            parts.append(f"{IM_START}assistant\n{body}{IM_END}\n")
        else:
            role = "system" if role == "developer" else role or "user"
            parts.append(f"{IM_START}{role}\n{_text(message.get('content'))}{IM_END}\n")
    if pending_tool_results:
        parts.append(f"{IM_END}\n")
    parts.append(ASSISTANT_TURN)
    return head, "".join(parts)


def _parse_arguments(arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, dict):
        return arguments
    try:
        parsed = json.loads(arguments or "{}")
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def arguments_schema(function: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of one function's arguments (for the grammar used as a fallback)."""
    return function.get("parameters") or {"type": "object", "properties": {}}


@dataclass(frozen=True)
class ParsedCall:
    name: str
    arguments: dict[str, Any]
    raw: str

    def arguments_json(self) -> str:
        return json.dumps(self.arguments, ensure_ascii=False)


def parse_arguments(text: str) -> tuple[dict[str, Any], str]:
    """The first JSON object in `text` and its exact source; ValueError when there is none."""
    body = text.lstrip()
    if not body.startswith("{"):
        raise ValueError("the arguments are not a JSON object")
    value, end = json.JSONDecoder().raw_decode(body)
    if not isinstance(value, dict):
        raise ValueError("the arguments are not a JSON object")
    return value, body[:end]


_WORD = re.compile(r"[a-z0-9]{3,}")


def content_words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def drop_invented(
    arguments: dict[str, Any], function: dict[str, Any], heard: set[str]
) -> dict[str, Any]:
    """Without optional text arguments that share no word with anything the caller said.

    A 1.5B model fills optional fields with plausible inventions ("reason": "a check-up" when
    nobody gave a reason, "name": "John Doe"); a missing optional argument is harmless, an
    invented one ends up in a patient's record. Required arguments are always kept.
    """
    required = set((function.get("parameters") or {}).get("required") or [])
    return {
        key: value
        for key, value in arguments.items()
        if key in required
        or not isinstance(value, str)
        or (content_words(value) & heard)
        or not content_words(value)
    }
