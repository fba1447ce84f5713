"""`exportkit demo`: the main job on the sample files, start to finish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exportkit.cli.common import console, handle_errors
from exportkit.i18n import _, current_language

SAMPLE_SUFFIXES = (".csv", ".xlsx", ".json")


@handle_errors
def demo(
    samples: Annotated[Path, typer.Option(help=_("Folder with the sample files."))] = Path(
        "samples"),
    db: Annotated[str | None, typer.Option(
        "--db", help=_("Registry to build (default: a fresh demo registry in your data "
                       "folder, not your working one)."))] = None,
) -> None:
    """Build a registry from the sample files, score every product, print the shortlist.

    Example: exportkit demo --samples samples/
    """
    from datetime import date

    from exportkit.assess import assess, load_rules
    from exportkit.cli.common import emit
    from exportkit.cli.enroll import show_report
    from exportkit.errors import UsageError
    from exportkit.ingest.enroll import EnrollOptions, enroll_files
    from exportkit.registry import open_registry
    from exportkit.registry.engine import default_location
    from exportkit.registry.facts import Selection
    from exportkit.reports.shortlist import ShortlistQuery, shortlist_report

    if not samples.is_dir():
        raise UsageError(_("no sample folder at {path}: run the demo from the exportkit "
                           "folder, or pass --samples DIR").format(path=samples))
    files = sorted(p for p in samples.iterdir() if p.suffix.lower() in SAMPLE_SUFFIXES)
    if not files:
        raise UsageError(_("no CSV, XLSX or JSON files in {path}").format(path=samples))
    if db is None:
        demo_file = default_location().with_name("demo.db")
        for suffix in ("", "-wal", "-shm"):
            Path(str(demo_file) + suffix).unlink(missing_ok=True)
        db = str(demo_file)
    database = open_registry(db)
    report = enroll_files(database, files, EnrollOptions(today=date.today()))
    show_report(report, database.location, as_json=False)
    rubric, _market = load_rules(None, None)
    run = assess(database, Selection(), rubric, None, date.today())
    levels = run.level_counts(current_language())
    console.print(_("Scored {n} products and {b} businesses ({levels}; blocked: {blocked})")
                  .format(n=run.products, b=run.businesses, levels=levels,
                          blocked=run.blocked), markup=False)
    emit(shortlist_report(database, ShortlistQuery(top=10)), "table", None)
    console.print(_("Next: exportkit report gaps --db {db}").format(db=db), markup=False)
