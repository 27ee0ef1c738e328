"""The Wagtail admin speaks Russian and Ukrainian wherever the news editors go.

Wagtail's own Ukrainian catalogue lacks about a third of its admin strings (the dashboard's counters among
them), so they fell back to English. `cms/wagtail_catalogue/locale` fills every gap in the parts of the admin
the editors use; this test fails after a Wagtail upgrade that brings new untranslated strings, and lists them.
"""

import re
from pathlib import Path

import pytest
import wagtail

from tests.test_translations import SOURCE_DIRS, _field, parse_po

WAGTAIL = Path(wagtail.__file__).parent
OURS = Path(__file__).resolve().parents[2]
APPS = ("admin", "", "images", "users", "documents")
# Parts of the admin no editor of news reaches (no workflows, snippets, sites, redirects or reports are set up
# for them), by where Wagtail's catalogue says the string is used.
NOT_REACHED = ("reports", "workflow", "notifications", "api", "snippets", "sites/", "collections", "redirects",
               "bulk_action", "generic/usage", "locales", "tasks", "task_", "contrib", "upgrade_notification",
               "whats_new", "privacy", "confirm_external", "views/generic/models.py")


def blocks(path: Path):
    """(key as parse_po makes it, msgid_plural, where Wagtail uses it) of each entry of a catalogue."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        context, msgid = _field(block, "msgctxt"), _field(block, "msgid")
        if not msgid:
            continue
        places = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
        yield (f"{context}\x04" if context else "") + msgid, _field(block, "msgid_plural") or "", places


def translated(path: Path) -> set[str]:
    return {key for key, forms in parse_po(path).items() if key and all(forms)} if path.exists() else set()


def our_translations(language: str, domain: str) -> set[str]:
    have = set()
    for folder in SOURCE_DIRS:
        for path in (OURS / folder).rglob(f"locale/{language}/LC_MESSAGES/{domain}.po"):
            have |= translated(path)
    return have


@pytest.mark.parametrize("domain", ["django", "djangojs"])
@pytest.mark.parametrize("language", ["ru", "uk"])
def test_every_admin_string_the_editors_see_is_translated(language, domain):
    ours = our_translations(language, domain)
    missing = []
    for app in APPS:
        english = WAGTAIL / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not english.exists():
            continue
        wagtails = translated(WAGTAIL / app / "locale" / language / "LC_MESSAGES" / f"{domain}.po")
        for key, _plural, places in blocks(english):
            if key in wagtails or key in ours or any(part in places for part in NOT_REACHED):
                continue
            missing.append(key)
    assert not missing, (f"{len(missing)} Wagtail strings have no {language} translation; add them to "
                         f"cms/wagtail_catalogue/locale/{language}/LC_MESSAGES/{domain}.po: {missing[:10]}")


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_the_complement_keeps_wagtails_placeholders():
    for path in (OURS / "cms" / "wagtail_catalogue" / "locale").rglob("*.po"):
        translations = parse_po(path)
        for key, plural, _places in blocks(path):
            allowed = set(PLACEHOLDER.findall(key)) | set(PLACEHOLDER.findall(plural))
            for form in translations[key]:
                assert form and set(PLACEHOLDER.findall(form)) <= allowed, (key, form)
