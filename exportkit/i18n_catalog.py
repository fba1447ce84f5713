"""The translation catalogues, for maintainers: extract, update, compile, check.

    python -m exportkit.i18n_catalog extract   # exportkit/locale/exportkit.pot from the source
    python -m exportkit.i18n_catalog update    # merge it into locale/<lang>/LC_MESSAGES/*.po
    python -m exportkit.i18n_catalog compile   # the .mo files that ship in the package
    python -m exportkit.i18n_catalog check     # what is untranslated, fuzzy or not compiled

Messages are the string arguments of `_()`, `N_()` and `ngettext()` anywhere in the
package, and the docstrings of the CLI commands (functions decorated with
`handle_errors` in exportkit/cli/), which the CLI shows, translated, as command help.
tests/test_i18n.py runs the same extraction and fails on any message without a translation.
"""

from __future__ import annotations

import ast
import gettext
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
LOCALE = PACKAGE / "locale"
DOMAIN = "exportkit"
POT = LOCALE / f"{DOMAIN}.pot"
TRANSLATED = ("id",)  # English is the source language
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
HEADER = """\
# Messages of exportkit{language}.
# Made with `python -m exportkit.i18n_catalog`; see README.md, "Languages".
#"""
COMMAND_DECORATOR = "handle_errors"


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def command_docstrings(root: Path = PACKAGE) -> list[tuple[str, int, str]]:
    """(file, line, cleaned docstring) of every CLI command function."""
    found = []
    for path in sorted((root / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            names = {d.id for d in node.decorator_list if isinstance(d, ast.Name)}
            doc = ast.get_docstring(node, clean=True)
            if COMMAND_DECORATOR in names and doc:
                found.append((_relative(path), node.lineno, doc))
    return found


def _catalog(lang: str | None) -> Catalog:
    from exportkit import __version__

    language = {"id": " in Bahasa Indonesia"}.get(lang or "", "")
    return Catalog(locale=lang, project=DOMAIN, version=__version__, fuzzy=False,
                   charset="utf-8", copyright_holder="the exportkit authors",
                   header_comment=HEADER.format(language=language),
                   language_team="Bahasa Indonesia" if lang == "id" else None,
                   last_translator="exportkit maintainers" if lang else None)


def extract(root: Path = PACKAGE) -> Catalog:
    """Every message of the package, as a template catalogue."""
    catalog = _catalog(None)
    for filename, lineno, message, comments, _context in extract_from_dir(
            root, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("Translators:",), strip_comment_tags=True):
        catalog.add(message, None, [(f"{root.name}/{filename}", lineno)],
                    auto_comments=comments)
    for filename, lineno, doc in command_docstrings(root):
        catalog.add(doc, None, [(filename, lineno)], auto_comments=["command help"])
    return catalog


def placeholders(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text)
                if name is not None}
    except ValueError:
        return {"<malformed>"}


def _write_po(path: Path, catalog: Catalog, **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=96, sort_output=False, **options)


def write_template() -> Catalog:
    template = extract()
    _write_po(POT, template)
    return template


def update() -> None:
    template = write_template()
    for lang in TRANSLATED:
        path = po_path(lang)
        catalog = _catalog(lang)
        if path.exists():
            with path.open("rb") as f:
                for message in read_po(f, locale=lang):
                    if message.id:
                        catalog[message.id] = message
        catalog.update(template, no_fuzzy_matching=True)
        _write_po(path, catalog, ignore_obsolete=True)


def compile_catalogues() -> None:
    for lang in TRANSLATED:
        with po_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang)
        with mo_path(lang).open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)


def problems(lang: str) -> list[str]:
    """Why the catalogue of `lang` is incomplete or stale; empty when it is good."""
    template = extract()
    found = []
    if not po_path(lang).exists():
        return [f"{po_path(lang)}: missing; run `python -m exportkit.i18n_catalog update`"]
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang)
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id)
        where = ", ".join(f"{f}:{n}" for f, n in message.locations)
        if entry is None:
            found.append(f"not in {lang}.po: {message.id!r} ({where})")
        elif entry.fuzzy:
            found.append(f"fuzzy in {lang}.po: {message.id!r}")
        elif not (entry.string if isinstance(entry.string, str) else all(entry.string)):
            found.append(f"untranslated in {lang}.po: {message.id!r}")
        elif isinstance(entry.string, str) and placeholders(entry.string) != placeholders(
                message.id):
            found.append(f"placeholders differ in {lang}.po: {message.id!r}")
    if not mo_path(lang).exists():
        return [*found, f"{mo_path(lang)}: missing; run `python -m exportkit.i18n_catalog "
                        "compile`"]
    with mo_path(lang).open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    for message in catalog:
        if not message.id or message.fuzzy or not message.string:
            continue
        key = message.id if isinstance(message.id, str) else (message.id[0], 0)
        expected = message.string if isinstance(message.string, str) else message.string[0]
        if compiled.get(key) != expected:
            found.append(f"{mo_path(lang).name} is older than {lang}.po ({message.id!r}); "
                         "run `python -m exportkit.i18n_catalog compile`")
            break
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    action = args[0] if args else ""
    if action == "extract":
        template = write_template()
        print(f"{_relative(POT)}: {len(template)} messages")
    elif action == "update":
        update()
        print(", ".join(_relative(po_path(lang)) for lang in TRANSLATED) + ": updated")
    elif action == "compile":
        compile_catalogues()
        print(", ".join(_relative(mo_path(lang)) for lang in TRANSLATED) + ": compiled")
    elif action == "check":
        found = [p for lang in TRANSLATED for p in problems(lang)]
        print("\n".join(found) or "catalogues complete")
        return 1 if found else 0
    else:
        print(__doc__.strip())
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
