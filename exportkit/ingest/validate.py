"""One row of cells to one record, or the problems that stop it."""

from __future__ import annotations

import json
import math

from exportkit.errors import RowProblem
from exportkit.i18n import _
from exportkit.ingest.plan import Plan
from exportkit.ingest.readers import Formula, MergedCell
from exportkit.ingest.values import ValueProblem

# What a spreadsheet shows (and a CSV export keeps) when a formula fails.
SPREADSHEET_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!",
                                "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!"})


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def validate_row(plan: Plan, source: str, number: int, cells: list
                 ) -> tuple[dict, list[RowProblem]]:
    record: dict = {}
    problems: list[RowProblem] = []
    width = len(cells)
    for index, name, parse, required, header in plan.steps:
        raw = cells[index] if index < width else None
        if raw.__class__ is str:
            # The common case (every CSV cell): one strip, and the rarer checks only for
            # text that starts like a formula or a spreadsheet error.
            text = raw.strip()
            if not text:
                if required:
                    problems.append(RowProblem(source, number, header, "",
                                               _("required value is empty")))
                continue
            if text[0] not in "=#":
                try:
                    record[name] = parse(raw)
                except ValueProblem as exc:
                    problems.append(RowProblem(source, number, header, raw, str(exc)))
                continue
        if (reason := _unusable(raw)) is not None:
            problems.append(RowProblem(source, number, header, _shown(raw), reason))
            continue
        if _blank(raw):
            if required:
                problems.append(RowProblem(source, number, header, "",
                                           _("required value is empty")))
            continue
        try:
            record[name] = parse(raw)
        except ValueProblem as exc:
            problems.append(RowProblem(source, number, header, str(raw), str(exc)))
    if not problems:
        problems.extend(_cross_checks(plan, source, number, record))
    return record, problems


def _shown(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, dict | list):
        return json.dumps(raw, ensure_ascii=False, default=str)
    return str(raw)


def _unusable(raw: object) -> str | None:
    """Why a cell cannot be read as a value of any type, or None."""
    if isinstance(raw, MergedCell):
        return _("part of merged cells {cells}; unmerge them and fill in the value on every "
                 "row").format(cells=raw.ref)
    if isinstance(raw, Formula):
        return _("a formula without a saved result; open the file in Excel or LibreOffice "
                 "and save it, or type the value itself")
    if isinstance(raw, dict | list):
        return _("expected a single value, not a list or an object")
    if isinstance(raw, float) and not math.isfinite(raw):
        return _("expected a number, not NaN or infinity")
    if isinstance(raw, str):
        text = raw.strip()
        if text.upper() in SPREADSHEET_ERRORS:
            return _("a spreadsheet error value; fix the formula or type the value itself")
        if text.startswith("=") and len(text) > 1:
            return _("looks like a spreadsheet formula; type the value itself")
    return None


def _header(plan: Plan, field: str) -> str:
    for column in plan.columns:
        if column.field.name == field:
            return column.header
    return plan.kind.field(field).header_en


def _cross_checks(plan: Plan, source: str, number: int, record: dict) -> list[RowProblem]:
    kind = plan.kind.name
    problems = []
    if kind in ("product", "certification") and not (
            record.get("business_nib") or record.get("business_name")):
        problems.append(RowProblem(source, number, _header(plan, "business_nib"), "",
                                   _("say which business: give its NIB or its name")))
    if kind == "certification":
        issued, expires = record.get("issued_on"), record.get("expires_on")
        if issued and expires and expires < issued:
            problems.append(RowProblem(source, number, _header(plan, "expires_on"),
                                       expires.isoformat(),
                                       _("expires before it was issued ({date})").format(
                                           date=issued.isoformat())))
    if kind == "business":
        founded = record.get("founded_year")
        if founded is not None and founded > plan.today.year:
            problems.append(RowProblem(source, number, _header(plan, "founded_year"),
                                       str(founded), _("founding year is in the future")))
    return problems
