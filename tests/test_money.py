from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from cabinet.money import format_money

NBSP = "\u00a0"


@pytest.mark.parametrize(("language", "currency", "expected"), [
    # CLDR's own symbols and patterns: English has no short symbol for the hryvnia or the rouble, Ukrainian
    # writes the euro and the dollar by their codes.
    ("en", "UAH", "UAH1,234,567.50"), ("en", "RUB", "RUB1,234,567.50"), ("en", "EUR", "€1,234,567.50"),
    ("en", "USD", "$1,234,567.50"),
    ("ru", "UAH", f"1{NBSP}234{NBSP}567,50{NBSP}₴"), ("ru", "RUB", f"1{NBSP}234{NBSP}567,50{NBSP}₽"),
    ("ru", "EUR", f"1{NBSP}234{NBSP}567,50{NBSP}€"), ("ru", "USD", f"1{NBSP}234{NBSP}567,50{NBSP}$"),
    ("uk", "UAH", f"1{NBSP}234{NBSP}567,50{NBSP}₴"), ("uk", "RUB", f"1{NBSP}234{NBSP}567,50{NBSP}RUB"),
    ("uk", "EUR", f"1{NBSP}234{NBSP}567,50{NBSP}EUR"), ("uk", "USD", f"1{NBSP}234{NBSP}567,50{NBSP}USD"),
])
def test_money_is_formatted_per_language_by_cldr(language, currency, expected):
    from babel.numbers import format_currency

    with translation.override(language):
        assert format_money(Decimal("1234567.5"), currency) == expected
    # exactly Babel's answer for the language (the active one, or the one asked for)
    assert format_money(Decimal("1234567.5"), currency, language) == format_currency(
        Decimal("1234567.50"), currency, locale=language)


def test_money_follows_regional_variants_and_falls_back_for_unknown_languages():
    assert format_money("5", "USD", "en-gb") == "US$5.00"
    with translation.override("ru"):
        assert format_money("5", "EUR", "xx") == f"5,00{NBSP}€"  # unknown: the active language


def test_negative_amounts_carry_the_typographic_minus():
    assert format_money("-5", "EUR", "en") == "−€5.00"
    assert format_money(Decimal("-1234.5"), "UAH", "uk") == f"−1{NBSP}234,50{NBSP}₴"
    assert format_money("-0.001", "EUR", "en") == "€0.00"  # rounds to nothing: no sign


def test_ints_and_numeric_strings_are_money_too():
    assert format_money(12, "EUR", "en") == "€12.00"
    assert format_money("12.345", "EUR", "en") == "€12.35"


def test_money_rounds_half_up_and_keeps_the_sign():
    assert format_money("0.005", "EUR", "en") == "€0.01"
    assert format_money("-3", "RUB", "ru") == "−3,00\u00a0₽"


@pytest.mark.parametrize("bad", [1.5, "abc", None, "NaN", "Infinity"])
def test_money_refuses_floats_and_garbage(bad):
    with pytest.raises((TypeError, ValueError)):
        format_money(bad, "USD", "en")


def test_money_refuses_unknown_currency():
    with pytest.raises(ValueError, match="unsupported currency"):
        format_money("1", "XYZ", "en")


def test_template_filter_formats_for_the_active_language():
    template = Template("{% load portal %}{{ amount|money:'USD' }}")
    with translation.override("ru"):
        assert template.render(Context({"amount": Decimal("1500")})) == "1\u00a0500,00\u00a0$"


def test_pager_links_keep_the_filters_and_set_only_the_page():
    from django.core.paginator import Paginator
    from django.test import RequestFactory

    request = RequestFactory().get("/catalog/", {"q": "tea & cups", "category": "drinks", "page": "2"})
    page = Paginator(range(100), 10).get_page(2)
    with translation.override("en"):
        html = Template('{% include "includes/pager.html" %}').render(Context({"request": request, "page": page}))
    assert 'href="?q=tea+%26+cups&amp;category=drinks&amp;page=1"' in html
    assert 'href="?q=tea+%26+cups&amp;category=drinks&amp;page=3"' in html
    assert "Page 2 of 10" in html
