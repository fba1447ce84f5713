"""Numbers, money and percentages as people read them, per language (babel)."""

from __future__ import annotations

from datetime import date, datetime

LOCALES = {"id": "id_ID", "en": "en_US"}


def format_fixed(value: float, digits: int, lang: str) -> str:
    """A number with exactly `digits` decimals: 43.5 in English, 43,5 in Indonesian."""
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, "en_US"))


def format_value(value: object, kind: str | None, lang: str) -> str:
    """kind: None, "int", "number", "percent", "money:IDR", "money:USD", "date"."""
    if value is None:
        return ""
    locale = LOCALES.get(lang, "en_US")
    if kind and kind.startswith("money:") and isinstance(value, int | float):
        from babel.numbers import format_currency

        currency = kind.split(":", 1)[1]
        pattern = "¤#,##0" if currency == "IDR" else "¤#,##0.00"
        return format_currency(value, currency, format=pattern, locale=locale,
                               currency_digits=False)
    if kind == "percent" and isinstance(value, int | float):
        from babel.numbers import format_percent

        return format_percent(value, format="+#,##0.0%;-#,##0.0%", locale=locale)
    if kind in ("int", "number") and isinstance(value, int | float):
        from babel.numbers import format_decimal

        return format_decimal(value, format="#,##0" if kind == "int" else "#,##0.#",
                              locale=locale)
    if kind == "date" and isinstance(value, date | datetime):
        from babel.dates import format_date

        return format_date(value, format="long", locale=locale)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
