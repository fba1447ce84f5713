"""Strict reading of the rubric and market files: one small validator for both.

A check is a function (source, value, path) -> parsed value that raises a DataFileError
naming the file and the dotted key path. Tables reject unknown keys and report missing
ones, so a typo in a data file fails loudly instead of silently scoring with a default.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from string import Formatter
from typing import Any, NoReturn

from exportkit.errors import DataFileError
from exportkit.i18n import _

UNKNOWN = "unknown"   # what a data file writes where a fact is not known

Check = Callable[["Source", Any, str], Any]


@dataclass(frozen=True, slots=True)
class Text:
    """A text a user sees, in English and Bahasa Indonesia."""

    en: str
    id: str

    def format(self, params: dict[str, Any]) -> Text:
        """Both languages filled in; a Text among the params gives each language its own."""
        if not any(isinstance(v, Text) for v in params.values()):  # most texts scored
            return Text(self.en.format_map(params), self.id.format_map(params))
        en = {k: v.en if isinstance(v, Text) else v for k, v in params.items()}
        id_ = {k: v.id if isinstance(v, Text) else v for k, v in params.items()}
        return Text(self.en.format_map(en), self.id.format_map(id_))

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "id": self.id}


@dataclass(frozen=True)
class Source:
    """The file being read; `fail` builds the one error format."""

    name: str

    def fail(self, path: str, message: str) -> NoReturn:
        raise DataFileError(f"{self.name}: {path}: {message}")


def read_toml(path: Path) -> tuple[Source, dict[str, Any], str]:
    """Parse a TOML file; return its Source, data and content digest (sha256, 12 hex)."""
    source = Source(path.name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(_("{path}: cannot read: {reason}").format(
            path=path, reason=exc.strerror)) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFileError(_("{file}: not UTF-8: save the file as UTF-8").format(
            file=source.name)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(_("{file}: not valid TOML: {reason}").format(
            file=source.name, reason=exc)) from exc
    return source, data, hashlib.sha256(raw).hexdigest()[:12]


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return _("a table")
    if isinstance(value, list):
        return _("a list")
    return repr(value)


def table(required: dict[str, Check], optional: dict[str, Check] | None = None) -> Check:
    """A table with exactly these keys; returns a dict of parsed values."""
    optional = optional or {}

    def check(src: Source, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            src.fail(path, _("expected a table, got {value}").format(value=describe(value)))
        for key in value:
            if key not in required and key not in optional:
                src.fail(join(path, key), _("unknown key"))
        for key in required:
            if key not in value:
                src.fail(join(path, key), _("missing required key"))
        checks = required | optional
        return {key: checks[key](src, item, join(path, key)) for key, item in value.items()}

    return check


def table_of(item: Check, keys: Check | None = None) -> Check:
    """A table whose keys are free (or checked by `keys`) and whose values share a check."""

    def check(src: Source, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            src.fail(path, _("expected a table, got {value}").format(value=describe(value)))
        if keys is not None:
            for key in value:
                keys(src, key, join(path, key))
        return {key: item(src, v, join(path, key)) for key, v in value.items()}

    return check


def list_of(item: Check, *, non_empty: bool = False) -> Check:
    def check(src: Source, value: Any, path: str) -> tuple[Any, ...]:
        if not isinstance(value, list):
            src.fail(path, _("expected a list, got {value}").format(value=describe(value)))
        if non_empty and not value:
            src.fail(path, _("expected at least one entry"))
        return tuple(item(src, v, join(path, i)) for i, v in enumerate(value))

    return check


def string(src: Source, value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        src.fail(path, _("expected a non-empty string, got {value}").format(
            value=describe(value)))
    return value


def boolean(src: Source, value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        src.fail(path, _("expected true or false, got {value}").format(value=describe(value)))
    return value


def number(low: float | None = None, high: float | None = None, *, above: bool = False,
           integer: bool = False) -> Check:
    """A number within [low, high] (or above low when `above`)."""

    def check(src: Source, value: Any, path: str) -> float:
        kind = _("a whole number") if integer else _("a number")
        allowed = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            src.fail(path, _("expected {kind}, got {value}").format(kind=kind,
                                                                   value=describe(value)))
        if low is not None and (value <= low if above else value < low):
            message = (_("expected {kind} above {low}, got {value!r}") if above else
                       _("expected {kind} at least {low}, got {value!r}"))
            src.fail(path, message.format(kind=kind, low=low, value=value))
        if high is not None and value > high:
            src.fail(path, _("expected {kind} at most {high}, got {value!r}").format(
                kind=kind, high=high, value=value))
        return value

    return check


def a_date(src: Source, value: Any, path: str) -> date:
    """A TOML date (2026-11-22) or the same as a quoted string."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    src.fail(path, _("expected a date (YYYY-MM-DD), got {value}").format(value=describe(value)))


def one_of(*choices: str) -> Check:
    def check(src: Source, value: Any, path: str) -> str:
        if value not in choices:
            src.fail(path, _("expected one of {choices}, got {value}").format(
                choices=", ".join(choices), value=describe(value)))
        return value

    return check


def code_in(kind: str, codes: Collection[str], where: str) -> Check:
    """A code from a vocabulary file (categories.toml, certificates.toml)."""

    def check(src: Source, value: Any, path: str) -> str:
        string(src, value, path)
        if value not in codes:
            src.fail(path, _("unknown {kind} {value!r} (see {where})").format(
                kind=_(kind), value=value, where=where))
        return value

    return check


def unknown_or(known: Check) -> Check:
    """Either the word "unknown" (parsed to None) or a known value."""

    def check(src: Source, value: Any, path: str) -> Any:
        return None if value == UNKNOWN else known(src, value, path)

    return check


def text(fields: Iterable[str] = ()) -> Check:
    """A {en, id} table; `fields` are the placeholders the texts may use."""
    allowed = set(fields)

    def check(src: Source, value: Any, path: str) -> Text:
        parsed = table({"en": string, "id": string})(src, value, path)
        for lang, template in parsed.items():
            try:
                names = [part[1] for part in Formatter().parse(template) if part[1] is not None]
            except ValueError as exc:
                src.fail(join(path, lang), _("bad placeholder: {reason}").format(reason=exc))
            for name in names:
                if name not in allowed:
                    src.fail(join(path, lang), (
                        _("unknown placeholder {{{name}}} (allowed: {allowed})") if allowed
                        else _("unknown placeholder {{{name}}}")).format(
                            name=name, allowed=", ".join(sorted(allowed))))
        return Text(parsed["en"], parsed["id"])

    return check


def sourced(fields: dict[str, Check], optional: dict[str, Check] | None = None) -> Check:
    """A fact with the `source` it comes from and the date it was `checked`."""
    return table(fields | {"source": string, "checked": a_date}, optional)
