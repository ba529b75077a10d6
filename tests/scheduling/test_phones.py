import pytest

from aida.errors import InvalidPhone
from aida.scheduling.phones import mask_phone, normalize_phone
from tests.scheduling.helpers import assert_speakable


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+1 212 555 0143", "US", "+12125550143"),
        ("(212) 555-0143", "US", "+12125550143"),
        ("212.555.0143", "US", "+12125550143"),
        ("212-555-0143", "US", "+12125550143"),
        ("2125550143", "US", "+12125550143"),
        ("1 212 555 0143", "US", "+12125550143"),
        ("+12125550143", "GB", "+12125550143"),  # a leading + wins over the region
        ("tel:+1-212-555-0143", "US", "+12125550143"),
        ("  +1 (212) 555-0143  ", "US", "+12125550143"),
        ("two one two five five five oh one four three", "US", "+12125550143"),
        ("plus one two one two, five five five, zero one four three", "US", "+12125550143"),
        ("two one two, double five five, oh one four three", "US", "+12125550143"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("0044 20 7946 0958", "US", "+442079460958"),
        ("(02) 9876 5432", "AU", "+61298765432"),
        ("0412 345 678", "au", "+61412345678"),
        ("+15551234567", "US", "+15551234567"),  # fictional: tests/conftest.py allows them
        ("555-123-4567", "US", "+15551234567"),
    ],
)
def test_normalize_phone_to_e164(raw: str, region: str, e164: str) -> None:
    assert normalize_phone(raw, region) == e164


@pytest.mark.parametrize("raw", ["+15551234567", "555-123-4567", "five five five 123 4567"])
def test_fictional_numbers_only_where_allowed(raw: str) -> None:
    assert normalize_phone(raw, "US", allow_fictional=True) == "+15551234567"
    with pytest.raises(InvalidPhone) as err:
        normalize_phone(raw, "US", allow_fictional=False)
    assert_speakable(err.value.message)


def test_fictional_numbers_default_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLOW_FICTIONAL_NUMBERS")
    with pytest.raises(InvalidPhone):
        normalize_phone("+15551234567")
    # a real number in a 555 exchange is no fiction: always accepted
    assert normalize_phone("(212) 555-0143") == "+12125550143"
    monkeypatch.setenv("ALLOW_FICTIONAL_NUMBERS", "true")
    assert normalize_phone("+15551234567") == "+15551234567"


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("", "US"),
        ("   ", "US"),
        ("hello", "US"),
        ("12345", "US"),
        ("555-0143", "US"),  # no area code
        ("+1 212 555 01439", "US"),  # one digit too many
        ("(112) 555-0143", "US"),  # area codes never start with 1
        ("+999 1234 5678", "US"),  # no such country code
        ("020 7946 095", "GB"),
        ("+1 555 123 456", "US"),  # the demo range still needs ten digits
        ("call me on two one two", "US"),
    ],
)
def test_invalid_numbers_raise_a_speakable_error(raw: str, region: str) -> None:
    with pytest.raises(InvalidPhone) as err:
        normalize_phone(raw, region)
    assert err.value.code == "invalid_phone"
    assert_speakable(err.value.message)


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+12125550143", "+1•••••••0143"),
        ("+15551234567", "+1•••••••4567"),
        ("+442079460958", "+44•••••••0958"),
        ("+61412345678", "+61•••••••5678"),
        ("2125550143", "•••••••0143"),
        ("123", "•••••••"),
        ("", "<none>"),
        (None, "<none>"),
    ],
)
def test_mask_phone_keeps_only_country_code_and_last_four(e164, masked: str) -> None:
    assert mask_phone(e164) == masked


def test_mask_phone_hides_the_length_of_the_number() -> None:
    assert len(mask_phone("+12125550143")) == len(mask_phone("+19175550143"))
    assert "212" not in mask_phone("+12125550143")
