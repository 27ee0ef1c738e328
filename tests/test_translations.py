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
    return sorted(p for d in SOURCE_DIRS for p in (ROOT / d).rglob("locale/*/LC_MESSAGES/django.po"))


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
