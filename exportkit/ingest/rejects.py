"""The rejected-rows file of one sheet (`--skip-bad`): the original cells of each refused
row and the reason, in the sheet's row order, ready to be mended and enrolled again.

Most rows are refused as they are read, in order; some only later (a repeat found when
its batch is written, or at the end of a first load). Rows go to the file while they come
in order; one that comes too late for it starts a run in a side file, and closing merges
the runs by row number. Nothing but the row numbers is held in memory, however many rows
are refused.
"""

from __future__ import annotations

import csv
import heapq
import os
from array import array
from operator import itemgetter
from pathlib import Path

from exportkit import safe_csv
from exportkit.i18n import _

MAX_RUNS = 8  # late rows come in a few ordered runs; past this many, they are merged


class _RunFile:
    """Rows in increasing order, in one file; their keys kept beside it: the row number in
    the high 32 bits, the order it was refused in below (a row refused twice keeps both,
    in that order)."""

    def __init__(self, path: Path, headers: list | None, keys: array | None = None):
        self.path = path
        # the sheet's own file has a BOM (spreadsheet programs read it as UTF-8); runs don't
        self.encoding = "utf-8-sig" if headers is not None else "utf-8"
        self.headers = headers
        self.keys = array("Q") if keys is None else keys
        # keys given: the file holds those rows already, and more are added after them
        self.stream = path.open("a" if keys is not None else "w", encoding=self.encoding,
                                newline="")
        self.writer = safe_csv.writer(self.stream)
        if headers is not None and keys is None:
            self.writer.writerow(headers)

    @property
    def last(self) -> int:
        return self.keys[-1] if self.keys else -1

    def write(self, key: int, values: list) -> None:
        self.writer.writerow(values)
        self.keys.append(key)

    def rows(self):
        """(key, cells as written) back from the file, in order."""
        with self.path.open(encoding=self.encoding, newline="") as stream:
            records = csv.reader(stream)
            if self.headers is not None:
                next(records)
            yield from zip(self.keys, records, strict=True)


class RejectedRows:
    """The rejected-rows file of one sheet; `path` None when none is kept."""

    def __init__(self, path: Path | None, headers: list):
        self.path = path
        self.headers = headers
        self._runs: list[_RunFile] = []
        self._refused = 0

    def add(self, row: int, cells: list | None, reason: str) -> None:
        if self.path is None:
            return
        values = [*("" if c is None else c for c in (cells or [])), reason]
        key = row << 32 | self._refused
        self._refused += 1
        after = [run for run in self._runs if run.last < key]
        if after:
            run = max(after, key=lambda r: r.last)  # keeps the runs few
        else:
            if len(self._runs) == MAX_RUNS:  # not met in practice: rows refused in no order
                self._merge()
            first = not self._runs
            run = _RunFile(self.path if first else self._side(len(self._runs)),
                           [*self.headers, _("reason")] if first else None)
            self._runs.append(run)
        run.write(key, values)

    def close(self, keep: bool) -> str | None:
        """Closes the file, its rows in order when kept; removes it when not."""
        if not self._runs:
            return None
        if keep and len(self._runs) > 1:
            self._merge()
        for run in self._runs:
            run.stream.close()
        for run in self._runs[1:]:
            run.path.unlink(missing_ok=True)
        if not keep:
            self.path.unlink(missing_ok=True)
            return None
        return str(self.path)

    def _side(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.name}.part{n}")

    def _merge(self) -> None:
        """Merges the runs into the sheet's file, which is then the only run."""
        for run in self._runs:
            run.stream.close()
        merged, keys = self._side(0), array("Q")
        with merged.open("w", encoding="utf-8-sig", newline="") as stream:
            # cells were made safe when first written: copied as they are
            out = csv.writer(stream)
            out.writerow(safe_csv.neutralise(h) for h in self._runs[0].headers)
            for key, cells in heapq.merge(*(run.rows() for run in self._runs),
                                          key=itemgetter(0)):
                out.writerow(cells)
                keys.append(key)
        os.replace(merged, self.path)
        for run in self._runs[1:]:
            run.path.unlink()
        self._runs = [_RunFile(self.path, self._runs[0].headers, keys)]


def rejected_path(source: str, sheet_name: str | None) -> Path:
    """usaha.csv -> usaha.csv.rejected.csv; a workbook's sheet: usaha.xlsx.Sheet1.rejected.csv"""
    base = Path(source.split("[", 1)[0])
    suffix = f".{sheet_name}" if sheet_name else ""
    return base.with_name(f"{base.name}{suffix}.rejected.csv")
