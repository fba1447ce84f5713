"""From a header row to a plan: which kind of record, which column feeds which field.

The kind is recognised from the headers (an export file has a value and a year, a product
file a product name...). Problems with the header row itself (missing required column,
two columns for one field) stop the file before any row is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial

from exportkit.errors import ExportkitError, UsageError
from exportkit.i18n import N_, _
from exportkit.ingest import values as v
from exportkit.ingest.spec import (
    FieldSpec,
    KindSpec,
    categories,
    category_index,
    certificate_index,
    certificate_kinds,
    header_index,
    kind_named,
    kinds,
)
from exportkit.labels import label
from exportkit.text import compact

# Which kind wins when a header row could be read as several: the most specific first.
DETECTION_ORDER = ("export", "rate", "certification", "product", "business")


class HeaderProblem(ExportkitError):
    """The header row cannot be used; the message names the file and the columns."""


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: FieldSpec
    parse: object  # callable(raw) -> value


@dataclass(frozen=True)
class Plan:
    kind: KindSpec
    columns: tuple[Column, ...]
    ignored: tuple[str, ...]
    today: date

    @cached_property
    def steps(self) -> tuple[tuple[int, str, object, bool, str], ...]:
        """(cell index, field, parser, required, header) per column: what validating a row
        reads, flat, since it is read for every cell of a large file."""
        return tuple((c.index, c.field.name, c.parse, c.field.required, c.header)
                     for c in self.columns)


def parser_for(field: FieldSpec, today: date, comma_groups: bool = False):
    match field.type:
        case "text":
            return v.parse_text
        case "int":
            return partial(v.parse_int, comma_groups=comma_groups)
        case "number" | "money":
            return partial(v.parse_number, comma_groups=comma_groups)
        case "date":
            return v.parse_date
        case "bool":
            return v.parse_bool
        case "year":
            return v.make_year_parser(today)
        case "nib":
            return v.parse_nib
        case "npwp":
            return v.parse_npwp
        case "gtin":
            return v.parse_gtin
        case "hs":
            return v.parse_hs
        case "country":
            return v.parse_country
        case "currency":
            return v.parse_currency
        case "langs":
            return v.parse_langs
        case "choice":
            return v.make_choice_parser(field.choices)
        case "category":
            return v.make_lookup_parser(category_index(), N_("category"),
                                        sorted(categories()))
    raise ValueError(f"fields.toml: unknown field type {field.type!r} for {field.name}")


# Types whose cells repeat a small vocabulary (ya/tidak, categories, countries...): their
# parsed values are remembered, which spares most of the work on a large file.
REPEATING = frozenset({"bool", "choice", "category", "langs", "currency", "country", "year",
                       "date"})
MEMO_SIZE = 4096
_MISSING = object()


def remembered(parse):
    """`parse` with its successful results kept per text; failures are raised every time,
    so their messages follow the current language."""
    memo: dict[str, object] = {}

    def parse_remembered(raw):
        if raw.__class__ is not str:
            return parse(raw)
        value = memo.get(raw, _MISSING)
        if value is _MISSING:
            value = parse(raw)
            if len(memo) < MEMO_SIZE:
                memo[raw] = value
        return value

    return parse_remembered


def field_parser(field: FieldSpec, kind: str, today: date, comma_groups: bool = False):
    if kind == "certification" and field.name == "kind":
        return remembered(v.make_lookup_parser(certificate_index(), N_("certificate"),
                                               sorted(certificate_kinds())))
    parse = parser_for(field, today, comma_groups)
    return remembered(parse) if field.type in REPEATING else parse


def _match(kind: KindSpec, headers: list[str], mapping: dict[str, str]) -> dict[int, str]:
    index = header_index(kind)
    field_names = {f.name for f in kind.fields}
    matched = {}
    for position, header in enumerate(headers):
        key = compact(header)
        if not key:
            continue
        target = mapping.get(key)
        if target is not None and target in field_names:
            matched[position] = target
        elif key in index:
            matched[position] = index[key]
    return matched


def detect_kind(headers: list[str], mapping: dict[str, str], hint: str | None) -> str | None:
    if hint and (named := kind_named(hint)):
        return named
    for name in DETECTION_ORDER:
        kind = kinds()[name]
        found = set(_match(kind, headers, mapping).values())
        if all(d in found for d in kind.detect):
            return name
    return None


def make_plan(source: str, headers: list[str], mapping: dict[str, str], today: date,
              hint: str | None = None, comma_groups: bool = False) -> Plan:
    """comma_groups: "3,000" means three thousand (a comma-separated CSV file)."""
    if not any(h.strip() for h in headers):
        raise HeaderProblem(_("{source}: the header row is empty").format(source=source))
    name = detect_kind(headers, mapping, hint)
    if name is None:
        shown = ", ".join(repr(h if len(h) <= 40 else h[:37] + "...") for h in headers[:8] if h)
        raise HeaderProblem(_(
            "{source}: cannot tell what this file holds from its headers ({shown}); "
            "expected e.g. 'Nama Usaha' (businesses), 'Nama Produk' (products), "
            "'Jenis Sertifikat' (certificates), 'Nilai Ekspor' and 'Tahun' (exports); "
            "run `exportkit template` for the headers, or use --map \"Header=field\"").format(
                source=source, shown=shown))
    kind = kinds()[name]
    matched = _match(kind, headers, mapping)
    seen: dict[str, int] = {}
    for position, field_name in matched.items():
        if field_name in seen:
            raise HeaderProblem(
                _("{source}: columns {first!r} and {second!r} both mean {field!r}; remove or "
                  "rename one").format(source=source, first=headers[seen[field_name]],
                                       second=headers[position], field=field_name))
        seen[field_name] = position
    missing = [f for f in kind.required if f.name not in seen]
    if missing:
        names = "; ".join(f"{f.header_id!r} / {f.header_en!r}" for f in missing)
        raise HeaderProblem(_("{source}: a {kind} file needs the column(s) {names}").format(
            source=source, kind=label(name), names=names))
    for unknown_target in {t for t in mapping.values()} - {f.name for f in kind.fields}:
        if unknown_target not in {f.name for k in kinds().values() for f in k.fields}:
            raise UsageError(_("--map: {field!r} is not a field; see `exportkit template "
                               "--format csv` for the field names").format(
                field=unknown_target))
    columns = tuple(
        Column(position, headers[position], kind.field(field_name),
               field_parser(kind.field(field_name), name, today, comma_groups))
        for position, field_name in sorted(matched.items())
    )
    ignored = tuple(h for i, h in enumerate(headers) if i not in matched and h.strip())
    return Plan(kind=kind, columns=columns, ignored=ignored, today=today)
