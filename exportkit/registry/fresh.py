"""A sheet of businesses loaded into an empty business table: its indexes built once.

Inserting a million businesses into the name-key index one by one makes SQLite read and
rewrite index pages at random (the index outgrows the page cache), and so does looking
each batch up in it; building the index after the load is one sort. So an import that
finds the business table empty drops that index (and those of regency, province and
sector, which nothing reads during the load), checks each batch against the NIBs only
(their index is unique and stays), and at the end of the sheet builds the indexes again
and finds the repeats that only a name shows. On PostgreSQL the indexes stay: dropping one
would lock the table against every reader, and against another import waiting to look at
it (a deadlock), until the load commits. The rules are those of a load into a registry
that holds rows (BulkWriter._write_business; a property test holds the two equal):

- a row whose NIB came earlier is a repeat of that row;
- else, a row whose name and regency came first on a row without a NIB is a repeat of it
  (that row was this business before its NIB was known);
- a row without a NIB is a repeat of any earlier row of its name and regency;
- a repeat is refused and claims nothing: later rows are matched against the rows kept.

The last rule is why a row whose NIB came earlier is inserted without its NIB (held in a
temporary table) rather than refused at once: the earlier row may itself prove a repeat by
its name, and then this row is the first of its NIB. Only rows that share a NIB or a name
with another are looked at again, so a clean file costs one grouping query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from exportkit.i18n import N_
from exportkit.registry import driver
from exportkit.registry.bulk import (
    BUSINESS_COLUMNS,
    B,
    BatchResult,
    BulkWriter,
    Item,
    chunks,
    columns_of,
)
from exportkit.registry.engine import DEFAULT_CACHE_KIB
from exportkit.text import name_key

# The indexes no check of a fresh load reads (names, regency, province, sector): built
# once at the end of the sheet. The NIBs' unique constraint stays: the inserts rely on it.
LATE_INDEXES = [index for index in B.indexes if not index.unique]


class FreshLoad:
    def __init__(self, writer: BulkWriter):
        self.writer = writer
        self.conn = writer.conn
        self.headers: dict[str, str] = {}
        self.columns: tuple[str, ...] = ()
        self.conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE IF NOT EXISTS ek_held (row_id INTEGER PRIMARY KEY, "
            "nib TEXT NOT NULL)")
        self.conn.exec_driver_sql("DELETE FROM ek_held")
        self.late = LATE_INDEXES if self.conn.dialect.name == "sqlite" else []
        for index in self.late:
            index.drop(self.conn)

    @classmethod
    def begin(cls, writer: BulkWriter) -> FreshLoad | None:
        """A fresh load if the business table is empty, else None (the usual path)."""
        conn = writer.conn
        if _has_rows(conn):
            return None
        if conn.dialect.name == "postgresql":
            # Another import may be filling the table too: wait for it, then look again.
            # (SQLite: the writer's transaction holds the write lock already.)
            conn.exec_driver_sql("LOCK TABLE business IN SHARE ROW EXCLUSIVE MODE")
            if _has_rows(conn):
                return None
        return cls(writer)

    def write(self, items: list[Item]) -> BatchResult:
        """Inserts a batch: every row is new, but for the repeats found at settle()."""
        writer = self.writer
        result = BatchResult()
        for item in items:
            record = item.record
            record["name_key"] = name_key(record["name"], record.get("regency") or "")
        if items and not self.columns:
            self.headers = items[0].headers
            self.columns = columns_of((*BUSINESS_COLUMNS, "name_key"), items[0])
        if "nib" not in self.columns:  # a sheet without NIBs: nothing to hold
            writer._new_rows(B, "business", self.columns, items, result.counts)
            return result
        if self.conn.dialect.name == "sqlite":
            held = self._insert_sqlite(items)
        else:
            held = self._insert_looked_up(
                [tuple(map(item.record.get, self.columns)) for item in items], items)
        result.counts.added += len(items)
        if held:
            writer._executemany(f"INSERT INTO ek_held (row_id, nib) VALUES ({writer.mark}, "
                                f"{writer.mark})", held)
        return result

    def _insert_sqlite(self, items: list[Item]) -> list[tuple[int, str]]:
        """Inserts the rows whose NIB is new (one statement: the insert walks the NIB
        index anyway), then the others without their NIB; returns those (id, NIB)."""
        writer = self.writer
        ids = writer._new_ids("business", len(items))
        now, columns = writer._now, ["id", *self.columns, "created_at", "updated_at"]
        # each row built once, straight from its record (a million, for a national load)
        full = [(row_id, *map(item.record.get, self.columns), now, now)
                for row_id, item in zip(ids, items, strict=True)]
        held = []
        if driver.insert_new(self.conn, "business", columns, full, "nib") < len(full):
            present = set(self.conn.exec_driver_sql(
                "SELECT id FROM business WHERE id BETWEEN ? AND ?", (ids[0], ids[-1])
            ).scalars())
            at = columns.index("nib")
            again = [(*row[:at], None, *row[at + 1:]) for row in full if row[0] not in present]
            held = [(row[0], row[at]) for row in full if row[0] not in present]
            driver.insert_many(self.conn, "business", columns, again)
        writer._note("business", list(zip(ids, items, strict=True)))
        return held

    def _insert_looked_up(self, rows: list[tuple], items: list[Item]
                          ) -> list[tuple[int, str]]:
        """Looks the batch's NIBs up first (PostgreSQL: COPY cannot skip a row), then
        inserts the rows, a NIB that is there already left out; returns those (id, NIB)."""
        writer = self.writer
        at = self.columns.index("nib")
        taken = {nib for _id, nib in writer._where_in(
            "business", "nib", {row[at] for row in rows if row[at]}, also="nib")}
        fresh, held = [], []
        for n, row in enumerate(rows):
            nib = row[at]
            if nib and nib in taken:
                held.append((n, nib))
                row = (*row[:at], None, *row[at + 1:])
            elif nib:
                taken.add(nib)
            fresh.append(row)
        ids = writer._insert(B, "business", self.columns, fresh, items)
        return [(ids[n], nib) for n, nib in held]

    def settle(self) -> BatchResult:
        """Builds the name index, then refuses the repeats (their rows deleted) and gives
        the rows kept their held NIBs."""
        conn, writer = self.conn, self.writer
        with small_cache(conn):
            for index in self.late:
                index.create(conn)
        held = dict(conn.exec_driver_sql("SELECT row_id, nib FROM ek_held").all())
        conn.exec_driver_sql("DELETE FROM ek_held")
        looked_at: dict[int, tuple[str | None, str]] = {
            row_id: (held.get(row_id, nib), key) for row_id, nib, key in conn.exec_driver_sql(
                "SELECT id, nib, name_key FROM business WHERE name_key IN (SELECT name_key "
                "FROM business GROUP BY name_key HAVING count(*) > 1)")}
        for chunk in chunks(set(held.values())):
            looked_at.update((row_id, (nib, key)) for row_id, nib, key in writer._where_in(
                "business", "nib", chunk, also="nib, name_key"))
        for chunk in chunks(held):
            looked_at.update((row_id, (held[row_id], key)) for row_id, _nib, key
                             in writer._where_in("business", "id", chunk,
                                                 also="nib, name_key"))
        repeats = list(business_repeats((row_id, *looked_at[row_id])
                                        for row_id in sorted(looked_at)))
        result = BatchResult()
        if repeats:
            gone = {row_id for row_id, *_rest in repeats}
            for chunk in chunks(gone):
                conn.exec_driver_sql(f"DELETE FROM business WHERE id IN "
                                     f"({', '.join([writer.mark] * len(chunk))})", tuple(chunk))
            result.counts.added -= len(gone)
            origin = writer._origin("business", gone | {first for *_r, first in repeats})
            for row_id, field, shown, first in repeats:
                source, row = origin[row_id]
                writer._reject_repeat(result, Item(source, row, {}, self.headers), field,
                                      shown, N_("business"), "{}:{}".format(*origin[first]))
            held = {row_id: nib for row_id, nib in held.items() if row_id not in gone}
        writer._executemany(f"UPDATE business SET nib = {writer.mark} WHERE id = "
                            f"{writer.mark}", [(nib, row_id) for row_id, nib in held.items()])
        return result


def business_repeats(rows: Iterable[tuple[int, str | None, str]]
                     ) -> Iterator[tuple[int, str, str, int]]:
    """(id, nib, name key) of a load's rows in the order read -> (id, field, value shown,
    id of the first row) for each repeat, by the rules in the module's docstring."""
    first_nib: dict[str, int] = {}
    first_name: dict[str, tuple[int, bool]] = {}  # name key -> (id, had a NIB)
    for row_id, nib, key in rows:
        named = first_name.get(key)
        if nib:
            if nib in first_nib:
                yield row_id, "nib", nib, first_nib[nib]
                continue
            if named is not None and not named[1]:
                yield row_id, "name", key, named[0]
                continue
            first_nib[nib] = row_id
            first_name.setdefault(key, (row_id, True))
        elif named is not None:
            yield row_id, "name", key, named[0]
        else:
            first_name[key] = (row_id, False)


@contextmanager
def small_cache(conn) -> Iterator[None]:
    """SQLite's default page cache while an index is built: its sort takes as much memory
    again as the cache holds, and is no faster with more (1M rows: 0.7 s and 17 MiB with
    2 MiB, 1.0 s and 78 MiB with 32 MiB)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{DEFAULT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {size}")


def _has_rows(conn) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM business LIMIT 1").first() is not None
