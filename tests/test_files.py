"""Files written whole or not at all (exportkit.files): reports, exports."""

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from exportkit.files import written_whole
from tests.conftest import ok
from tests.test_crash import business_file


def test_a_write_that_fails_leaves_the_file_that_was_there(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("last week\n")
    with pytest.raises(OSError, match="No space"), written_whole(path) as out:
        out.write("half of this week")
        raise OSError(28, "No space left on device")
    assert path.read_text() == "last week\n"
    assert list(tmp_path.iterdir()) == [path]


def test_the_file_written_keeps_the_mode_of_the_one_it_replaces(tmp_path):
    path = tmp_path / "contacts.csv"  # personal data, kept private by the officer
    path.write_text("old\n")
    path.chmod(0o604)  # a mode no umask makes of the default
    with written_whole(path) as out:
        out.write("new\n")
        partials = [p for p in tmp_path.iterdir() if p != path]
        assert [stat.S_IMODE(p.stat().st_mode) for p in partials] == [0o604]  # from the start
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


def test_through_a_symbolic_link_the_target_is_replaced(tmp_path):
    target = tmp_path / "shared" / "gaps.csv"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "gaps.csv"
    link.symlink_to(target)
    with written_whole(link) as out:
        out.write("new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


def test_a_pipe_is_written_to_as_it_is(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    try:
        with written_whole(fifo) as out:
            out.write("streamed\n")
        reader.join(10)
        assert received == ["streamed\n"] and stat.S_ISFIFO(fifo.stat().st_mode)
    finally:  # a reader still waiting is let go, so a failure cannot hang the run
        if reader.is_alive():
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_dev_stdout_is_written_to_whatever_it_stands_for(tmp_path):
    log = tmp_path / "log"
    log.write_text("earlier\n")
    with log.open("a") as appended:  # `exportkit ... -o /dev/stdout >> log`
        saved = os.dup(1)
        os.dup2(appended.fileno(), 1)
        try:
            with written_whole(Path("/dev/stdout")) as out:
                out.write("report\n")
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    assert log.read_text() == "earlier\nreport\n"


def test_errors_name_the_file_as_given(tmp_path):
    with pytest.raises(OSError) as missing, written_whole(tmp_path / "no" / "r.csv"):
        pass
    assert missing.value.filename == str(tmp_path / "no" / "r.csv")
    with pytest.raises(IsADirectoryError) as folder, written_whole(tmp_path):
        pass
    assert folder.value.filename == str(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_file_being_written_when_sigterm_comes_is_left_as_it_was(tmp_path):
    # the hidden copy a report or list is written into (exportkit.files.written_whole)
    # is removed, and the file it would have replaced is untouched
    db = str(tmp_path / "r.db")
    ok("enroll", business_file(tmp_path / "usaha.csv", 30_000), "--db", db)
    target = tmp_path / "usaha-list.csv"
    target.write_bytes(b"the earlier list")
    process = subprocess.Popen(
        [sys.executable, "-m", "exportkit", "list", "businesses", "--db", db, "--format",
         "csv", "-o", str(target)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        deadline = time.monotonic() + 300
        while not list(tmp_path.glob(".usaha-list.csv.*.partial")):
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the list never started writing"
            time.sleep(0.002)  # the list takes about 0.3 s to write
        os.kill(process.pid, signal.SIGTERM)
        said = process.communicate(timeout=60)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 143, said
    assert said.strip().splitlines() == [
        "error: stopped (SIGTERM); nothing more was written"], said
    assert target.read_bytes() == b"the earlier list"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_new_file_is_on_the_disk_before_it_takes_the_name(tmp_path, monkeypatch):
    # after a power cut the name holds the old report or the whole new one: the copy is
    # synced before the rename, and the folder (the rename itself) after it
    path = tmp_path / "report.csv"
    path.write_text("last week\n")
    synced = []
    real = os.fsync

    def fsync(fd):
        synced.append((Path(os.readlink(f"/proc/self/fd/{fd}")), path.read_text()))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with written_whole(path) as out:
        out.write("this week\n")
    assert [(where.name.endswith(".partial"), before) for where, before in synced] == [
        (True, "last week\n"), (False, "this week\n")]
    assert synced[1][0] == tmp_path
