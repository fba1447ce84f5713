"""Moving records between registries: JSON export (which `enroll` reads back) and merge.

Both walk the registry kind by kind in id order, a chunk at a time, as records keyed by the
field names of data/fields.toml, with their businesses referred to by NIB (or by name and
regency when a business has none).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import bindparam, select

from exportkit import __version__
from exportkit.errors import RegistryError, UsageError
from exportkit.files import synced_folder, written_whole
from exportkit.i18n import _
from exportkit.registry.bulk import (
    BUSINESS_COLUMNS,
    CERT_COLUMNS,
    EXPORT_COLUMNS,
    PRODUCT_COLUMNS,
    BulkWriter,
    Counts,
    Item,
)
from exportkit.registry.models import Business, Certification, ExchangeRate, ExportRecord, Product

B = Business.__table__
P = Product.__table__
C = Certification.__table__
E = ExportRecord.__table__
R = ExchangeRate.__table__

CHUNK = 2000
ORDER = ("rate", "business", "product", "certification", "export")
SECTIONS = {"rate": "rates", "business": "businesses", "product": "products",
            "certification": "certifications", "export": "exports"}


def _select(kind: str):
    ref = [B.c.nib.label("business_nib"), B.c.name.label("business_name")]
    match kind:
        case "rate":
            return R, select(R.c.id, R.c.currency, R.c.year, R.c.rate, R.c.source,
                             R.c.updated_at)
        case "business":
            return B, select(B.c.id, *(B.c[c] for c in BUSINESS_COLUMNS), B.c.updated_at)
        case "product":
            return P, select(P.c.id, *ref, B.c.regency.label("business_regency"),
                             P.c.name.label("product_name"), *(P.c[c] for c in PRODUCT_COLUMNS),
                             P.c.updated_at).select_from(P.join(B, B.c.id == P.c.business_id))
        case "certification":
            product = P.alias("p")
            return C, select(C.c.id, *ref, B.c.regency.label("business_regency"),
                             product.c.name.label("product_name"), C.c.kind,
                             *(C.c[c] for c in CERT_COLUMNS), C.c.updated_at).select_from(
                C.join(B, B.c.id == C.c.business_id)
                .outerjoin(product, product.c.id == C.c.product_id))
        case "export":
            return E, select(E.c.id, *ref, *(E.c[c] for c in EXPORT_COLUMNS),
                             E.c.updated_at).select_from(E.outerjoin(B, B.c.id == E.c.business_id))
    raise ValueError(kind)


def iter_records(database, kind: str, chunk: int = CHUNK) -> Iterator[list[dict]]:
    table, query = _select(kind)
    # built once, run for every chunk (a statement built per chunk is a reference cycle:
    # driver.in_values)
    query = query.where(table.c.id > bindparam("after")).order_by(table.c.id).limit(chunk)
    last = 0
    with database.reader() as connection:
        while True:
            rows = connection.execute(query, {"after": last}).mappings().all()
            if not rows:
                return
            last = rows[-1]["id"]
            records = []
            for row in rows:
                record = {k: v for k, v in row.items() if k != "id" and v is not None}
                if record.get("business_nib"):  # a NIB says it all; the name could mislead
                    record.pop("business_name", None)
                    record.pop("business_regency", None)
                records.append(record)
            yield records


def _plain(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def export_json(database, path: Path, schema_version: int) -> dict[str, int]:
    """Writes the whole registry as JSON, streaming; returns the record count per section."""
    counts = {}
    with written_whole(path) as out:  # never a half-written export under the real name
        out.write(json.dumps({"exportkit": __version__, "schema_version": schema_version,
                              "exported_at": datetime.now(UTC).isoformat(timespec="seconds")}
                             )[:-1])
        for kind in ORDER:
            out.write(f',\n"{SECTIONS[kind]}": [')
            n = 0
            for records in iter_records(database, kind):
                for record in records:
                    record.pop("updated_at", None)
                    out.write(("," if n else "") + "\n  " + json.dumps(
                        {k: _plain(v) for k, v in record.items()}, ensure_ascii=False))
                    n += 1
            out.write("\n]")
            counts[SECTIONS[kind]] = n
        out.write("}\n")
    return counts


@dataclass
class Conflict:
    kind: str
    record: str
    field: str
    mine: object
    theirs: object
    kept: str


@dataclass
class MergeResult:
    counts: dict[str, Counts] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list = field(default_factory=list)
    written: bool = False


def _naive(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=None) if moment is not None else None


def _label(record: dict) -> str:
    return str(record.get("nib") or record.get("product_name") or record.get("name")
               or record.get("commodity") or record.get("kind") or record.get("currency"))


def merge(target, source, prefer: str = "newer", dry_run: bool = False) -> MergeResult:
    """Brings every record of `source` into `target`, matched as imports match.

    Where both hold a different value for a field, the newer record wins (by updated_at),
    or always "mine" (the target) or "theirs" (the source); every such conflict is listed.
    A value only one side has is simply kept. All in one transaction.
    """
    if prefer not in ("newer", "mine", "theirs"):
        raise UsageError(_("--prefer takes newer, mine or theirs"))
    if target.url == source.url:
        raise UsageError(_("cannot merge a registry into itself"))
    result = MergeResult()
    kinds = {"business": "business", "product": "product", "certification": "certification",
             "export_record": "export", "exchange_rate": "rate"}

    def resolve(table: str, existing: dict, changed: dict, item: Item) -> dict:
        conflicts = {c for c in changed if existing.get(c) is not None}
        if not conflicts:
            return changed
        theirs_newer = (_naive(item.record.get("updated_at")) or datetime.min) > (
            _naive(existing.get("updated_at")) or datetime.min)
        take_theirs = prefer == "theirs" or (prefer == "newer" and theirs_newer)
        for c in sorted(conflicts):
            result.conflicts.append(Conflict(kinds.get(table, table), _label(item.record), c,
                                             existing.get(c), changed[c],
                                             "theirs" if take_theirs else "mine"))
        return changed if take_theirs else {c: v for c, v in changed.items()
                                             if c not in conflicts}

    with target.writer() as connection:
        transaction = connection.begin()
        try:
            writer = BulkWriter(connection, resolve=resolve)
            for kind in ORDER:
                counts = result.counts.setdefault(kind, Counts())
                for number, records in enumerate(iter_records(source, kind)):
                    items = [Item(source.location, number * CHUNK + i + 1, r, {})
                             for i, r in enumerate(records)]
                    batch = writer.write(kind, items)
                    counts += batch.counts
                    result.problems.extend(p for _, p in batch.problems)
                writer.settle()  # the end of a kind, as of a sheet (no fresh loads here)
            writer.close()
            # All or nothing, as an import: a record that cannot be placed stops the merge.
            if dry_run or result.problems:
                transaction.rollback()
            else:
                transaction.commit()
                result.written = True
        except BaseException:
            transaction.rollback()
            raise
    return result


def backup_sqlite(database, path: Path) -> None:
    """A consistent copy of a live SQLite registry (the online backup API), private."""
    import os
    import sqlite3

    if not database.is_sqlite:
        raise UsageError(
            _("db backup copies SQLite registries; for PostgreSQL use pg_dump, e.g. "
              "pg_dump -Fc '{location}' > registry.dump (restore with pg_restore -d <database> "
              "registry.dump)").format(location=database.location))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.unlink(missing_ok=True)
    os.close(os.open(temporary, os.O_CREAT | os.O_WRONLY, 0o600))
    journal = temporary.with_name(temporary.name + "-journal")  # SQLite's, as it writes
    try:
        raw = database.engine.raw_connection()
        try:
            target = sqlite3.connect(temporary)
            try:
                raw.driver_connection.backup(target)  # synced by SQLite as it commits
            finally:
                target.close()
        except sqlite3.Error as exc:  # a full disk: "database or disk is full"
            raise RegistryError(_("cannot write the backup {path}: {reason}").format(
                path=path, reason=exc)) from exc
        finally:
            raw.close()
        temporary.replace(path)
    except BaseException:  # a full disk, Ctrl-C: no half copy left beside the backups
        temporary.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        raise
    synced_folder(path.parent)
