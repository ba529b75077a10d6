"""The scripted LLM test double; it lives in `aida.simulate.scripted_llm` because scripted
scenarios run it from the CLI too. Tests keep importing it from here."""

from aida.simulate.scripted_llm import (
    EXHAUSTED,
    Call,
    Reply,
    Request,
    Say,
    ScriptedLLM,
    Slow,
    Step,
    call,
    last_output,
    say,
    tool_outputs,
)

__all__ = [
    "EXHAUSTED",
    "Call",
    "Reply",
    "Request",
    "Say",
    "ScriptedLLM",
    "Slow",
    "Step",
    "call",
    "last_output",
    "say",
    "tool_outputs",
]
