"""Request topics in the reader's language.

A business keeps its topics as lines of text in the module's settings, and each request keeps the line it
was sent with. The lines that come from a default (the module's own or an industry template's) are stored
as their English source, so every reader sees them in their own language: customers in the form and in
their requests, staff in the queue and in the settings form. Lines the business typed itself are shown
exactly as typed. Schemas made before this worked the same way already (their defaults were copied in
English), so nothing needs migrating.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.translation import gettext, override

import verticals

from .module import DEFAULT_TOPICS

MAX_LENGTH = 100


def lines(text: str | None) -> list[str]:
    """The topics of a setting: one per line, trimmed, blanks and repeats dropped."""
    topics: list[str] = []
    for line in (text or "").splitlines():
        topic = line.strip()[:MAX_LENGTH]
        if topic and topic not in topics:
            topics.append(topic)
    return topics


@functools.cache
def default_topics() -> frozenset[str]:
    """Every topic a default brings: the module's own and each industry template's (English sources)."""
    found = set(lines(DEFAULT_TOPICS))
    for vertical in verticals.VERTICALS.values():
        found.update(lines(str(vertical.default_settings.get("support", {}).get("topics") or "")))
    return frozenset(found)


def label(topic: str) -> str:
    """How the reader sees a topic: a default one in the active language, the business's own as typed."""
    return gettext(topic) if topic in default_topics() else topic


@functools.cache
def _sources() -> dict[str, str]:
    """A default topic as any language shows it (case-insensitive) → its English source."""
    found: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            for topic in default_topics():
                found.setdefault(gettext(topic).casefold(), topic)
    for topic in default_topics():
        found[topic.casefold()] = topic
    return found


def source_of(topic: str) -> str:
    """The stored form of a topic someone typed or picked: a default topic as any of the platform's languages
    shows it becomes its English source; any other text stays as it is."""
    return _sources().get(topic.strip().casefold(), topic.strip())


def for_editing(text: str | None) -> str:
    """The stored setting as the settings form shows it: default topics in the editor's language."""
    return "\n".join(label(topic) for topic in lines(text))


def from_editing(text: str | None) -> str:
    """What the settings form sends, as it is stored: a line that reads as a default topic in any of the
    platform's languages becomes that topic's source again, so other readers still see it in theirs."""
    return "\n".join(lines("\n".join(source_of(topic) for topic in lines(text))))
