"""Checking rows' cells: here for a small file, in worker processes for a large one.

Checking the cells is half of a large import's work and needs nothing but the row and the
plan, so while the main process writes one batch to the registry, workers check the next.
A worker rebuilds the sheet's plan from its header row (plans hold parsers that cannot
travel between processes) and sends back each row's record and problems, in row order.

A CSV file is read by every worker itself, each checking the chunks that are its turn:
reading is cheap and the main process, which writes for all, is spared reading the rows
and sending their cells (as much work as writing them, by the profiles). A sheet of a
workbook or a JSON file is read by the main process, which sends the workers its chunks.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from exportkit.errors import RowProblem
from exportkit.i18n import _, current_language, set_language
from exportkit.ingest.plan import Plan, make_plan
from exportkit.ingest.readers import FileProblem, Sheet, open_sheets, shape_problem
from exportkit.ingest.validate import validate_row
from exportkit.workers import WorkerPool

CHECK_CHUNK = 1000  # rows per batch sent to a worker
HERE_CHUNKS = 10  # a sheet's first chunks are checked in process: 10,000 rows take about
# half a second, what starting the workers costs

Checked = tuple[int, list, dict, list[RowProblem]]  # row number, cells, record, problems


def check_row(plan: Plan, sheet: Sheet, number: int, cells: list
              ) -> tuple[dict, list[RowProblem]]:
    """A row's record, or the problems that stop it (cells that do not line up first)."""
    record, problems = validate_row(plan, sheet.source, number, cells)
    if (misfit := shape_problem(sheet, number, cells)) is not None:
        problems = [misfit, *problems]
    return record, problems


@dataclass(frozen=True)
class SheetShape:
    """What a worker needs to check a sheet's rows as the main process would."""

    source: str
    headers: tuple[str, ...]
    delimiter: str | None
    name: str | None
    mapping: tuple[tuple[str, str], ...]
    today: date
    path: str | None = None       # a CSV file, which workers read themselves
    encoding: str | None = None   # as asked for (None: detected, as here)
    stamp: tuple[int, int] | None = None  # the file's size and modification time

    @classmethod
    def of(cls, sheet: Sheet, mapping: dict[str, str], today: date,
           encoding: str | None = None) -> SheetShape:
        path = None if sheet.path is None else str(sheet.path)
        return cls(sheet.source, tuple(sheet.headers), sheet.delimiter, sheet.name,
                   tuple(sorted(mapping.items())), today, path, encoding,
                   None if path is None else file_stamp(path))

    def check_unchanged(self) -> None:
        """Workers read the file again: it must be the file this process began to read
        (the same header is not enough: rows taken out before the workers start would
        be skipped unseen; a changed header changes the stamp too)."""
        if self.path is not None and file_stamp(self.path) != self.stamp:
            raise FileProblem(_("{path}: the file changed while it was read; enroll it "
                                "again").format(path=self.path))

    def plan(self) -> tuple[Plan, Sheet]:
        sheet = Sheet(source=self.source, headers=list(self.headers), read=iter,
                      name=self.name, delimiter=self.delimiter)
        return make_plan(self.source, sheet.headers, dict(self.mapping), self.today,
                         self.name, comma_groups=self.delimiter == ","), sheet


# -- in a worker process ---------------------------------------------------------------------

def _setup(language: str) -> dict:
    set_language(language)  # problems are worded in the run's language
    return {}  # SheetShape -> (plan, sheet), made once per sheet


def _check(plans: dict, batch: tuple[SheetShape, list[tuple[int, list]]]
           ) -> list[tuple[dict, list[RowProblem]]]:
    shape, rows = batch
    made = plans.get(shape)
    if made is None:
        made = plans[shape] = shape.plan()
    plan, sheet = made
    return [check_row(plan, sheet, number, cells) for number, cells in rows]


@dataclass(frozen=True)
class Turns:
    """A worker's part of a CSV file: after the rows checked in the main process
    (`skip`), chunks of `chunk` rows, of which every `every`-th from the `first`."""

    shape: SheetShape
    skip: int
    chunk: int
    first: int
    every: int
    cells: bool  # send the cells of good rows too (for a rejected-rows file)


def _check_turns(plans: dict, turns: Turns) -> Iterator[tuple[int, list[Checked]]]:
    """Reads the file and yields (bytes read so far, its chunk's rows checked) for each
    chunk that is this worker's turn."""
    shape = turns.shape
    made = plans.get(shape)
    if made is None:
        made = plans[shape] = shape.plan()
    plan, sheet = made
    shape.check_unchanged()
    (again,) = open_sheets(Path(shape.path), shape.encoding)
    read = 0

    def advance(n: int) -> None:
        nonlocal read
        read += n

    rows = islice(again.read(advance), turns.skip, None)
    index = 0
    while chunk := list(islice(rows, turns.chunk)):
        if index % turns.every == turns.first:
            checked = []
            for number, cells in chunk:
                record, problems = check_row(plan, sheet, number, cells)
                checked.append((number, cells if problems or turns.cells else None, record,
                                problems))
            yield read, checked
        index += 1


# -- in the main process ---------------------------------------------------------------------

class Advance:
    """A progress callback that keeps the total it has reported, so that progress told as a
    position (how far workers that read the file from its start have got) adds only what
    is new beyond what this process read before them."""

    def __init__(self, step: Callable[[int], None]):
        self.step = step
        self.done = 0

    def __call__(self, n: int) -> None:
        self.done += n
        self.step(n)

    def to(self, position: int) -> None:
        if position > self.done:
            self(position - self.done)


class RowChecker:
    """Checks the rows of one import's sheets, in row order. A sheet's first `here` chunks
    are checked in this process (starting workers is not worth it for a small file); with
    `jobs` > 1, `jobs` - 1 worker processes check the rest, started once per import: the
    main process, which writes what they check, is the other (on two cores, two workers
    beside it measured slower than one)."""

    def __init__(self, jobs: int, chunk: int = CHECK_CHUNK, here: int = HERE_CHUNKS,
                 cells: bool = True):
        """cells: every row comes with its cells (for a rejected-rows file); else only
        the bad rows do, where workers read the file."""
        self.helpers = jobs - 1  # worker processes, once they are worth starting
        self.chunk = chunk
        self.here = here
        self.cells = cells
        self.workers = 0  # processes that checked rows: 0 when none were started
        self._pool: WorkerPool | None = None
        self._sent: deque[list[tuple[int, list]]] = deque()  # chunks out, oldest first

    def checked(self, sheet: Sheet, plan: Plan, rows: Iterator[tuple[int, list]],
                shape: SheetShape, advance: Advance | None = None) -> Iterator[Checked]:
        """`rows`: the sheet as read here; `advance`: the progress it reports, which
        workers that read the file report instead."""
        chunk: list[tuple[int, list]] = []
        full = 0
        for number, cells in rows:
            chunk.append((number, cells))
            if len(chunk) < self.chunk:
                continue
            full += 1
            there = self.helpers > 0 and full > self.here
            if there and shape.path is not None:
                rows.close()  # the workers read the rest of the file themselves
                yield from self._turns(shape, (full - 1) * self.chunk, advance)
                return
            yield from self._send(shape, chunk) if there else self._here(plan, sheet, chunk)
            chunk = []
        if chunk:  # after the chunks still out, if any
            yield from self._send(shape, chunk) if self._sent else self._here(plan, sheet,
                                                                              chunk)
        if self._pool is not None:
            for results in self._pool.drain():
                yield from _joined(self._sent.popleft(), results)

    @staticmethod
    def _here(plan: Plan, sheet: Sheet, chunk: list[tuple[int, list]]) -> Iterator[Checked]:
        for number, cells in chunk:
            yield (number, cells, *check_row(plan, sheet, number, cells))

    def _started(self) -> WorkerPool:
        if self._pool is None:
            self._pool = WorkerPool(self.helpers, _check, _setup, current_language())
            self.workers = self.helpers
        return self._pool

    def _send(self, shape: SheetShape, chunk: list[tuple[int, list]]) -> Iterator[Checked]:
        pool = self._started()
        self._sent.append(chunk)
        for results in pool.put((shape, chunk)):
            yield from _joined(self._sent.popleft(), results)

    def _turns(self, shape: SheetShape, skip: int, advance: Advance | None
               ) -> Iterator[Checked]:
        pool = self._started()
        for read, checked in pool.stream(_check_turns, [
                Turns(shape, skip, self.chunk, k, self.helpers, self.cells)
                for k in range(self.helpers)]):
            if advance is not None:
                advance.to(read)  # bytes from the file's start, as the furthest worker read
            yield from checked
        shape.check_unchanged()  # rewritten while the workers read it
        if advance is not None:  # to the end: blank lines after the last chunk are read too
            advance.to(shape.stamp[0])

    def close(self, failed: bool = False) -> None:
        """Stops the workers: let finish, or (failed) killed at once."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close(failed)


def _joined(rows: list[tuple[int, list]], results: list) -> Iterator[Checked]:
    for (number, cells), (record, problems) in zip(rows, results, strict=True):
        yield number, cells, record, problems


def file_stamp(path: str) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns
