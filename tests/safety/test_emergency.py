from __future__ import annotations

import dataclasses

import pytest

from aida.safety import (
    CATEGORIES,
    EmergencyMatch,
    detect_emergency,
    emergency_message,
    is_all_clear,
    safety_message,
    write_refusal,
)
from bench.emergency_phrases import crisis_line_said, score
from tests.safety.cases import CASES, TIERED
from tests.safety.stt_heard import HEARD
from tests.safety.unseen_cases import UNSEEN

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


def test_the_tuned_table_is_caught_in_the_right_category_with_no_false_alarm():
    s = score()
    assert s.misses == [] and s.wrong_category == []
    assert s.definite_alarms == [] and s.possible_alarms == []
    assert s.self_harm_without_crisis_line == []


@pytest.mark.parametrize(("said", "heard", "category"), HEARD)
def test_what_whisper_writes_at_8_khz_is_caught(said, heard, category):
    match = detect_emergency(heard)
    assert match is not None, (said, heard)
    if category == "self_harm":
        assert crisis_line_said(match)


def test_the_unseen_set_is_big_and_covers_every_category():
    emergencies = [c for _, c in UNSEEN if c is not None]
    assert len(UNSEEN) >= 150
    assert len(emergencies) >= 2 * len(UNSEEN) // 3 - 1
    assert set(emergencies) == set(CATEGORIES)


def test_the_unseen_set_keeps_the_aims_it_reached():
    """A regression guard on turns nobody tuned on (issue 19's aims: recall >= 95% with either
    tier, self-harm always with the crisis line). Figures: bench/emergency_phrases.py."""
    s = score(UNSEEN)
    assert s.recall >= 0.95, s.misses
    assert s.self_harm_without_crisis_line == []


# --- tiers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my heart is racing", "chest_pain"),  # one weak cue
        ("my husband went all floppy", "unconscious"),
        ("i felt really faint yesterday", "unconscious"),
        ("i had chest pain yesterday", "chest_pain"),  # a day ago: worth the safety net
        ("my chest hurts a little when i cough", "chest_pain"),  # mild
        ("he hit his head on the door", "head_injury"),  # the context without a red flag
        ("please somebody help", "declared"),
    ],
)
def test_one_weak_cue_or_a_mild_or_day_old_sign_is_possible(text, category):
    match = detect_emergency(text)
    assert match is not None and match.tier == "possible"
    assert match.category == category


@pytest.mark.parametrize(
    "text",
    [
        "my heart is racing and im sweating",  # two weak cues of one kind
        "he hit his head and now hes throwing up",  # the context and a red flag
        "my two week old has a temperature",
        "im 30 weeks pregnant and bleeding",
        "i had chest pain yesterday and its getting worse",  # ongoing beats the day before
    ],
)
def test_signs_together_or_ongoing_are_definite(text):
    match = detect_emergency(text)
    assert match is not None and match.tier == "definite", match


@pytest.mark.parametrize(
    "text",
    [
        "i had chest pain last year its fine now",
        "my baby is two weeks old and needs a checkup",  # the context alone is no sign
        "im pregnant and want to book my scan",
        "he hit his head two years ago",
    ],
)
def test_context_alone_or_distant_past_is_not_a_sign(text):
    assert detect_emergency(text) is None


def test_a_passive_wish_to_be_dead_is_possible_and_gets_the_crisis_line():
    match = detect_emergency("sometimes i wish i could just disappear")
    assert match is not None and (match.kind, match.tier) == ("self_harm", "possible")
    text = safety_message(match, emergency_number="911", crisis_line="988")
    assert "988" in text and "911" in text


@pytest.mark.parametrize(("text", "category", "tier"), TIERED)
def test_the_context_class_decides_the_tier(text, category, tier):
    """Care for self-harm and someone's past told to the caller are the possible tier; the same
    words with a present tense or a recent cue are definite (aida/safety/context.py)."""
    match = detect_emergency(text)
    assert match is not None, text
    assert (match.category, match.tier) == (category, tier)
    if category == "self_harm":
        assert crisis_line_said(match)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my cat is having a seizure", None),  # the animal named last in the clause
        ("my son is having a seizure", "seizure"),
        ("the dog bit my son and hes bleeding a lot", "bleeding"),  # "he": a person was named
        ("the dog got hit by a car and hes bleeding a lot", None),  # "he": only the dog
        ("my son ate the dogs pills", "overdose_poisoning"),  # the dog owns the pills
        ("i was walking the dog and passed out", "unconscious"),  # who went on: the caller
        ("my dog is fine but my dad is choking", "choking"),
    ],
)
def test_an_animals_emergency_is_told_from_a_persons_by_who_the_clause_is_about(text, expected):
    match = detect_emergency(text)
    assert (match.category if match else None) == expected


def test_a_past_time_reaches_over_and_but_not_over_a_present_tense():
    assert detect_emergency("years ago she was stung and her throat swelled shut") is None
    match = detect_emergency("years ago she was stung and now her throat is closing up")
    assert match is not None and match.tier == "definite"


def test_a_class_about_a_sign_is_no_alarm_and_an_appointment_for_one_is_the_safety_net():
    assert detect_emergency("is there a cpr class for choking") is None
    match = detect_emergency("i need an appointment about my shortness of breath")
    assert match is not None and match.tier == "possible"


def test_past_self_harm_is_never_silent():
    match = detect_emergency("i tried to kill myself two years ago")
    assert match is not None and match.kind == "self_harm" and match.tier == "possible"


def test_a_medical_sign_with_self_harm_names_the_emergency_number_and_the_crisis_line():
    match = detect_emergency("i took too many pills because i want to die")
    assert match is not None
    assert (match.kind, match.category, match.tier, match.crisis) == (
        "medical",
        "overdose_poisoning",
        "definite",
        True,
    )
    text = safety_message(match, emergency_number="911", crisis_line="988")
    assert text.index("911") < text.index("988")
    assert text.startswith(emergency_message("medical", "911", "988"))


def test_the_possible_tier_says_the_fixed_safety_net_sentence():
    match = detect_emergency("my heart is racing")
    assert match is not None
    assert safety_message(match, emergency_number="112", crisis_line="988") == (
        "If this is an emergency, please hang up and call 112. "
        "If not, I can help you with an appointment."
    )


def test_a_definite_match_says_the_emergency_message():
    match = detect_emergency("i cant breathe")
    assert match is not None
    assert safety_message(match, "911", "988") == emergency_message("medical", "911", "988")


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
        # a possible sign in the same turn does not hold the emergency open
        "no its not an emergency, my chest hurt a little yesterday",
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


@pytest.mark.parametrize(
    "text",
    [
        "i have crushing chest pain",
        "i want to kill myself",
        "i took too many pills because i want to die",
        "my heart is racing",
        "i wish i could just disappear",
    ],
)
def test_messages_are_speakable(text):
    match = detect_emergency(text)
    assert match is not None
    text = safety_message(match, emergency_number="911", crisis_line="988")
    assert len(text.split()) <= 45
    assert not set(text) & set("*#_[]{}<>/\\|")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        emergency_message("other", "911", "988")  # type: ignore[arg-type]


def test_write_refusal_names_the_emergency_number():
    text = write_refusal("000")
    assert "000" in text
    assert "book" in text and "cancel" in text
