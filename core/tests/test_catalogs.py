"""The French, Russian and Arabic catalogs are complete: every entry translated, none fuzzy, each
placeholder kept, plural forms as the language has them, and nothing marked in the source missing
from them (the source is extracted afresh into a copy of the project)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from conftest import load_catalog_tools

ROOT = Path(__file__).resolve().parents[2]
catalogs = load_catalog_tools()


@pytest.mark.parametrize("language", catalogs.LANGUAGES)
@pytest.mark.parametrize("domain", catalogs.DOMAINS)
def test_every_entry_is_translated_not_fuzzy_and_keeps_its_placeholders(language, domain):
    assert catalogs.problems(language, domain) == []


def test_the_checker_catches_what_it_is_for(tmp_path, monkeypatch):
    po = tmp_path / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "%(n)s days"\nmsgstr "%(count)s jours"\n\n'
        '#, fuzzy\nmsgid "Hello"\nmsgstr "Bonjour"\n\n'
        'msgid "Bye"\nmsgstr ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(catalogs, "LOCALE", tmp_path)
    found = " ".join(catalogs.problems("fr", "django"))
    assert "placeholders" in found and "fuzzy" in found and "untranslated" in found


def test_applying_a_translation_clears_fuzzy_and_finds_the_entry_without_context(tmp_path, monkeypatch):
    po = tmp_path / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n"Language: fr\\n"\n\n'
        '#: a.py\n#, fuzzy\n#| msgid "Hours"\nmsgid "Hours x"\nmsgstr "Heures"\n\n'
        '#: b.py\n#, fuzzy, python-format\n#| msgid "%(n)s a"\nmsgid "%(n)s b"\nmsgstr "%(n)s a"\n\n'
        'msgid "AM"\nmsgstr ""\n\nmsgctxt "account manager"\nmsgid "AM"\nmsgstr "GC"\n',
        encoding="utf-8",
    )
    source = tmp_path / "fr.tsv"
    source.write_text("'Hours x'\tHeures x\n'%(n)s b'\t%(n)s b fr\nAM\tmatin\n", encoding="utf-8")
    monkeypatch.setattr(catalogs, "LOCALE", tmp_path)
    assert catalogs.apply("fr", source) == 3
    text = po.read_text(encoding="utf-8")
    assert "fuzzy" not in text and "#|" not in text and "\n#\n" not in text
    assert "#: b.py\n#, python-format\nmsgid" in text and catalogs.problems("fr", "django") == []
    assert 'msgid "AM"\nmsgstr "matin"' in text and 'msgid "AM"\nmsgstr "GC"' in text  # bare msgid: no context


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext")
def test_nothing_marked_in_the_source_is_missing_from_the_catalogs(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "staticfiles", "node_modules", "*.mo", "__pycache__", "*.sqlite3"
        ),
    )
    base = [sys.executable, "manage.py", "makemessages", "-l", "fr", "-l", "ru", "-l", "ar", "--no-wrap", "-v0"]
    ignore = ["--ignore=bench", "--ignore=*/tests/*", "--ignore=staticfiles"]
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", "PATH": "/usr/bin:/bin"}
    for extra in ([], ["-d", "djangojs", "--ignore=static/vendor"]):
        subprocess.run([*base, *ignore, *extra], cwd=copy, env=env, check=True, capture_output=True)
    monkeypatch_locale = catalogs.LOCALE
    try:
        catalogs.LOCALE = copy / "locale"
        missing = [p for lang in catalogs.LANGUAGES for d in catalogs.DOMAINS for p in catalogs.problems(lang, d)]
    finally:
        catalogs.LOCALE = monkeypatch_locale
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing[:40])


def test_am_means_account_manager_not_the_morning():
    for language, expected in (("fr", "GC"), ("ru", "АМ"), ("ar", "مدير الحساب")):
        with translation.override(language):
            assert pgettext("account manager", "AM") == expected
            assert gettext("AM") != expected  # Django's own "AM" (the time of day) is left alone


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "%(n)s день назад"),
        (3, "%(n)s дня назад"),
        (5, "%(n)s дней назад"),
        (21, "%(n)s день назад"),
        (12, "%(n)s дней назад"),
    ],
)
def test_russian_plurals_have_three_forms(n, expected):
    with translation.override("ru"):
        assert ngettext("%(n)s day ago", "%(n)s days ago", n) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "اليوم"),
        (1, "منذ يوم واحد"),
        (2, "منذ يومين"),
        (5, "منذ %(n)s أيام"),
        (11, "منذ %(n)s يومًا"),
        (100, "منذ %(n)s يوم"),
    ],
)
def test_arabic_plurals_have_six_forms(n, expected):
    with translation.override("ar"):
        assert ngettext("%(n)s day ago", "%(n)s days ago", n) == expected


def test_the_pure_python_compiler_writes_what_msgfmt_writes(tmp_path):
    import gettext as gnu

    po = catalogs.catalog("fr")
    ours = tmp_path / "ours.mo"
    shutil.copy(catalogs.compile_mo(po), ours)
    table = gnu.GNUTranslations(ours.open("rb"))._catalog
    assert table["Log out"] == "Se déconnecter"
    assert table["account manager\x04AM"] == "GC"
    if shutil.which("msgfmt"):
        theirs = tmp_path / "theirs.mo"
        subprocess.run(["msgfmt", "-o", theirs, po], check=True)
        reference = gnu.GNUTranslations(theirs.open("rb"))._catalog
        assert {k: v for k, v in table.items() if k} == {k: v for k, v in reference.items() if k}
