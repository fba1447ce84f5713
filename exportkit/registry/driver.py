"""Driver-level bulk statements, for the paths where SQLAlchemy's per-row parameter
processing costs more than the writes themselves (imports, score snapshots).

Values are stored exactly as SQLAlchemy stores them: on SQLite, dates as YYYY-MM-DD and
timestamps as naive "YYYY-MM-DD HH:MM:SS.ffffff" text; on PostgreSQL, an aware timestamp as
the wall time in the session's time zone (what the server makes of one bound to a
`timestamp` column), so rows sent by COPY, which would drop the offset, hold the same.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, bindparam
from sqlalchemy.exc import DBAPIError

_LOCAL_TIMES = "exportkit_local_times"
_SEQUENCES = "exportkit_id_sequences"  # table -> its id sequence, per connection


def in_values(column):
    """`column IN (...)` of a list given when the statement runs (`{"values": [...]}`), for
    statements built once and run for every batch or chunk. A statement built per batch
    around its values (`column.in_(values)`) is a reference cycle that holds them: freed
    only when the collector next visits its generation, which in a bulk run
    (exportkit.collector) may not happen before the run ends, and the values (ints,
    strings) are not objects that bring it sooner. A re-import of 3M products grew to
    200 MiB so."""
    return column.in_(bindparam("values", expanding=True))


def mark(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def value(connection: Connection, item: object) -> object:
    if connection.dialect.name == "sqlite":
        if isinstance(item, datetime):
            return item.strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(item, date):
            return item.isoformat()
    elif isinstance(item, datetime) and item.tzinfo is not None:
        return _session_wall_time(connection, item)
    return item


def _session_wall_time(connection: Connection, moment: datetime) -> datetime:
    # The server converts, in its session's zone, whatever that zone is called; a run asks
    # for one or two moments (its "now"), so each is asked once per connection.
    known = connection.info.setdefault(_LOCAL_TIMES, {})
    local = known.get(moment)
    if local is None:
        if len(known) > 64:
            known.clear()
        local = known[moment] = connection.exec_driver_sql(
            "SELECT CAST(CAST(%s AS timestamptz) AS timestamp)", (moment,)).scalar_one()
    return local


def new_ids(connection: Connection, table: str, count: int) -> range | list[int]:
    """Ids for `count` new rows of `table`, for a writer that inserts them with their ids
    (and so knows them without reading the rows back). SQLite: the writer's transaction
    holds the write lock, so nobody else adds rows meanwhile; PostgreSQL: from the
    table's sequence, as other sessions do."""
    if connection.dialect.name == "postgresql":
        # The sequence's name looked up once: pg_get_serial_sequence in the select list is
        # a catalogue lookup per id (5,000 ids: 17 ms against 3 ms)
        sequences = connection.info.setdefault(_SEQUENCES, {})
        sequence = sequences.get(table)
        if sequence is None:
            sequence = sequences[table] = connection.exec_driver_sql(
                "SELECT pg_get_serial_sequence(%s, 'id')", (table,)).scalar_one()
        return [row[0] for row in connection.exec_driver_sql(
            "SELECT nextval(CAST(%s AS regclass)) FROM generate_series(1, %s)",
            (sequence, int(count)))]
    first = connection.exec_driver_sql(
        f"SELECT coalesce(max(id), 0) + 1 FROM {table}").scalar_one()
    return range(first, first + count)


def insert_many(connection: Connection, table: str, columns: list[str], rows: list[tuple]
                ) -> None:
    if not rows:
        return
    if connection.dialect.driver == "psycopg":
        # COPY, PostgreSQL's bulk path: an executemany of INSERTs is many times slower.
        # Same connection, so the same transaction as everything else the writer does.
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        raw = connection.connection.driver_connection
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except connection.dialect.dbapi.Error as exc:
            # raised as SQLAlchemy raises a failed statement, so callers see one kind
            raise DBAPIError.instance(statement, None, exc, connection.dialect.dbapi.Error
                                      ) from exc
        except BaseException:
            # Ctrl-C or SIGTERM inside the COPY leaves the connection in the middle of it,
            # where the rollback that follows would fail ("another command is already in
            # progress") in place of the interruption: it is closed instead, and the
            # server rolls its transaction back
            connection.invalidate()
            raise
        return
    placeholders = ", ".join([mark(connection)] * len(columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)


def insert_new(connection: Connection, table: str, columns: list[str], rows: list[tuple],
               unique: str) -> int:
    """SQLite: inserts the rows whose `unique` column holds no value the table has (or an
    earlier row of `rows`), skipping the others; returns how many were inserted. One
    statement, where looking the values up first would be a second walk of the index."""
    if not rows:
        return 0
    raw = connection.connection.driver_connection
    before = raw.total_changes
    placeholders = ", ".join(["?"] * len(columns))
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT ({unique}) DO NOTHING", rows)
    return raw.total_changes - before
