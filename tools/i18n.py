"""Manage the screen's gettext catalogs with Babel: extract, update, compile, check.

    python tools/i18n.py extract   # torg_kiosk/**.py, **.kv → assets/locale/kiosk.pot
    python tools/i18n.py update    # .pot → every language's .po, keeping translations
    python tools/i18n.py compile   # .po → .mo, and Babel's weekday and month names →
                                   # calendar.json (committed; tests prove they are current)
    python tools/i18n.py check     # exit 1 listing untranslated, fuzzy, placeholder mismatch

docs/translations.md tells a translator what to do with these.
"""

from __future__ import annotations

import argparse
import ast
import copy
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.dates import get_day_names, get_month_names
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from torg_kiosk.domain.i18n import (  # noqa: E402  (needs the repo root on sys.path first)
    CALENDAR_NAMES,
    CATEGORY_CONTEXT,
    CATEGORY_MSGIDS,
    CODES,
    DEFAULT,
    DOMAIN,
    LOCALE_DIR,
    catalog_path,
)

POT = LOCALE_DIR / f"{DOMAIN}.pot"
MAPPING = ROOT / "babel.cfg"
PRESENT = ROOT / "torg_kiosk" / "domain" / "present.py"

# "{name}", "{count:d}", "%(name)s", "%s", "%d": what must survive translation unchanged.
_HEADER = {"project": "torg-kiosk", "domain": DOMAIN, "copyright_holder": "the torg-kiosk authors"}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdif]|%[sdif]")
_KV_CALL = re.compile(r"""\b_\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\)""")


def extract_kv(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for Kivy .kv files: every ``_('…')`` or ``_("…")`` call on one line."""
    del keywords, comment_tags, options
    for lineno, raw in enumerate(fileobj, start=1):
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        for match in _KV_CALL.finditer(line):
            quoted = match.group(1) if match.group(1) is not None else match.group(2)
            yield lineno, "_", ast.literal_eval(f'"""{quoted}"""'), []


def _strings_table(path: Path) -> list[tuple[int, str]]:
    """The bokmål values of a ``STRINGS = {"nb": {...}}`` table in ``path``, if it still has one.

    present.py held its texts in such a table before it used gettext; reading it keeps those
    texts in the catalogs until every one of them is wrapped in ``_()``.
    """
    if not path.exists():
        return []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "STRINGS" for t in targets):
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == DEFAULT:
                    return [(text.lineno, ast.literal_eval(text)) for text in value.values]
    return []


def extract() -> Catalog:
    """Every msgid of the screen, from code, kv files, the categories and present.py's table."""
    catalog = Catalog(charset="utf-8", fuzzy=False, **_HEADER)
    with MAPPING.open(encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream, filename=str(MAPPING))
    # Call the kv extractor directly: tools/ is not an importable package everywhere.
    method_map = [(pattern, extract_kv if m == "kv" else m) for pattern, m in method_map]
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for lineno, message in _strings_table(PRESENT):
        catalog.add(message, None, [(str(PRESENT.relative_to(ROOT)), lineno)])
    for category, message in CATEGORY_MSGIDS.items():
        catalog.add(
            message,
            None,
            [("torg_kiosk/domain/i18n.py", 0)],
            auto_comments=[f"Feed category '{category}', a short chip on a list row."],
            context=CATEGORY_CONTEXT,
        )
    return catalog


def _write_po(path: Path, catalog: Catalog, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, **options)
    path.write_bytes(buffer.getvalue())


def _read_po(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream, locale=code, domain=DOMAIN)


def update(template: Catalog) -> None:
    """Merge ``template`` into every language's .po; new languages get a fresh .po.

    The bokmål catalog is the source language, so its empty entries are filled with the msgid.
    Obsolete entries are dropped (they stay in git history).
    """
    for code in CODES:
        # Catalog.update shares Message objects with its template: give each language its own.
        template_copy = copy.deepcopy(template)
        path = catalog_path(code, ".po")
        if path.exists():
            catalog = _read_po(path, code)
            catalog.update(template_copy, update_header_comment=False)
        else:
            catalog = Catalog(locale=code, fuzzy=False, **_HEADER)
            catalog.update(template_copy)
        catalog.obsolete.clear()
        if code == DEFAULT:
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        _write_po(path, catalog, ignore_obsolete=True)


def compiled(code: str) -> bytes:
    """The .mo bytes of ``code``'s .po (fuzzy entries are left out, as gettext expects)."""
    buffer = io.BytesIO()
    write_mo(buffer, _read_po(catalog_path(code, ".po"), code), use_fuzzy=False)
    return buffer.getvalue()


def calendar_names() -> dict[str, dict[str, list[str]]]:
    """Each language's weekday names (Monday first) and months, as CLDR writes them in a date
    (Babel's format context: the genitive ``грудня``, not ``грудень``)."""
    names = {}
    for code in CODES:
        days = get_day_names("wide", context="format", locale=code)
        months = get_month_names("wide", context="format", locale=code)
        names[code] = {
            "weekdays": [days[weekday] for weekday in range(7)],
            "months": [months[month] for month in range(1, 13)],
        }
    return names


def calendar_json() -> str:
    return json.dumps(calendar_names(), ensure_ascii=False, indent=2) + "\n"


def compile_all() -> None:
    for code in CODES:
        catalog_path(code).write_bytes(compiled(code))
    CALENDAR_NAMES.write_text(calendar_json(), encoding="utf-8")


def _strings(value: str | tuple | list) -> list[str]:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def problems(code: str) -> list[str]:
    """What is wrong with ``code``'s catalog, one sentence each; empty when it is complete."""
    found = []
    for message in _read_po(catalog_path(code, ".po"), code):
        if not message.id:
            continue
        label = repr(message.id if isinstance(message.id, str) else message.id[0])
        if message.context:
            label = f"{message.context}: {label}"
        translations = _strings(message.string)
        if not all(translations):
            found.append(f"{code}: {label} is not translated.")
            continue
        if message.fuzzy:
            found.append(f"{code}: {label} is marked fuzzy; check it and remove the flag.")
        expected = sorted(_PLACEHOLDER.findall(_strings(message.id)[-1]))
        for translation in translations:
            got = sorted(_PLACEHOLDER.findall(translation))
            if got != expected:
                found.append(f"{code}: {label} has placeholders {got}, expected {expected}.")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("extract", "update", "compile", "check"))
    args = parser.parse_args(argv)
    if args.command == "extract":
        _write_po(POT, extract(), omit_header=False)
        print(f"Wrote {POT.relative_to(ROOT)}.")
    elif args.command == "update":
        update(_read_po(POT))
        print(f"Updated {len(CODES)} catalogs from {POT.relative_to(ROOT)}.")
    elif args.command == "compile":
        compile_all()
        print(f"Compiled {len(CODES)} catalogs.")
    else:
        found = [line for code in CODES for line in problems(code)]
        for line in found:
            print(line)
        if found:
            print(f"{len(found)} problems: translate them in the .po files, then compile.")
            return 1
        print(f"All {len(CODES)} catalogs are complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
