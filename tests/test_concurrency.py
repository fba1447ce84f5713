"""Several offices enrolling into one registry at the same moment, as real OS processes.

Each import is one write transaction: on SQLite the writers queue on the write lock
(BEGIN IMMEDIATE, busy_timeout 30 s) instead of failing with "database is locked"; on
PostgreSQL they run side by side. Either way every row of every file arrives, once.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exportkit.registry import close_all, open_registry
from tests.conftest import count

pytestmark = pytest.mark.usefixtures("backend")

PROCESSES = 4
ROWS = 2_000
TIMEOUT = 240  # seconds for the whole group; a queue of four takes a few seconds


def business_file(path: Path, which: int, rows: int = ROWS) -> Path:
    """`rows` businesses whose 13-digit NIBs start with 8<which>: distinct across files."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["NIB", "Nama Usaha", "Kabupaten/Kota", "Jumlah Tenaga Kerja"])
        for n in range(rows):
            writer.writerow([f"8{which}{n:011d}", f"CV Serentak {which}-{n}",
                             "Kabupaten Jepara", n % 90 + 1])
    return path


def enroll_at_once(files: list[Path], db: str) -> list[tuple[int, str, str]]:
    """Starts one `python -m exportkit enroll FILE --db DB` per file, all before waiting
    for any; returns (exit code, stdout, stderr) of each."""
    processes = [
        subprocess.Popen([sys.executable, "-m", "exportkit", "enroll", str(f), "--db", db,
                          "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in files]
    return collect(processes)


def collect(processes: list[subprocess.Popen], start=None) -> list[tuple[int, str, str]]:
    """Runs `start()` (if any), then waits for every process; none is left running."""
    try:
        if start is not None:
            start()
        outputs = [p.communicate(timeout=TIMEOUT) for p in processes]
        return [(p.returncode, out, err) for p, (out, err) in zip(processes, outputs,
                                                                    strict=True)]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def check(results: list[tuple[int, str, str]], db: str, rows: int = ROWS) -> None:
    for code, out, err in results:
        assert "database is locked" not in (out + err).lower(), err
        assert code == 0, f"exit {code}\nstdout: {out[-2000:]}\nstderr: {err[-2000:]}"
        assert json.loads(out)["totals"]["business"] == {
            "added": rows, "updated": 0, "unchanged": 0, "rejected": 0}
    close_all()
    database = open_registry(db)
    assert count(database, "business") == PROCESSES * rows
    with database.reader() as connection:
        distinct = connection.exec_driver_sql("SELECT count(DISTINCT nib) FROM business")
        assert distinct.scalar_one() == PROCESSES * rows


def test_four_processes_enroll_into_one_registry_at_once(fresh_registry, tmp_path):
    # The registry exists (as after any earlier use); the four imports race each other.
    opened = subprocess.run([sys.executable, "-m", "exportkit", "rates", "set", "USD", "2019",
                             "14013", "--db", fresh_registry],
                            capture_output=True, text=True, timeout=60)
    assert opened.returncode == 0, opened.stderr
    files = [business_file(tmp_path / f"usaha-{k}.csv", k) for k in range(PROCESSES)]
    check(enroll_at_once(files, fresh_registry), fresh_registry)


# `python -m exportkit ARGS`, but with its imports done first and then held at a start line,
# so that the processes reach the registry within a millisecond of each other.
AT_THE_LINE = """
import os, runpy, sys, time
import exportkit.cli, exportkit.ingest.enroll, exportkit.registry.migrations
ready, go = sys.argv[1:3]
del sys.argv[1:3]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
runpy.run_module("exportkit", run_name="__main__", alter_sys=True)
"""


def test_four_processes_create_a_new_registry_at_once(fresh_registry, tmp_path):
    # Nothing there yet: the four race to create the schema as well. On PostgreSQL the
    # migrations (exportkit/registry/migrations.py, upgrade) must not run in two sessions
    # at once: CREATE TABLE schema_migration in two sessions is a UniqueViolation on
    # pg_type_typname_nsp_index (or DuplicateTable), and all but one process fail with
    # "the registry at ... failed". Fix: take pg_advisory_xact_lock first in upgrade().
    files = [business_file(tmp_path / f"usaha-{k}.csv", k, rows=200) for k in range(PROCESSES)]
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{k}" for k in range(PROCESSES)]
    processes = [
        subprocess.Popen([sys.executable, "-c", AT_THE_LINE, str(ready[k]), str(go),
                          "enroll", str(f), "--db", fresh_registry, "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k, f in enumerate(files)]

    def start_together() -> None:
        deadline = time.monotonic() + TIMEOUT
        while not all(r.exists() for r in ready):
            assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
            assert time.monotonic() < deadline
            time.sleep(0.01)
        go.touch()

    check(collect(processes, start_together), fresh_registry, rows=200)


@pytest.mark.sqlite_only
def test_a_command_that_reads_does_not_wait_for_an_import_or_scoring_under_way(
        fresh_registry, tmp_path):
    # another office's run holds the write lock for minutes (score --all at 1M: ten); a
    # `list` meanwhile reads what is committed, at once, instead of waiting 30 s and
    # failing with "database is locked"
    import sqlite3

    done = subprocess.run([sys.executable, "-m", "exportkit", "enroll",
                           str(business_file(tmp_path / "usaha.csv", 1, rows=10)), "--db",
                           fresh_registry], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    holder = sqlite3.connect(fresh_registry, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO business (nib, name_key, name, created_at, updated_at) "
                       "VALUES ('8200000000001', 'x', 'Not committed', '2026-01-01', "
                       "'2026-01-01')")
        started = time.monotonic()
        listed = subprocess.run([sys.executable, "-m", "exportkit", "list", "businesses",
                                 "--db", fresh_registry, "--format", "json"],
                                capture_output=True, text=True, timeout=60)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert listed.returncode == 0, listed.stderr
    names = {row["name"] for row in json.loads(listed.stdout)["rows"]}
    assert len(names) == 10 and "Not committed" not in names
    assert waited < 25, f"waited {waited:.1f} s: for the write lock (busy timeout 30 s)"


@pytest.mark.sqlite_only
def test_a_write_that_waits_out_the_busy_timeout_says_the_registry_is_busy(
        fresh_registry, tmp_path, monkeypatch):
    # score --all at 1M holds the write lock for minutes: an import started meanwhile gives
    # up after the busy timeout with a message that says why and that it wrote nothing,
    # not SQLite's "database is locked"
    import sqlite3

    from exportkit.registry import engine
    from tests.conftest import invoke, ok

    ok("enroll", business_file(tmp_path / "usaha.csv", 1, rows=10), "--db", fresh_registry)
    close_all()
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 1_000)  # 30 s in use
    holder = sqlite3.connect(fresh_registry, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        result = invoke("enroll", business_file(tmp_path / "more.csv", 2, rows=10), "--db",
                        fresh_registry)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    close_all()
    assert result.exit_code == 1, result.output
    assert ("error: the registry is busy: another command has been writing to it for over "
            "1 s") in result.stderr
    assert "none of this one's changes were saved" in result.stderr
    assert "locked" not in result.stderr
    assert count(open_registry(fresh_registry), "business") == 10


def _open_new_registries(paths: list[str], barrier, errors) -> None:
    """One of several processes: for each path, waits for the others at the barrier, then
    opens a connection to the registry file there (which switches it to WAL)."""
    from exportkit.registry.engine import create_database_engine

    for path in paths:
        barrier.wait()
        database = create_database_engine("sqlite:///" + path)
        try:
            with database.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            errors.put(f"{path}: {exc}")
        finally:
            database.engine.dispose()


@pytest.mark.sqlite_only
def test_processes_opening_a_new_sqlite_file_at_the_same_moment_all_get_it_in_wal(tmp_path):
    # Switching a new file to WAL is a lock upgrade; two processes doing it at once deadlock
    # and SQLite answers one "database is locked" without waiting (about 1 round in 20 with
    # four processes; CI saw it in the test above). 150 rounds find that with near certainty.
    import multiprocessing
    import sqlite3

    context = multiprocessing.get_context("spawn")
    paths = [str(tmp_path / f"new-{n}.db") for n in range(150)]
    barrier, errors = context.Barrier(PROCESSES, timeout=TIMEOUT), context.Queue()
    workers = [context.Process(target=_open_new_registries, args=(paths, barrier, errors))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(TIMEOUT)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    for path in paths:
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
