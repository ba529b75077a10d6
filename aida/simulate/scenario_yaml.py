"""Reading a scenario file's YAML so that what a caller says stays what the author wrote.

PyYAML implements YAML 1.1, where a bare `yes`, `no`, `on`, `off`, `y` and `n` are booleans and
`9:30` is the number 570 (base 60). In a scenario the most common caller line there is, "yes",
would then reach Aida as the text "True". So scenarios are read with two changes:

- YAML 1.2's core schema for booleans and numbers: only `true`/`false` (any case) are booleans,
  and no base-60 numbers (`open: 9:00` is the text "9:00"). Every other plain scalar resolves as
  it would under `yaml.safe_load`.
- What somebody says is text, exactly as written, whatever it looks like: the value of every
  `say` key (a caller line, or a scripted model reply) and every bare string in `lines`, so
  `say: true`, `say: 10`, `- no` are the words "true", "10" and "no". A `say` that is a list or a
  mapping is an error naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from aida.simulate.fields import ScenarioError

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_PLAIN_TAGS = frozenset(
    {_BOOL, _INT, _FLOAT, "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"}
)
# Keys whose values are words spoken in the call, never booleans or numbers.
SPOKEN_KEYS = frozenset({"say"})


class ScenarioLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` with YAML 1.2 booleans, no base-60 numbers, and spoken words as text."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value in SPOKEN_KEYS:
                _as_text(value, key.value, self.name)
            elif (
                isinstance(key, ScalarNode)
                and key.value == "lines"
                and isinstance(value, SequenceNode)
            ):
                for item in value.value:
                    if isinstance(item, ScalarNode):
                        _as_text(item, "lines", self.name)
        return super().construct_mapping(node, deep=deep)


def _as_text(node: Node, key: str, name: str) -> None:
    if isinstance(node, ScalarNode):
        # a plain scalar gets the text tag; an explicit tag (`!!int 3`) is the author's choice
        if node.tag in _PLAIN_TAGS:
            node.tag = _STR
        return
    line = node.start_mark.line + 1
    raise ScenarioError(
        f"{name}:{line}: {key!r} must be the words said, as text (quote them), not a "
        f"{'list' if isinstance(node, SequenceNode) else 'mapping'}"
    )


def _yaml12_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """SafeLoader's implicit resolvers with YAML 1.2 core booleans, ints and floats."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for first, pairs in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [(tag, rx) for tag, rx in pairs if tag not in (_BOOL, _INT, _FLOAT)]
        table[first] = kept
    core = (
        (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
        # decimal only: "010" is text, not octal 8 as in YAML 1.1
        (_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")),
        (
            _FLOAT,
            re.compile(
                r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
            ),
            list("-+.0123456789"),
        ),
    )
    for tag, rx, firsts in core:
        for first in firsts:
            table.setdefault(first, []).append((tag, rx))
    return table


ScenarioLoader.yaml_implicit_resolvers = _yaml12_resolvers()


def load_yaml(path: Path) -> Any:
    """A scenario file's data; `ScenarioError` names the file (and line) when it cannot be read."""
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=ScenarioLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}".splitlines()[0]) from exc
