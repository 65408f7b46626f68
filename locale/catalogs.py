"""The message catalogs' small toolbox (no polib: the standard library and gettext's tools).

    python locale/catalogs.py untranslated [fr ru ar]   # what still needs a translator, numbered
    python locale/catalogs.py apply LANG FILE           # write translations from FILE into LANG
    python locale/catalogs.py check                     # what core/tests/test_catalogs.py enforces
    python locale/catalogs.py compile                   # .po -> .mo in pure Python (no gettext)

FILE holds one entry per line: `<key>\t<translation>`, the key being the entry's number as
`untranslated` prints it (`fr:django:598`, valid until the next `make messages`) or its exact
msgid; so a copy of `make messages`' .untranslated.txt with each English text replaced works. Plural forms
are separated by ` || ` in the order of the language's Plural-Forms. Applying clears `fuzzy`.
"""

from __future__ import annotations

import ast
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCALE = Path(__file__).resolve().parent
LANGUAGES = ("fr", "ru", "ar")
DOMAINS = ("django", "djangojs")
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
}
NPLURALS = {"fr": 2, "ru": 3, "ar": 6}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    obsolete: bool = False

    @property
    def fuzzy(self) -> bool:
        return any(c.startswith("#,") and "fuzzy" in c for c in self.comments)

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and not self.fuzzy

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt else self.msgid


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def parse(path: Path) -> list[Entry]:
    entries, current, field_name, buffer = [], Entry(), None, []
    seen_msgid = False

    def flush_field():
        nonlocal field_name, buffer
        if field_name is None:
            return
        value = _unquote(buffer)
        if field_name == "msgctxt":
            current.msgctxt = value
        elif field_name == "msgid":
            current.msgid = value
        elif field_name == "msgid_plural":
            current.msgid_plural = value
        else:
            index = int(field_name[7:-1]) if field_name.startswith("msgstr[") else 0
            while len(current.msgstr) <= index:
                current.msgstr.append("")
            current.msgstr[index] = value
        field_name, buffer = None, []

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush_field()
            if current.msgid or current.msgstr != [""] or current.comments:
                entries.append(current)
            current, seen_msgid = Entry(), False
            continue
        if line.startswith("#~"):
            current.obsolete = True
            current.comments.append(raw)
            continue
        if line.startswith("#"):
            flush_field()
            if seen_msgid:  # a new entry without a blank line before it (makemessages' djangojs)
                entries.append(current)
                current, seen_msgid = Entry(), False
            current.comments.append(raw)
            continue
        if line.startswith('"'):
            buffer.append(line)
            continue
        flush_field()
        name, _, rest = line.partition(" ")
        field_name, buffer = name, [rest]
        seen_msgid = seen_msgid or name == "msgid"
    return entries


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{escaped}"'


def _field(name: str, text: str) -> list[str]:
    if "\\n" in _quote(text)[1:-1][:-2]:
        parts = re.split(r"(?<=\n)", text)
        return [f'{name} ""'] + [_quote(p) for p in parts if p]
    return [f"{name} {_quote(text)}"]


def render(entries: list[Entry]) -> str:
    blocks = []
    for e in entries:
        if e.obsolete:
            blocks.append("\n".join(e.comments))
            continue
        lines = list(e.comments)
        if e.msgctxt is not None:
            lines += _field("msgctxt", e.msgctxt)
        lines += _field("msgid", e.msgid)
        if e.msgid_plural is not None:
            lines += _field("msgid_plural", e.msgid_plural)
            for i, text in enumerate(e.msgstr):
                lines += _field(f"msgstr[{i}]", text)
        else:
            lines += _field("msgstr", e.msgstr[0])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def catalog(language: str, domain: str = "django") -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.msgid and not e.obsolete]


def fix_header(language: str, entries: list[Entry]) -> None:
    """Our plural rules (Django's own catalogs' for fr/ru; CLDR's six forms for Arabic), and the
    number of msgstr forms each plural entry needs under them."""
    header = entries[0]
    header.msgstr[0] = re.sub(r"Plural-Forms: [^\n]*\n", f"Plural-Forms: {PLURAL_FORMS[language]}\n", header.msgstr[0])
    header.comments = [c for c in header.comments if "fuzzy" not in c]
    header.msgstr[0] = re.sub(r"Language: [^\n]*\n", f"Language: {language}\n", header.msgstr[0])
    for e in messages(entries):
        if e.msgid_plural is not None:
            e.msgstr = (e.msgstr + [""] * NPLURALS[language])[: NPLURALS[language]]


def untranslated(languages: list[str]) -> None:
    for language in languages:
        for domain in DOMAINS:
            entries = messages(parse(catalog(language, domain)))
            for number, e in enumerate(entries):
                if not e.translated:
                    shown = e.msgid if e.msgid_plural is None else f"{e.msgid} || {e.msgid_plural}"
                    context = f" [{e.msgctxt}]" if e.msgctxt else ""
                    print(f"{language}:{domain}:{number}\t{shown!r}{context}")


def apply(language: str, source: Path, domain: str = "django") -> int:
    path = catalog(language, domain)
    entries = parse(path)
    fix_header(language, entries)
    numbered = messages(entries)
    # A bare msgid names the entry without a context first ("AM" is not pgettext's "account manager" AM).
    by_key = {e.msgid: e for e in numbered} | {e.key: e for e in numbered}
    written = 0
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip() or "\t" not in line:
            continue
        key, text = line.split("\t", 1)
        key = key.strip()
        if key.startswith(f"{language}:{domain}:"):  # a line of `untranslated`, its text replaced
            key = key.split(":", 2)[2]
        elif key.startswith(f"{domain}:"):
            key = key.split(":", 1)[1]
        entry = numbered[int(key)] if key.isdigit() else by_key.get(ast.literal_eval(key) if key[:1] in "'\"" else key)
        if entry is None:
            print(f"no such entry: {key}", file=sys.stderr)
            continue
        forms = [f.replace("\\n", "\n") for f in text.split(" || ")]
        if entry.msgid_plural is not None and len(forms) != NPLURALS[language]:
            print(f"{language} {key}: {len(forms)} plural forms, need {NPLURALS[language]}", file=sys.stderr)
            continue
        entry.msgstr = forms
        # Not fuzzy any more: no fuzzy flag and no "#|" previous msgid (gettext keeps those for
        # fuzzy entries only), the flags line after the references as gettext orders them.
        # A bare "#, fuzzy" becomes nothing (not a lone "#", which msgmerge keeps as an empty comment).
        flags = [c.replace("fuzzy, ", "").replace(", fuzzy", "") for c in entry.comments if c.startswith("#,")]
        entry.comments = [c for c in entry.comments if not c.startswith(("#,", "#|"))] + [
            c for c in flags if c.strip() not in ("#", "#,", "#, fuzzy")
        ]
        written += 1
    path.write_text(render(entries), encoding="utf-8")
    return written


def problems(language: str, domain: str) -> list[str]:
    found = []
    for e in messages(parse(catalog(language, domain))):
        label = f"{language}/{domain}: {e.msgid[:60]!r}"
        if e.fuzzy:
            found.append(f"{label} is fuzzy")
        if not all(e.msgstr):
            found.append(f"{label} is untranslated")
            continue
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid_plural]
        expected = sorted(set(PLACEHOLDER.findall(sources[0])) | set(PLACEHOLDER.findall(e.msgid)))
        for form in e.msgstr:
            have = sorted(set(PLACEHOLDER.findall(form)))
            # A singular form may drop the number ("one day ago"); it may never invent a placeholder.
            if e.msgid_plural is not None and set(have) <= set(expected):
                continue
            if have != expected:
                found.append(f"{label}: placeholders {have} differ from {expected}")
        if e.msgid_plural is not None and len(e.msgstr) != NPLURALS[language]:
            found.append(f"{label}: {len(e.msgstr)} plural forms, {language} has {NPLURALS[language]}")
    return found


def compile_mo(po: Path) -> Path:
    """GNU .mo from a .po, like msgfmt (fuzzy and empty entries left out, so English shows)."""
    table = {}
    for e in parse(po):
        if e.obsolete or (e.msgid and not e.translated):
            continue
        key = e.key if e.msgid_plural is None else f"{e.key}\x00{e.msgid_plural}"
        table[key.encode()] = "\x00".join(e.msgstr).encode()
    keys = sorted(table)
    count, header = len(keys), 7 * 4
    ids_at, strs_at = header, header + count * 8
    data_at = strs_at + count * 8
    blob, id_index, str_index = b"", [], []
    for key in keys:
        id_index.append((len(key), data_at + len(blob)))
        blob += key + b"\x00"
    for key in keys:
        str_index.append((len(table[key]), data_at + len(blob)))
        blob += table[key] + b"\x00"
    out = struct.pack("<7I", 0x950412DE, 0, count, ids_at, strs_at, 0, 0)
    out += b"".join(struct.pack("<2I", *pair) for pair in id_index + str_index) + blob
    target = po.with_suffix(".mo")
    target.write_bytes(out)
    return target


def compile_stale() -> list[Path]:
    """Compile every catalog whose .mo is missing or older than its .po (tests, `make run`)."""
    done = []
    for lang in LANGUAGES:
        for d in DOMAINS:
            po = catalog(lang, d)
            mo = po.with_suffix(".mo")
            if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
                done.append(compile_mo(po))
    return done


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["untranslated"]
    if command == "untranslated":
        untranslated(args or list(LANGUAGES))
    elif command == "apply":
        language, source, *domain = args
        print(apply(language, Path(source), *(domain or ["django"])), "written")
    elif command == "check":
        issues = [p for lang in LANGUAGES for d in DOMAINS for p in problems(lang, d)]
        print("\n".join(issues) or "catalogs complete")
        sys.exit(1 if issues else 0)
    elif command == "compile":
        for lang in LANGUAGES:
            for d in DOMAINS:
                if catalog(lang, d).exists():
                    compile_mo(catalog(lang, d))
    elif command == "compile-stale":
        compile_stale()
    elif command == "header":
        for lang in LANGUAGES:
            for d in DOMAINS:
                entries = parse(catalog(lang, d))
                fix_header(lang, entries)
                catalog(lang, d).write_text(render(entries), encoding="utf-8")
    else:
        sys.exit(__doc__)
