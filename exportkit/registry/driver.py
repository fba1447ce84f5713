"""Driver-level bulk statements, for the paths where SQLAlchemy's per-row parameter
processing costs more than the writes themselves (imports, score snapshots).

Values are stored exactly as SQLAlchemy stores them: on SQLite, dates as YYYY-MM-DD and
timestamps as naive "YYYY-MM-DD HH:MM:SS.ffffff" text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection


def mark(connection: Connection) -> str:
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def value(connection: Connection, item: object) -> object:
    if connection.dialect.name == "sqlite":
        if isinstance(item, datetime):
            return item.strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(item, date):
            return item.isoformat()
    return item


def insert_many(connection: Connection, table: str, columns: list[str], rows: list[tuple]
                ) -> None:
    if rows:
        placeholders = ", ".join([mark(connection)] * len(columns))
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)
