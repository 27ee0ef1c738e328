"""The one way Kabinet makes address names (slugs) from titles: readable ASCII, Cyrillic transliterated.

Russian and Ukrainian titles ("Открылся новый SPA-центр", "Їжак і ґанок") become `otkrylsia-novyi-spa-tsentr`
and `izhak-i-ganok`, so a URL never carries characters that a URL pattern, a browser or a mail client may
mangle. Transliteration is python-slugify's (text-unidecode); every model that makes a slug calls this module.
"""

from __future__ import annotations

from django.db.models import QuerySet
from slugify import slugify as _library_slugify


def slugify(text: str | None, *, max_length: int = 100, fallback: str = "item") -> str:
    """An ASCII slug of `text`; `fallback` when nothing readable is left (an emoji-only title, say)."""
    slug = _library_slugify(text or "", max_length=max_length, word_boundary=True, save_order=True)
    return slug or _library_slugify(fallback, max_length=max_length) or "item"


def unique_slug(text: str | None, queryset: QuerySet, *, field: str = "slug", exclude_pk=None,
                max_length: int = 100, fallback: str = "item") -> str:
    """`slugify(text)`, made unique within `queryset` by a suffix -2, -3…; the suffix keeps within max_length."""
    base = slugify(text, max_length=max_length - 4, fallback=fallback)
    others = queryset.exclude(pk=exclude_pk) if exclude_pk is not None else queryset
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
