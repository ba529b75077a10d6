"""Scenario files: parsing, the shipped ones, seeding and the end-state checker on SQLite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from aida.config import Settings
from aida.simulate.scenario import (
    Scenario,
    ScenarioError,
    check_end_state,
    load_scenario,
    parse_scenario,
    seed,
    shipped_scenarios,
)
from aida.store.factory import open_store

NY = ZoneInfo("America/New_York")
JANE = "+12025550143"
MARCUS = "+12025550178"


def minimal(**extra: object) -> dict:
    data: dict = {
        "name": "t",
        "now": "2026-03-02T08:30:00",
        "caller": "(202) 555-0143",
        "patients": [{"phone": "caller", "name": "Jane Doe"}],
        "lines": ["Book me Wednesday at ten.", {"say": "Yes.", "pause": 0.2}],
        "expect": [{"booked": ["2026-03-04T10:00"]}],
    }
    data.update(extra)
    return data


def test_parse_resolves_caller_times_and_defaults() -> None:
    s = parse_scenario(minimal())
    assert s.caller == JANE
    assert s.now == dt.datetime(2026, 3, 2, 8, 30, tzinfo=NY)
    assert s.patients[0].phone == JANE
    assert [line.text for line in s.lines] == ["Book me Wednesday at ten.", "Yes."]
    assert s.lines[1].pause == 0.2
    rule = s.expect[0]
    assert rule.phone == JANE  # "phone" defaults to the caller
    assert [b.start for b in rule.booked or ()] == [dt.datetime(2026, 3, 4, 10, 0, tzinfo=NY)]
    # the clinic is pinned to Aida's defaults, whatever the machine's .env says
    assert s.clinic["default_timezone"] == "America/New_York"
    assert s.clinic["slot_minutes"] == 30
    assert s.clinic["clinic_days"] == ["mon", "tue", "wed", "thu", "fri"]


def test_clinic_timezone_applies_to_every_local_time() -> None:
    s = parse_scenario(minimal(clinic={"timezone": "Australia/Sydney", "slot_minutes": 15}))
    sydney = ZoneInfo("Australia/Sydney")
    assert s.now.tzinfo == sydney and s.now.hour == 8
    assert [b.start for b in s.expect[0].booked or ()] == [
        dt.datetime(2026, 3, 4, 10, 0, tzinfo=sydney)
    ]
    settings = s.settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert settings.default_timezone == "Australia/Sydney"
    assert settings.slot_minutes == 15


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"caller": "not a number"}, "caller"),
        ({"now": "next tuesday"}, "now"),
        ({"lines": []}, "lines"),
        ({"lines": [{"say": "a", "wav": "b.wav"}]}, "exactly one"),
        ({"expect": [{"phone": "caller"}]}, "at least one"),
        ({"expect": [{"booked": ["2026-03-04T10:00"], "when": 1}]}, "unknown key 'when'"),
        ({"clinic": {"timezone": "Mars/Olympus"}}, "clinic"),
        ({"clinic": {"colour": "blue"}}, "clinic: unknown key 'colour'"),
        ({"surprise": 1}, "unknown key 'surprise'"),
        ({"appointments": [{"phone": "caller"}]}, "needs a phone and a start"),
        ({"calendar": "sqlite"}, "calendar is fhir"),
        (
            {"patients": [{"phone": "caller", "name": "A B"}, {"phone": "caller", "name": "C D"}]},
            "several patients on one phone need `calendar: fhir`",
        ),
    ],
)
def test_bad_scenarios_say_what_is_wrong(change: dict, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(minimal(**change))


def test_missing_keys_are_named() -> None:
    data = minimal()
    del data["expect"]
    with pytest.raises(ScenarioError, match="'expect'"):
        parse_scenario(data)


def test_wav_lines_resolve_against_the_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(minimal(lines=[{"wav": "lines/hello.wav"}])))
    s = load_scenario(path)
    assert s.lines[0].wav == tmp_path / "lines" / "hello.wav"
    assert s.lines[0].label == "[hello.wav]"


def test_unknown_scenario_lists_the_shipped_ones() -> None:
    with pytest.raises(ScenarioError, match="book"):
        load_scenario("no-such-scenario")


def test_shipped_scenarios_load() -> None:
    names = shipped_scenarios()
    assert {"book", "reschedule", "cancel", "slot_taken"} <= set(names)
    for name in names:
        s = load_scenario(name)
        assert s.name == name
        assert s.lines and s.expect
        # every caller line is speakable text with an explicit date, or a short reply
        assert all(line.text for line in s.lines)


@pytest.fixture
async def store(base_settings: Settings):  # type: ignore[no-untyped-def]
    store = await open_store(base_settings)
    yield store
    await store.close()


async def _booked_scenario(store, settings: Settings, **extra: object) -> Scenario:  # type: ignore[no-untyped-def]
    s = parse_scenario(
        minimal(
            patients=[
                {"phone": "caller", "name": "Jane Doe"},
                {"phone": MARCUS, "name": "Marcus Lee"},
            ],
            appointments=[{"phone": MARCUS, "start": "2026-03-04T10:00", "reason": "x"}],
            **extra,
        )
    )
    await seed(store, s, s.settings(settings))
    return s


async def test_seed_is_idempotent_and_books_local_times(store, base_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    s = await _booked_scenario(store, base_settings)
    await seed(store, s, s.settings(base_settings))
    appts = await store.list_appointments(phone=MARCUS)
    assert len(appts) == 1
    assert appts[0].start_time == dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)  # 10:00 EST
    assert appts[0].end_time - appts[0].start_time == dt.timedelta(minutes=30)
    assert appts[0].meta == {"reason": "x"}
    assert (await store.get_patient(JANE)).name == "Jane Doe"  # type: ignore[union-attr]


async def test_end_state_exact_booking(store, base_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    s = await _booked_scenario(
        store,
        base_settings,
        expect=[
            {"booked": ["2026-03-04T10:30"]},
            {"phone": MARCUS, "booked": ["2026-03-04T10:00"]},
        ],
    )
    settings = s.settings(base_settings)
    problems = await check_end_state(store, s, settings)
    assert len(problems) == 1 and "expected booked Wed 2026-03-04 10:30; found none" in problems[0]
    assert JANE not in problems[0]  # masked

    at = dt.datetime(2026, 3, 4, 10, 30, tzinfo=NY).astimezone(dt.UTC)
    await store.book(JANE, at, at + dt.timedelta(minutes=30))
    assert await check_end_state(store, s, settings) == []

    # a second booking is a wrong end state too ("exactly these")
    at2 = at + dt.timedelta(days=1)
    await store.book(JANE, at2, at2 + dt.timedelta(minutes=30))
    assert await check_end_state(store, s, settings)


async def test_end_state_cancelled_means_none_booked(store, base_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    s = await _booked_scenario(store, base_settings, expect=[{"phone": MARCUS, "booked": []}])
    settings = s.settings(base_settings)
    assert await check_end_state(store, s, settings)
    (appt,) = await store.list_appointments(phone=MARCUS)
    await store.cancel(appt.id, MARCUS)
    assert await check_end_state(store, s, settings) == []


async def test_end_state_any_other_time_that_day(store, base_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    s = await _booked_scenario(
        store,
        base_settings,
        expect=[{"count": 1, "on_date": "2026-03-04", "not_at": ["2026-03-04T10:00"]}],
    )
    settings = s.settings(base_settings)
    assert "expected 1 booked; found 0" in (await check_end_state(store, s, settings))[0]

    thursday = dt.datetime(2026, 3, 5, 9, 0, tzinfo=NY).astimezone(dt.UTC)
    await store.book(JANE, thursday, thursday + dt.timedelta(minutes=30))
    problems = await check_end_state(store, s, settings)
    assert len(problems) == 1 and "on 2026-03-04" in problems[0]

    appt = (await store.list_appointments(phone=JANE))[0]
    await store.cancel(appt.id, JANE)
    afternoon = dt.datetime(2026, 3, 4, 15, 0, tzinfo=NY).astimezone(dt.UTC)
    await store.book(JANE, afternoon, afternoon + dt.timedelta(minutes=30))
    assert await check_end_state(store, s, settings) == []


def test_not_at_and_cancelled_rows() -> None:
    from aida.simulate.scenario import PatientExpectation
    from aida.store.models import Appointment

    ten = dt.datetime(2026, 3, 4, 10, 0, tzinfo=NY)

    def appt(start: dt.datetime, status: str = "booked") -> Appointment:
        utc = start.astimezone(dt.UTC)
        return Appointment(
            id="a",
            user_phone=JANE,
            start_time=utc,
            end_time=utc + dt.timedelta(minutes=30),
            status=status,  # type: ignore[arg-type]
        )

    rule = PatientExpectation(phone=JANE, not_at=(ten,))
    assert rule.check([appt(ten, "cancelled")], NY) == []  # cancelled rows do not count
    (problem,) = rule.check([appt(ten)], NY)
    assert "must not be booked at Wed 2026-03-04 10:00" in problem
    assert rule.check([appt(ten + dt.timedelta(minutes=30))], NY) == []


def test_caller_none_web_phone_and_dates_of_birth() -> None:
    anonymous = parse_scenario(
        minimal(
            caller="none",
            patients=[{"phone": JANE, "name": "Jane Doe", "date_of_birth": "1985-03-03"}],
            expect=[{"phone": JANE, "booked": []}],
        )
    )
    assert anonymous.caller is None and anonymous.caller_id_source == "none"
    assert anonymous.patients[0].date_of_birth == dt.date(1985, 3, 3)
    omitted = minimal(patients=[], expect=[{"phone": JANE, "booked": []}])
    del omitted["caller"]
    assert parse_scenario(omitted).presented_phone is None

    web = parse_scenario(minimal(caller=None, web_phone="(202) 555-0143"))
    assert web.caller is None and web.web_phone == JANE
    assert web.caller_id_source == "token" and web.presented_phone == JANE
    assert web.patients[0].phone == JANE  # "caller" stands for the claimed phone
    assert web.expect[0].phone == JANE


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"caller": "none"}, "'caller' needs a caller or web_phone"),
        ({"web_phone": "+12025550178"}, "not both"),
        ({"patients": [{"phone": "caller", "date_of_birth": "3/3/85"}]}, "date_of_birth"),
        ({"patients": [{"phone": "caller", "dob": "1985-03-03"}]}, "unknown key 'dob'"),
        ({"must_say": "911"}, "must_say must be a list"),
        ({"must_say": [[]]}, "at least one phrase"),
        ({"never_say": [""]}, "non-empty phrase"),
        ({"forbidden_tools": [{"tool": "x"}]}, "give a tool name"),
        ({"forbidden_tools": [{"name": "x", "args": ["start"]}]}, "args must be a mapping"),
        ({"scripted": {"turns": [["Hi."]]}}, r"one turn per line \(2\); found 1"),
        ({"scripted": [["Hi.", "Again."], ["Yes."]]}, "a reply ends the turn"),
        ({"scripted": [[{"tool": "x"}, "Hi."], ["Yes."]]}, "a step is reply text"),
        ({"scripted": {"greeting": "Hi", "turns": [[], []]}}, "scripted: unknown key 'greeting'"),
        ({"scripted": [[{"call": "x", "arg": {}}], []]}, r"turns\[0\]\[0\]: unknown key 'arg'"),
        ({"scripted": [[{"say": "Hi.", "pause": 1}], []]}, "unknown key 'pause'"),
    ],
)
def test_bad_checks_and_scripts_say_what_is_wrong(change: dict, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(minimal(**change))


def test_checks_and_script_parse() -> None:
    s = parse_scenario(
        minimal(
            must_say=[["911"], "booked", ["All set", "booked"]],
            never_say=["can't book", 911],
            forbidden_tools=[
                "cancel_appointment",
                {"name": "book_appointment", "args": {"start": "2026-03-04T10:00"}},
            ],
            scripted={
                "turns": [
                    [
                        {"call": "find_available_slots", "args": {"when": "Wednesday at 10"}},
                        {
                            "calls": [
                                {"call": "get_current_time"},
                                {"call": "list_appointments", "args": {"include_past": True}},
                            ]
                        },
                        "{find_available_slots} OK?",
                    ],
                    [],
                ],
            },
        )
    )
    assert s.checks.must_say == (("911",), ("booked",), ("All set", "booked"))
    assert s.checks.never_say == ("can't book", "911")
    assert [t.describe() for t in s.checks.forbidden_tools] == [
        "cancel_appointment",
        "book_appointment(start='2026-03-04T10:00')",
    ]
    assert s.scripted is not None
    first, second = s.scripted.turns
    assert [c.name for c in first[1].calls] == ["get_current_time", "list_appointments"]
    assert first[1].calls[1].args == {"include_past": True}
    assert first[2].say == "{find_available_slots} OK?" and not first[2].calls
    assert second == ()
    # a plain list is the turns
    plain = parse_scenario(minimal(scripted=[["Hi."], ["Bye."]]))
    assert plain.scripted is not None and len(plain.scripted.turns) == 2


async def test_seed_records_dates_of_birth(store, base_settings: Settings) -> None:  # type: ignore[no-untyped-def]
    s = parse_scenario(
        minimal(patients=[{"phone": "caller", "name": "Jane Doe", "date_of_birth": "1985-03-03"}])
    )
    await seed(store, s, s.settings(base_settings))
    patient = await store.get_patient(JANE)
    assert patient is not None and patient.name == "Jane Doe"
    assert getattr(patient, "date_of_birth", None) in (dt.date(1985, 3, 3), "1985-03-03")


def test_a_scenario_says_why_it_cannot_run_on_a_calendar() -> None:
    offer = load_scenario("waitlist_offer")
    assert offer.not_runnable_on("store") is None
    assert offer.not_runnable_on("fhir") == "waitlist holds are not built on an EHR calendar"
    family = load_scenario("family_phone")
    assert family.not_runnable_on("fhir") is None
    assert family.not_runnable_on("store") == "needs --calendar fhir"
    assert load_scenario("book").not_runnable_on("fhir") is None
