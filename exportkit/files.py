"""Files written whole or not at all."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

DEVICES = ("/dev/", "/proc/")  # /dev/stdout and the like: whatever they stand for


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def written_whole(path: Path, *, binary: bool = False, encoding: str = "utf-8"
                  ) -> Iterator[IO]:
    """A file to write, put under `path` once it is complete: a run that fails or is
    stopped halfway leaves the file that was there (or none), never half of a new one.
    The copy being written has, from the start, the mode of the file it replaces (a new
    file: the usual one); through a symbolic link, the link's target is replaced. A pipe,
    a device or /dev/stdout is written to as it is."""
    mode = "wb" if binary else "w"
    options = {} if binary else {"encoding": encoding}
    path = Path(path)
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if str(path).startswith(DEVICES) or (found is not None
                                         and not stat.S_ISREG(found.st_mode)):
        # appended to: /dev/stdout of `>> log` opens the log itself, and "w" would empty it
        with path.open(mode.replace("w", "a"), **options) as out:
            yield out
        return
    if found is not None and not os.access(path, os.W_OK):  # as plain open() would refuse
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    target = Path(os.path.realpath(path))
    try:  # a name no other process has, made for this file alone (O_EXCL)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                        suffix=".partial")
    except OSError as exc:  # named as the user named it; a folder not writable: the folder
        denied = exc.errno in (errno.EACCES, errno.EPERM)
        raise OSError(exc.errno, exc.strerror, str(path.parent if denied else path)) from None
    partial = Path(name)
    try:
        os.fchmod(handle, stat.S_IMODE(found.st_mode) if found else _default_mode())
        with os.fdopen(handle, mode, **options) as out:
            yield out
            # on the disk before it takes the name: after a power cut the name holds the
            # old file or the whole new one, not an empty file the rename got to first
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    synced_folder(target.parent)


def synced_folder(folder: Path) -> None:
    """The folder's entries on the disk (a rename into it), where the system allows it."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; nothing to do there
        return
    try:
        os.fsync(handle)
    except OSError:  # a file system that does not sync folders
        pass
    finally:
        os.close(handle)
