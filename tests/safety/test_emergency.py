from __future__ import annotations

import dataclasses

import pytest

from aida.safety import (
    CATEGORIES,
    EmergencyMatch,
    detect_emergency,
    emergency_message,
    is_all_clear,
    write_refusal,
)
from bench.emergency_phrases import score
from tests.safety.cases import CASES

POSITIVES = [(text, category) for text, category in CASES if category is not None]
NEGATIVES = [text for text, category in CASES if category is None]


def test_the_table_is_big_enough_to_be_a_spec():
    assert len(CASES) >= 60
    assert len(POSITIVES) >= 30 and len(NEGATIVES) >= 30
    assert {category for _, category in POSITIVES} == set(CATEGORIES)


@pytest.mark.parametrize(("text", "category"), POSITIVES)
def test_emergency_is_detected_with_kind_and_category(text, category):
    match = detect_emergency(text)
    assert match is not None, text
    assert match.category == category
    assert match.kind == ("self_harm" if category == "self_harm" else "medical")
    assert match.phrase


@pytest.mark.parametrize("text", NEGATIVES)
def test_routine_call_is_not_an_emergency(text):
    assert detect_emergency(text) is None


def test_precision_and_recall_on_the_table_are_perfect():
    s = score()
    assert s.misses == []
    assert (s.precision, s.recall, s.category_accuracy) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    "text",
    [
        "I can't breathe",
        "i cant breathe",
        "I cannot breathe.",
        "I CAN NOT BREATHE",
        "um i uh like cant breathe",
        "i i cant breathe",
        "I can’t breathe",  # curly apostrophe, as some STT engines write it
    ],
)
def test_stt_spellings_of_one_phrase_agree(text):
    assert detect_emergency(text) == EmergencyMatch("medical", "breathing", "cant breath")


def test_the_phrase_is_the_matched_span_not_the_whole_turn():
    match = detect_emergency("hi yes so my chest hurts really bad and i need help")
    assert match is not None and match.phrase == "chest hurts"


def test_match_is_frozen():
    match = detect_emergency("i cant breathe")
    assert match is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.kind = "self_harm"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "   ", ",,,", "um uh", "hello"])
def test_empty_or_filler_turns_are_not_emergencies(text):
    assert detect_emergency(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "no it's not an emergency",
        "No, it's not an emergency.",
        "I'm fine it was last year",
        "no no I just want to book a checkup",
        "it's not urgent",
        "I'm okay now",
        "it was two years ago",
        "sorry false alarm",
        "nah im good i just need to reschedule",
    ],
)
def test_all_clear(text):
    assert is_all_clear(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not okay",
        "it's not getting better",
        "I don't think I'm okay",
        "no",
        "yes",
        "I'm fine but I can't breathe",
        "it's not an emergency but my chest hurts really bad",
        "I just want to book but I'm bleeding a lot",
        "I'm okay now I guess but I want to kill myself",
    ],
)
def test_not_all_clear(text):
    assert not is_all_clear(text)


def test_medical_message_names_the_emergency_number():
    text = emergency_message("medical", emergency_number="112", crisis_line="988")
    assert "112" in text
    assert "988" not in text
    assert "hang up" in text
    assert "emergency room" in text


def test_self_harm_message_names_the_crisis_line_and_the_emergency_number():
    text = emergency_message("self_harm", emergency_number="911", crisis_line="988")
    assert "988" in text
    assert "911" in text
    assert "suicide and crisis line" in text
    assert text.index("988") < text.index("911")


@pytest.mark.parametrize("kind", ["medical", "self_harm"])
def test_messages_are_speakable(kind):
    text = emergency_message(kind, emergency_number="911", crisis_line="988")
    assert len(text.split()) <= 45
    assert not set(text) & set("*#_[]{}<>/\\|")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        emergency_message("other", "911", "988")  # type: ignore[arg-type]


def test_write_refusal_names_the_emergency_number():
    text = write_refusal("000")
    assert "000" in text
    assert "book" in text and "cancel" in text
