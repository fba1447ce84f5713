"""Files written whole or not at all."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def written_whole(path: Path, *, binary: bool = False, encoding: str = "utf-8"
                  ) -> Iterator[IO]:
    """A file to write, put under `path` once it is complete: a run that fails or is
    stopped halfway leaves the file that was there (or none), never half of a new one.
    The file written beside it takes the mode of the one it replaces; through a symbolic
    link, the link's target is replaced. What is not a regular file (a pipe, /dev/stdout)
    is written to as it is."""
    mode = "wb" if binary else "w"
    options = {} if binary else {"encoding": encoding}
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if target.exists() and not target.is_file():
        with target.open(mode, **options) as out:
            yield out
        return
    # one name per process: two runs writing the same report do not share it
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        out = partial.open(mode, **options)
    except OSError as exc:  # named as the user named it, not the partial file
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with out:
            yield out
        if target.exists():
            shutil.copymode(target, partial)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
