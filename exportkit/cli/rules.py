"""`exportkit rubric` and `exportkit markets`: the rules the scorer reads, with sources."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exportkit.cli.common import command, console, emit, handle_errors
from exportkit.cli.options import Format, ListFormat, Output
from exportkit.i18n import N_, _, current_language
from exportkit.labels import labels

COVERAGE = {"known": N_("known"), "partial": N_("partial"), "unknown": N_("unknown")}

rubric_app = typer.Typer(help=_("The readiness rubric: dimensions, weights, criteria, sources."),
                         no_args_is_help=True)
markets_app = typer.Typer(help=_("Destination market rules and their coverage."),
                          no_args_is_help=True)


@command(rubric_app, "show")
@handle_errors
def rubric_show(
    rubric: Annotated[Path | None, typer.Option(help=_("A rubric file (default: shipped)."))
                      ] = None,
    fmt: Format = ListFormat.table,
    output: Output = None,
) -> None:
    """Show every criterion with its points, whether it is required, and its source.

    Example: exportkit rubric show --format csv -o rubric.csv
    """
    from exportkit.reports.formats import Table
    from exportkit.scoring.rubric import load_rubric

    loaded = load_rubric(rubric)
    lang = current_language()
    rows = [(d.code, d.weight, c.code, getattr(c.name, lang), c.points, c.hard,
             ",".join(c.categories or ()) or "*", c.source, c.checked)
            for d in loaded.dimensions for c in d.criteria]
    keys = ["dimension", "weight", "criterion", "name", "points", "required", "categories",
            "source", "checked"]
    title = _("Rubric {version} (digest {digest})").format(version=loaded.version,
                                                           digest=loaded.digest)
    emit([Table(title, labels(keys), rows, keys)], fmt.value, output)


@command(rubric_app, "check")
@handle_errors
def rubric_check(file: Annotated[Path, typer.Argument(help=_("The rubric file to check."))]
                 ) -> None:
    """Check a rubric file: every key, type, date and code; the error names file and key.

    Example: exportkit rubric check my-rubric.toml
    """
    from exportkit.scoring.rubric import load_rubric

    loaded = load_rubric(file)
    criteria = sum(len(d.criteria) for d in loaded.dimensions)
    console.print(_("{file}: ok, version {version}, digest {digest}, {n} criteria").format(
        file=file, version=loaded.version, digest=loaded.digest, n=criteria), markup=False)


@command(markets_app, "coverage")
@handle_errors
def markets_coverage(fmt: Format = ListFormat.table, output: Output = None) -> None:
    """Which destinations have rules for which categories, and how many facts are unknown.

    Example: exportkit markets coverage
    """
    from exportkit.reports.formats import Table
    from exportkit.scoring.markets import coverage, load_markets
    from exportkit.scoring.vocabulary import categories

    markets = load_markets()
    codes = [c for c in categories() if c != "other"]
    cells: dict[str, dict[str, str]] = {}
    unknown = 0
    for row in coverage(markets, codes):
        status = _(COVERAGE.get(row.status, row.status))
        cells.setdefault(row.market, {})[row.category] = (
            status if not row.unknown else f"{status} ({row.unknown}/{row.facts}?)")
        unknown += row.unknown
    lang = current_language()
    rows = [(market, markets.get(market).name(lang),
             *(cells[market].get(c, "") for c in codes)) for market in cells]
    title = _("Market data {version}: {m} markets x {c} categories, {u} unknown facts").format(
        version=markets.version, m=len(rows), c=len(codes), u=unknown)
    keys = ["market", "country", *codes]
    emit([Table(title, labels(keys), rows, keys)], fmt.value, output)


@command(markets_app, "show")
@handle_errors
def markets_show(market: Annotated[str, typer.Argument(help=_("ISO code or country name."))]
                 ) -> None:
    """Show one destination's rules: transit, origin forms, per-category requirements.

    Example: exportkit markets show "Uni Emirat Arab"
    """
    from exportkit.assess import load_rules
    from exportkit.reports.market_rules import market_lines

    _rubric, loaded = load_rules(None, market)
    for line in market_lines(loaded, current_language()):
        console.print(line, markup=False, highlight=False)
