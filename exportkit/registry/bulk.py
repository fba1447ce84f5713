"""Batched upserts for imports: SQLAlchemy Core statements, no ORM object per row.

Each batch costs a few queries whatever its size: one to find the rows that already exist,
one executemany for the new ones, one per shape of change for the changed ones. Blank cells
never erase what the registry holds; a value that differs updates it; identical rows are
left alone (their updated_at too), so running the same import twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, select, tuple_

from exportkit import i18n
from exportkit.errors import RowProblem
from exportkit.i18n import N_
from exportkit.registry import driver
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
EXPORT_COLUMNS = ("regency", "province", "commodity", "category", "hs_code", "year",
                  "destination", "value", "currency", "volume", "volume_unit", "source")


class BulkWriter:
    """Writes batches of validated records inside the caller's transaction."""

    def __init__(self, connection: Connection, resolve=None):
        self.conn = connection
        self.now = utcnow()
        # resolve(table, existing, changed, item) -> the changes to apply; None applies all.
        # Merges use it to keep conflicting values by a policy and to list the conflicts.
        self.resolve = resolve
        # Keys seen in this import, to refuse the same record twice (across batches too)
        # without holding every key of a million-row file in memory.
        self.conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE IF NOT EXISTS ek_seen "
            "(seen_key TEXT PRIMARY KEY, seen_source TEXT, seen_row INTEGER)")
        self.conn.exec_driver_sql("DELETE FROM ek_seen")

    def close(self) -> None:
        self.conn.exec_driver_sql("DROP TABLE IF EXISTS ek_seen")

    # -- shared steps -------------------------------------------------------------------

    def _first_time(self, keyed: list[tuple[str, Item]], what: str, field: str,
                    result: BatchResult) -> list[tuple[str, Item]]:
        """Drops (and reports) items whose key came earlier in this import."""
        keys = [k for k, _ in keyed]
        earlier = dict(self.conn.exec_driver_sql(
            f"SELECT seen_key, seen_source || ':' || seen_row FROM ek_seen WHERE seen_key IN "
            f"({', '.join([driver.mark(self.conn)] * len(keys))})", tuple(keys)).all()
        ) if keys else {}
        fresh: list[tuple[str, Item]] = []
        for key, item in keyed:
            if key in earlier:
                result.reject(item, item.col(field), _shown_key(key),
                              i18n._("the same {what} appears earlier, at {place}").format(
                                  what=i18n._(what), place=earlier[key]))
                continue
            earlier[key] = f"{item.source}:{item.row}"
            fresh.append((key, item))
        driver.insert_many(self.conn, "ek_seen", ["seen_key", "seen_source", "seen_row"],
                           [(k, i.source, i.row) for k, i in fresh])
        return fresh

    def _claim(self, keys: list[str], items: list[tuple[str, Item]]) -> None:
        """Records keys as seen in this import without checking them (first one stays)."""
        if keys:
            mark = driver.mark(self.conn)
            self.conn.exec_driver_sql(
                f"INSERT INTO ek_seen (seen_key, seen_source, seen_row) VALUES ({mark}, {mark}, "
                f"{mark}) ON CONFLICT (seen_key) DO NOTHING",
                [(k, i.source, i.row) for k, (_, i) in zip(keys, items, strict=True)])

    def _driver(self, item: object) -> object:
        return driver.value(self.conn, item)

    def _executemany(self, sql: str, rows: list[tuple]) -> None:
        # Straight to the driver's executemany: the bulk path skips SQLAlchemy's per-row
        # parameter processing, which cost more than the inserts themselves.
        if rows:
            self.conn.exec_driver_sql(sql, rows)

    def _apply(self, table, rows: list[tuple[dict | None, dict, Item]], counts: Counts) -> None:
        """rows: (existing row or None, new values, item): inserts, updates, or nothing."""
        inserts, updates = [], defaultdict(list)
        for existing, values, item in rows:
            if existing is None:
                inserts.append({**values, "created_at": self.now, "updated_at": self.now})
                continue
            changed = {c: v for c, v in values.items()
                       if v is not None and existing.get(c) != v}
            if changed and self.resolve is not None:
                changed = self.resolve(table.name, existing, changed, item)
            if changed:
                updates[tuple(sorted(changed))].append({**changed, "b_id": existing["id"]})
            else:
                counts.unchanged += 1
        if inserts:
            columns = sorted({c for r in inserts for c in r})
            # only date and time columns need converting for the driver
            convert = [c in TIME_COLUMNS for c in columns]
            driver.insert_many(self.conn, table.name, columns, [
                tuple(self._driver(r.get(c)) if t else r.get(c)
                      for c, t in zip(columns, convert, strict=True)) for r in inserts])
            counts.added += len(inserts)
        mark = driver.mark(self.conn)
        for columns, batch in updates.items():
            assignments = ", ".join(f"{c} = {mark}" for c in (*columns, "updated_at"))
            self._executemany(
                f"UPDATE {table.name} SET {assignments} WHERE id = {mark}",
                [(*(self._driver(u[c]) for c in columns), self._driver(self.now), u["b_id"])
                 for u in batch])
            counts.updated += len(batch)

    def _businesses_by(self, nibs: set[str], name_keys: set[str]) -> tuple[dict, dict]:
        by_nib, by_name = {}, defaultdict(list)
        cols = [B.c.id, B.c.nib, B.c.name_key, B.c.updated_at,
                *(B.c[c] for c in BUSINESS_COLUMNS if c != "nib")]
        if nibs:
            for row in self.conn.execute(select(*cols).where(B.c.nib.in_(nibs))).mappings():
                by_nib[row["nib"]] = dict(row)
        if name_keys:
            for row in self.conn.execute(
                    select(*cols).where(B.c.name_key.in_(name_keys))).mappings():
                by_name[row["name_key"]].append(dict(row))
        return by_nib, by_name

    def _resolve_businesses(self, items: list[Item], result: BatchResult,
                            required: bool) -> list[tuple[Item, int | None]]:
        """The business each row refers to, by NIB or by name (and regency)."""
        nibs = {i.record["business_nib"] for i in items if i.record.get("business_nib")}
        keys = {_business_ref_key(i.record) for i in items
                if not i.record.get("business_nib") and i.record.get("business_name")}
        by_nib, by_name = self._businesses_by(nibs, {k for k in keys if "|" in k})
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
        rows = self.conn.execute(select(B.c.id).where(
            B.c.name_key >= prefix, B.c.name_key < prefix + "\uffff")).mappings()
        return [dict(r) for r in rows]

    # -- kinds --------------------------------------------------------------------------

    def write(self, kind: str, items: list[Item]) -> BatchResult:
        return getattr(self, f"_write_{kind}")(items)

    def _write_rate(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        keyed = [(f"rate|{i.record['currency']}|{i.record['year']}", i) for i in items]
        keyed = self._first_time(keyed, N_("currency and year"), "year", result)
        wanted = {(i.record["currency"], i.record["year"]) for _, i in keyed}
        existing = {
            (r["currency"], r["year"]): dict(r) for r in self.conn.execute(
                select(R.c.id, R.c.currency, R.c.year, R.c.rate, R.c.source, R.c.updated_at)
                .where(tuple_(R.c.currency, R.c.year).in_(wanted))).mappings()
        } if wanted else {}
        rows = [(existing.get((i.record["currency"], i.record["year"])),
                 {c: i.record.get(c) for c in ("currency", "year", "rate", "source")}, i)
                for _, i in keyed]
        self._apply(R, rows, result.counts)
        return result

    def _write_business(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        keyed = []
        for item in items:
            record = item.record
            nkey = name_key(record["name"], record.get("regency") or "")
            record["name_key"] = nkey
            keyed.append((f"b|nib|{record['nib']}" if record.get("nib") else f"b|name|{nkey}",
                          item))
        # A repeated NIB is reported under the NIB column, a repeated name under the name.
        with_nib = self._first_time([k for k in keyed if k[0].startswith("b|nib|")],
                                    N_("business"), "nib", result)
        # A row with a NIB also claims its name and regency, so a later row of the same
        # business without the NIB is refused as a repeat, not enrolled a second time.
        self._claim([f"b|name|{i.record['name_key']}" for _, i in with_nib], with_nib)
        keyed = with_nib + self._first_time([k for k in keyed if k[0].startswith("b|name|")],
                                            N_("business"), "name", result)
        by_nib, by_name = self._businesses_by(
            {i.record["nib"] for _, i in keyed if i.record.get("nib")},
            {i.record["name_key"] for _, i in keyed})
        rows = []
        for _, item in keyed:
            record = item.record
            existing = by_nib.get(record.get("nib")) if record.get("nib") else None
            if existing is None:
                candidates = [b for b in by_name.get(record["name_key"], ())
                              if not record.get("nib") or b["nib"] is None]
                existing = candidates[0] if len(candidates) == 1 else None
                if len(candidates) > 1 and not record.get("nib"):
                    result.reject(item, item.col("name"), record["name"],
                                  i18n._("several businesses have this name and regency: give "
                                    "the NIB"))
                    continue
            values = {c: record.get(c) for c in BUSINESS_COLUMNS}
            values["name_key"] = record["name_key"]
            if existing is not None:
                # "Jati Ukir; Jepara" matched "CV Jati Ukir; Kabupaten Jepara": the match
                # does not rewrite the stored spelling (None leaves a value as it is).
                if name_key(existing["name"]) == name_key(record["name"]):
                    values["name"] = None
                if regency_key(existing["regency"] or "") == regency_key(
                        record.get("regency") or ""):
                    values["regency"] = None
                if existing["name_key"] == record["name_key"]:
                    values["name_key"] = None
            rows.append((existing, values, item))
        self._apply(B, rows, result.counts)
        return result

    def _write_product(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        resolved = self._resolve_businesses(items, result, required=True)
        keyed = []
        for item, business_id in resolved:
            item.record["business_id"] = business_id
            item.record["name_key"] = name_key(item.record["product_name"])
            keyed.append((f"p|{business_id}|{item.record['name_key']}", item))
        keyed = self._first_time(keyed, N_("product of this business"), "product_name",
                                 result)
        wanted = {(i.record["business_id"], i.record["name_key"]) for _, i in keyed}
        # business_id IN (...) walks the index; a (business_id, name_key) tuple IN scanned it
        existing = {
            key: dict(r) for r in self.conn.execute(
                select(P.c.id, P.c.business_id, P.c.name_key, P.c.name, P.c.updated_at,
                       *(P.c[c] for c in PRODUCT_COLUMNS))
                .where(P.c.business_id.in_({b for b, _n in wanted}))).mappings()
            if (key := (r["business_id"], r["name_key"])) in wanted
        } if wanted else {}
        rows = []
        for _, item in keyed:
            record = item.record
            values = {c: record.get(c) for c in PRODUCT_COLUMNS}
            values.update(business_id=record["business_id"], name_key=record["name_key"],
                          name=record["product_name"])
            rows.append((existing.get((record["business_id"], record["name_key"])), values,
                         item))
        self._apply(P, rows, result.counts)
        return result

    def _write_certification(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        resolved = self._resolve_businesses(items, result, required=True)
        wanted_products = {(b, name_key(i.record["product_name"]))
                           for i, b in resolved if i.record.get("product_name")}
        product_ids = {
            (r.business_id, r.name_key): r.id for r in self.conn.execute(
                select(P.c.id, P.c.business_id, P.c.name_key)
                .where(P.c.business_id.in_({b for b, _n in wanted_products})))
            if (r.business_id, r.name_key) in wanted_products
        } if wanted_products else {}
        keyed = []
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
            keyed.append((f"c|{business_id}|{product_key}|{record['kind']}|"
                          f"{record['number_key']}", item))
        keyed = self._first_time(keyed, N_("certificate"), "kind", result)
        wanted = {(i.record["business_id"], i.record["product_key"], i.record["kind"],
                   i.record["number_key"]) for _, i in keyed}
        key_columns = (C.c.business_id, C.c.product_key, C.c.kind, C.c.number_key)
        existing = {
            key: dict(r) for r in self.conn.execute(
                select(C.c.id, *key_columns, C.c.product_id, C.c.updated_at,
                       *(C.c[c] for c in CERT_COLUMNS))
                .where(C.c.business_id.in_({k[0] for k in wanted}))).mappings()
            if (key := (r["business_id"], r["product_key"], r["kind"], r["number_key"]))
            in wanted
        } if wanted else {}
        rows = []
        for _, item in keyed:
            r = item.record
            values = {c: r.get(c) for c in CERT_COLUMNS}
            values.update(business_id=r["business_id"], product_id=r["product_id"],
                          product_key=r["product_key"], kind=r["kind"],
                          number_key=r["number_key"])
            rows.append((existing.get((r["business_id"], r["product_key"], r["kind"],
                                       r["number_key"])), values, item))
        self._apply(C, rows, result.counts)
        return result

    def _write_export(self, items: list[Item]) -> BatchResult:
        result = BatchResult()
        resolved = self._resolve_businesses(items, result, required=False)
        keyed = []
        for item, business_id in resolved:
            r = item.record
            r["business_id"] = business_id
            r["record_key"] = "|".join(str(p) for p in (
                business_id or "", regency_key(r.get("regency") or ""),
                fold(r.get("province") or ""), fold(r["commodity"]), r["year"],
                r.get("destination") or "", r["currency"]))
            keyed.append((f"e|{r['record_key']}", item))
        keyed = self._first_time(keyed, N_("export record (business, regency, commodity, "
                                           "year, destination, currency)"), "commodity", result)
        wanted = {i.record["record_key"] for _, i in keyed}
        existing = {
            r["record_key"]: dict(r) for r in self.conn.execute(
                select(E.c.id, E.c.record_key, E.c.business_id, E.c.updated_at,
                       *(E.c[c] for c in EXPORT_COLUMNS))
                .where(E.c.record_key.in_(wanted))).mappings()
        } if wanted else {}
        rows = []
        for _, item in keyed:
            r = item.record
            values = {c: r.get(c) for c in EXPORT_COLUMNS}
            values.update(record_key=r["record_key"], business_id=r["business_id"])
            rows.append((existing.get(r["record_key"]), values, item))
        self._apply(E, rows, result.counts)
        return result


def _business_ref_key(record: dict) -> str:
    regency = record.get("business_regency")
    return name_key(record["business_name"], regency) if regency else name_key(
        record["business_name"])


def _shown_key(key: str) -> str:
    return key.split("|", 2)[-1] if key.startswith("b|") else key.split("|")[-1]
