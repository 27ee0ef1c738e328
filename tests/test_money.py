from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from cabinet.money import format_money


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "₴1,234,567.50"), ("ru", "1\u00a0234\u00a0567,50\u00a0₴"), ("uk", "1\u00a0234\u00a0567,50\u00a0₴"),
])
def test_money_is_formatted_per_language(language, expected):
    with translation.override(language):
        assert format_money(Decimal("1234567.5"), "UAH") == expected


def test_money_rounds_half_up_and_keeps_the_sign():
    assert format_money("0.005", "EUR", "en") == "€0.01"
    assert format_money("-3", "RUB", "ru") == "−3,00\u00a0₽"


@pytest.mark.parametrize("bad", [1.5, "abc", None])
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
