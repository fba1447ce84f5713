"""The registry: where businesses, products, certificates and export records live."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from exportkit.errors import RegistryError
from exportkit.i18n import _
from exportkit.registry.engine import (
    Database,
    busy_error,
    create_database_engine,
    is_busy,
    resolve_url,
)
from exportkit.registry.migrations import upgrade

_open: dict[str, Database] = {}


def open_registry(db: str | None = None, must_exist: bool = False) -> Database:
    """Opens (creating or upgrading as needed) the registry named by --db/EXPORTKIT_DB.

    must_exist: for commands that only read, a SQLite file that is not there is an error,
    not a new empty registry made at a mistyped path.
    """
    url = resolve_url(db)
    if url in _open:
        return _open[url]
    if must_exist:
        _require_file(url)
    database = create_database_engine(url)
    try:
        upgrade(database)
    except OperationalError as exc:
        if is_busy(exc):  # upgrading waits for the write lock like any other write
            raise busy_error() from exc
        raise RegistryError(_("cannot open the registry at {location}: {reason}").format(
            location=database.location, reason=exc.orig)) from exc
    except SQLAlchemyError as exc:
        raise RegistryError(_("the registry at {location} failed: {reason}").format(
            location=database.location, reason=exc)) from exc
    _open[url] = database
    return database


def _require_file(url: str) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        if not Path(parsed.database).exists():
            raise RegistryError(_("no registry at {path} yet: enroll a file first (exportkit "
                                  "enroll FILE), or check --db / EXPORTKIT_DB").format(
                path=parsed.database))


def close_all() -> None:
    for database in _open.values():
        database.engine.dispose()
    _open.clear()


__all__ = ["Database", "open_registry", "close_all"]
