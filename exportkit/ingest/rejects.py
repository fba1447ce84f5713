"""The rejected-rows file of one sheet (`--skip-bad`): the original cells of each refused
row and the reason, in the sheet's row order, ready to be mended and enrolled again.

Most rows are refused as they are read, in order; some only later (a repeat found when
its batch is written, or at the end of a first load). Rows go to the file while they come
in order; one that comes too late for it starts a run in a side file, and closing merges
the runs by row number. Each row is written out as CSV text once, and the merge copies
that text by its length, never parsing it again. Memory holds each row's key and length
and a few hundred KiB of rows not yet written; no file stays open between writes.
"""

from __future__ import annotations

import heapq
import io
from array import array
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from exportkit import safe_csv
from exportkit.i18n import _

MAX_RUNS = 8  # late rows come in a few ordered runs; past this many, they are merged
FLUSH_CHARS = 256 * 1024  # rows held before they are appended to their file


class _RunFile:
    """Rows in increasing order of their keys, in one file: the row number in the high 32
    bits, the order the row was refused in below (a row refused twice keeps both, in
    that order). Each row's key and length are kept beside the file."""

    def __init__(self, path: Path, header: str | None, keys: array | None = None,
                 sizes: array | None = None):
        """header: the CSV header line of the sheet's own file (None for a side file);
        keys and sizes given: the file holds those rows already."""
        self.path = path
        self.header = header
        # the sheet's own file has a BOM (spreadsheet programs read it as UTF-8); runs don't
        self.encoding = "utf-8-sig" if header is not None else "utf-8"
        self.keys = array("Q") if keys is None else keys
        self.sizes = array("Q") if sizes is None else sizes
        self._pending: list[str] = []
        self._pending_chars = 0
        if keys is None:
            with path.open("w", encoding=self.encoding, newline="") as stream:
                stream.write(header or "")

    @property
    def last(self) -> int:
        return self.keys[-1] if self.keys else -1

    def write(self, key: int, line: str) -> None:
        self._pending.append(line)
        self._pending_chars += len(line)
        self.keys.append(key)
        self.sizes.append(len(line))
        if self._pending_chars >= FLUSH_CHARS:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            # appending to a file with text in it, "utf-8-sig" writes no second BOM
            with self.path.open("a", encoding=self.encoding, newline="") as stream:
                stream.write("".join(self._pending))
            self._pending.clear()
            self._pending_chars = 0

    def rows(self) -> Iterator[tuple[int, str]]:
        """(key, the row's CSV text) back from the file, in order."""
        self.flush()
        with self.path.open(encoding=self.encoding, newline="") as stream:
            stream.read(len(self.header or ""))
            for key, size in zip(self.keys, self.sizes, strict=True):
                yield key, stream.read(size)


class RejectedRows:
    """The rejected-rows file of one sheet; `path` None when none is kept."""

    def __init__(self, path: Path | None, headers: list):
        self.path = path
        self.headers = headers
        self._runs: list[_RunFile] = []
        self._refused = 0
        self._buffer = io.StringIO(newline="")
        self._writer = safe_csv.writer(self._buffer)
        self._kept = False  # closed, its rows in order, and kept

    def _line(self, values: list) -> str:
        """One row as CSV text, its cells made safe for spreadsheet programs."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(values)
        return self._buffer.getvalue()

    def add(self, row: int, cells: list | None, reason: str) -> None:
        if self.path is None:
            return
        line = self._line([*("" if c is None else c for c in (cells or [])), reason])
        key = row << 32 | self._refused
        self._refused += 1
        after = [run for run in self._runs if run.last < key]
        if after:
            run = max(after, key=lambda r: r.last)  # keeps the runs few
        else:
            if len(self._runs) == MAX_RUNS:
                # Not met in practice. Rows refused in no order would rewrite the file
                # every MAX_RUNS rows (cost growing with the square of their number), but
                # it stays correct, and the files few.
                self._merge()
            first = not self._runs
            header = self._line([*self.headers, _("reason")]) if first else None
            run = _RunFile(self.path if first else self._side(len(self._runs)), header)
            self._runs.append(run)
        run.write(key, line)

    def close(self, keep: bool) -> str | None:
        """Finishes the file, its rows in order, and returns its path; or (not keep, or on
        any failure) removes it. Side files never outlive this. A file closed and kept is
        removed by a later close(keep=False): the import failed after all."""
        if not self._runs:
            return None
        try:
            if keep and not self._kept:
                if len(self._runs) > 1:
                    self._merge()
                self._runs[0].flush()
                self._kept = True
        finally:
            for n in range(len(self._runs) + 1):  # part0 is a merge's own output
                self._side(n).unlink(missing_ok=True)
            if not (keep and self._kept):
                self.path.unlink(missing_ok=True)
                self._runs, self._kept = [], False
        return str(self.path) if self._kept else None

    def _side(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.name}.part{n}")

    def _merge(self) -> None:
        """Merges the runs into the sheet's file, which is then the only run."""
        first = self._runs[0]
        merged, keys, sizes = self._side(0), array("Q"), array("Q")
        with merged.open("w", encoding="utf-8-sig", newline="") as stream:
            stream.write(first.header)
            for key, line in heapq.merge(*(run.rows() for run in self._runs),
                                         key=itemgetter(0)):
                stream.write(line)
                keys.append(key)
                sizes.append(len(line))
        merged.replace(self.path)
        for run in self._runs[1:]:
            run.path.unlink()
        self._runs = [_RunFile(self.path, first.header, keys, sizes)]


def rejected_path(source: str, sheet_name: str | None) -> Path:
    """usaha.csv -> usaha.csv.rejected.csv; a workbook's sheet: usaha.xlsx.Sheet1.rejected.csv"""
    base = Path(source.split("[", 1)[0])
    suffix = f".{sheet_name}" if sheet_name else ""
    return base.with_name(f"{base.name}{suffix}.rejected.csv")
