"""The one translation function for user-facing text.

Messages are written in English and looked up in the gettext catalogue of the chosen
language (`exportkit/locale/<lang>/LC_MESSAGES/exportkit.mo`). Without a catalogue the
English text is shown, so a missing translation never hides a message.

`N_()` marks a text for the catalogue without translating it, for texts kept in tables and
translated where they are shown (column labels: see exportkit/labels.py). Catalogues are
made with `python -m exportkit.i18n_catalog` (see README.md, "Languages").
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Sequence
from pathlib import Path

LANGUAGES = ("en", "id")
_LOCALE_DIR = Path(__file__).parent / "locale"
_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def detect_language(explicit: str | None = None) -> str:
    """`--lang`, then EXPORTKIT_LANG, then the POSIX locale; English otherwise."""
    for candidate in (explicit, os.environ.get("EXPORTKIT_LANG"),
                      os.environ.get("LC_ALL"), os.environ.get("LANG")):
        if candidate:
            code = candidate.split(".")[0].split("_")[0].split("-")[0].lower()
            if code in LANGUAGES:
                return code
    return "en"


def language_from_argv(argv: Sequence[str]) -> str | None:
    """The value of the root option `--lang X` / `--lang=X`, looked for before the command
    name (so `exportkit template --lang en`, the headers' language, is not taken for it)."""
    position = 0
    while position < len(argv):
        arg = argv[position]
        if arg == "--lang":
            return argv[position + 1] if position + 1 < len(argv) else None
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-") or arg == "--":
            return None  # the command name: root options come before it
        position += 1
    return None


def set_language(lang: str) -> None:
    global _translation, _language
    _language = lang if lang in LANGUAGES else "en"
    _translation = gettext.translation(
        "exportkit", localedir=_LOCALE_DIR, languages=[_language], fallback=True
    )


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Marks `message` for the catalogue; the caller translates it later with `_()`."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
