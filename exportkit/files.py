"""Files written whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def written_whole(path: Path, *, binary: bool = False, encoding: str = "utf-8",
                  newline: str | None = None) -> Iterator[IO]:
    """A file to write, put under `path` once it is complete: a run that fails or is
    stopped halfway leaves the file that was there (or none), never half of a new one."""
    partial = path.with_name(path.name + ".partial")
    try:
        if binary:
            with partial.open("wb") as out:
                yield out
        else:
            with partial.open("w", encoding=encoding, newline=newline) as out:
                yield out
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
