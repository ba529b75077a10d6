"""The prompt and tool-call format for the local Qwen2.5 model, in the model's own dialect.

Qwen2.5 was trained on ChatML with Hermes-style tools: the signatures as JSON inside `<tools>` in
the system message, calls as `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`, results
as `<tool_response>` in a user turn. Speaking that dialect (rather than a generic wrapper) is what
makes a 1.5B model call tools reliably; the call's JSON is then sampled under a grammar built from
the tool schemas, so its arguments always parse and name a real tool.

The rendered prompt starts with the system message and the tool block, byte for byte the same
every turn, so llama.cpp reuses their KV cache and only the new turn is evaluated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from livekit.agents import llm

IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
TOOL_CALL_OPEN = "<tool_call>"
TOOL_CALL_CLOSE = "</tool_call>"

_TOOLS_PREAMBLE = (
    "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
)
_TOOLS_EPILOGUE = (
    "\n</tools>\n\nFor each function call, return a json object with function name and "
    "arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n"
    '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>\n\n'
    "When a function can do what the user asks, respond with the <tool_call> only, no other "
    "text, and do not ask for details the function does not require. Otherwise reply in plain "
    "spoken words."
)
_DEFAULT_SYSTEM = "You are a helpful assistant."


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


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
    """The stable head of every prompt: the system message with the tool block."""
    body = system.strip() or _DEFAULT_SYSTEM
    if functions:
        listed = "".join("\n" + _dumps({"type": "function", "function": f}) for f in functions)
        body += _TOOLS_PREAMBLE + listed + _TOOLS_EPILOGUE
    return f"{IM_START}system\n{body}{IM_END}\n"


def render_prompt(
    messages: list[dict[str, Any]],
    functions: list[dict[str, Any]],
    *,
    raw_calls: dict[str, str] | None = None,
) -> tuple[str, str]:
    """OpenAI-format messages -> (stable system head, full prompt ending in the assistant's turn).

    Leading system/developer messages are merged into the head; later ones stay in place.
    Consecutive tool results share one user turn, as in Qwen's own template. `raw_calls` maps
    call ids to the JSON text the model sampled, so replayed calls match the cached tokens.
    """
    raw_calls = raw_calls or {}
    leading: list[str] = []
    index = 0
    while index < len(messages) and messages[index].get("role") in ("system", "developer"):
        leading.append(_text(messages[index].get("content")))
        index += 1
    head = render_system("\n\n".join(t for t in leading if t.strip()), functions)

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
            for call in message.get("tool_calls") or []:
                fn = call.get("function", {})
                raw = raw_calls.get(call.get("id", "")) or call_json(
                    fn.get("name", ""), _parse_arguments(fn.get("arguments"))
                )
                body += ("\n" if body else "") + f"{TOOL_CALL_OPEN}\n{raw}\n{TOOL_CALL_CLOSE}"

            parts.append(f"{IM_START}assistant\n{body}{IM_END}\n")
        else:
            role = "system" if role == "developer" else role or "user"
            parts.append(f"{IM_START}{role}\n{_text(message.get('content'))}{IM_END}\n")
    if pending_tool_results:
        parts.append(f"{IM_END}\n")
    parts.append(f"{IM_START}assistant\n")
    return head, "".join(parts)


def call_json(name: str, arguments: dict[str, Any]) -> str:
    return _dumps({"name": name, "arguments": arguments})


def _parse_arguments(arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, dict):
        return arguments
    try:
        parsed = json.loads(arguments or "{}")
    except (TypeError, ValueError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def call_schema(functions: list[dict[str, Any]]) -> dict[str, Any]:
    """A JSON schema matching exactly one call of one of `functions`: the basis of the grammar."""
    options = []
    for fn in functions:
        params = fn.get("parameters") or {"type": "object", "properties": {}}
        options.append(
            {
                "type": "object",
                "properties": {"name": {"const": fn["name"]}, "arguments": params},
                "required": ["name", "arguments"],
                "additionalProperties": False,
            }
        )
    return options[0] if len(options) == 1 else {"anyOf": options}


@dataclass(frozen=True)
class ParsedCall:
    name: str
    arguments: dict[str, Any]

    def arguments_json(self) -> str:
        return json.dumps(self.arguments, ensure_ascii=False)


def parse_call(text: str, known: set[str]) -> ParsedCall:
    """The JSON body of one `<tool_call>`; ValueError unless it calls a known tool."""
    body = text.strip()
    if body.startswith(TOOL_CALL_OPEN):
        body = body[len(TOOL_CALL_OPEN) :]
    if body.endswith(TOOL_CALL_CLOSE):
        body = body[: -len(TOOL_CALL_CLOSE)]
    data = json.loads(body)
    if not isinstance(data, dict) or data.get("name") not in known:
        raise ValueError(f"not a call of a known tool: {body[:80]!r}")
    arguments = data.get("arguments") or {}
    if isinstance(arguments, str):
        arguments = json.loads(arguments)
    if not isinstance(arguments, dict):
        raise ValueError("tool arguments are not an object")
    return ParsedCall(str(data["name"]), arguments)
