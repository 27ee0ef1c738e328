"""Stage names in the reader's language, the way topics are (support.topics).

A business types the stages of a topic one per line on the manage area's "Stages" page. A line that reads as
one of the stages the platform brings (STAGE_NAMES, in any of its languages) is stored as its English source
and shown to every reader in their own language; any other line is shown exactly as typed."""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.translation import gettext, gettext_noop, override

from . import topics

MAX_LENGTH = 100
MAX_STAGES = 20

# The stages demo content and businesses most often use; translated for every reader.
STAGE_NAMES = (
    gettext_noop("Received"), gettext_noop("Measured"), gettext_noop("In production"), gettext_noop("Installed"),
    gettext_noop("Being picked"), gettext_noop("Shipped"), gettext_noop("Delivered"),
    gettext_noop("Under review"), gettext_noop("Settled"),
    gettext_noop("Technician on the way"), gettext_noop("Repaired"),
    gettext_noop("Sample taken"), gettext_noop("In the laboratory"), gettext_noop("Results ready"),
    gettext_noop("In progress"), gettext_noop("Done"),
)


def label(name: str) -> str:
    return gettext(name) if name in STAGE_NAMES else name


@functools.cache
def _sources() -> dict[str, str]:
    found: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            for name in STAGE_NAMES:
                found.setdefault(gettext(name).casefold(), name)
    for name in STAGE_NAMES:
        found[name.casefold()] = name
    return found


def source_of(name: str) -> str:
    return _sources().get(name.strip().casefold(), name.strip())


def from_editing(text: str | None) -> list[str]:
    """The stages a business typed, as stored: one per line, trimmed, repeats dropped, default names as their
    English source."""
    return topics.lines("\n".join(source_of(line) for line in topics.lines(text)))


def for_editing(names: list[str]) -> str:
    return "\n".join(label(name) for name in names)
