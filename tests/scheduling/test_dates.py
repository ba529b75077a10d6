"""`resolve_when` against fixed clocks: a Friday evening, the Sunday clocks change, a Tuesday
morning, the end of a month and the end of a year, in the clinic's zone (New York by default)."""

import datetime as dt

import pytest

from aida.errors import AmbiguousTime, InvalidRequest
from aida.scheduling.dates import Resolution, resolve_when
from tests.scheduling.helpers import NY, SYDNEY, assert_speakable, at, clinic, utc

NOWS = {
    "fri_eve": at("2026-03-06 18:00"),  # Friday after closing; clocks spring forward on Sunday
    "sun": at("2026-03-08 11:00"),  # the Sunday the clocks changed
    "tue": at("2026-03-10 10:15"),  # a Tuesday morning, clinic open
    "month_end": at("2026-04-30 16:00"),  # Thursday, last day of April
    "year_end": at("2026-12-30 11:00"),  # Wednesday before New Year
}
HOURS = clinic()


def resolve(now: str, text: str) -> Resolution:
    return resolve_when(text, NOWS[now], HOURS)


def wall(when: dt.datetime) -> str:
    assert when.tzinfo == NY, "resolutions are in the clinic's zone"
    return when.strftime("%Y-%m-%d %H:%M")


EXACT = [
    # Friday evening: a time without a day is the next open day's (Monday), never Saturday
    ("fri_eve", "tomorrow at 3pm", "2026-03-07 15:00"),
    ("fri_eve", "Monday at 3pm", "2026-03-09 15:00"),
    ("fri_eve", "at 9", "2026-03-09 09:00"),
    ("fri_eve", "at 3", "2026-03-09 15:00"),
    ("fri_eve", "noon", "2026-03-09 12:00"),
    ("fri_eve", "12 pm", "2026-03-09 12:00"),
    ("fri_eve", "12 am", "2026-03-09 00:00"),
    ("fri_eve", "midnight", "2026-03-09 00:00"),
    ("fri_eve", "December 3rd at 10:30", "2026-12-03 10:30"),
    ("fri_eve", "Dec. 3 at 10:30 a.m.", "2026-12-03 10:30"),
    ("fri_eve", "2026-12-01T10:00", "2026-12-01 10:00"),
    ("fri_eve", "2026-12-01 10:00", "2026-12-01 10:00"),
    ("fri_eve", "Monday 10", "2026-03-09 10:00"),
    ("fri_eve", "ten thirty on Monday", "2026-03-09 10:30"),
    ("fri_eve", "Monday at half past two", "2026-03-09 14:30"),
    ("fri_eve", "Monday at quarter to four", "2026-03-09 15:45"),
    ("fri_eve", "Monday at quarter past nine", "2026-03-09 09:15"),
    ("fri_eve", "Monday at 3 o'clock", "2026-03-09 15:00"),
    ("sun", "at 10", "2026-03-09 10:00"),
    ("sun", "today at 10", "2026-03-08 10:00"),  # exact times are check_bookable's to refuse
    # Tuesday 10:15: "at 11" is still today, "at 9" is tomorrow
    ("tue", "at 9", "2026-03-11 09:00"),
    ("tue", "at 11", "2026-03-10 11:00"),
    ("tue", "noon", "2026-03-10 12:00"),
    ("tue", "tomorrow morning at 10", "2026-03-11 10:00"),
    ("tue", "tomorrow morning at 7", "2026-03-11 07:00"),  # the part of day beats the 1-7 rule
    ("tue", "tomorrow evening at 7", "2026-03-11 19:00"),
    ("tue", "tomorrow at 7", "2026-03-11 19:00"),  # bare 1-7 is afternoon
    ("tue", "tomorrow at 1", "2026-03-11 13:00"),
    ("tue", "tomorrow at 8", "2026-03-11 08:00"),  # bare 8-11 is morning
    ("tue", "tomorrow at 11", "2026-03-11 11:00"),
    ("tue", "tomorrow at 12", "2026-03-11 12:00"),
    ("tue", "tomorrow at 12 am", "2026-03-11 00:00"),
    ("tue", "tomorrow at 12 pm", "2026-03-11 12:00"),
    ("tue", "tomorrow at 12:30 am", "2026-03-11 00:30"),
    ("tue", "tomorrow at 12:30", "2026-03-11 12:30"),
    ("tue", "tomorrow at 12 noon", "2026-03-11 12:00"),
    ("tue", "tomorrow at 12 midnight", "2026-03-11 00:00"),
    ("tue", "Thursday 15:00", "2026-03-12 15:00"),
    ("tue", "Thursday 09:30", "2026-03-12 09:30"),
    ("tue", "Thursday at 9:30", "2026-03-12 09:30"),
    ("tue", "Thursday at 3:30", "2026-03-12 15:30"),
    ("tue", "3 in the afternoon on Thursday", "2026-03-12 15:00"),
    ("tue", "10 in the morning on Thursday", "2026-03-12 10:00"),
    ("tue", "Thursday at 4 p.m.", "2026-03-12 16:00"),
    ("tue", "Thursday at 4PM", "2026-03-12 16:00"),
    ("tue", "Thursday at four", "2026-03-12 16:00"),
    ("tue", "thurs at 2pm", "2026-03-12 14:00"),
    ("tue", "the day after tomorrow at 2", "2026-03-12 14:00"),
    ("tue", "next Friday at 11", "2026-03-20 11:00"),
    ("tue", "March 12th at 2:30pm", "2026-03-12 14:30"),
    ("tue", "the 12th at 9", "2026-03-12 09:00"),
    ("year_end", "2027-01-04T10:00", "2027-01-04 10:00"),
    ("year_end", "January 4th at 10am", "2027-01-04 10:00"),
]


@pytest.mark.parametrize(("now", "text", "start"), EXACT)
def test_exact_times(now: str, text: str, start: str) -> None:
    res = resolve(now, text)
    assert res.kind == "exact"
    assert wall(res.start) == start
    assert res.end - res.start == dt.timedelta(minutes=30)
    # the description always says the weekday and date, so the agent can confirm it
    assert res.start.strftime("%A, %B ") + str(res.start.day) in res.description


WINDOWS = [
    ("fri_eve", "next Friday morning", "2026-03-13 09:00", "2026-03-13 12:00"),
    ("fri_eve", "Friday", "2026-03-13 09:00", "2026-03-13 17:00"),
    ("fri_eve", "next Friday", "2026-03-13 09:00", "2026-03-13 17:00"),
    ("fri_eve", "Monday", "2026-03-09 09:00", "2026-03-09 17:00"),
    ("fri_eve", "next Monday", "2026-03-09 09:00", "2026-03-09 17:00"),
    ("fri_eve", "on the 9th", "2026-03-09 09:00", "2026-03-09 17:00"),
    ("fri_eve", "in two weeks", "2026-03-16 09:00", "2026-03-20 17:00"),
    ("fri_eve", "next week", "2026-03-09 09:00", "2026-03-13 17:00"),
    ("fri_eve", "evening", "2026-03-09 15:00", "2026-03-09 17:00"),  # clamped: we close at 5
    ("fri_eve", "Friday the 13th", "2026-03-13 09:00", "2026-03-13 17:00"),
    ("fri_eve", "in 3 days", "2026-03-09 09:00", "2026-03-09 17:00"),
    ("fri_eve", "after 3 next week", "2026-03-09 15:00", "2026-03-13 17:00"),
    ("sun", "tomorrow", "2026-03-09 09:00", "2026-03-09 17:00"),
    ("sun", "next Friday", "2026-03-13 09:00", "2026-03-13 17:00"),  # on a weekend: the coming one
    ("sun", "Friday", "2026-03-13 09:00", "2026-03-13 17:00"),
    ("sun", "this Friday", "2026-03-13 09:00", "2026-03-13 17:00"),
    ("sun", "next week", "2026-03-09 09:00", "2026-03-13 17:00"),
    ("sun", "in 3 days", "2026-03-11 09:00", "2026-03-11 17:00"),
    ("tue", "next Friday", "2026-03-20 09:00", "2026-03-20 17:00"),  # Friday of next week
    ("tue", "this Friday", "2026-03-13 09:00", "2026-03-13 17:00"),
    ("tue", "coming Friday", "2026-03-13 09:00", "2026-03-13 17:00"),
    ("tue", "Friday", "2026-03-13 09:00", "2026-03-13 17:00"),
    ("tue", "Friday after next", "2026-03-20 09:00", "2026-03-20 17:00"),
    ("tue", "Monday next week", "2026-03-16 09:00", "2026-03-16 17:00"),
    ("tue", "Monday", "2026-03-16 09:00", "2026-03-16 17:00"),
    ("tue", "this Monday", "2026-03-16 09:00", "2026-03-16 17:00"),
    ("tue", "Tuesday", "2026-03-17 09:00", "2026-03-17 17:00"),  # a bare weekday is not today
    ("tue", "this Tuesday", "2026-03-10 09:00", "2026-03-10 17:00"),
    ("tue", "this afternoon", "2026-03-10 12:00", "2026-03-10 17:00"),
    ("tue", "this morning", "2026-03-10 09:00", "2026-03-10 12:00"),
    ("tue", "today", "2026-03-10 09:00", "2026-03-10 17:00"),
    ("tue", "afternoon", "2026-03-10 12:00", "2026-03-10 17:00"),
    ("tue", "this week", "2026-03-10 09:00", "2026-03-13 17:00"),
    ("tue", "between 2 and 4 tomorrow", "2026-03-11 14:00", "2026-03-11 16:00"),
    ("tue", "tomorrow between 2 and 4 pm", "2026-03-11 14:00", "2026-03-11 16:00"),
    ("tue", "tomorrow from 10 to 2", "2026-03-11 10:00", "2026-03-11 14:00"),
    ("tue", "after 3 on Thursday", "2026-03-12 15:00", "2026-03-12 17:00"),
    ("tue", "Thursday before 11", "2026-03-12 09:00", "2026-03-12 11:00"),
    ("tue", "Thursday afternoon after 2", "2026-03-12 14:00", "2026-03-12 17:00"),
    ("tue", "lunchtime Thursday", "2026-03-12 11:30", "2026-03-12 13:30"),
    ("tue", "early afternoon Thursday", "2026-03-12 12:00", "2026-03-12 14:30"),
    ("tue", "late morning on Thursday", "2026-03-12 10:30", "2026-03-12 12:00"),
    ("tue", "the 12th", "2026-03-12 09:00", "2026-03-12 17:00"),
    ("tue", "the twelfth", "2026-03-12 09:00", "2026-03-12 17:00"),
    ("tue", "the 10th", "2026-03-10 09:00", "2026-03-10 17:00"),  # today, still open
    ("tue", "the 9th", "2026-04-09 09:00", "2026-04-09 17:00"),  # passed: next month
    ("tue", "the 31st", "2026-03-31 09:00", "2026-03-31 17:00"),
    ("tue", "the thirty-first", "2026-03-31 09:00", "2026-03-31 17:00"),
    ("tue", "March 12th", "2026-03-12 09:00", "2026-03-12 17:00"),
    ("tue", "12th of March", "2026-03-12 09:00", "2026-03-12 17:00"),
    ("tue", "Thursday, March 12", "2026-03-12 09:00", "2026-03-12 17:00"),
    ("tue", "3/16", "2026-03-16 09:00", "2026-03-16 17:00"),  # 16 cannot be a month
    ("tue", "2026-03-12", "2026-03-12 09:00", "2026-03-12 17:00"),
    ("tue", "in a week", "2026-03-16 09:00", "2026-03-20 17:00"),
    ("tue", "in 10 days", "2026-03-20 09:00", "2026-03-20 17:00"),
    ("tue", "the day after tomorrow", "2026-03-12 09:00", "2026-03-12 17:00"),
    ("tue", "week after next", "2026-03-23 09:00", "2026-03-27 17:00"),
    ("tue", "next month", "2026-04-01 09:00", "2026-04-30 17:00"),
    ("tue", "in April", "2026-04-01 09:00", "2026-04-30 17:00"),
    ("tue", "the 6th of next month", "2026-04-06 09:00", "2026-04-06 17:00"),
    ("month_end", "the 5th", "2026-05-05 09:00", "2026-05-05 17:00"),
    ("month_end", "the 30th", "2026-04-30 09:00", "2026-04-30 17:00"),
    ("month_end", "the 29th", "2026-05-29 09:00", "2026-05-29 17:00"),
    ("month_end", "tomorrow", "2026-05-01 09:00", "2026-05-01 17:00"),
    ("month_end", "next month", "2026-05-01 09:00", "2026-05-29 17:00"),
    ("month_end", "this month", "2026-04-30 09:00", "2026-04-30 17:00"),
    ("month_end", "next week", "2026-05-04 09:00", "2026-05-08 17:00"),
    ("month_end", "Friday the 1st", "2026-05-01 09:00", "2026-05-01 17:00"),
    ("year_end", "the 5th", "2027-01-05 09:00", "2027-01-05 17:00"),
    ("year_end", "January 4th", "2027-01-04 09:00", "2027-01-04 17:00"),
    ("year_end", "next week", "2027-01-04 09:00", "2027-01-08 17:00"),
    ("year_end", "tomorrow", "2026-12-31 09:00", "2026-12-31 17:00"),
    ("year_end", "Friday", "2027-01-01 09:00", "2027-01-01 17:00"),
    ("year_end", "next Friday", "2027-01-08 09:00", "2027-01-08 17:00"),
    ("year_end", "in two weeks", "2027-01-11 09:00", "2027-01-15 17:00"),
    ("year_end", "this week", "2026-12-30 09:00", "2027-01-01 17:00"),
    ("year_end", "next month", "2027-01-01 09:00", "2027-01-29 17:00"),
]


@pytest.mark.parametrize(("now", "text", "start", "end"), WINDOWS)
def test_windows(now: str, text: str, start: str, end: str) -> None:
    res = resolve(now, text)
    assert res.kind == "window"
    assert (wall(res.start), wall(res.end)) == (start, end)
    assert res.end > NOWS[now]
    first = res.start.strftime("%A, %B ") + str(res.start.day)
    assert first in res.description
    if res.start.year != NOWS[now].year:
        assert str(res.start.year) in res.description


def test_descriptions_say_what_was_understood() -> None:
    assert resolve("tue", "next Friday").description == "Friday, March 20"
    assert resolve("tue", "tomorrow at 3").description == "Wednesday, March 11 at 3 PM"
    assert resolve("tue", "next Friday morning").description == "Friday, March 20, in the morning"
    assert resolve("fri_eve", "next week").description == (
        "next week, Monday, March 9 to Friday, March 13"
    )
    assert resolve("fri_eve", "evening").description == (
        "Monday, March 9, late afternoon, as we close at 5 PM"
    )
    assert resolve("year_end", "the 5th").description == "Tuesday, January 5, 2027"
    assert resolve("tue", "asap").description == "the earliest available times"


def test_a_multi_day_window_with_a_time_of_day_filters_each_day() -> None:
    res = resolve("tue", "next week in the morning")
    assert (wall(res.start), wall(res.end)) == ("2026-03-16 09:00", "2026-03-20 12:00")
    assert res.daily == (dt.time(9), dt.time(12))
    assert res.description == "next week, Monday, March 16 to Friday, March 20, mornings"
    assert res.admits(at("2026-03-17 10:00"))
    assert res.admits(utc("2026-03-17 15:30"))  # 11:30 in New York
    assert not res.admits(at("2026-03-17 14:00"))
    assert not res.admits(at("2026-03-23 10:00"))
    at_ten = resolve("tue", "next week at 10")
    assert at_ten.daily == (dt.time(10), dt.time(10, 30))
    assert at_ten.admits(at("2026-03-18 10:00")) and not at_ten.admits(at("2026-03-18 10:30"))


def test_asap_spans_today_to_the_horizon() -> None:
    res = resolve("tue", "as soon as possible")
    assert res.kind == "window"
    assert res.start.date() == dt.date(2026, 3, 10)
    assert res.end.date() == dt.date(2026, 6, 8)


def test_to_dict_is_plain_json() -> None:
    assert resolve("tue", "next week in the morning").to_dict() == {
        "kind": "window",
        "start": "2026-03-16T09:00:00-04:00",
        "end": "2026-03-20T12:00:00-04:00",
        "description": "next week, Monday, March 16 to Friday, March 20, mornings",
        "daily": ["09:00", "12:00"],
    }


AMBIGUOUS = [
    ("fri_eve", "Friday the 5th", "The 5th is a Sunday, not a Friday.", ["2026-04-03"]),
    ("tue", "Thursday the 13th", "The 13th is a Friday, not a Thursday.",
     ["2026-03-12", "2026-03-13"]),
    ("month_end", "Monday the 1st", "The 1st is a Friday, not a Monday.",
     ["2026-05-01", "2026-05-04", "2026-06-01"]),
    ("tue", "Wednesday, March 12", "March 12th is a Thursday, not a Wednesday.",
     ["2026-03-11", "2026-03-12"]),
    ("tue", "tomorrow, Friday", "Tomorrow is Wednesday, not Friday.",
     ["2026-03-11", "2026-03-13"]),
    ("tue", "Monday or Tuesday", "Did you mean Monday, March 16 or Tuesday, March 17?",
     ["2026-03-16", "2026-03-17"]),
    ("tue", "Monday in April", "several Mondays",
     ["2026-04-06", "2026-04-13", "2026-04-20", "2026-04-27"]),
    ("month_end", "5/6", "Did you mean", ["2026-05-06", "2026-06-05"]),  # US or European order
    ("month_end", "5.6.2026", "Did you mean", ["2026-05-06", "2026-06-05"]),
]  # fmt: skip


@pytest.mark.parametrize(("now", "text", "says", "dates"), AMBIGUOUS)
def test_ambiguous_days_offer_the_readings(
    now: str, text: str, says: str, dates: list[str]
) -> None:
    with pytest.raises(AmbiguousTime) as err:
        resolve(now, text)
    assert says in err.value.message
    assert err.value.message.endswith("?")
    options = err.value.details["options"]
    assert [o["start"][:10] for o in options] == dates
    for option in options:
        assert option["description"] in err.value.message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Thursday at 3 or at 4", "Did you mean 3 PM or 4 PM?"),
        ("morning or afternoon on Thursday", "Did you mean morning or afternoon?"),
        ("Thursday at 10 after 2", "Did you mean 10 AM or after 2 PM?"),
    ],
)
def test_ambiguous_times_of_day(text: str, says: str) -> None:
    with pytest.raises(AmbiguousTime) as err:
        resolve("tue", text)
    assert err.value.message == says
    assert len(err.value.details["options"]) == 2


INVALID = [
    ("tue", "", "didn't catch"),
    ("tue", "   ", "didn't catch"),
    ("tue", "blah blah", "didn't catch"),
    ("tue", "when the moon is full", "didn't catch"),
    ("tue", "the Monday after Easter", "didn't catch"),  # an unknown word may change the day
    ("tue", "next Friday, in the evening, unless it rains", "didn't catch"),
    ("tue", "not Monday", "Which day and time"),
    ("tue", "february 30", "no February 30th"),
    ("tue", "2026-02-30", "doesn't exist"),
    ("tue", "the 32nd", "no 32nd"),
    ("tue", "Thursday at 25 pm", "didn't catch"),
    ("tue", "Thursday at 9:75", "didn't catch"),
    ("tue", "3 at 4", "didn't catch"),  # a number we cannot place is never dropped
    ("tue", "Monday 10 11", "didn't catch"),
    ("tue", "1-dec-2026", "didn't catch"),
    ("tue", "between 4 and 2", "ends before it starts"),
    ("tue", "Saturday", "closed on Saturday, March 14; we're open Monday to Friday"),
    ("tue", "Sunday morning", "closed on Sunday, March 15"),
    ("tue", "Monday this week", "Monday has already passed this week"),
    ("tue", "March 3rd", "too far ahead"),  # passed this year; next year is beyond the horizon
    ("tue", "in 100 days", "too far ahead; we book up to 90 days out"),
    ("tue", "in July", "too far ahead"),
    ("tue", "last month", "didn't catch"),
    ("fri_eve", "this Friday", "already passed"),
    ("fri_eve", "tonight", "already passed"),
    ("fri_eve", "this afternoon", "already passed"),
    ("fri_eve", "this week", "no more open days this week"),
    ("fri_eve", "tomorrow", "closed on Saturday, March 7"),
    ("fri_eve", "the 5th", "closed on Sunday, April 5"),
    ("fri_eve", "March 8 at 2:30 am", "no 2:30 AM on Sunday, March 8"),  # the DST gap
    ("fri_eve", "2026-03-08T02:30", "clocks change"),
    ("sun", "this Sunday", "closed on Sunday, March 8"),
    ("sun", "this afternoon", "closed on Sunday, March 8"),
    ("sun", "today", "closed"),
    ("sun", "this week", "no more open days this week"),
    ("year_end", "December 3rd", "too far ahead"),
]


@pytest.mark.parametrize(("now", "text", "says"), INVALID)
def test_invalid_requests_are_speakable(now: str, text: str, says: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        resolve(now, text)
    assert not isinstance(err.value, AmbiguousTime)
    assert says in err.value.message
    assert_speakable(err.value.message)


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.mark.parametrize("now", list(NOWS))
@pytest.mark.parametrize("modifier", ["", "this ", "coming ", "next ", "on "])
@pytest.mark.parametrize("weekday", range(7))
def test_a_named_weekday_is_always_that_weekday(now: str, modifier: str, weekday: int) -> None:
    res = resolve(now, f"{modifier}{WEEKDAYS[weekday].lower()} at 10am")
    today = NOWS[now].date()
    day = res.start.date()
    assert day.weekday() == weekday
    assert WEEKDAYS[weekday] in res.description
    ahead = (day - today).days
    monday = today - dt.timedelta(days=today.weekday())
    if modifier in ("", "on "):
        assert 1 <= ahead <= 7  # a bare weekday is never today
    elif modifier in ("this ", "coming "):
        assert 0 <= ahead <= 6
    else:  # "next": the one in next week (Monday to Sunday)
        assert day - monday >= dt.timedelta(days=7)
        assert day - monday < dt.timedelta(days=14)


@pytest.mark.parametrize(
    ("tz", "now", "text", "start_utc"),
    [
        (NY, "2026-03-06 12:00", "Monday at 9", "2026-03-09 13:00"),  # EST -> EDT
        (NY, "2026-03-06 12:00", "today at 9:30", "2026-03-06 14:30"),
        (NY, "2026-10-30 12:00", "Monday at 9", "2026-11-02 14:00"),  # EDT -> EST
        (NY, "2026-03-06 12:00", "2026-03-09T09:00", "2026-03-09 13:00"),
        (NY, "2026-03-06 12:00", "2026-03-09T09:00-05:00", "2026-03-09 14:00"),  # converted
        (NY, "2026-03-06 12:00", "2026-03-09T13:00Z", "2026-03-09 13:00"),
        (NY, "2026-10-30 12:00", "November 1 at 1:30 am", "2026-11-01 05:30"),  # first 1:30
        (NY, "2026-10-30 12:00", "2026-11-01T01:30:00-05:00", "2026-11-01 06:30"),  # second
        (SYDNEY, "2026-04-03 12:00", "Monday at 9", "2026-04-05 23:00"),  # AEDT -> AEST
        (SYDNEY, "2026-10-02 12:00", "Monday at 9", "2026-10-04 22:00"),  # AEST -> AEDT
    ],
)
def test_exact_times_across_dst(tz, now: str, text: str, start_utc: str) -> None:
    res = resolve_when(text, at(now, tz), clinic(tz))
    # compared in UTC: an aware time in a DST fold never equals one in another zone (PEP 495)
    assert res.start.astimezone(dt.UTC) == utc(start_utc)
    assert res.end.astimezone(dt.UTC) - res.start.astimezone(dt.UTC) == dt.timedelta(minutes=30)
    assert res.start.tzinfo == tz


def test_offset_input_is_converted_to_the_clinic_zone() -> None:
    res = resolve("tue", "2026-03-12T15:00:00+01:00")
    assert wall(res.start) == "2026-03-12 10:00"
    assert res.description == "Thursday, March 12 at 10 AM"


def test_windows_across_dst_in_sydney() -> None:
    res = resolve_when("next week", at("2026-04-02 12:00", SYDNEY), clinic(SYDNEY))
    assert res.start == at("2026-04-06 09:00", SYDNEY)
    assert res.start.utcoffset() == dt.timedelta(hours=10)
    res = resolve_when("tomorrow afternoon", at("2026-04-02 12:00", SYDNEY), clinic(SYDNEY))
    assert res.start.utcoffset() == dt.timedelta(hours=11)


def test_parts_of_the_day_follow_the_clinic_hours() -> None:
    late = clinic(open=dt.time(13), close=dt.time(20))
    now = NOWS["tue"]
    evening = resolve_when("tomorrow evening", now, late)
    assert (wall(evening.start), wall(evening.end)) == ("2026-03-11 17:00", "2026-03-11 20:00")
    assert "late afternoon" not in evening.description
    with pytest.raises(InvalidRequest, match="not open in the morning; our hours are 1 PM to 8 PM"):
        resolve_when("tomorrow morning", now, late)
    early = clinic(open=dt.time(7), close=dt.time(15))
    morning = resolve_when("tomorrow morning", now, early)
    assert wall(morning.start) == "2026-03-11 07:00"
    with pytest.raises(InvalidRequest, match="outside our hours"):
        resolve_when("tomorrow after 6pm", now, early)


def test_a_weekend_clinic_books_weekends() -> None:
    weekend = clinic(weekdays=frozenset({5, 6}))
    res = resolve_when("tomorrow", NOWS["fri_eve"], weekend)
    assert wall(res.start) == "2026-03-07 09:00"
    with pytest.raises(InvalidRequest, match="we're open Saturday and Sunday"):
        resolve_when("Monday", NOWS["fri_eve"], weekend)
    assert wall(resolve_when("next week", NOWS["tue"], weekend).start) == "2026-03-21 09:00"


def test_dateparser_is_a_fallback_for_dates_only() -> None:
    now = at("2026-11-02 10:00")
    res = resolve_when("2026 12 01", now, HOURS)
    assert (res.kind, wall(res.start)) == ("window", "2026-12-01 09:00")
    res = resolve_when("2026 12 01 at 3", now, HOURS)
    assert (res.kind, wall(res.start)) == ("exact", "2026-12-01 15:00")


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        resolve_when("tomorrow", dt.datetime(2026, 3, 10, 10), HOURS)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("February or March", AmbiguousTime),
        ("tomorrow next week", InvalidRequest),  # the 11th is not in next week
        ("the 12th next week", InvalidRequest),
        ("next week in 2 weeks", InvalidRequest),
    ],
)
def test_conflicting_parts_are_never_dropped(text: str, error: type) -> None:
    with pytest.raises(error) as err:
        resolve("tue", text)
    assert_speakable(err.value.message)


def test_the_16th_next_week_agrees() -> None:
    assert wall(resolve("tue", "the 16th next week").start) == "2026-03-16 09:00"


_WORDS = (
    "next this the on at in of tomorrow today tonight monday friday sunday sat morning afternoon "
    "evening noon midnight 12 am pm 3 7 9 10:30 15:00 0:00 24 31st 5th 29th february march may "
    "2026 2027 weeks week days month between and after before from to by half past quarter two "
    "thirty first asap or not 3/4 13/13 0/0 2026-02-29 2026-13-01 99:99 - : / , . o'clock a.m. "
    "fortnight couple early late lunch 00 1 59 60 100"
)
VOCABULARY = _WORDS.split()


def test_word_salad_never_crashes_and_never_names_a_wrong_weekday() -> None:
    import random

    rng = random.Random(2026)
    weekend_clinic = clinic(weekdays=frozenset({5, 6}), open=dt.time(0), close=dt.time(23, 45))
    clinics = [clinic(), clinic(SYDNEY), weekend_clinic]
    nows = [NOWS["fri_eve"], NOWS["year_end"], at("2026-02-28 12:00"), at("2026-11-01 01:30")]
    for _ in range(400):
        text = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 6)))
        hours = rng.choice(clinics)
        try:
            res = resolve_when(text, rng.choice(nows), hours)
        except InvalidRequest as exc:  # AmbiguousTime included
            assert_speakable(exc.message)
            continue
        assert res.start.tzinfo == hours.tz and res.end > res.start, text
        if res.description != "the earliest available times":
            assert res.start.strftime("%A") in res.description, text
