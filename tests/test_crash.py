"""A bulk import killed with SIGKILL part-way leaves a sound registry, and runs again.

An import is one write transaction, so a killed one leaves nothing of itself: the
registry holds exactly what the earlier, committed import wrote. Running the killed
import again then completes, with every row once. Real processes, real SIGKILL, on SQLite
(WAL) and on PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from exportkit.registry import close_all, open_registry
from tests.conftest import count, ok, pg_admin

pytestmark = pytest.mark.usefixtures("backend")

# Big enough that the import runs for several seconds (it is killed about a third of the
# way in); small enough that running it to the end again keeps the suite quick.
ROWS = {"sqlite": 30_000, "postgres": 12_000}
COMMITTED = 1_000  # the first rows of the file, enrolled (and committed) beforehand
# Bytes the killed import must have written before the kill, about a third of its total:
# the -wal file of a whole run reaches ~8 MB; the table's heap grows by ~1.9 MB.
INSIDE = {"sqlite": 2560 * 1024, "postgres": 640 * 1024}
TIMEOUT = 300


def business_file(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["NIB", "Nama Usaha", "Kabupaten/Kota", "Jumlah Tenaga Kerja",
                         "Bidang Usaha"])
        writer.writerows([f"7{n:012d}", f"UD Tahan Banting {n}", "Kabupaten Blitar",
                          n % 120 + 1, "kerajinan"] for n in range(rows))
    return path


def nibs(db: str) -> list[str]:
    close_all()
    with open_registry(db).reader() as connection:
        return connection.exec_driver_sql("SELECT nib FROM business ORDER BY nib").scalars().all()


class Progress:
    """How much the running import has written, as the other side can see it: the SQLite
    -wal file (pages of the open transaction spill into it), or the business table's heap
    on PostgreSQL (uncommitted rows take space) while its session has a transaction id."""

    def __init__(self, backend: str, db: str, app_name: str):
        self.backend, self.db, self.app_name = backend, db, app_name
        if backend == "postgres":
            self.admin = pg_admin(db.rsplit("/", 1)[1])
        self.start = self.written()

    def written(self) -> int:
        if self.backend == "sqlite":
            wal = Path(self.db + "-wal")
            return wal.stat().st_size if wal.exists() else 0
        return self.admin.execute("SELECT pg_relation_size('business')").fetchone()[0]

    def in_transaction(self) -> bool:
        if self.backend == "sqlite":
            return True  # the -wal file grows only inside a write transaction
        return self.admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND backend_xid IS NOT NULL AND xact_start IS NOT NULL",
            (self.app_name,)).fetchone()[0] == 1

    def sessions(self) -> int:
        return self.admin.execute("SELECT count(*) FROM pg_stat_activity WHERE "
                                  "application_name = %s", (self.app_name,)).fetchone()[0]

    def close(self) -> None:
        if self.backend == "postgres":
            self.admin.close()


def _stopped_part_way(backend: str, db: str, big: Path, out: Path, stop: signal.Signals
                      ) -> int:
    """Runs `enroll big` and sends it `stop` about a third of the way into its write
    transaction; returns its exit code once it has ended (and, on PostgreSQL, its session
    with it)."""
    app_name = f"exportkit-crash-{uuid.uuid4().hex[:8]}"
    progress = Progress(backend, db, app_name)
    try:
        with out.open("w") as stream:
            process = subprocess.Popen(
                [sys.executable, "-m", "exportkit", "enroll", str(big), "--db", db, "--json"],
                stdout=stream, stderr=subprocess.STDOUT,
                # SQLite's default small page cache, so the open transaction spills pages
                # into the -wal file before it commits: the case to survive
                env={**os.environ, "PGAPPNAME": app_name, "EXPORTKIT_SQLITE_CACHE_KIB": "2000"})
            try:
                deadline = time.monotonic() + TIMEOUT
                while not (progress.written() - progress.start >= INSIDE[backend]
                           and progress.in_transaction()):
                    assert process.poll() is None, (
                        f"the import ended (exit {process.returncode}) before it could be "
                        f"stopped: make the file bigger\n{out.read_text()}")
                    assert time.monotonic() < deadline, "the import never got going"
                    time.sleep(0.05)
                assert process.poll() is None
                os.kill(process.pid, stop)
                code = process.wait(timeout=60)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        if backend == "postgres":
            # The server notices the dead client (or the rollback), and ends the session.
            deadline = time.monotonic() + 60
            while progress.sessions():
                assert time.monotonic() < deadline, "the stopped import's session lingers"
                time.sleep(0.1)
    finally:
        progress.close()
    return code


def test_an_import_killed_part_way_leaves_a_sound_registry(backend, fresh_registry, tmp_path):
    db = fresh_registry
    rows = ROWS[backend]
    big = business_file(tmp_path / "usaha-besar.csv", rows)
    head = business_file(tmp_path / "usaha-awal.csv", COMMITTED)
    ok("enroll", head, "--db", db)
    committed = nibs(db)
    assert len(committed) == COMMITTED
    close_all()

    code = _stopped_part_way(backend, db, big, tmp_path / "killed.out", signal.SIGKILL)
    assert code == -signal.SIGKILL

    if backend == "sqlite":
        assert Path(db + "-wal").exists()  # killed inside the transaction: nothing cleaned
        connection = sqlite3.connect(db)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()

    # All or nothing: the committed import whole, not one row of the killed one.
    assert nibs(db) == committed
    close_all()

    again = subprocess.run(
        [sys.executable, "-m", "exportkit", "enroll", str(big), "--db", db, "--json"],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert json.loads(again.stdout)["totals"]["business"] == {
        "added": rows - COMMITTED, "updated": 0, "unchanged": COMMITTED, "rejected": 0}
    database = open_registry(db)
    assert count(database, "business") == rows
    with database.reader() as connection:
        assert connection.exec_driver_sql(
            "SELECT count(DISTINCT nib) FROM business").scalar_one() == rows
    if backend == "sqlite":
        close_all()
        connection = sqlite3.connect(db)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            connection.close()


def test_an_import_stopped_by_sigterm_rolls_back_and_says_so(backend, fresh_registry,
                                                             tmp_path):
    # `kill`, a service manager or a shut-down sends SIGTERM: the import stops as Ctrl-C
    # stops it, its transaction rolled back, with one line and exit code 143
    db = fresh_registry
    head = business_file(tmp_path / "usaha-awal.csv", COMMITTED)
    ok("enroll", head, "--db", db)
    committed = nibs(db)
    close_all()
    big = business_file(tmp_path / "usaha-besar.csv", ROWS[backend])
    out = tmp_path / "stopped.out"
    assert _stopped_part_way(backend, db, big, out, signal.SIGTERM) == 143
    said = out.read_text()
    assert "Traceback" not in said
    assert said.strip().splitlines() == [
        "error: stopped (SIGTERM); nothing more was written"], said
    assert nibs(db) == committed
    close_all()

