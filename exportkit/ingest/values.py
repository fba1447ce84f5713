"""Parsing one cell: Indonesian and English numbers, dates, yes/no, identifiers, codes.

Each parser takes the raw cell (text from CSV/JSON, or a number/date from Excel) and returns
the value to store, or raises ValueProblem with the reason in plain words.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from exportkit.countries import lookup_country
from exportkit.i18n import _
from exportkit.identifiers import common_gtin, common_npwp
from exportkit.text import compact, fold


class ValueProblem(ValueError):
    """The cell cannot be read as the column's type; the message is the reason."""


YEAR_MIN = 1900
YEAR_MAX_AHEAD = 1  # a year may be at most next year (plans, fiscal years)

_SCALE_WORDS = {
    "ribu": 10**3, "rb": 10**3, "thousand": 10**3, "k": 10**3,
    "juta": 10**6, "jt": 10**6, "million": 10**6, "mio": 10**6,
    "miliar": 10**9, "milyar": 10**9, "m": 10**6, "billion": 10**9, "bn": 10**9,
    "triliun": 10**12, "trillion": 10**12,
}
_CURRENCY_MARKS = re.compile(r"^(rp\.?|idr|usd|us\$|\$|eur|€)\s*", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?[0-9][0-9.,]*$")


def parse_decimal(raw: object, comma_groups: bool = False) -> Decimal:
    """A number as written in Indonesia or in English.

    "1.606.075" and "1.606.075,50" are Indonesian; "1,606,075.50" is English; "14,8 miliar"
    and "Rp 29 juta" carry a scale word. A lone separator followed by exactly three digits
    is read as a thousands separator when it is a dot ("1.606" = 1606, the Indonesian
    habit); when it is a comma it is a thousands separator only with `comma_groups` (a
    comma-separated CSV: English Excel writes those, Indonesian Excel uses ";"), and is
    refused as ambiguous otherwise.
    """
    if isinstance(raw, bool):
        raise ValueProblem(_("expected a number, got a yes/no value"))
    if isinstance(raw, int | float | Decimal):
        value = Decimal(str(raw))
        if not value.is_finite():
            raise ValueProblem(_("expected a number, not NaN or infinity"))
        return value
    text = str(raw).strip()
    text = _CURRENCY_MARKS.sub("", text).strip()
    scale = 1
    words = text.rsplit(None, 1)
    if len(words) == 2 and words[1].casefold().rstrip(".") in _SCALE_WORDS:
        scale = _SCALE_WORDS[words[1].casefold().rstrip(".")]
        text = words[0]
    text = text.replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.match(text):
        raise ValueProblem(_("expected a number"))
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        # whichever comes last is the decimal mark
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif dots > 1:
        _check_groups(text, ".")
        text = text.replace(".", "")
    elif commas > 1:
        _check_groups(text, ",")
        text = text.replace(",", "")
    elif dots == 1:
        if len(text) - text.find(".") - 1 == 3 and scale == 1:
            text = text.replace(".", "")  # 1.606 = 1606 in Indonesian
    elif commas == 1:
        decimals = len(text) - text.find(",") - 1
        if decimals == 3 and scale == 1 and comma_groups:
            return Decimal(text.replace(",", ""))
        if decimals == 3 and scale == 1:
            raise ValueProblem(_(
                "ambiguous number: write 1606 or 1.606 for one thousand six hundred and six, "
                "1,6 for one point six"))
        text = text.replace(",", ".")
    try:
        return Decimal(text) * scale
    except InvalidOperation as exc:
        raise ValueProblem(_("expected a number")) from exc


def _check_groups(text: str, separator: str) -> None:
    head, *groups = text.lstrip("+-").split(separator)
    if not head or len(head) > 3 or any(len(g) != 3 for g in groups):
        raise ValueProblem(_("expected a number: digits grouped by {separator!r} must come "
                             "in threes").format(separator=separator))


_PLAIN_INT = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)")  # 1606075 or 1.606.075
_COMMA_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,606,075.50
_PLAIN_DECIMAL = re.compile(r"\d+\.(?:\d{1,2}|\d{4,})")  # 12.5, 0.25 (not 1.606)


def _plain_int(raw: object) -> int | None:
    """The common cell, a whole number with or without dot groups, read without Decimal."""
    if raw.__class__ is str:
        text = raw.strip()
        if _PLAIN_INT.fullmatch(text):  # a lone ".ddd" is thousands, as in parse_decimal
            return int(text.replace(".", ""))
    return None


def _plain_float(raw: object, comma_groups: bool) -> float | None:
    """Common decimals read without Decimal, exactly as parse_decimal reads them:
    "12.50", and "1,606,075.50" in a comma-separated file. None for anything else."""
    if raw.__class__ is str:
        text = raw.strip()
        if _PLAIN_DECIMAL.fullmatch(text) or (comma_groups and _COMMA_GROUPED.fullmatch(text)):
            return float(text.replace(",", ""))
    return None


def parse_number(raw: object, comma_groups: bool = False) -> float:
    if (whole := _plain_int(raw)) is not None and whole < 10**15:
        return float(whole)
    if (number := _plain_float(raw, comma_groups)) is not None and number < 1e15:
        return number
    value = parse_decimal(raw, comma_groups)
    if value < 0:
        raise ValueProblem(_("must not be negative"))
    if value >= Decimal(10) ** 15:
        raise ValueProblem(_("is implausibly large (more than 15 digits)"))
    return float(value)


def parse_int(raw: object, comma_groups: bool = False) -> int:
    if (whole := _plain_int(raw)) is not None and whole < 10**12:
        return whole
    if (comma_groups and raw.__class__ is str and _COMMA_GROUPED.fullmatch(text := raw.strip())
            and "." not in text):
        return int(text.replace(",", ""))
    value = parse_decimal(raw, comma_groups)
    if value != value.to_integral_value():
        raise ValueProblem(_("expected a whole number"))
    if value < 0:
        raise ValueProblem(_("must not be negative"))
    if value >= Decimal(10) ** 12:
        raise ValueProblem(_("is implausibly large"))
    return int(value)


def make_year_parser(today: date):
    def parse_year(raw: object) -> int:
        value = parse_int(raw.strip() if isinstance(raw, str) else raw)
        if not YEAR_MIN <= value <= today.year + YEAR_MAX_AHEAD:
            raise ValueProblem(_("is not a plausible year (expected {low} to {high})").format(
                low=YEAR_MIN, high=today.year + YEAR_MAX_AHEAD))
        return value

    return parse_year


@cache
def _month_numbers() -> dict[str, int]:
    from babel.dates import get_month_names

    months: dict[str, int] = {}
    for locale in ("en", "id"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                months[fold(name).rstrip(" ")] = number
    months["agust"] = 8
    months["sept"] = 9
    return months


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORDS = re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})$")


def parse_date(raw: object) -> date:
    """31/01/2025, 31-01-2025, 31.01.2025, 2025-01-31, 31 Januari 2025, or an Excel date."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = fold(str(raw)) if not _YMD.match(str(raw).strip()) else str(raw).strip()
    try:
        if m := _YMD.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(str(raw).strip()):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if (m := _WORDS.match(text)) and m[2] in _month_numbers():
            return date(int(m[3]), _month_numbers()[m[2]], int(m[1]))
    except ValueError as exc:
        raise ValueProblem(_("is not a real date ({reason})").format(reason=exc)) from exc
    raise ValueProblem(_("expected a date like 31/01/2025 or 2025-01-31"))


_TRUE = {"ya", "y", "yes", "true", "1", "ada", "sudah", "punya", "iya", "benar", "v", "x"}
_FALSE = {"tidak", "t", "no", "n", "false", "0", "tidak ada", "belum", "tdk", "bukan", "-"}


def parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    key = fold(str(raw))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueProblem(_("expected yes or no (ya/tidak)"))


_DIGIT_SEPARATORS = re.compile(r"[\s.\-/]")


def _digits(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return _DIGIT_SEPARATORS.sub("", str(raw).strip())


def parse_nib(raw: object) -> str:
    value = _digits(raw)
    if not value.isdigit() or len(value) != 13:
        raise ValueProblem(_("a NIB has exactly 13 digits"))
    return value


def parse_npwp(raw: object) -> str:
    # the common form checked first (exportkit.identifiers); stdnum for the rest
    common = common_npwp(str(raw))
    if common is not None:
        return common
    from stdnum.exceptions import ValidationError
    from stdnum.id import npwp

    try:
        return npwp.validate(str(raw))
    except ValidationError as exc:
        raise ValueProblem(_("not a valid NPWP ({reason})").format(reason=exc.message)) from exc


def parse_gtin(raw: object) -> str:
    # the common form checked first (exportkit.identifiers); stdnum words the reason
    number = _digits(raw)
    if common_gtin(number):
        return number
    from stdnum import ean
    from stdnum.exceptions import ValidationError

    try:
        return ean.validate(number)
    except ValidationError as exc:
        raise ValueProblem(_("not a valid GTIN/EAN barcode ({reason})").format(
            reason=exc.message)) from exc


def parse_hs(raw: object) -> str:
    value = _digits(raw)
    if not value.isdigit() or not 4 <= len(value) <= 10:
        raise ValueProblem(_("an HS code has 4 to 10 digits, e.g. 9403.60 or 940360"))
    return value


def parse_country(raw: object) -> str:
    code = lookup_country(str(raw))
    if code is None:
        raise ValueProblem(_("unknown country: use an ISO code (CN, US, AE) or its name in "
                             "English or Indonesian"))
    return code


def parse_currency(raw: object) -> str:
    import pycountry

    text = str(raw).strip().upper()
    text = {"RP": "IDR", "RUPIAH": "IDR", "US$": "USD", "$": "USD", "DOLAR": "USD",
            "DOLLAR": "USD", "€": "EUR", "EURO": "EUR"}.get(text, text)
    if pycountry.currencies.get(alpha_3=text) is None:
        raise ValueProblem(_("unknown currency: use an ISO code such as IDR or USD"))
    return text


def parse_langs(raw: object) -> str:
    """ "id, en" -> "en,id": ISO 639-1 codes, sorted, no duplicates."""
    import pycountry

    codes = set()
    for part in re.split(r"[,;/+ ]+", str(raw).strip()):
        if not part:
            continue
        lang = (pycountry.languages.get(alpha_2=part.lower())
                or pycountry.languages.get(name=part.title()))
        if lang is None or not hasattr(lang, "alpha_2"):
            raise ValueProblem(_("unknown language {value!r}: use codes such as id, en, ar, "
                                 "zh").format(value=part))
        codes.add(lang.alpha_2)
    return ",".join(sorted(codes))


def make_choice_parser(choices: tuple[str, ...]):
    index = {compact(c): c for c in choices}

    def parse_choice(raw: object) -> str:
        value = index.get(compact(str(raw)))
        if value is None:
            raise ValueProblem(_("expected one of {choices}").format(choices=", ".join(choices)))
        return value

    return parse_choice


def make_lookup_parser(index: dict[str, str], what: str, known: list[str]):
    def parse_lookup(raw: object) -> str:
        value = index.get(compact(str(raw)))
        if value is None:
            raise ValueProblem(_("unknown {what}; known: {known}").format(
                what=_(what), known=", ".join(known)))
        return value

    return parse_lookup


def parse_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = " ".join(str(raw).split())
    if text.startswith("=") and len(text) > 1:
        raise ValueProblem(_("looks like a spreadsheet formula; enter the value itself"))
    if len(text) > 2000:
        raise ValueProblem(_("is longer than 2000 characters"))
    return text
