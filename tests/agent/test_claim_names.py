"""Which words of a turn introduce a name (aida/agent/claims.py)."""

from __future__ import annotations

import pytest

from aida.agent.claims import names_in_words


@pytest.mark.parametrize(
    ("said", "names"),
    [
        ("I'm Jane Doe", ("jane doe",)),
        ("Hi, I'm Sam Ortiz, born July 14 1990", ("sam ortiz",)),
        ("this is Kwame Asante", ("kwame asante",)),
        # after "I'm", words that say how or where the caller is introduce nobody
        ("when I'm due in", ()),
        ("I'm due in next week, when is it", ()),
        ("I am not sure which day", ()),
        ("I'm running late for my appointment", ()),
    ],
)
def test_a_name_is_introduced_only_by_a_name(said: str, names: tuple[str, ...]) -> None:
    assert names_in_words(said) == names
