"""A caller's words for the visit and the provider, matched in code against what is configured."""

from __future__ import annotations

import pytest

from aida.calendar.catalog import Catalog, Choice, words
from aida.errors import UnknownProvider, WhichVisitType
from aida.store.models import Provider, VisitType
from tests.scheduling.helpers import assert_speakable, clinic

PATEL = Provider(id="p1", name="Dr. Anil Patel", hours="Mon-Fri 09:00-17:00")
KIM = Provider(id="p2", name="Dr. Kim", hours="Tue,Thu 08:00-12:00")
PHYSICAL = VisitType(id="v1", name="Physical", minutes=60, provider_ids=["p1"])
FOLLOW_UP = VisitType(id="v2", name="Follow-up", minutes=20)
SICK = VisitType(id="v3", name="Sick visit", minutes=30)
CLINIC = Catalog((KIM, PATEL), (FOLLOW_UP, PHYSICAL, SICK))


def test_words_drop_filler_and_plurals() -> None:
    assert words("with Dr. Patel, please") == ["patel"]
    assert words("a couple of PHYSICALS") == ["couple", "physical"]
    assert words(None) == [] and words("  ") == []


def test_an_empty_catalog_is_the_shared_calendar() -> None:
    choice = Catalog((), ()).choose("a physical", "Dr. Patel")
    assert choice == Choice.shared()
    assert [(p, g) for p, g in choice.grids(clinic())] == [(None, clinic())]
    assert choice.spoken() == ""


def test_the_visit_type_in_the_callers_words() -> None:
    for said in ("a physical", "Physical exam", "physicals", "my annual physical please"):
        choice = CLINIC.choose(said)
        assert choice.visit_type == PHYSICAL, said
        assert choice.providers == (PATEL,)  # only Dr. Patel does physicals
    assert CLINIC.choose("a follow up").visit_type == FOLLOW_UP
    assert CLINIC.choose("I'm sick").visit_type == SICK


def test_several_visit_types_and_none_said_asks_which() -> None:
    with pytest.raises(WhichVisitType) as caught:
        CLINIC.choose()
    message = caught.value.message
    assert message == "What kind of visit is it: a follow-up, a physical, or a sick visit?"
    assert_speakable(message)
    assert caught.value.details["options"] == ["Follow-up", "Physical", "Sick visit"]
    # a staff listing does not ask: everyone, one slot long
    listing = CLINIC.choose(ask=False)
    assert listing.visit_type is None and listing.providers == (KIM, PATEL)
    # one visit type needs no question
    assert Catalog((PATEL,), (PHYSICAL,)).choose().visit_type == PHYSICAL


def test_an_unknown_visit_type_lists_the_real_ones() -> None:
    with pytest.raises(WhichVisitType, match="a follow-up, a physical, or a sick visit"):
        CLINIC.choose("a massage")


def test_the_provider_in_the_callers_words() -> None:
    for said in ("Dr. Patel", "with doctor patel", "Anil Patel", "patel"):
        choice = CLINIC.choose("follow-up", said)
        assert choice.providers == (PATEL,) and choice.named, said
    assert CLINIC.choose("follow-up", "Dr. Kim").spoken() == "a follow-up with Dr. Kim"
    assert CLINIC.choose("follow-up").providers == (KIM, PATEL)  # anyone


def test_a_provider_who_does_not_do_that_visit_or_does_not_exist() -> None:
    with pytest.raises(UnknownProvider) as caught:
        CLINIC.choose("a physical", "Dr. Kim")
    assert caught.value.message == (
        "Dr. Kim doesn't see patients for a physical; Dr. Anil Patel does. "
        "Would you like one of them?"
    )
    with pytest.raises(UnknownProvider) as unknown:
        CLINIC.choose("follow-up", "Dr. Smith")
    assert unknown.value.message == (
        "I don't have anyone by that name here. Our providers are Dr. Kim and Dr. Anil Patel."
    )
    assert_speakable(unknown.value.message)


def test_grids_follow_each_providers_hours_and_the_visit_length() -> None:
    choice = CLINIC.choose("physical")
    ((who, grid),) = choice.grids(clinic())
    assert who == PATEL and grid.visit_minutes == 60 and grid.slot_minutes == 30
    kim = dict((p.id, g) for p, g in CLINIC.choose("follow-up").grids(clinic()))["p2"]
    assert kim.weekdays == frozenset({1, 3}) and kim.visit_minutes == 20
