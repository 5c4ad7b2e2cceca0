"""Every Norwegian UI string has an English translation, and the compiled catalogues are current.

For each app (and the project level: templates/ and config/) the messages are extracted afresh
with Django's ``makemessages`` from a copy of the sources in a temporary folder, exactly as
``make messages`` would, and compared with the committed ``locale/en/LC_MESSAGES/django.po``:

* every extracted msgid must be in the committed catalogue with a non-empty, non-fuzzy msgstr
  (all plural forms filled, the same %(name)s placeholders as the Norwegian);
* the committed ``django.mo`` must hold exactly the translations of the ``django.po``
  (run ``make messages`` after editing a catalogue).

An app without a catalogue passes only while it has no translatable strings.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(settings.BASE_DIR)
APPS = ("groups", "meetings", "attendance", "whistleblowing")
PROJECT = "project"
# Mirrors the --ignore list of the project-level makemessages in the Makefile.
PROJECT_IGNORED = {*APPS, ".venv", ".tools", "tests", "var", "locale"}
EXTENSIONS = {".py", ".html", ".txt"}  # what makemessages reads for the "django" domain
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]")

Key = tuple[str, str]  # (msgctxt, msgid)


def _source_root(target: str) -> Path:
    return BASE_DIR if target == PROJECT else BASE_DIR / target


def _copy_sources(src: Path, dst: Path, *, top_level_ignored: set[str]) -> None:
    """Copy the files makemessages would read (never a locale folder, never hidden folders)."""
    for dirpath, dirnames, filenames in os.walk(src):
        here = Path(dirpath)
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".")
            and d not in {"locale", "__pycache__", "node_modules"}
            and not (here == src and d in top_level_ignored)
        ]
        for name in filenames:
            if Path(name).suffix in EXTENSIONS and not name.startswith("."):
                target = dst / here.relative_to(src) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, target)


def _extract(target: str, tmp_path: Path) -> dict[Key, polib.POEntry]:
    """Fresh msgids of one app (or the project level), extracted in a scratch copy."""
    work = tmp_path / target
    work.mkdir()
    ignored = PROJECT_IGNORED if target == PROJECT else set()
    _copy_sources(_source_root(target), work, top_level_ignored=ignored)
    (work / "locale").mkdir()
    cwd = Path.cwd()
    os.chdir(work)
    try:
        # No LOCALE_PATHS: everything found lands in the scratch copy's own locale/.
        with override_settings(LOCALE_PATHS=[]):
            call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    po_file = work / "locale" / "en" / "LC_MESSAGES" / "django.po"
    if not po_file.exists():  # xgettext found nothing to translate
        return {}
    return {(e.msgctxt or "", e.msgid): e for e in polib.pofile(str(po_file)) if e.msgid}


def _catalogue(target: str) -> Path:
    return _source_root(target) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _problem(committed: polib.POEntry | None, extracted: polib.POEntry) -> str | None:
    if committed is None or committed.obsolete:
        return "missing from the catalogue"
    if committed.fuzzy:
        return "marked fuzzy"
    if extracted.msgid_plural:
        forms = [committed.msgstr_plural.get(i, "") for i in range(2)]
        if not committed.msgid_plural or not all(forms):
            return "plural forms not all translated"
        allowed = set(PLACEHOLDER.findall(extracted.msgid + extracted.msgid_plural))
        if any(not set(PLACEHOLDER.findall(f)) <= allowed for f in forms):
            return "placeholders differ from the Norwegian"
        return None
    if not committed.msgstr.strip():
        return "no English msgstr"
    if set(PLACEHOLDER.findall(committed.msgstr)) != set(PLACEHOLDER.findall(extracted.msgid)):
        return "placeholders differ from the Norwegian"
    return None


TARGETS = [*APPS, PROJECT]


@pytest.mark.parametrize("target", TARGETS)
def test_every_msgid_has_an_english_translation(target: str, tmp_path: Path) -> None:
    extracted = _extract(target, tmp_path)
    po_path = _catalogue(target)
    if not extracted:
        return  # nothing to translate (yet)
    assert po_path.exists(), (
        f"{target}: {len(extracted)} translatable strings but no {po_path.relative_to(BASE_DIR)}; "
        "run `make messages` and translate them"
    )
    committed = {(e.msgctxt or "", e.msgid): e for e in polib.pofile(str(po_path)) if e.msgid}
    problems = []
    for key, entry in sorted(extracted.items()):
        why = _problem(committed.get(key), entry)
        if why:
            ctx = f" [{key[0]}]" if key[0] else ""
            where = ", ".join(f"{f}:{line}" for f, line in entry.occurrences[:2])
            problems.append(f"  {why}: {key[1]!r}{ctx} ({where})")
    assert not problems, (
        f"{target}: {len(problems)} of {len(extracted)} strings lack a usable English translation "
        f"in {po_path.relative_to(BASE_DIR)} (run `make messages`, translate, compile):\n"
        + "\n".join(problems)
    )


def _mo_entries(mo: polib.MOFile) -> dict[Key, tuple[str, tuple[str, ...]]]:
    """The translations of a compiled catalogue (the header left out)."""
    result: dict[Key, tuple[str, tuple[str, ...]]] = {}
    for e in mo:
        if not e.msgid:
            continue
        if e.msgid_plural:
            forms = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
        else:
            forms = (e.msgstr,)
        result[(e.msgctxt or "", e.msgid)] = (e.msgid_plural or "", forms)
    return result


@pytest.mark.parametrize("target", TARGETS)
def test_compiled_catalogue_matches_po(target: str) -> None:
    po_path = _catalogue(target)
    mo_path = po_path.with_suffix(".mo")
    if not po_path.exists():
        assert not mo_path.exists(), f"{mo_path.relative_to(BASE_DIR)} has no django.po beside it"
        return
    assert mo_path.exists(), f"{mo_path.relative_to(BASE_DIR)} is missing; run `make messages`"
    # Compile the .po in memory (translated, non-fuzzy entries, as msgfmt does) and compare.
    expected = _mo_entries(polib.mofile(polib.pofile(str(po_path)).to_binary()))
    compiled = _mo_entries(polib.mofile(str(mo_path)))
    stale = sorted(
        k[1] for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)
    )
    assert not stale, (
        f"{mo_path.relative_to(BASE_DIR)} is out of date for {len(stale)} strings "
        f"(run `make messages`), e.g. {stale[:5]!r}"
    )
