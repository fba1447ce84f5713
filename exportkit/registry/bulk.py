"""Batched upserts for imports: SQLAlchemy Core statements, no ORM object per row.

Each batch costs a few queries whatever its size: one to find the rows that already exist,
one executemany for the new ones, one per shape of change for the changed ones. Blank cells
never erase what the registry holds; a value that differs updates it; identical rows are
left alone (their updated_at too), so running the same import twice changes nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import Connection, bindparam, select, tuple_

from exportkit import i18n
from exportkit.errors import RowProblem
from exportkit.i18n import N_
from exportkit.registry import driver
from exportkit.registry.driver import in_values
from exportkit.registry.engine import page_cache
from exportkit.registry.idbits import IdBits
from exportkit.registry.models import (
    Business,
    Certification,
    ExchangeRate,
    ExportRecord,
    Product,
    utcnow,
)
from exportkit.text import fold, name_key, regency_key

B = Business.__table__
P = Product.__table__
C = Certification.__table__
E = ExportRecord.__table__
R = ExchangeRate.__table__


@dataclass
class Item:
    """One validated row on its way in, with where it came from for messages."""

    source: str
    row: int
    record: dict
    headers: dict[str, str]  # field -> the header this file uses for it
    cells: list | None = None  # the row as read, for the rejected-rows file

    def col(self, field: str) -> str:
        return self.headers.get(field, field)

    @property
    def place(self) -> str:
        return f"{self.source}:{self.row}"


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected
        return self


@dataclass
class BatchResult:
    counts: Counts = field(default_factory=Counts)
    problems: list[tuple[Item, RowProblem]] = field(default_factory=list)

    def reject(self, item: Item, column: str, value: str, reason: str) -> None:
        self.problems.append((item, RowProblem(item.source, item.row, column, value, reason)))
        self.counts.rejected += 1


IN_CHUNK = 5_000  # values per IN (...): SQLite takes at most 32,766 parameters a statement
MIN_RUN = 8  # rows met in a run, at least, to be remembered as one (shorter: ek_touched)
TIME_COLUMNS = frozenset({"created_at", "updated_at", "issued_on", "expires_on"})
BUSINESS_COLUMNS = ("nib", "name", "npwp", "legal_form", "regency", "province", "sector",
                    "employees", "annual_revenue", "founded_year", "export_experience",
                    "owner_name", "phone", "email", "website", "has_product_photos",
                    "has_english_description", "has_usd_price_list", "programmes")
PRODUCT_COLUMNS = ("category", "hs_code", "description", "wood_based", "perishable",
                   "shelf_life_days", "primary_packaging", "export_carton",
                   "transit_protection", "food_grade", "label_complete", "label_languages",
                   "gtin", "wood_packaging", "ispm15_marked", "monthly_capacity", "unit",
                   "fob_price_usd")
CERT_COLUMNS = ("number", "issuer", "issued_on", "expires_on")
RATE_COLUMNS = ("currency", "year", "rate", "source")
EXPORT_COLUMNS = ("regency", "province", "commodity", "category", "hs_code", "year",
                  "destination", "value", "currency", "volume", "volume_unit", "source")


# The look-ups of every batch, built once and run with the batch's values (driver.in_values)
BUSINESS_ROWS = select(B.c.id, B.c.nib, B.c.name_key, B.c.updated_at,
                       *(B.c[c] for c in BUSINESS_COLUMNS if c != "nib")).where(in_values(B.c.id))
PRODUCT_ROWS = select(P.c.id, P.c.business_id, P.c.name_key, P.c.name, P.c.updated_at,
                      *(P.c[c] for c in PRODUCT_COLUMNS)).where(in_values(P.c.id))
PRODUCT_KEYS = select(P.c.id, P.c.business_id, P.c.name_key).where(in_values(P.c.business_id))
CERTIFICATE_ROWS = select(C.c.id, C.c.business_id, C.c.product_key, C.c.kind, C.c.number_key,
                          C.c.product_id, C.c.updated_at, *(C.c[c] for c in CERT_COLUMNS)
                          ).where(in_values(C.c.business_id))
EXPORT_ROWS = select(E.c.id, E.c.record_key, E.c.business_id, E.c.updated_at,
                     *(E.c[c] for c in EXPORT_COLUMNS)).where(in_values(E.c.record_key))
RATE_ROWS = select(R.c.id, R.c.currency, R.c.year, R.c.rate, R.c.source, R.c.updated_at
                   ).where(in_values(tuple_(R.c.currency, R.c.year)))
NAMED_LIKE = select(B.c.id).where(B.c.name_key >= bindparam("low"),
                                  B.c.name_key < bindparam("high"))


def chunks(values: Iterable) -> Iterator[list]:
    """The values in lists of IN_CHUNK at most, for IN (...) queries."""
    values = iter(values)
    while chunk := list(islice(values, IN_CHUNK)):
        yield chunk


class BulkWriter:
    """Writes batches of validated records inside the caller's transaction.

    A record met twice in one import is refused the second time. Within a batch a dict
    tells; across batches the registry does: every row this import matches is noted by id
    in a temporary table, with the file and row it came from, so a later batch that finds
    such a row knows it came earlier and where. New rows get their ids here (the writer
    holds the write lock), so the rows a batch inserts are one run of ids, from rows of
    the file that are consecutive but where a bad row was left out: they are noted in
    memory as a few runs of (first id, first row), which spares a fresh load a second write
    per row and keeps memory flat however large a clean file.
    """

    def __init__(self, connection: Connection, resolve=None, fresh_loads: bool = False):
        self.conn = connection
        self.now = utcnow()
        self._now = driver.value(connection, self.now)
        self.mark = driver.mark(connection)
        # resolve(table, existing, changed, item) -> the changes to apply; None applies all.
        # Merges use it to keep conflicting values by a policy and to list the conflicts.
        self.resolve = resolve
        # fresh_loads: a sheet of businesses that finds the table empty is loaded as a
        # FreshLoad (exportkit/registry/fresh.py), settled at the end of the sheet
        self.fresh_loads = fresh_loads
        self._fresh = None  # the FreshLoad under way
        self._sheet_started = False
        self._sources: dict[str, int] = {}
        self._next_id: dict[str, int] = {}
        # kind -> runs of ids this import met in consecutive rows of one file (_note): the
        # first ids (sorted), and (id after the last, source number, first row) per run
        self._runs: dict[str, tuple[list[int], list[tuple[int, int, int]]]] = {}
        # kind -> the ids of the rows in ek_touched, so that a batch of rows this import
        # has not met is not looked up there: on PostgreSQL each look-up scanned every row
        # noted so far (a re-import of 90,000 products: 36 s, nearly all of it there)
        self._touched: dict[str, IdBits] = {}
        self.conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE IF NOT EXISTS ek_touched (kind TEXT, row_id INTEGER, "
            "source_no INTEGER, source_row INTEGER, PRIMARY KEY (kind, row_id))")
        self.conn.exec_driver_sql("DELETE FROM ek_touched")

    def close(self) -> None:
        self.conn.exec_driver_sql("DROP TABLE IF EXISTS ek_touched")

    # -- shared steps -------------------------------------------------------------------

    def _new_ids(self, table: str, count: int) -> range | list[int]:
        """Ids for `count` new rows of `table`; on SQLite never one this import gave
        before, even to a row it deleted (a fresh load's repeats): its runs name them."""
        if self.conn.dialect.name == "postgresql" or count == 0:
            return driver.new_ids(self.conn, table, count)
        first = self._next_id.get(table)
        ids = driver.new_ids(self.conn, table, count) if first is None else range(
            first, first + count)
        self._next_id[table] = ids[-1] + 1
        return ids

    def _source_number(self, source: str) -> int:
        number = self._sources.get(source)
        if number is None:
            number = self._sources[source] = len(self._sources)
        return number

    def _note(self, kind: str, rows: list[tuple[int, Item]]) -> None:
        """Records the rows this import met (inserted or matched), with where each came
        from. Runs of consecutive ids from consecutive rows of one file are kept in memory
        while their ids grow: a sheet new to the registry, or imported again in its order,
        is a run or two per batch, where row by row it would be every row of the batch
        written to ek_touched. The rest goes there."""
        starts, runs = self._runs.setdefault(kind, ([], []))
        rest: list[tuple[int, Item]] = []
        first = 0
        for at in range(1, len(rows) + 1):
            if at < len(rows):
                (before, earlier), (row_id, item) = rows[at - 1], rows[at]
                if (row_id == before + 1 and item.row == earlier.row + 1
                        and item.source == earlier.source):
                    continue
            start, item = rows[first]
            if at - first >= MIN_RUN and (not runs or start >= runs[-1][0]):
                starts.append(start)  # after the last run: the starts stay sorted
                runs.append((start + at - first, self._source_number(item.source), item.row))
            else:
                rest += rows[first:at]
            first = at
        if rest:
            driver.insert_many(self.conn, "ek_touched",
                               ["kind", "row_id", "source_no", "source_row"],
                               [(kind, row_id, self._source_number(item.source), item.row)
                                for row_id, item in rest])
            self._touched.setdefault(kind, IdBits()).add_all(row_id for row_id, _item in rest)

    def _origin(self, kind: str, ids: set[int]) -> dict[int, tuple[str, int]]:
        """Of these registry rows, the ones this import met already: id -> (file, row)."""
        if not ids:
            return {}
        names = {number: source for source, number in self._sources.items()}
        found = {}
        starts, runs = self._runs.get(kind, ((), ()))
        for row_id in ids:
            at = bisect_right(starts, row_id) - 1
            if at >= 0 and row_id < runs[at][0]:
                _stop, number, first_row = runs[at]
                found[row_id] = (names[number], first_row + row_id - starts[at])
        touched = self._touched.get(kind)
        rest = [] if touched is None else [
            row_id for row_id in ids if row_id not in found and row_id in touched]
        for chunk in chunks(rest):  # a fresh load's settling asks for all its repeats at once
            rows = self.conn.exec_driver_sql(
                f"SELECT row_id, source_no, source_row FROM ek_touched WHERE kind = "
                f"{self.mark} AND row_id IN ({', '.join([self.mark] * len(chunk))})",
                (kind, *chunk)).all()
            found.update((row_id, (names[number], row)) for row_id, number, row in rows)
        return found

    def _earlier(self, kind: str, ids: set[int]) -> dict[int, str]:
        """Of these registry rows, the ones this import met already: id -> "file:row", in
        the order they were met."""
        met = self._origin(kind, ids)
        return {row_id: f"{source}:{row}" for row_id, (source, row) in sorted(
            met.items(), key=lambda found: (self._sources[found[1][0]], found[1][1]))}

    def _first_time(self, kind: str, keyed: list[tuple[object, dict | None, Item]],
                    what: str, field: str, result: BatchResult
                    ) -> list[tuple[dict | None, Item]]:
        """Drops (and reports) the items whose record came earlier in this import: earlier
        in the batch (same key) or in an earlier batch (the registry row it matched)."""
        earlier = self._earlier(kind, {e["id"] for _, e, _ in keyed if e is not None})
        seen: dict[object, Item] = {}
        fresh = []
        for key, existing, item in keyed:
            first = seen.get(key)
            place = (first.place if first is not None else
                     earlier.get(existing["id"]) if existing is not None else None)
            if place is not None:
                self._reject_repeat(result, item, field, item.record.get(field, ""), what,
                                    place)
                continue
            seen[key] = item
            fresh.append((existing, item))
        return fresh

    @staticmethod
    def _reject_repeat(result: BatchResult, item: Item, field: str, shown: object, what: str,
                       place: str) -> None:
        result.reject(item, item.col(field), str(shown),
                      i18n._("the same {what} appears earlier, at {place}").format(
                          what=i18n._(what), place=place))

    def _driver(self, item: object) -> object:
        return driver.value(self.conn, item)

    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        # Straight to the driver's executemany: the bulk path skips SQLAlchemy's per-row
        # parameter processing, which cost more than the inserts themselves.
        if rows:
            self.conn.exec_driver_sql(sql, rows)

    def _insert(self, table, kind: str, columns: tuple[str, ...], rows: list[Iterable],
                items: list[Item]) -> range | list[int]:
        """New rows, one per item, of `rows` (values of `columns`, as the driver takes them;
        any iterable, so a record's values need not be made a tuple before the row is):
        given their ids and times, inserted and noted. Returns their ids."""
        ids = self._new_ids(table.name, len(items))
        now = self._now
        driver.insert_many(self.conn, table.name, ["id", *columns, "created_at", "updated_at"],
                           [(row_id, *values, now, now)
                            for row_id, values in zip(ids, rows, strict=True)])
        self._note(kind, list(zip(ids, items, strict=True)))
        return ids

    def _new_rows(self, table, kind: str, fields: tuple[str, ...], items: list[Item],
                  counts: Counts) -> None:
        """Rows the registry does not hold yet, inserted straight from their records, with
        every one of `fields` (NULL where a record has no value: the records of a batch
        need not name the same fields, and a merge's leave out what they lack). No date
        fields: those need converting (_apply)."""
        if not items:
            return
        counts.added += len(items)
        self._insert(table, kind, fields, [map(item.record.get, fields) for item in items],
                     items)

    def _apply(self, table, kind: str, rows: list[tuple[dict | None, dict, Item]],
               counts: Counts) -> None:
        """rows: (existing row or None, new values, item): inserts, updates, or nothing.
        Every values dict of a kind has the same keys."""
        inserts = [(values, item) for existing, values, item in rows if existing is None]
        updates = defaultdict(list)
        met = []
        for existing, values, item in rows:
            if existing is None:
                continue
            met.append((existing["id"], item))
            changed = {c: v for c, v in values.items()
                       if v is not None and existing.get(c) != v}
            if changed and self.resolve is not None:
                changed = self.resolve(table.name, existing, changed, item)
            if changed:
                updates[tuple(sorted(changed))].append({**changed, "b_id": existing["id"]})
            else:
                counts.unchanged += 1
        if inserts:
            columns = tuple(inserts[0][0])
            dated = [c for c in columns if c in TIME_COLUMNS]
            if dated:  # only date and time columns need converting for the driver
                for values, _item in inserts:
                    for c in dated:
                        values[c] = self._driver(values[c])
            self._insert(table, kind, columns,
                         [tuple(map(values.__getitem__, columns)) for values, _item in inserts],
                         [item for _values, item in inserts])
            counts.added += len(inserts)
        mark = self.mark
        for changed_columns, batch in updates.items():
            assignments = ", ".join(f"{c} = {mark}" for c in (*changed_columns, "updated_at"))
            self._executemany(
                f"UPDATE {table.name} SET {assignments} WHERE id = {mark}",
                [(*(self._driver(u[c]) for c in changed_columns), self._now, u["b_id"])
                 for u in batch])
            counts.updated += len(batch)
        self._note(kind, met)

    def _where_in(self, table: str, column: str, values: set, also: str = "") -> list:
        """(id[, also]) of the rows whose `column` is one of `values`: a bare driver query,
        as most rows of a large import are new and match nothing."""
        if not values:
            return []
        selected = f"SELECT id{', ' + also if also else ''} FROM {table} WHERE {column}"
        if self.conn.dialect.name == "postgresql":
            # one array parameter, where a list of a parameter per value is parsed and
            # planned again for every batch (5,000 NIBs: about 20 against 40 ms)
            return self.conn.exec_driver_sql(f"{selected} = ANY(%s)", (list(values),)).all()
        marks = ", ".join([self.mark] * len(values))
        return self.conn.exec_driver_sql(f"{selected} IN ({marks})", tuple(values)).all()

    def _ids_where_in(self, table: str, column: str, values: set) -> list[int]:
        return [row[0] for row in self._where_in(table, column, values)]

    def _rows(self, statement, values) -> list[dict]:
        """The rows of one of the statements above for these values, typed as SQLAlchemy
        reads them, as dicts (the few that matched). In chunks: the products of a batch's
        businesses are not bounded by the batch."""
        return [dict(r) for chunk in chunks(values)
                for r in self.conn.execute(statement, {"values": chunk}).mappings()]

    def _business_ids_by(self, nibs: set[str], name_keys: set[str]) -> tuple[dict, dict]:
        """Like _businesses_by, with only the ids: what rows that refer to a business need."""
        by_nib = {nib: {"id": row_id}
                  for row_id, nib in self._where_in("business", "nib", nibs, also="nib")}
        by_name = defaultdict(list)
        for row_id, key in self._where_in("business", "name_key", name_keys, also="name_key"):
            by_name[key].append({"id": row_id})
        return by_nib, by_name

    def _businesses_by(self, nibs: set[str], name_keys: set[str]) -> tuple[dict, dict]:
        by_nib, by_name = {}, defaultdict(list)
        ids = {*self._ids_where_in("business", "nib", nibs),
               *self._ids_where_in("business", "name_key", name_keys)}
        for row in self._rows(BUSINESS_ROWS, sorted(ids)):
            if row["nib"] in nibs:
                by_nib[row["nib"]] = row
            if row["name_key"] in name_keys:
                by_name[row["name_key"]].append(row)
        return by_nib, by_name

    def _resolve_businesses(self, items: list[Item], result: BatchResult,
                            required: bool) -> list[tuple[Item, int | None]]:
        """The business each row refers to, by NIB or by name (and regency)."""
        nibs = {i.record["business_nib"] for i in items if i.record.get("business_nib")}
        keys = {_business_ref_key(i.record) for i in items
                if not i.record.get("business_nib") and i.record.get("business_name")}
        by_nib, by_name = self._business_ids_by(nibs, {k for k in keys if "|" in k})
        resolved = []
        for item in items:
            record = item.record
            if nib := record.get("business_nib"):
                found = by_nib.get(nib)
                if found is None:
                    result.reject(item, item.col("business_nib"), nib,
                                  i18n._("no business with this NIB in the registry or this "
                                    "import"))
                    continue
                resolved.append((item, found["id"]))
            elif record.get("business_name"):
                matches = by_name.get(_business_ref_key(record)) or self._by_name_only(record)
                if len(matches) != 1:
                    reason = (i18n._("no business with this name (and regency) in the registry "
                                "or this import") if not matches else
                              i18n._("several businesses have this name: give the NIB or regency"))
                    result.reject(item, item.col("business_name"),
                                  record["business_name"], reason)
                    continue
                resolved.append((item, matches[0]["id"]))
            elif required:
                result.reject(item, item.col("business_nib"), "",
                              i18n._("say which business: give its NIB or its name"))
            else:
                resolved.append((item, None))
        return resolved

    def _by_name_only(self, record: dict) -> list[dict]:
        if record.get("business_regency"):
            return []
        prefix = name_key(record["business_name"]) + "|"
        rows = self.conn.execute(NAMED_LIKE, {"low": prefix, "high": prefix + "\uffff"})
        return [dict(r) for r in rows.mappings()]

    # -- kinds --------------------------------------------------------------------------

    def write(self, kind: str, items: list[Item]) -> BatchResult:
        if not self._sheet_started:
            # businesses' NIBs and names come in no order: their index pages are visited
            # at random (registry.engine.CACHE_KIB)
            page_cache(self.conn, large=kind == "business")
            if kind == "business" and self.fresh_loads:
                from exportkit.registry.fresh import FreshLoad

                self._fresh = FreshLoad.begin(self)
        self._sheet_started = True
        if kind == "business" and self._fresh is not None:
            return self._fresh.write(items)
        return getattr(self, f"_write_{kind}")(items)

    def settle(self) -> BatchResult:
        """The end of a sheet (of a kind's rows): what a fresh load left for the end (its
        repeats by name)."""
        self._sheet_started = False
        fresh, self._fresh = self._fresh, None
        return BatchResult() if fresh is None else fresh.settle()

    def _write_rate(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        wanted = {(i.record["currency"], i.record["year"]) for i in items}
        existing = {(r["currency"], r["year"]): r for r in self._rows(RATE_ROWS, wanted)}
        keyed = [(key, existing.get(key), i) for i in items
                 for key in [(i.record["currency"], i.record["year"])]]
        fresh = self._first_time("rate", keyed, N_("currency and year"), "year", result)
        self._apply(R, "rate", [
            (found, {c: i.record.get(c) for c in RATE_COLUMNS}, i) for found, i in fresh],
            result.counts)
        return result

    def _write_business(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        for item in items:
            record = item.record
            record["name_key"] = name_key(record["name"], record.get("regency") or "")
        by_nib, by_name = self._businesses_by(
            {i.record["nib"] for i in items if i.record.get("nib")},
            {i.record["name_key"] for i in items})
        earlier = self._earlier("business", {b["id"] for b in by_nib.values()} | {
            b["id"] for found in by_name.values() for b in found})
        # Earlier in this batch: a NIB, or a name and regency. A row with a NIB claims its
        # name and regency too, so a row of the same business without the NIB is refused
        # as a repeat, not enrolled a second time; two NIBs may share a name.
        seen_nib: dict[str, Item] = {}
        seen_name: dict[str, Item] = {}
        rows = []
        for item in items:
            record = item.record
            nib, nkey = record.get("nib"), record["name_key"]
            named = by_name.get(nkey, ())
            if nib:
                first = seen_nib.get(nib)
                place = (first.place if first is not None else
                         earlier.get(by_nib[nib]["id"]) if nib in by_nib else None)
                field, shown = "nib", nib
            else:
                # the first row of this name: met in an earlier batch, else in this one
                first = seen_name.get(nkey)
                ids = {b["id"] for b in named}
                place = next((p for row_id, p in earlier.items() if row_id in ids),
                             first.place if first is not None else None)
                field, shown = "name", nkey
            if place is None and nib and nib not in by_nib:
                # no business has this NIB yet: one without a NIB met earlier is this one
                first = seen_name.get(nkey)
                if first is not None and not first.record.get("nib"):
                    place = first.place
                else:
                    place = next((earlier[b["id"]] for b in named
                                  if b["nib"] is None and b["id"] in earlier), None)
                field, shown = "name", nkey
            if place is not None:
                self._reject_repeat(result, item, field, shown, N_("business"), place)
                continue
            if nib:
                seen_nib[nib] = item
            seen_name.setdefault(nkey, item)
            existing = by_nib.get(nib) if nib else None
            if existing is None:
                candidates = [b for b in named if not nib or b["nib"] is None]
                if len(candidates) > 1 and not nib:
                    result.reject(item, item.col("name"), record["name"],
                                  i18n._("several businesses have this name and regency: give "
                                         "the NIB"))
                    continue
                existing = candidates[0] if len(candidates) == 1 else None
            values = dict(zip(BUSINESS_COLUMNS, map(record.get, BUSINESS_COLUMNS), strict=True))
            values["name_key"] = nkey
            if existing is not None:
                # "Jati Ukir; Jepara" matched "CV Jati Ukir; Kabupaten Jepara": the match
                # does not rewrite the stored spelling (None leaves a value as it is).
                if name_key(existing["name"]) == name_key(record["name"]):
                    values["name"] = None
                if regency_key(existing["regency"] or "") == regency_key(
                        record.get("regency") or ""):
                    values["regency"] = None
                if existing["name_key"] == nkey:
                    values["name_key"] = None
            rows.append((existing, values, item))
        self._apply(B, "business", rows, result.counts)
        return result

    def _write_product(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        resolved = self._resolve_businesses(items, result, required=True)
        for item, business_id in resolved:
            item.record["business_id"] = business_id
            item.record["name_key"] = name_key(item.record["product_name"])
        wanted = {(i.record["business_id"], i.record["name_key"]) for i, _b in resolved}
        # business_id IN (...) walks the index; a (business_id, name_key) tuple IN scanned it
        ids = self._ids_where_in("product", "business_id", {b for b, _n in wanted})
        existing = {
            key: r for r in self._rows(PRODUCT_ROWS, ids)
            if (key := (r["business_id"], r["name_key"])) in wanted
        }
        keyed = [(key, existing.get(key), item) for item, _b in resolved
                 for key in [(item.record["business_id"], item.record["name_key"])]]
        fresh = self._first_time("product", keyed, N_("product of this business"),
                                 "product_name", result)
        rows, new = [], []
        for found, item in fresh:
            record = item.record
            record["name"] = record["product_name"]
            if found is None:
                new.append(item)
                continue
            values = dict(zip(PRODUCT_COLUMNS, map(record.get, PRODUCT_COLUMNS), strict=True))
            values.update(business_id=record["business_id"], name_key=record["name_key"],
                          name=record["name"])
            rows.append((found, values, item))
        self._apply(P, "product", rows, result.counts)
        self._new_rows(P, "product", (*PRODUCT_COLUMNS, "business_id", "name_key", "name"),
                       new, result.counts)
        return result

    def _write_certification(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        resolved = self._resolve_businesses(items, result, required=True)
        wanted_products = {(b, name_key(i.record["product_name"]))
                           for i, b in resolved if i.record.get("product_name")}
        product_ids = {
            (r["business_id"], r["name_key"]): r["id"]
            for r in self._rows(PRODUCT_KEYS, {b for b, _n in wanted_products})
            if (r["business_id"], r["name_key"]) in wanted_products}
        placed = []
        for item, business_id in resolved:
            record = item.record
            product_key = name_key(record["product_name"]) if record.get("product_name") else ""
            product_id = product_ids.get((business_id, product_key)) if product_key else None
            if product_key and product_id is None:
                result.reject(item, item.col("product_name"), record["product_name"],
                              i18n._("this business has no product with this name; enroll the "
                                     "product first"))
                continue
            record.update(business_id=business_id, product_id=product_id,
                          product_key=product_key, number_key=fold(record.get("number") or ""))
            placed.append(item)
        wanted = {(i.record["business_id"], i.record["product_key"], i.record["kind"],
                   i.record["number_key"]) for i in placed}
        existing = {
            key: r for r in self._rows(CERTIFICATE_ROWS, {k[0] for k in wanted})
            if (key := (r["business_id"], r["product_key"], r["kind"], r["number_key"]))
            in wanted}
        keyed = [(key, existing.get(key), i) for i in placed
                 for key in [(i.record["business_id"], i.record["product_key"], i.record["kind"],
                              i.record["number_key"])]]
        fresh = self._first_time("certification", keyed, N_("certificate"), "kind", result)
        rows = []
        for found, item in fresh:
            r = item.record
            values = {c: r.get(c) for c in CERT_COLUMNS}
            values.update(business_id=r["business_id"], product_id=r["product_id"],
                          product_key=r["product_key"], kind=r["kind"],
                          number_key=r["number_key"])
            rows.append((found, values, item))
        self._apply(C, "certification", rows, result.counts)
        return result

    def _write_export(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        resolved = self._resolve_businesses(items, result, required=False)
        for item, business_id in resolved:
            r = item.record
            r["business_id"] = business_id
            r["record_key"] = "|".join(str(p) for p in (
                business_id or "", regency_key(r.get("regency") or ""),
                fold(r.get("province") or ""), fold(r["commodity"]), r["year"],
                r.get("destination") or "", r["currency"]))
        wanted = {i.record["record_key"] for i, _b in resolved}
        existing = {r["record_key"]: r for r in self._rows(EXPORT_ROWS, wanted)}
        keyed = [(i.record["record_key"], existing.get(i.record["record_key"]), i)
                 for i, _b in resolved]
        fresh = self._first_time("export", keyed, N_(
            "export record (business, regency, commodity, year, destination, currency)"),
            "commodity", result)
        rows = []
        for found, item in fresh:
            r = item.record
            values = {c: r.get(c) for c in EXPORT_COLUMNS}
            values.update(record_key=r["record_key"], business_id=r["business_id"])
            rows.append((found, values, item))
        self._apply(E, "export", rows, result.counts)
        return result


def columns_of(fields: tuple[str, ...], item: Item) -> tuple[str, ...]:
    """Of `fields`, those a sheet's rows can hold: a column of the sheet, or set by the
    writer (as it set them on this row)."""
    return tuple(f for f in fields if f in item.headers or f in item.record)


def _business_ref_key(record: dict) -> str:
    regency = record.get("business_regency")
    return name_key(record["business_name"], regency) if regency else name_key(
        record["business_name"])
