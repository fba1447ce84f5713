"""Countries by ISO code or by name in English or Indonesian.

pycountry supplies the codes, English names and (through its gettext catalogues) the
Indonesian names; data/countries.toml adds the informal names officers use ("Tiongkok",
"UEA", "Korsel"). "EU" stands for the European Union as one market.
"""

from __future__ import annotations

import gettext
import re
import tomllib
from functools import cache
from importlib import resources

EU = "EU"
_EU_NAMES = {"en": "European Union", "id": "Uni Eropa"}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


@cache
def _indonesian() -> gettext.NullTranslations:
    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"],
                               fallback=True)


@cache
def _index() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    translate = _indonesian().gettext
    for country in pycountry.countries:
        code = country.alpha_2
        names = {country.alpha_2, country.alpha_3, country.name}
        for attribute in ("common_name", "official_name"):
            if hasattr(country, attribute):
                names.add(getattr(country, attribute))
        names |= {translate(name) for name in list(names)}
        for name in names:
            index.setdefault(_key(name), code)
    text = resources.files("exportkit.data").joinpath("countries.toml").read_text("utf-8")
    for alias, code in tomllib.loads(text)["aliases"].items():
        index[_key(alias)] = code
    return index


def lookup_country(text: str) -> str | None:
    """ISO alpha-2 code (or "EU") for a code or name, None when unknown."""
    key = _key(text)
    return _index().get(key) if key else None


def country_name(code: str, lang: str = "en") -> str:
    """The country's common name in English or Indonesian."""
    import pycountry

    if code == EU:
        return _EU_NAMES.get(lang, _EU_NAMES["en"])
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    if lang == "id":
        return _official_indonesian().get(code) or _indonesian().gettext(country.name)
    return name


@cache
def _official_indonesian() -> dict[str, str]:
    text = resources.files("exportkit.data").joinpath("countries.toml").read_text("utf-8")
    return tomllib.loads(text).get("names_id", {})
