"""The clinic profile: defaults from the configuration only (never an invented fact), hours per
day from the clinic or its providers, staff edits over them, closures as holidays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from aida.calendar.profile import (
    OpenPeriod,
    ProfileEdits,
    build_profile,
    profile_for_call,
    read_edits,
    set_field,
)
from aida.config import Settings
from aida.errors import InvalidRequest
from aida.store.models import Closure, Provider
from aida.store.sqlite import SqliteStore

NY = dt.timezone(dt.timedelta(hours=-5))


def settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **overrides)


def period(a: str, b: str) -> OpenPeriod:
    return OpenPeriod(open=dt.time.fromisoformat(a), close=dt.time.fromisoformat(b))


def test_the_default_holds_only_what_the_clinic_configured() -> None:
    profile = build_profile(settings(clinic_name="Elm Street Clinic"), ProfileEdits())
    assert profile.name == "Elm Street Clinic"
    assert profile.hours["mon"] == [period("09:00", "17:00")]
    assert profile.hours["sat"] == profile.hours["sun"] == []
    # nothing the clinic did not give: no address, parking, insurance, languages or facts
    assert (profile.address, profile.phone, profile.parking) == (None, None, None)
    assert profile.insurance_accepted == profile.languages == profile.what_to_bring == []
    assert profile.known() == {
        "name": "Elm Street Clinic",
        "hours": "Monday to Friday, 9 AM to 5 PM",
    }


def test_hours_come_from_providers_when_the_clinic_has_them() -> None:
    providers = [
        Provider(id="1", name="Dr. Patel", hours="Mon-Fri 08:00-12:00"),
        Provider(id="2", name="Dr. Kim", hours="Tue,Sat 11:00-15:00"),
    ]
    profile = build_profile(settings(), ProfileEdits(), providers)
    assert profile.hours["mon"] == [period("08:00", "12:00")]
    assert profile.hours["tue"] == [period("08:00", "15:00")]  # overlapping spans merge
    assert profile.hours["sat"] == [period("11:00", "15:00")]
    assert profile.hours["sun"] == []
    assert profile.spoken_hours() == (
        "Monday, Wednesday, Thursday and Friday, 8 AM to 12 PM; Tuesday, 8 AM to 3 PM; "
        "Saturday, 11 AM to 3 PM"
    )


def test_staff_edits_override_and_add_facts() -> None:
    edits = read_edits(
        {
            "address": "  12 Main St,\n Springfield ",
            "hours": {"Saturday": "09:00-12:00", "fri": "closed", "mon": "8:00-12:00, 13:00-17:00"},
            "insurance_accepted": "Aetna, Cigna, aetna",
            "languages": ["English", "Spanish"],
            "facts": {"Wifi": "Ask the front desk."},
        }
    )
    profile = build_profile(settings(), edits)
    assert profile.address == "12 Main St, Springfield"
    assert profile.hours["sat"] == [period("09:00", "12:00")]
    assert profile.hours["fri"] == []
    assert profile.hours["mon"] == [period("08:00", "12:00"), period("13:00", "17:00")]
    assert profile.hours["tue"] == [period("09:00", "17:00")]  # not edited: configured
    assert profile.insurance_accepted == ["Aetna", "Cigna"]
    assert profile.facts == {"wifi": "Ask the front desk."}
    assert profile.known()["languages"] == ["English", "Spanish"]
    # only what staff set is stored
    assert edits.stored()["hours"] == {
        "sat": "09:00-12:00",
        "fri": "closed",
        "mon": "08:00-12:00,13:00-17:00",
    }


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"hours": {"funday": "09:00-17:00"}}, "hours"),
        ({"hours": {"mon": "17:00-09:00"}}, "hours"),
        ({"hours": {"mon": "nine to five"}}, "hours"),
        ({"parking": "x" * 400}, "parking"),
        ({"facts": {"!!": "x"}}, "facts"),
        ({"opening_hours": "9-5"}, "opening_hours"),
    ],
)
def test_bad_edits_are_refused_naming_the_field(raw: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        read_edits(raw)
    assert caught.value.message.startswith(field)


def test_set_field_as_typed_in_a_shell() -> None:
    edits = set_field(ProfileEdits(), "address", "12 Main St")
    edits = set_field(edits, "hours.sat", "09:00-12:00")
    edits = set_field(edits, "facts.fax", "555-0100")
    edits = set_field(edits, "insurance_accepted", "Aetna, Cigna")
    assert edits.stored() == {
        "address": "12 Main St",
        "hours": {"sat": "09:00-12:00"},
        "insurance_accepted": ["Aetna", "Cigna"],
        "facts": {"fax": "555-0100"},
    }
    cleared = set_field(set_field(edits, "address", ""), "hours.sat", "")
    assert "address" not in cleared.stored() and "hours" not in cleared.stored()
    with pytest.raises(InvalidRequest, match="No profile field"):
        set_field(edits, "adress", "x")
    with pytest.raises(InvalidRequest, match="hours"):
        set_field(edits, "hours", "09:00-17:00")


def test_closures_are_the_holidays() -> None:
    thanksgiving = Closure(
        id="c1",
        start_time=dt.datetime(2026, 11, 26, 5, 0, tzinfo=dt.UTC),
        end_time=dt.datetime(2026, 11, 27, 5, 0, tzinfo=dt.UTC),
        reason="Thanksgiving",
        all_day=True,
    )
    profile = build_profile(settings(), ProfileEdits(), closures=[thanksgiving])
    (day,) = profile.holidays
    assert (day.first_day, day.last_day) == (dt.date(2026, 11, 26),) * 2
    assert day.spoken == "on Thursday, November 26 for Thanksgiving"
    assert profile.open_on(dt.date(2026, 11, 26)) == []
    assert profile.open_on(dt.date(2026, 11, 25)) == [period("09:00", "17:00")]
    assert profile.closure_on(dt.date(2026, 11, 26)) == day


def test_a_closure_of_some_hours_leaves_the_rest_of_the_day_open() -> None:
    training = Closure(
        id="c2",
        start_time=dt.datetime(2026, 12, 4, 18, 0, tzinfo=dt.UTC),  # 1 PM in New York
        end_time=dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC),  # 3 PM
        reason="Training",
    )
    profile = build_profile(settings(), ProfileEdits(), closures=[training])
    assert profile.open_on(dt.date(2026, 12, 4)) == [
        period("09:00", "13:00"),
        period("15:00", "17:00"),
    ]
    assert profile.closure_on(dt.date(2026, 12, 4)) is not None
    assert profile.open_on(dt.date(2026, 12, 5)) == []  # a Saturday: closed anyway


async def test_profile_for_call_reads_the_store(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "p.db")
    await store.migrate()
    try:
        config = settings()
        now = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
        past = dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.UTC)
        await store.add_closure(past, past + dt.timedelta(days=1), "Gone", all_day=True)
        start = dt.datetime(2026, 11, 26, 5, 0, tzinfo=dt.UTC)
        await store.add_closure(start, start + dt.timedelta(days=1), "Thanksgiving", all_day=True)
        await store.save_clinic_profile({"parking": "Free lot behind the building"}, "cli")
        profile = await profile_for_call(store, config, now)
        assert profile.parking == "Free lot behind the building"
        assert [h.reason for h in profile.holidays] == ["Thanksgiving"]  # past ones left out
    finally:
        await store.close()
