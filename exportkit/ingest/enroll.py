"""Bulk enrolment: files in, validated records into the registry, all or nothing.

Every file's header row is checked before any row is read. Then rows stream through
validation into batched upserts inside ONE write transaction: when any row is bad the
transaction is rolled back and nothing is written (unless skip_bad), and a dry run always
rolls back, so its summary says exactly what a real run would do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from exportkit.collector import collecting_less
from exportkit.errors import InputRejected, RowProblem
from exportkit.i18n import _
from exportkit.ingest.checking import CHECK_CHUNK, Advance, RowChecker, SheetShape
from exportkit.ingest.plan import Plan, make_plan
from exportkit.ingest.readers import Sheet, open_sheets
from exportkit.ingest.rejects import RejectedRows, rejected_path
from exportkit.ingest.spec import parse_mapping
from exportkit.registry.bulk import BulkWriter, Counts, Item

BATCH_SIZE = 500
MAX_LISTED = 200  # problems kept for the listing; all are counted

# progress_factory(label, total) -> advance(n)
ProgressFactory = Callable[[str, int | None], Callable[[int], None]]


@dataclass
class EnrollOptions:
    today: date
    encoding: str | None = None
    mapping: list[str] | None = None
    skip_bad: bool = False
    dry_run: bool = False
    batch_size: int = BATCH_SIZE
    # processes that check the cells of a large file (exportkit.ingest.checking)
    jobs: int = 1
    check_chunk: int = CHECK_CHUNK


@dataclass
class SheetSummary:
    source: str
    kind: str
    counts: Counts
    ignored: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    rejected_file: str | None = None


@dataclass
class EnrollReport:
    sheets: list[SheetSummary]
    problems: list[RowProblem]
    problem_count: int
    dry_run: bool
    written: bool
    workers: int = 0  # processes that checked cells besides this one (0: none)

    def totals(self) -> dict[str, Counts]:
        totals: dict[str, Counts] = {}
        for sheet in self.sheets:
            totals.setdefault(sheet.kind, Counts())
            totals[sheet.kind] += sheet.counts
        return totals


def plan_files(paths: list[Path], options: EnrollOptions) -> list[tuple[Sheet, Plan]]:
    mapping = parse_mapping(options.mapping)
    planned = []
    for path in paths:
        for sheet in open_sheets(path, options.encoding):
            plan = make_plan(sheet.source, sheet.headers, mapping, options.today, sheet.name,
                             comma_groups=sheet.delimiter == ",")
            planned.append((sheet, plan))
    # Businesses before the products, certificates and exports that refer to them.
    planned.sort(key=lambda sp: sp[1].kind.order)
    return planned


def enroll_files(database, paths: list[Path], options: EnrollOptions,
                 progress: ProgressFactory | None = None) -> EnrollReport:
    return _enroll(database, plan_files(paths, options), options, progress)


def enroll_records(database, sets: list[tuple[str, list[dict]]], options: EnrollOptions,
                   source: str = "input") -> EnrollReport:
    """Records typed in (flags or prompts), kind by kind, through the same checks and in one
    transaction: [("business", [{...}]), ("product", [{...}, {...}])]."""
    planned = []
    for kind, records in sets:
        if not records:
            continue
        headers = list(dict.fromkeys(k for r in records for k in r))
        rows = [(n, [r.get(h) for h in headers]) for n, r in enumerate(records, start=1)]
        sheet = Sheet(source=f"{source}[{kind}]", headers=headers,
                      read=lambda progress=None, rows=rows: iter(rows), size=len(rows),
                      name=kind)
        plan = make_plan(sheet.source, headers, parse_mapping(options.mapping), options.today,
                         kind)
        planned.append((sheet, plan))
    planned.sort(key=lambda sp: sp[1].kind.order)
    return _enroll(database, planned, options, None)


class _Run:
    """The state of one import: summaries, the problems listed and counted, reject files."""

    def __init__(self, writer: BulkWriter, checker: RowChecker, options: EnrollOptions):
        self.writer = writer
        self.checker = checker
        self.options = options
        self.mapping = parse_mapping(options.mapping)
        self.summaries: list[SheetSummary] = []
        self.rejects: list[RejectedRows] = []
        self.problems: list[RowProblem] = []
        self.problem_count = 0
        self._order: dict[str, int] = {}  # source -> its place among the sheets

    def note(self, problems: list[RowProblem]) -> None:
        """Keeps the first MAX_LISTED problems in file order (a repeat can be found after
        rows below it), counts them all."""
        self.problem_count += len(problems)
        self.problems.extend(problems)
        if len(self.problems) > 2 * MAX_LISTED:
            self._trim()

    def _trim(self) -> None:
        self.problems.sort(key=lambda p: (self._order.get(p.file, len(self._order)), p.row))
        del self.problems[MAX_LISTED:]

    def listed(self) -> list[RowProblem]:
        self._trim()
        return self.problems

    def sheet(self, sheet: Sheet, plan: Plan, progress: ProgressFactory | None) -> None:
        summary = SheetSummary(sheet.source, plan.kind.name, Counts(), plan.ignored,
                               list(sheet.notes))
        self._order.setdefault(sheet.source, len(self._order))
        kept = self.options.skip_bad and not self.options.dry_run
        rejects = RejectedRows(rejected_path(sheet.source, sheet.name) if kept else None,
                               sheet.headers)
        self.summaries.append(summary)
        self.rejects.append(rejects)
        headers = {c.field.name: c.header for c in plan.columns}
        batch: list[Item] = []
        rows = 0
        advance = Advance(progress(sheet.source, sheet.size)) if progress else None
        shape = SheetShape.of(sheet, self.mapping, self.options.today, self.options.encoding)
        for number, cells, record, row_problems in self.checker.checked(
                sheet, plan, sheet.read(advance), shape, advance):
            rows += 1
            if row_problems:
                self.note(row_problems)
                summary.counts.rejected += 1
                rejects.add(number, cells,
                            "; ".join(f"{p.column}: {p.reason}" for p in row_problems))
                continue
            batch.append(Item(sheet.source, number, record, headers, cells))
            if len(batch) >= self.options.batch_size:
                self._flush(plan, batch, summary, rejects)
        if batch:
            self._flush(plan, batch, summary, rejects)
        self._settle(sheet, summary, rejects)
        if rows == 0:
            summary.notes.append(_("no rows below the header row; nothing to enroll from it"))

    def _flush(self, plan: Plan, batch: list[Item], summary: SheetSummary,
               rejects: RejectedRows) -> None:
        result = self.writer.write(plan.kind.name, batch)
        summary.counts += result.counts
        self.note([problem for _, problem in result.problems])
        for item, problem in result.problems:
            rejects.add(item.row, item.cells, f"{problem.column}: {problem.reason}")
        batch.clear()

    def _settle(self, sheet: Sheet, summary: SheetSummary, rejects: RejectedRows) -> None:
        """The repeats a fresh load finds at the end of the sheet (rows it had written):
        their cells are read again for the rejected-rows file."""
        result = self.writer.settle()
        if not result.problems:
            return
        summary.counts += result.counts
        self.note([problem for _, problem in result.problems])
        if rejects.path is not None:
            wanted = {item.row for item, _problem in result.problems}
            cells = {number: row for number, row in sheet.read(None) if number in wanted}
            for item, problem in result.problems:
                rejects.add(item.row, cells.get(item.row),
                            f"{problem.column}: {problem.reason}")


def _enroll(database, planned: list[tuple[Sheet, Plan]], options: EnrollOptions,
            progress: ProgressFactory | None) -> EnrollReport:
    with database.writer() as connection, collecting_less():
        transaction = connection.begin()
        checker = RowChecker(options.jobs, options.check_chunk,
                             cells=options.skip_bad and not options.dry_run)
        run = _Run(BulkWriter(connection, fresh_loads=True), checker, options)
        try:
            for sheet, plan in planned:
                run.sheet(sheet, plan, progress)
            run.writer.close()
            failed = run.problem_count > 0 and not options.skip_bad
            keep = not failed and not options.dry_run
            if keep:
                # Before the commit: a rejected-rows file that cannot be written (a full
                # disk) leaves the registry as it was, and no bad row is lost.
                for summary, rejects in zip(run.summaries, run.rejects, strict=True):
                    summary.rejected_file = rejects.close(keep=True)
                transaction.commit()
            else:
                transaction.rollback()
        except BaseException:
            checker.close(failed=True)
            transaction.rollback()
            for rejects in run.rejects:
                rejects.close(keep=False)
            raise
        finally:
            checker.close()
    if not keep:  # a failed or dry run keeps no rejected-rows file
        for rejects in run.rejects:
            rejects.close(keep=False)
    summaries, problems, problem_count = run.summaries, run.listed(), run.problem_count
    report = EnrollReport(summaries, problems, problem_count, options.dry_run,
                          written=keep, workers=checker.workers)
    if failed:
        rows = sum(s.counts.rejected for s in summaries)
        raise InputRejected(
            problems, problem_count,
            _("{rows} bad row(s), {problems} problem(s); nothing was written. Fix the rows, or "
              "use --skip-bad to write the good rows and save the bad ones to "
              "<file>.rejected.csv").format(rows=rows, problems=problem_count))
    return report
