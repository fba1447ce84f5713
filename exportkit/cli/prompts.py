"""Entering one business and its products by answering questions on a terminal."""

from __future__ import annotations

import typer

from exportkit.cli.common import console
from exportkit.i18n import _, current_language

PRODUCT_FIELDS_SKIPPED = ("business_nib", "business_name", "business_regency")


def _ask(field, parse) -> object:
    """Asks until the answer parses; blank skips an optional field."""
    from exportkit.ingest.values import ValueProblem

    label = field.header(current_language())
    if field.choices:
        label += f" ({'/'.join(field.choices)})"
    while True:
        answer = typer.prompt(label, default="", show_default=False).strip()
        if not answer:
            if field.required:
                console.print(_("  required"), style="yellow")
                continue
            return None
        try:
            parse(answer)
            return answer
        except ValueProblem as exc:
            console.print(f"  {exc}", style="yellow", markup=False)


def _ask_record(kind_name: str, skip=()) -> dict:
    from datetime import date

    from exportkit.ingest.plan import field_parser
    from exportkit.ingest.spec import kinds

    record = {}
    for field in kinds()[kind_name].fields:
        if field.name in skip:
            continue
        answer = _ask(field, field_parser(field, kind_name, date.today()))
        if answer is not None:
            record[field.name] = answer
    return record


def enroll_interactively(database, options):
    from exportkit.ingest.enroll import enroll_records

    console.print(_("New business (leave blank to skip a question)"), style="bold")
    business = _ask_record("business")
    products = []
    while typer.confirm(_("Add a product of this business?"), default=not products):
        product = _ask_record("product", skip=PRODUCT_FIELDS_SKIPPED)
        if business.get("nib"):
            product["business_nib"] = business["nib"]
        else:
            product["business_name"] = business["name"]
            product["business_regency"] = business.get("regency", "")
        products.append(product)
    return enroll_records(database, [("business", [business]), ("product", products)],
                          options, source="prompt")
