import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings

from cabinet.accounts.identifiers import canonical_identifier, format_phone, normalise_phone, phone_example
from cabinet.accounts.throttling import client_ip


@pytest.mark.parametrize(("raw", "country", "expected"), [
    ("+380501234567", "RU", "+380501234567"),
    ("+380 50 123 45 67", "RU", "+380501234567"),
    ("+38 (050) 123-45-67", "RU", "+380501234567"),
    ("00380501234567", "RU", "+380501234567"),
    ("+1 415.555.2671", "RU", "+14155552671"),
    ("  +7 912 345 67 89 ", "UA", "+79123456789"),
    # the business's own country may be written the national way
    ("8 (912) 345-67-89", "RU", "+79123456789"),
    ("912 345 67 89", "RU", "+79123456789"),
    ("050 123 45 67", "UA", "+380501234567"),
    ("0301234567", "DE", "+49301234567"),
    # a trunk prefix after the country code is dropped
    ("+7 8 912 345 67 89", "RU", "+79123456789"),
])
def test_phone_numbers_are_read_for_the_country_and_kept_in_e164(raw, country, expected):
    assert normalise_phone(raw, country) == expected


@pytest.mark.parametrize(("raw", "country"), [
    ("0501234567", "RU"),  # a Ukrainian national number means nothing in Russia
    ("380501234567", "RU"),
    ("8 912 345 67 89", "UA"),
    ("+12345", "RU"),
    ("+12345678", "RU"),  # passed the old "+ and 8–15 digits" rule; no such number exists
    ("+1 123 456 7890", "RU"),
    ("+1234567890123456", "RU"),
    ("+38050abc4567", "RU"),
    ("call me", "RU"),
    ("+0501234567", "RU"),
    ("", "RU"),
    ("+" + "1" * 60, "RU"),
])
def test_invalid_phone_numbers_are_refused_with_a_message_naming_an_example(raw, country):
    with pytest.raises(ValidationError) as caught:
        normalise_phone(raw, country)
    assert caught.value.code == "invalid_phone"
    assert phone_example(country) in caught.value.messages[0]


@pytest.mark.parametrize(("stored", "country", "shown"), [
    ("+79123456789", "RU", "8 (912) 345-67-89"),
    ("+380501234567", "RU", "+380 50 123 4567"),
    ("+380501234567", "UA", "050 123 4567"),
    ("+79123456789", "UA", "+7 912 345-67-89"),
    ("+12345678", "RU", "+12345678"),  # an old number libphonenumber does not know is shown as stored
    ("", "RU", ""),
    (None, "RU", ""),
])
def test_numbers_are_shown_national_at_home_and_international_otherwise(stored, country, shown):
    assert format_phone(stored, country) == shown


@pytest.mark.parametrize(("raw", "expected"), [
    (" Customer@Alpha.TEST ", "customer@alpha.test"),
    ("+38 050 123 45 67", "+380501234567"),
    ("CT-1001", "ct-1001"),
])
def test_identifiers_have_one_spelling_for_throttling(raw, expected):
    assert canonical_identifier(raw) == expected


def test_client_ip_is_the_connection_without_trusted_proxies():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"  # a forged header is ignored


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_behind_one_proxy_is_the_address_the_proxy_saw():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_client_ip_behind_two_proxies_and_a_short_header_falls_back_to_the_connection():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1")
    assert client_ip(request) == "198.51.100.7"
    short = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(short) == "10.0.0.2"
