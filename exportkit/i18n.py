"""The one translation function for user-facing text.

Messages are written in English and looked up in the gettext catalogue of the chosen
language (`exportkit/locale/<lang>/LC_MESSAGES/exportkit.mo`). Without a catalogue the
English text is shown, so a missing translation never hides a message.
"""

from __future__ import annotations

import gettext
import os
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
            code = candidate.split(".")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
    return "en"


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


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
