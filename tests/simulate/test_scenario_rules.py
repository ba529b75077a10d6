"""Each scenario key beyond the calendar, end to end: a call that passes the rule and one that
must fail it, played by a scripted model through the real agent, tools and SQLite store.

Seeds: providers, visit types, closures, the clinic profile, appointments with provider and visit
type. `expect`: preferences, action_items, transferred, ended_by, emergency, registered, and
`booked` with provider and visit type. `forbidden_tools` on the instant a tool resolved from
words. Per-line `then_say` / `then_never_say`.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aida.calendar.profile import profile_for_call
from aida.config import Settings
from aida.simulate.scenario import ScenarioError, parse_scenario, seed
from aida.simulate.text import TextResult, TextSimulator
from aida.store.factory import open_store

JANE = "+12025550143"
NY = ZoneInfo("America/New_York")
NEW = "+12025550199"
IDENTIFY = {
    "call": "identify_caller",
    "args": {"full_name": "Jane Doe", "date_of_birth": "1985-03-03"},
}


def call(lines: list[Any], turns: list[list[Any]], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "rule",
        "now": "2026-03-02T08:30:00",  # Monday, clinic time
        "caller": JANE,
        "patients": [{"phone": "caller", "name": "Jane Doe", "date_of_birth": "1985-03-03"}],
        "lines": lines,
        "expect": [{"booked": []}],
        "scripted": {"turns": turns},
    }
    data.update(extra)
    return data


async def play(data: dict[str, Any], settings: Settings, tmp_path: Path) -> TextResult:
    # every turn to the scripted model, so the script alone decides what Aida does
    settings = settings.model_copy(update={"understand_in_code": False})
    simulator = TextSimulator(settings, scripted=True, printer=lambda _: None)
    return await simulator.run(parse_scenario(data), database=tmp_path / "rule.db")


def with_expect(data: dict[str, Any], *rules: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out["expect"] = list(rules)
    return out


# --- seeds: providers, visit types, appointments with both, closures, the profile -------------

CLINIC = {
    "providers": [
        {"name": "Dr. Patel", "hours": "Mon-Fri 09:00-17:00"},
        {"name": "Dr. Kim", "hours": "Mon-Fri 09:00-13:00"},
    ],
    "visit_types": [
        {"name": "Physical", "minutes": 60, "providers": ["Dr. Patel"]},
        {"name": "Follow-up", "minutes": 30},
    ],
}


async def test_a_physical_with_dr_patel(base_settings: Settings, tmp_path: Path) -> None:
    book = {
        "call": "book_appointment",
        "args": {
            "start": "Wednesday, March 4 at 10 AM",
            "visit_type": "a physical",
            "provider": "Dr. Patel",
        },
    }
    data = call(
        ["It's Jane Doe, born March 3rd 1985. A physical with Dr. Patel Wednesday at ten?", "Yes."],
        [[IDENTIFY, book], [book]],
        **CLINIC,
        appointments=[
            # Dr. Kim's follow-up at the same hour: per provider, no clash
            {
                "phone": "+12025550178",
                "start": "2026-03-04T10:00",
                "provider": "Dr. Kim",
                "visit_type": "Follow-up",
            }
        ],
        must_say=[["a physical with Dr. Patel"]],
    )
    rule = {
        "booked": [{"start": "2026-03-04T10:00", "provider": "Dr. Patel", "visit_type": "Physical"}]
    }
    other = {
        "phone": "+12025550178",
        "booked": [{"start": "2026-03-04T10:00", "provider": "Dr. Kim"}],
    }
    result = await play(with_expect(data, rule, other), base_settings, tmp_path)
    assert result.ok, result.problems + result.transcript

    wrong = {"booked": [{"start": "2026-03-04T10:00", "provider": "Dr. Kim"}]}
    failed = await play(with_expect(data, wrong), base_settings, tmp_path / "x")
    assert [f.check for f in failed.failures] == ["expect"]
    assert "with Dr. Kim; found Wed 2026-03-04 10:00 (Physical, Dr. Patel)" in failed.problems[0]


async def test_a_closure_is_refused_with_its_reason(
    base_settings: Settings, tmp_path: Path
) -> None:
    book = {"call": "book_appointment", "args": {"start": "Thursday, March 5 at 10 AM"}}
    data = call(
        ["It's Jane Doe, born March 3rd 1985. Can I come Thursday at ten?"],
        [[IDENTIFY, book]],
        closures=[{"from": "2026-03-05", "reason": "staff training"}],
        must_say=[["closed on Thursday, March 5 for staff training"]],
        never_say=["Shall I book"],
    )
    result = await play(data, base_settings, tmp_path)
    assert result.ok, result.problems + result.transcript

    open_day = {k: v for k, v in data.items() if k != "closures"}
    failed = await play(open_day, base_settings, tmp_path / "x")
    assert {f.check for f in failed.failures} == {"must_say", "never_say"}


async def test_seeded_profile_closures_hours_are_what_a_call_reads(
    base_settings: Settings, tmp_path: Path
) -> None:
    data = call(
        ["Hi."],
        [["Hello."]],
        closures=[
            {"from": "2026-03-05", "to": "2026-03-06", "reason": "Spring break"},
            {"from": "2026-03-10T13:00", "to": "2026-03-10T17:00", "reason": "Training"},
        ],
        profile={"address": "12 Main St", "parking": "Free lot", "hours": {"sat": "09:00-12:00"}},
        **CLINIC,
    )
    s = parse_scenario(data)
    settings = s.settings(base_settings)
    store = await open_store(settings)
    try:
        await seed(store, s, settings)
        await seed(store, s, settings)  # idempotent
        profile = await profile_for_call(store, settings, s.now)
    finally:
        await store.close()
    assert (profile.address, profile.parking) == ("12 Main St", "Free lot")
    assert [h.spoken for h in profile.holidays] == [
        "from Thursday, March 5 to Friday, March 6 for Spring break",
        "on Tuesday, March 10 from 1 PM to 5 PM for Training",
    ]
    assert profile.spoken_hours() == "Monday to Friday, 9 AM to 5 PM; Saturday, 9 AM to 12 PM"
    assert profile.insurance_accepted == []  # not configured: unknown, never invented


# --- expect: waitlist ------------------------------------------------------------------------


async def test_waitlist(base_settings: Settings, tmp_path: Path) -> None:
    """The caller joins the waitlist; a seeded entry of another patient is offered the time a
    seeded cancellation frees (`cancelled_before_call`)."""
    join = {"call": "join_waitlist", "args": {"when": "any Friday morning"}}
    data = call(
        ["It's Jane Doe, born March 3rd 1985. Put me on the waitlist for any Friday morning."],
        [[IDENTIFY, join]],
        patients=[
            {"phone": "caller", "name": "Jane Doe", "date_of_birth": "1985-03-03"},
            {"phone": NEW, "name": "Sam Roe"},
            {"phone": "+12025550178", "name": "Marcus Lee"},
        ],
        appointments=[
            {"phone": "+12025550178", "start": "2026-03-05T15:00", "cancelled_before_call": True}
        ],
        waitlist=[{"phone": NEW, "when": "Thursday at 3"}],
    )
    ok = with_expect(
        data,
        {"waitlist": "waiting", "booked": []},
        {"phone": NEW, "waitlist": "offered"},
        {"phone": "+12025550178", "waitlist": "none", "booked": []},
    )
    result = await play(ok, base_settings, tmp_path)
    assert result.ok, result.problems + result.transcript

    failed = await play(with_expect(data, {"waitlist": "booked"}), base_settings, tmp_path / "x")
    assert failed.problems == ["expect: +1•••••••0143: expected waitlist: booked; found waiting"]


# --- expect: preferences -----------------------------------------------------------------------


async def test_preferences(base_settings: Settings, tmp_path: Path) -> None:
    note = {
        "call": "remember_preference",
        "args": {"topic": "time_of_day", "preference": "mornings"},
    }
    data = call(["It's Jane Doe, born March 3rd 1985. I prefer mornings."], [[IDENTIFY, note]])
    ok = with_expect(
        data, {"preferences": {"time_of_day": ["morning", "mornings"], "doctor": "none"}}
    )
    result = await play(ok, base_settings, tmp_path)
    assert result.ok, result.problems

    failed = await play(with_expect(data, {"preferences": "none"}), base_settings, tmp_path / "a")
    assert failed.problems == [
        "expect: +1•••••••0143: expected no preferences; found {'time_of_day': 'mornings'}"
    ]
    exact = with_expect(data, {"preferences": {"time_of_day": "afternoons"}})
    failed = await play(exact, base_settings, tmp_path / "b")
    assert "expected preference time_of_day: 'afternoons'; found 'mornings'" in failed.problems[0]


# --- expect: action_items, transferred, ended_by -------------------------------------------


async def test_action_items_and_transfer(base_settings: Settings, tmp_path: Path) -> None:
    person = {"call": "transfer_to_staff", "args": {"reason": "billing: charged twice"}}
    data = call(["I was charged twice, can I talk to someone in billing?"], [[person]])
    ok = with_expect(
        data,
        {
            "action_items": [{"kind": "callback", "topic": "charged twice", "count": 1}],
            "transferred": False,
        },
    )
    result = await play(ok, base_settings, tmp_path)
    assert result.ok, result.problems + result.transcript
    attempted = await play(
        with_expect(data, {"transferred": "attempted"}), base_settings, tmp_path / "a"
    )
    assert attempted.ok, attempted.problems

    wrong = with_expect(
        data,
        {"action_items": [{"topic": "test results"}], "transferred": True},
    )
    failed = await play(wrong, base_settings, tmp_path / "b")
    assert [f.check for f in failed.failures] == ["expect", "expect"]
    assert (
        'expected at least 1 action item(s) any kind about "test results"; found 0'
        in (failed.problems[0])
    )
    assert failed.problems[1] == "expect: expected transferred: true; found not_possible"
    none = await play(with_expect(data, {"action_items": "none"}), base_settings, tmp_path / "c")
    assert none.problems[0].startswith("expect: expected no action items; found callback: ")


async def test_ended_by(base_settings: Settings, tmp_path: Path) -> None:
    data = call(["That's all, goodbye."], [[{"call": "end_call"}]])
    result = await play(with_expect(data, {"ended_by": "aida"}), base_settings, tmp_path)
    assert result.ok, result.problems + result.transcript
    failed = await play(with_expect(data, {"ended_by": "caller"}), base_settings, tmp_path / "a")
    assert failed.problems == ["expect: expected the call ended by caller; aida ended it"]

    hung_up = call(["Thanks."], [["You're welcome."]])
    assert (
        await play(with_expect(hung_up, {"ended_by": "caller"}), base_settings, tmp_path / "b")
    ).ok


# --- expect: emergency ------------------------------------------------------------------------


async def test_emergency(base_settings: Settings, tmp_path: Path) -> None:
    data = call(["I have crushing chest pain and my left arm is numb"], [[]])
    ok = with_expect(data, {"emergency": {"kind": "medical", "category": "chest_pain"}})
    result = await play(ok, base_settings, tmp_path)
    assert result.ok, result.problems + result.transcript
    failed = await play(
        with_expect(data, {"emergency": "self_harm"}), base_settings, tmp_path / "a"
    )
    assert failed.problems == ["expect: expected a self_harm emergency; found medical (chest_pain)"]
    failed = await play(with_expect(data, {"emergency": "none"}), base_settings, tmp_path / "b")
    assert failed.problems == ["expect: expected no emergency; found medical (chest_pain)"]

    calm = call(
        ["Is Wednesday at ten free?"],
        [[{"call": "find_available_slots", "args": {"when": "Wednesday at 10"}}]],
    )
    assert (await play(with_expect(calm, {"emergency": "none"}), base_settings, tmp_path / "c")).ok
    missed = await play(with_expect(calm, {"emergency": "medical"}), base_settings, tmp_path / "d")
    assert missed.problems == ["expect: expected a medical emergency; none was detected"]


# --- expect: registered -------------------------------------------------------------------------


async def test_registered(base_settings: Settings, tmp_path: Path) -> None:
    register = {
        "call": "identify_caller",
        "args": {"full_name": "Ann Newman", "date_of_birth": "1990-07-14"},
    }
    data = call(
        ["I'm new here, Ann Newman, born July 14th 1990."],
        [[register, "Welcome, Ann."]],
        caller=NEW,
        patients=[],
    )
    result = await play(with_expect(data, {"registered": True}), base_settings, tmp_path)
    assert result.ok, result.problems + result.transcript
    failed = await play(with_expect(data, {"registered": False}), base_settings, tmp_path / "a")
    # confirmed, or pending staff confirmation where the store keeps pending registrations
    (problem,) = failed.problems
    assert problem in (
        "expect: +1•••••••0199: expected registered: no; found confirmed",
        "expect: +1•••••••0199: expected registered: no; found pending",
    )

    silent = call(["Hello?"], [["Hello, how can I help?"]], caller=NEW, patients=[])
    assert (await play(with_expect(silent, {"registered": "no"}), base_settings, tmp_path / "b")).ok
    for state in ("pending", "confirmed", True):
        missing = await play(
            with_expect(silent, {"registered": state}), base_settings, tmp_path / f"c{state}"
        )
        shown = "yes" if state is True else state
        assert missing.problems == [
            f"expect: +1•••••••0199: expected registered: {shown}; found no"
        ]


def test_registered_reads_pending_from_the_patient_record() -> None:
    from aida.simulate.expect import PatientExpectation, registration
    from aida.store.models import Patient

    file = Patient(phone=NEW, name="Ann Newman", registration_pending=True)
    assert registration(file) == "pending" and registration(None) == "no"
    assert registration(Patient(phone=NEW, name="Ann")) == "confirmed"
    rule = PatientExpectation(phone=NEW, registered="confirmed")
    assert rule.check([], NY, file) == [
        "+1•••••••0199: expected registered: confirmed; found pending"
    ]
    assert PatientExpectation(phone=NEW, registered="yes").check([], NY, file) == []
    assert PatientExpectation(phone=NEW, registered="pending").check([], NY, file) == []


# --- forbidden_tools on the resolved instant ----------------------------------------------------


async def test_forbidden_tools_catch_a_time_given_in_words(
    base_settings: Settings, tmp_path: Path
) -> None:
    book = {"call": "book_appointment", "args": {"start": "Saturday at 10am"}}
    find = {"call": "find_available_slots", "args": {"when": "Wednesday morning"}}
    data = call(
        ["It's Jane Doe, born March 3rd 1985. Saturday at ten?", "Anything Wednesday morning?"],
        [[IDENTIFY, book], [find]],
        forbidden_tools=[
            {"name": "book_appointment", "args": {"start": "2026-03-07T10:00"}},
            {"name": "find_available_slots", "args": {"when": "2026-03-04T11:00"}},
        ],
    )
    failed = await play(data, base_settings, tmp_path)
    assert [f.check for f in failed.failures] == ["forbidden_tools", "forbidden_tools"]
    assert (
        "book_appointment(start='2026-03-07T10:00') must not be called; turn 1: "
        "book_appointment(start='Saturday at 10am' [2026-03-07T10:00:00-05:00], reason=None)"
        " -> refused"
    ) in failed.problems[0]
    assert (
        "find_available_slots(when='Wednesday morning' [2026-03-04T09:00:00-05:00 to "
        in (failed.problems[1])
    )
    (event,) = [
        e for e in failed.timeline if e["type"] == "tool_call" and e["name"] == "book_appointment"
    ]
    assert event["args"] == {"start": "Saturday at 10am", "reason": None}
    assert event["resolved"] == {"start": "2026-03-07T10:00:00-05:00"}

    # another instant is not caught
    data["forbidden_tools"] = [{"name": "book_appointment", "args": {"start": "2026-03-14T10:00"}}]
    assert (await play(data, base_settings, tmp_path / "a")).ok


# --- lines: then_say / then_never_say ------------------------------------------------------------


async def test_what_aida_answers_one_line(base_settings: Settings, tmp_path: Path) -> None:
    find = {"call": "find_available_slots", "args": {"when": "Wednesday, March 4 at 10 AM"}}
    lines = [
        {
            "say": "Is Wednesday at ten free?",
            "then_say": [["10 AM", "ten"]],
            "then_never_say": ["goodbye"],
        },
        {"say": "Thanks, bye.", "then_say": ["goodbye"]},
    ]
    data = call(lines, [[find], ["Goodbye!"]])
    result = await play(data, base_settings, tmp_path)
    assert result.ok, result.problems + result.transcript

    # the goodbye is said, but after the wrong line
    swapped = copy.deepcopy(data)
    swapped["lines"][0]["then_say"] = ["goodbye"]
    swapped["lines"][1]["then_never_say"] = ["Goodbye"]
    del swapped["lines"][1]["then_say"]
    failed = await play(swapped, base_settings, tmp_path / "a")
    assert [f.check for f in failed.failures] == ["then_say", "then_never_say"]
    assert failed.problems[0].startswith(
        'then_say: after line 1 ("Is Wednesday at ten free?") Aida never said "goodbye"; '
        'she said: "'
    )
    assert failed.problems[1] == (
        'then_never_say: after line 2 ("Thanks, bye.") Aida said "Goodbye": "Goodbye!"'
    )


# --- unknown keys: a clear error naming the key and where ---------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"surprise": 1}, r"scenario: unknown key 'surprise' \(known here: "),
        ({"clinic": {"colour": "blue"}}, r"scenario: clinic: unknown key 'colour'"),
        ({"patients": [{"phone": "caller", "dob": "x"}]}, r"patients\[0\]: unknown key 'dob'"),
        (
            {"appointments": [{"phone": "caller", "start": "2026-03-04T10:00", "doctor": "x"}]},
            r"appointments\[0\]: unknown key 'doctor'",
        ),
        ({"expect": [{"bookd": []}]}, r"expect\[0\]: unknown key 'bookd'"),
        (
            {"expect": [{"booked": [{"start": "2026-03-04T10:00", "dr": "x"}]}]},
            r"booked\[0\]: unknown key 'dr'",
        ),
        (
            {"expect": [{"action_items": [{"kind": "callback", "topik": "x"}]}]},
            r"action_items\[0\]: unknown key 'topik'",
        ),
        (
            {"expect": [{"emergency": {"kind": "medical", "cat": "x"}}]},
            r"emergency: unknown key 'cat'",
        ),
        ({"expect": [{"waitlist": "soon"}]}, r"expect\[0\]: waitlist must be one of"),
        (
            {"waitlist": [{"phone": "caller", "when": "x", "at": 1}]},
            r"waitlist\[0\]: unknown key 'at'",
        ),
        ({"providers": [{"name": "Dr. A", "hour": "x"}]}, r"providers\[0\]: unknown key 'hour'"),
        (
            {"visit_types": [{"name": "A", "minutes": 30, "length": 3}]},
            r"visit_types\[0\]: unknown key 'length'",
        ),
        (
            {"closures": [{"from": "2026-03-05", "until": "x"}]},
            r"closures\[0\]: unknown key 'until'",
        ),
        ({"profile": {"adress": "x"}}, r"profile\.adress: Extra inputs are not permitted"),
        (
            {"forbidden_tools": [{"name": "x", "arg": {}}]},
            r"forbidden_tools\[0\]: unknown key 'arg'",
        ),
    ],
)
def test_unknown_keys_are_named_with_where(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(call(["Hi."], [["Hello."]], **change))


def test_an_unknown_key_on_a_line_is_named() -> None:
    data = call([{"say": "Hi.", "then_sya": ["x"]}], [["Hello."]])
    with pytest.raises(ScenarioError, match=r"lines\[0\]: unknown key 'then_sya' \(known here: "):
        parse_scenario(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"visit_types": [{"name": "A", "minutes": 30, "providers": ["Dr. Nobody"]}]},
            "'Dr. Nobody' is not in `providers`",
        ),
        (
            {"providers": [{"name": "Dr. A", "hours": "nine to five"}]},
            r"providers\[0\]: hours: Working hours look like",
        ),
        ({"closures": [{"from": "2026-03-05T13:00"}]}, "needs `to`"),
        ({"closures": [{"from": "2026-03-06", "to": "2026-03-05"}]}, "can't be before"),
        (
            {
                "appointments": [
                    {"phone": "caller", "start": "2026-03-04T10:00", "provider": "Dr. X"}
                ]
            },
            "'Dr. X' is not in `providers`",
        ),
        ({"expect": [{"registered": "maybe"}]}, "true, false, pending or confirmed"),
        ({"expect": [{"ended_by": "nobody"}]}, "caller or aida"),
        ({"expect": [{"transferred": "yes"}]}, "true, false or attempted"),
        ({"expect": [{"emergency": "fire"}]}, "medical, self_harm or none"),
        ({"expect": [{"ended_by": "aida"}, {"ended_by": "aida"}]}, "give it once"),
        ({"expect": [{"preferences": []}]}, "give `none`"),
        ({"profile": {"hours": {"mon": "17:00-09:00"}}}, "profile.hours"),
    ],
)
def test_bad_values_say_what_is_wrong(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(call(["Hi."], [["Hello."]], **change))
