"""The field specification (data/fields.toml) and the vocabularies it refers to.

Which columns each kind of record has, the headers officers use for them in Indonesian
and English, and how a header row tells which kind a file holds.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from exportkit.errors import UsageError
from exportkit.i18n import _
from exportkit.text import compact, fold

KINDS = ("rate", "business", "product", "certification", "export")
KIND_ALIASES = {
    "rate": ("rates", "kurs", "exchange_rates"),
    "business": ("businesses", "usaha", "companies"),
    "product": ("products", "produk"),
    "certification": ("certifications", "certificates", "certs", "sertifikat"),
    "export": ("exports", "export_records", "ekspor"),
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool
    header_en: str
    header_id: str
    aliases: tuple[str, ...]
    choices: tuple[str, ...] = ()
    personal: bool = False

    def header(self, lang: str) -> str:
        return self.header_id if lang == "id" else self.header_en


@dataclass(frozen=True)
class KindSpec:
    name: str
    order: int
    detect: tuple[str, ...]
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.required)


def _read_data(name: str) -> dict:
    return tomllib.loads(resources.files("exportkit.data").joinpath(name).read_text("utf-8"))


@cache
def kinds() -> dict[str, KindSpec]:
    raw = _read_data("fields.toml")
    specs = {}
    for kind in KINDS:
        section = raw[kind]
        fields = tuple(
            FieldSpec(name=name, type=f["type"], required=f.get("required", False),
                      header_en=f["en"], header_id=f["id"], aliases=tuple(f.get("aliases", ())),
                      choices=tuple(f.get("choices", ())), personal=f.get("personal", False))
            for name, f in section["fields"].items()
        )
        specs[kind] = KindSpec(kind, section["order"], tuple(section["detect"]), fields)
    return specs


def kind_named(text: str) -> str | None:
    """A kind from a sheet or JSON key name ("Produk", "businesses"), None if not one."""
    key = fold(text).replace(" ", "_")
    for kind, aliases in KIND_ALIASES.items():
        if key == kind or key in aliases:
            return kind
    return None


@cache
def categories() -> dict[str, dict]:
    return _read_data("categories.toml")["categories"]


def _alias_index(entries: dict[str, dict]) -> dict[str, str]:
    """Every way of writing an entry (code, English, Indonesian, aliases) -> its code."""
    index = {}
    for code, entry in entries.items():
        for name in (code, entry["en"], entry["id"], *entry.get("aliases", ())):
            index[compact(name)] = code
    return index


@cache
def category_index() -> dict[str, str]:
    return _alias_index(categories())


@cache
def certificate_kinds() -> dict[str, dict]:
    return _read_data("certificates.toml")["kinds"]


@cache
def certificate_index() -> dict[str, str]:
    return _alias_index(certificate_kinds())


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """`--map "Header=field"` options as {compact header: field}."""
    mapping = {}
    for item in items or ():
        header, sep, field = item.partition("=")
        if not sep or not header.strip() or not field.strip():
            raise UsageError(_("--map {item!r}: write it as \"Header in the file=field\", "
                               "e.g. --map \"Nama UKM=name\"").format(item=item))
        mapping[compact(header)] = field.strip()
    return mapping


def header_index(kind: KindSpec) -> dict[str, str]:
    index = {}
    for f in kind.fields:
        for name in (f.name, f.header_en, f.header_id, *f.aliases):
            index.setdefault(compact(name), f.name)
    return index
