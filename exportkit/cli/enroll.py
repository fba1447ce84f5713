"""`exportkit enroll`: files in bulk, or one business and its products by prompts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from exportkit.cli.common import console, errors, fail, handle_errors, progress_factory
from exportkit.cli.options import Db, Jobs, Json
from exportkit.i18n import _
from exportkit.labels import label, labels


@handle_errors
def enroll(
    files: Annotated[list[Path] | None, typer.Argument(
        help=_("CSV, XLSX or JSON files. Without files: enter one business by prompts."),
        show_default=False)] = None,
    db: Db = None,
    encoding: Annotated[str | None, typer.Option(
        help=_("Text encoding of CSV files (detected: UTF-8, UTF-8 with BOM, cp1252)."))] = None,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", help=_('Read another header as a field: --map "Nama UKM=name".'))] = None,
    skip_bad: Annotated[bool, typer.Option(
        "--skip-bad", help=_("Write the good rows; save the bad ones to <file>.rejected.csv."))
    ] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help=_("Check everything and say what would change; write nothing."))
    ] = False,
    as_json: Json = False,
    jobs: Jobs = None,
) -> None:
    """Enroll businesses, products, certificates, export records and rates.

    The kind of each file (or Excel sheet) is recognised from its headers, in Indonesian
    or English. Bad rows are listed as file:row:column; by default nothing is written
    when any row is bad. Running the same import again changes nothing.

    Example: exportkit enroll samples/usaha.csv samples/products.csv --dry-run
    """
    from exportkit.ingest.enroll import EnrollOptions, enroll_files
    from exportkit.registry import open_registry
    from exportkit.workers import default_jobs

    options = EnrollOptions(today=_today(), encoding=encoding, mapping=mapping,
                            skip_bad=skip_bad, dry_run=dry_run,
                            jobs=jobs or default_jobs(main_works=True))
    database = open_registry(db)
    if not files:
        from exportkit.cli.prompts import enroll_interactively

        if not _on_a_terminal():
            fail(_("name the files to enroll, e.g. exportkit enroll usaha.csv; prompts "
                   "need a terminal"), 2)
        report = enroll_interactively(database, options)
    else:
        progress = progress_factory() if not as_json else None
        try:
            report = enroll_files(database, files, options, progress)
        finally:
            if progress:
                progress.stop()
    show_report(report, database.location, as_json)


def _on_a_terminal() -> bool:
    return sys.stdin.isatty()


def _today():
    from datetime import date

    return date.today()


def show_report(report, location: str, as_json: bool) -> None:
    totals = report.totals()
    if as_json:
        import json

        console.print_json(json.dumps({
            "registry": location, "dry_run": report.dry_run, "written": report.written,
            "totals": {k: vars(c) for k, c in totals.items()},
            "files": [{"source": s.source, "kind": s.kind, **vars(s.counts),
                       "ignored_columns": list(s.ignored), "rejected_file": s.rejected_file}
                      for s in report.sheets],
            "problems": [vars(p) for p in report.problems],
        }))
        return
    from exportkit.cli.common import print_table
    from exportkit.reports.formats import Table

    for sheet in report.sheets:
        for note in sheet.notes:
            errors.print(f"{sheet.source}: {note}", markup=False)
        if sheet.ignored:
            errors.print(_("{source}: columns not used: {columns}").format(
                source=sheet.source, columns=", ".join(sheet.ignored)), markup=False)
    for problem in report.problems:
        errors.print(str(problem), markup=False, highlight=False)
    headers = labels(["kind", "added", "updated", "unchanged", "rejected"])
    rows = [(label(kind), c.added, c.updated, c.unchanged, c.rejected)
            for kind, c in totals.items()]
    title = _("Dry run: nothing written") if report.dry_run else _("Enrolled into {where}").format(
        where=location)
    print_table(Table(title, headers, rows))
    for sheet in report.sheets:
        if sheet.rejected_file:
            console.print(_("rejected rows saved to {path}").format(path=sheet.rejected_file),
                          markup=False)
