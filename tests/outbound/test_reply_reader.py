"""The reminder reply reader on its tuned set (tests/outbound/reply_cases.py): every label as
written, and the keypad digits."""

from __future__ import annotations

import pytest

from aida.agent.dialogue.reminder import digit_in, read_reply
from tests.outbound.reply_cases import REPLY_CASES


@pytest.mark.parametrize(("text", "label"), REPLY_CASES)
def test_tuned_replies(text: str, label: str) -> None:
    assert read_reply(text) == label


def test_digits_are_named_not_guessed() -> None:
    assert digit_in("3") == "3"
    assert digit_in("I'll press two") == "2"
    # a digit inside a longer sentence about something else is not a menu choice
    assert digit_in("I have two kids to pick up at three") is None
    assert digit_in("want to") is None
