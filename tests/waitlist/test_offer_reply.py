"""The offer-answer reader on its tuned set (every case, labelled as written)."""

from __future__ import annotations

import pytest

from aida.agent.dialogue.offer import read_offer_reply
from tests.waitlist.offer_reply_cases import OFFER_TUNED


@pytest.mark.parametrize(("text", "label"), OFFER_TUNED)
def test_offer_reply_tuned(text: str, label: str) -> None:
    assert read_offer_reply(text) == label
