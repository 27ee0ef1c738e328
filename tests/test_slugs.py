"""The one slug function: Cyrillic (Russian and Ukrainian) transliterated, unique within a queryset."""

import pytest
from django_tenants.utils import tenant_context

from cabinet.slugs import slugify, unique_slug


@pytest.mark.parametrize(("title", "slug"), [
    ("Открылся новый SPA-центр", "otkrylsia-novyi-spa-tsentr"),
    ("Їжак і ґанок, є!", "izhak-i-ganok-ie"),
    ("Щука и ёж", "shchuka-i-ezh"),
    ("Summer menu 2026", "summer-menu-2026"),
])
def test_titles_become_readable_ascii(title, slug):
    assert slugify(title) == slug


def test_nothing_readable_falls_back():
    assert slugify("🙂 ✨", fallback="article") == "article"
    assert slugify(None) == "item"


def test_length_is_bounded_on_a_word():
    slug = slugify("Очень длинный заголовок " * 20, max_length=40)
    assert len(slug) <= 40 and not slug.endswith("-")


def test_unique_within_queryset(alpha):
    from cabinet.accounts.models import CustomerGroup

    with tenant_context(alpha):
        queryset = CustomerGroup.objects.all()
        first = unique_slug("Оптовики", queryset, field="key", fallback="group")
        CustomerGroup.objects.create(key=first, name="Оптовики")
        second = unique_slug("Оптовики", queryset, field="key", fallback="group")
        assert (first, second) == ("optoviki", "optoviki-2")
