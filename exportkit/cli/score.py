"""`exportkit score`: readiness of products and their businesses, stored as history."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from exportkit.cli.common import console, emit, errors, handle_errors, print_table
from exportkit.cli.options import Db, Jobs, Output
from exportkit.i18n import _, current_language
from exportkit.labels import labels

SHOWN = 500  # products listed in the terminal; the rest are counted and stored


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@handle_errors
def score(
    market: Annotated[str | None, typer.Option(
        "--market", "-m", help=_("Destination: ISO code or name (AE, Tiongkok, Korea Selatan)."))
    ] = None,
    all_products: Annotated[bool, typer.Option("--all", help=_("Score every product."))] = False,
    business: Annotated[str | None, typer.Option(help=_("Only this business (NIB)."))] = None,
    product: Annotated[list[int] | None, typer.Option(help=_("Only this product id."))] = None,
    regency: Annotated[str | None, typer.Option(help=_("Only businesses in this regency."))
                       ] = None,
    explain: Annotated[bool, typer.Option("--explain", help=_("Show the full breakdown."))
                       ] = False,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", help=_("Exit 1 if any product scores below this total."))] = None,
    rubric: Annotated[Path | None, typer.Option(help=_("Score with your own rubric file."))
                      ] = None,
    no_save: Annotated[bool, typer.Option("--no-save", help=_("Do not store the scores."))
                       ] = False,
    jobs: Jobs = None,
    db: Db = None,
    fmt: Annotated[ScoreFormat, typer.Option("--format", "-f", help=_("Output format."))
                   ] = ScoreFormat.table,
    output: Output = None,
) -> None:
    """Score export readiness: packaging, certificates, shelf life, company, market fit.

    Each product gets a total out of 100, a readiness level, its blockers and the actions
    that gain the most points; each business its company readiness with its best product.
    Scores are stored, so re-scoring builds the history that shows a programme's progress.

    Example: exportkit score --product 12 --market AE --explain
    """
    from datetime import date

    from exportkit.assess import assess, load_rules
    from exportkit.errors import UsageError
    from exportkit.registry import open_registry
    from exportkit.registry.facts import Selection
    from exportkit.workers import default_jobs

    if not (all_products or business or product or regency):
        raise UsageError(_("say what to score: --all, --business NIB, --product ID or "
                           "--regency NAME"))
    selection = Selection(product_ids=tuple(product or ()), business_nib=business,
                          regency=regency)
    rules, market_rules = load_rules(rubric, market)
    database = open_registry(db, must_exist=True)
    run = assess(database, selection, rules, market_rules, date.today(),
                 with_businesses=not product, save=not no_save,
                 keep=SHOWN if fmt is ScoreFormat.table and not explain else 10**9,
                 jobs=jobs or default_jobs(main_works=False))
    if run.products == 0:
        raise UsageError(_("nothing matched the selection; see `exportkit list products`"))
    _show(run, fmt, explain, output)
    if fail_under is not None and run.lowest is not None and run.lowest < fail_under:
        errors.print(_("lowest total {low:.1f} is under {limit:g}").format(
            low=run.lowest, limit=fail_under), markup=False)
        raise typer.Exit(1)


def _show(run, fmt: ScoreFormat, explain: bool, output: Path | None) -> None:
    lang = current_language()
    products = [s for s in run.results if s.product_id is not None]
    if fmt is ScoreFormat.json:
        import json

        document = {"market": run.market, "rubric": {"version": run.rubric_version,
                                                       "digest": run.rubric_digest},
                    "assessments": [{"product_id": s.product_id, "business_id": s.business_id,
                                     **s.assessment.to_dict()} for s in run.results]}
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if output:
            from exportkit.files import written_whole

            with written_whole(output) as out:
                out.write(text)
        else:
            typer.echo(text, nl=False)
        return
    if explain:
        from exportkit.reports.explain import explain_lines

        for s in products:
            a = s.assessment
            title = f"#{s.product_id} {a.name} ({s.business})"
            for line in explain_lines(a.to_dict(), lang, title):
                console.print(line, markup=False, highlight=False)
            console.print()
        return
    from exportkit.reports.formats import Table
    from exportkit.reports.numbers import format_value

    rows = []
    for s in products:
        a = s.assessment
        first = a.actions[0] if a.actions else None
        gain = (f" (+{format_value(first.gain, 'number', lang)})"
                if first and first.gain else "")
        action = getattr(first.text, lang) + gain if first else ""
        rows.append((s.product_id, s.business, a.name, a.category, a.total,
                     getattr(a.level_name, lang), _("yes") if a.blocked else "", action))
    keys = ["product_id", "business", "product", "category", "total", "level", "blocked",
            "first_action"]
    if run.market:
        title = _("Readiness for {market}: {n} product(s), rubric {version}").format(
            market=run.market, n=run.products, version=run.rubric_version)
    else:
        title = _("Readiness: {n} product(s), rubric {version}").format(
            n=run.products, version=run.rubric_version)
    table = Table(title, labels(keys), rows, keys, {"total": "number"})
    if fmt is ScoreFormat.csv:
        emit([table], "csv", output)
        return
    print_table(table)
    levels = run.level_counts(lang)
    console.print(_("{levels}; blocked: {blocked}; businesses scored: {b}").format(
        levels=levels, blocked=run.blocked, b=run.businesses), markup=False)
    if run.products > len(products):
        console.print(_("(first {shown} of {n} shown; all were stored)").format(
            shown=len(products), n=run.products), markup=False)
