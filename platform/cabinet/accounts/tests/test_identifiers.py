import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings

from cabinet.accounts.identifiers import canonical_identifier, normalise_phone
from cabinet.accounts.throttling import client_ip


@pytest.mark.parametrize(("raw", "expected"), [
    ("+380501234567", "+380501234567"),
    ("+380 50 123 45 67", "+380501234567"),
    ("+38 (050) 123-45-67", "+380501234567"),
    ("00380501234567", "+380501234567"),
    ("+1 415.555.2671", "+14155552671"),
    ("  +7 912 345 67 89 ", "+79123456789"),
])
def test_phone_numbers_are_normalised_to_e164(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("0501234567", "no_country_code"),
    ("380501234567", "no_country_code"),
    ("+12345", "invalid_phone"),
    ("+1234567890123456", "invalid_phone"),
    ("+38050abc4567", "invalid_phone"),
    ("call me", "invalid_phone"),
    ("+0501234567", "invalid_phone"),
    ("", "invalid_phone"),
])
def test_garbage_phone_numbers_are_refused_with_a_message(raw, code):
    with pytest.raises(ValidationError) as caught:
        normalise_phone(raw)
    assert caught.value.code == code
    assert caught.value.messages[0]


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
