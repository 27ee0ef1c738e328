"""English, Russian and Ukrainian: every string of the product is translated, and the compiled
catalogues that ship are the ones in the .po files."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("ru", "uk")
SOURCE_DIRS = ("platform", "tenants", "verticals", "cms", "realtime", "billing")


def catalogues():
    # cms/wagtail_catalogue only fills the gaps of Wagtail's own catalogues, with Wagtail's strings and plural
    # rules; cms/tests/test_wagtail_language.py checks it.
    return sorted(p for d in SOURCE_DIRS for p in (ROOT / d).rglob("locale/*/LC_MESSAGES/django.po")
                  if "wagtail_catalogue" not in p.parts)


def parse_po(path: Path) -> dict[str, list[str]]:
    """msgid → msgstr forms, with fuzzy entries marked by a None msgid key prefix."""
    entries: dict[str, list[str]] = {}
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        fuzzy = re.search(r"^#,.*\bfuzzy\b", block, re.M) is not None
        msgctxt = _field(block, "msgctxt")
        msgid = _field(block, "msgid")
        strs = [_field(block, f"msgstr[{i}]") for i in range(4) if f"msgstr[{i}]" in block] or [_field(block, "msgstr")]
        key = (f"{msgctxt}\x04" if msgctxt else "") + (msgid or "")
        entries[("FUZZY:" if fuzzy else "") + key] = strs
    return entries


def _field(block: str, name: str) -> str | None:
    match = re.search(rf'^{re.escape(name)} ((?:".*"\n?)+)', block, re.M)
    if match is None:
        return None
    return _unescape("".join(re.findall(r'"(.*)"', match.group(1))))


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    return re.sub(r'\\(.)', lambda m: ESCAPES.get(m.group(1), m.group(0)), text)


def test_there_are_catalogues_for_every_language():
    found = catalogues()
    assert found
    for language in LANGUAGES:
        assert any(f"/locale/{language}/" in str(p) for p in found), language


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(path):
    entries = parse_po(path)
    assert not [k for k in entries if k.startswith("FUZZY:")], "fuzzy entries (header included) must be reviewed"
    untranslated = [k for k, forms in entries.items() if k and not all(forms)]
    assert not untranslated, f"untranslated in {path}: {untranslated[:10]}"
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: compile the catalogue"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    compiled_ids = {k[0] if isinstance(k, tuple) else k for k in compiled}
    missing = {k for k in entries if k} - compiled_ids
    assert not missing, f"{mo} is older than its .po: {sorted(missing)[:10]}"


def test_every_string_in_the_source_is_in_a_catalogue(tmp_path):
    """Collects the strings afresh (xgettext, like `makemessages`) and checks each one is translated."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: install gettext (.ci/run does)")
    copy = tmp_path / "src"
    for d in SOURCE_DIRS:
        shutil.copytree(ROOT / d, copy / d, ignore=shutil.ignore_patterns("locale", "tests", "__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-location", "--no-wrap",
                    "--ignore", "helm"], cwd=copy, check=True, capture_output=True,
                   env={"SECRET_KEY": "x", "PATH": "/usr/bin:/bin", "PYTHONPATH": f"{copy}:{copy / 'platform'}",
                        "DJANGO_SETTINGS_MODULE": "cabinet.settings"})
    wanted = set()
    for po in copy.rglob("locale/ru/LC_MESSAGES/django.po"):
        wanted |= {k for k in parse_po(po) if k and not k.startswith("FUZZY:")} | {
            k[len("FUZZY:"):] for k in parse_po(po) if k.startswith("FUZZY:") and k != "FUZZY:"}
    assert wanted, "no strings collected"
    for language in LANGUAGES:
        have = set()
        for path in catalogues():
            if f"/locale/{language}/" in str(path):
                have |= {k for k, forms in parse_po(path).items() if k and all(forms)}
        missing = sorted(wanted - have)
        assert not missing, f"{len(missing)} strings without a {language} translation, e.g. {missing[:8]}"


# --- the quality of the translations ----------------------------------------------------------------------

PLURAL_FORMS = ("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 "
                ": 2);")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]*\}")
# Latin words a translation may carry although its English source does not: names, not English text.
NAMES = {"API"}


def entries_of(language: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Every catalogue of one language: source string (context\\x04msgid) → {catalogue: its translation}.
    Django merges the catalogues of all apps into one per language, so the portal reads them as one."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for path in catalogues():
        if f"/locale/{language}/" not in str(path):
            continue
        app = str(path.relative_to(ROOT)).split("/locale/")[0]
        for key, forms in parse_po(path).items():
            if key and not key.startswith("FUZZY:"):
                found.setdefault(key, {})[app] = tuple(forms)
    return found


def _msgid(key: str) -> str:
    return key.split("\x04", 1)[-1]


def _plural_sources(path: Path) -> dict[str, str]:
    """msgid → msgid_plural of the plural entries of a catalogue."""
    text = path.read_text(encoding="utf-8")
    return {_field(block, "msgid"): _field(block, "msgid_plural") for block in text.split("\n\n")
            if "msgid_plural" in block and not block.lstrip().startswith("#~")}


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_plural_forms_are_the_three_of_russian_and_ukrainian(path):
    """Russian and Ukrainian have three forms (1 / 2–4 / 5–20), and every plural entry gives all three."""
    header = parse_po(path)[""][0]
    assert f"Plural-Forms: {PLURAL_FORMS}\n" in header, f"{path}: the Plural-Forms header must be {PLURAL_FORMS}"
    with path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert [compiled.plural(n) for n in (1, 21, 2, 4, 22, 5, 11, 12, 14, 111, 25, 0)] == [0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2]
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "msgid_plural" in block and not block.lstrip().startswith("#~"):
            forms = re.findall(r"^msgstr\[(\d)\]", block, re.M)
            assert forms == ["0", "1", "2"], f"{path}: {_field(block, 'msgid')!r} has the forms {forms}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language):
    plural_sources = {}
    for path in catalogues():
        plural_sources.update(_plural_sources(path))
    wrong = []
    for key, by_catalogue in entries_of(language).items():
        msgid = _msgid(key)
        wanted = sorted(PLACEHOLDER.findall(plural_sources.get(msgid) or msgid))
        for forms in by_catalogue.values():
            wrong += [(msgid, form) for form in forms if sorted(PLACEHOLDER.findall(form)) != wanted]
    assert not wrong, f"{language}: placeholders lost or added: {wrong[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_is_left_in_the_translations(language):
    """A Latin word in a translation must come from its source (a name, a code, a format like CSV)."""
    left = []
    for key, by_catalogue in entries_of(language).items():
        source = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", PLACEHOLDER.sub(" ", _msgid(key))))
        for forms in by_catalogue.values():
            for form in forms:
                words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", PLACEHOLDER.sub(" ", re.sub(r"<[^>]*>", " ", form))))
                if words - source - NAMES or "e-mail" in form.lower() or (form == _msgid(key) and len(source) > 1
                                                                           and re.search("[a-z]{3} [a-z]{3}", form)):
                    left.append((_msgid(key), form))
    assert not left, f"{language}: English left: {left[:8]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_source_string_has_one_translation_in_every_catalogue(language):
    """Django merges the catalogues of one language and the first app's translation wins: a source string
    translated differently in two catalogues is shown with one of them everywhere, silently. Where the
    same English means two things, the source gives it a context (pgettext, {% translate … context … %})."""
    differing = {_msgid(key): by_catalogue for key, by_catalogue in entries_of(language).items()
                 if len(set(by_catalogue.values())) > 1}
    assert not differing, f"{language}: one source string, several translations: {differing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_different_source_strings_do_not_share_a_translation(language):
    """Across every catalogue of the language (one page shows strings of several apps), two different source
    strings with the same translation must be listed in tests/translation_shared.py with the reason."""
    from tests.translation_shared import INTENDED

    allowed = [set(strings) for strings, _reason in INTENDED]
    assert all(len(strings) >= 2 and reason for strings, reason in INTENDED)
    by_translation: dict[tuple[str, ...], set[str]] = {}
    for key, by_catalogue in entries_of(language).items():
        for forms in set(by_catalogue.values()):
            by_translation.setdefault(forms, set()).add(key)
    unexplained = []
    for forms, keys in by_translation.items():
        for a in keys:
            for b in keys:
                if a < b and not any({a, b} <= group for group in allowed):
                    unexplained.append((a.replace("\x04", "|"), b.replace("\x04", "|"), forms[0]))
    assert not unexplained, (f"{language}: different source strings share a translation (fix one, give it a "
                             f"context, or list the pair in tests/translation_shared.py): {sorted(unexplained)}")


def test_every_intended_pair_still_shares_its_translation():
    """The allow-list stays honest: a listed set whose strings no longer share one translation in any
    language (or that no longer exist) is taken off it."""
    from tests.translation_shared import INTENDED

    translations = {language: {key: set(by_catalogue.values()) for key, by_catalogue in entries_of(language).items()}
                    for language in LANGUAGES}

    def shared_in(language: str, strings: tuple[str, ...]) -> bool:
        found = [translations[language].get(s) for s in strings]
        return all(found) and len({frozenset(f) for f in found}) == 1

    stale = [strings for strings, _reason in INTENDED if not any(shared_in(lang, strings) for lang in LANGUAGES)]
    assert not stale, f"listed as sharing a translation, but they do not: {stale}"


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", {"View portal": "Открыть портал", "Your portal:": "Ваш портал:", "Preview": "Предпросмотр",
            "Change the template": "Сменить шаблон", "Access": "Доступ",
            "Also switch modules to the template's set": "Также переключить модули на набор шаблона"}),
    ("uk", {"View portal": "Відкрити портал", "Your portal:": "Ваш портал:", "Preview": "Попередній перегляд",
            "Change the template": "Змінити шаблон", "Access": "Доступ",
            "Also switch modules to the template's set": "Також перемкнути модулі на набір шаблону"}),
])
def test_the_strings_that_said_the_opposite_now_say_what_they_mean(language, expected):
    """What Django itself shows (all catalogues merged), for the strings the issue named."""
    from django.utils import translation

    with translation.override(language):
        assert {source: translation.gettext(source) for source in expected} == expected
