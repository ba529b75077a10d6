"""Dates of birth as callers say them and speech-to-text writes them."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.errors import InvalidRequest
from aida.scheduling.birthdates import dates_of_birth_in, parse_date_of_birth

TODAY = dt.date(2026, 3, 2)
MARCH_3_1985 = dt.date(1985, 3, 3)


@pytest.mark.parametrize(
    "said",
    [
        "March 3rd 1985",
        "march 3 1985",
        "March 3rd, 1985",
        "march third nineteen eighty five",
        "March third, nineteen eighty-five",
        "the third of March 1985",
        "3rd of march 1985",
        "3 March 1985",
        "3/3/85",
        "03/03/1985",
        "3-3-1985",
        "1985-03-03",
        "it's march 3rd 1985",
        "I was born on March 3rd, 1985.",
        "march 3rd eighty five",
        "Mar 3 1985",
        "3 3 1985",
        "3, 3, 1985",  # what Whisper writes for the date said as numbers
    ],
)
def test_one_date_many_ways(said: str) -> None:
    assert parse_date_of_birth(said, TODAY) == MARCH_3_1985


@pytest.mark.parametrize(
    ("said", "born"),
    [
        ("July 4th 1990", dt.date(1990, 7, 4)),
        ("December twenty first two thousand three", dt.date(2003, 12, 21)),
        ("january first two thousand", dt.date(2000, 1, 1)),
        ("the 1st of january twenty ten", dt.date(2010, 1, 1)),
        ("February 29 2000", dt.date(2000, 2, 29)),
        ("nineteen oh five, may 9th", None),  # year first in words: asked again
        ("5/9/10", dt.date(2010, 5, 9)),  # two-digit year: the latest one not in the future
        ("5/9/30", dt.date(1930, 5, 9)),
        ("25/12/1970", dt.date(1970, 12, 25)),  # day first when it cannot be a month
        ("12, 12, 1975", dt.date(1975, 12, 12)),
    ],
)
def test_other_dates(said: str, born: dt.date | None) -> None:
    if born is None:
        with pytest.raises(InvalidRequest):
            parse_date_of_birth(said, TODAY)
    else:
        assert parse_date_of_birth(said, TODAY) == born


def test_day_first_outside_the_us() -> None:
    assert parse_date_of_birth("3/4/85", TODAY, day_first=True) == dt.date(1985, 4, 3)
    assert parse_date_of_birth("3/4/85", TODAY) == dt.date(1985, 3, 4)


@pytest.mark.parametrize(
    ("said", "why"),
    [
        ("", "catch"),
        ("in the spring", "catch"),
        ("March 1985", "catch"),  # no day
        ("March 3rd", "catch"),  # no year
        ("February 30 1985", "right"),
        ("March 3rd 2027", "right"),  # in the future
        ("March 3rd 1850", "right"),  # older than anyone alive
        ("13/13/1985", "right"),
    ],
)
def test_refusals_are_speakable(said: str, why: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        parse_date_of_birth(said, TODAY)
    assert why in err.value.message
    assert "year" in err.value.message


@pytest.mark.parametrize(
    ("said", "found"),
    [
        (
            "Hi, this is Jane Doe, date of birth March third, nineteen eighty-five. I'd like to "
            "book a check-up on Wednesday, March fourth, at ten in the morning.",
            [MARCH_3_1985],
        ),
        ("jane doe 3/3/85 can I come in on march 4th 2026", [MARCH_3_1985]),  # booking: future
        ("Book me Wednesday at ten please.", []),
        (
            "born the 1st of january twenty ten, and my son July 4th 2015",
            [dt.date(2010, 1, 1), dt.date(2015, 7, 4)],
        ),
        ("February 30 1985", []),
    ],
)
def test_dates_of_birth_inside_longer_speech(said: str, found: list[dt.date]) -> None:
    assert dates_of_birth_in(said, TODAY) == found


@pytest.mark.parametrize(
    ("said", "born"),
    [
        # month, day and year all said as numbers, as "8/22/81" read aloud (issue 21b)
        ("eight twenty two eighty one", dt.date(1981, 8, 22)),
        ("born nine five nineteen seventy", dt.date(1970, 9, 5)),
        ("eleven thirty sixty eight", dt.date(1968, 11, 30)),
        ("twelve thirty-one oh two", dt.date(2002, 12, 31)),
        ("two eleven twenty five", dt.date(2025, 2, 11)),  # '25, not 2005
        ("four nineteen twenty oh six", dt.date(2006, 4, 19)),
        ("two thirty ninety", None),  # no February 30th
    ],
)
def test_a_date_said_as_three_numbers_in_words(said: str, born: dt.date | None) -> None:
    if born is None:
        with pytest.raises(InvalidRequest):
            parse_date_of_birth(said, TODAY)
        assert dates_of_birth_in(said, TODAY) == []
    else:
        assert parse_date_of_birth(said, TODAY) == born
        assert dates_of_birth_in(f"hi its dana reyes, {said}, thanks", TODAY) == [born]
