"""Text keys used to match what people type: headers, names, aliases."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, accents dropped, every run of punctuation or space as one space."""
    if text.isascii():  # most names: no accents to drop
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", ascii_only).strip()


def compact(text: str) -> str:
    """`fold` without spaces: "Omzet per Tahun (Rp)" and "omzetpertahunrp" match."""
    return fold(text).replace(" ", "")


def name_key(name: str, regency: str | None = None) -> str:
    """The key that matches a business (or product) name written in different ways."""
    key = fold(name)
    for prefix in ("pt ", "cv ", "ud ", "koperasi ", "kop "):
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    if regency is not None:
        return f"{key}|{regency_key(regency)}"
    return key


@lru_cache(maxsize=4096)  # a country has ~500 regencies; an import asks once per row
def regency_key(regency: str) -> str:
    key = fold(regency)
    for prefix in ("kabupaten ", "kab ", "regency of "):
        if key.startswith(prefix):
            return key[len(prefix):]
    for suffix in (" regency",):
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key
