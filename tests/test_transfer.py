"""`db export`, `db backup` and `db merge`: copies that lose nothing, merges that overwrite
nothing silently."""

import json
import sqlite3

from exportkit.registry import open_registry
from tests.conftest import SAMPLES, count, invoke, ok

TABLES = ("business", "product", "certification", "export_record", "exchange_rate")


def _dump(database) -> dict[str, list]:
    """Every table's rows without ids and timestamps, sorted: what a copy must keep."""
    dump = {}
    with database.reader() as connection:
        for table in TABLES:
            result = connection.exec_driver_sql(f"SELECT * FROM {table}")
            keep = [i for i, c in enumerate(result.keys())
                    if c not in ("id", "created_at", "updated_at") and not c.endswith("_id")]
            dump[table] = sorted(tuple(str(row[i]) for i in keep) for row in result)
    return dump


def test_export_is_read_back_unchanged(enrolled, tmp_path):
    path = tmp_path / "registry.json"
    ok("db", "export", path)
    document = json.loads(path.read_text("utf-8"))
    assert len(document["businesses"]) == 50 and len(document["products"]) == 112
    # into the same registry: nothing changes
    again = json.loads(ok("enroll", path, "--json").stdout)["totals"]
    assert all(c["added"] == 0 and c["updated"] == 0 and c["rejected"] == 0
               for c in again.values()), again
    # into a fresh one: the same contents
    copy = tmp_path / "copy.db"
    ok("enroll", path, "--db", copy)
    assert _dump(open_registry(str(copy))) == _dump(enrolled)


def test_backup_is_a_private_consistent_copy(enrolled, tmp_path):
    path = tmp_path / "backup" / "registry.db"
    ok("db", "backup", path)
    assert path.stat().st_mode & 0o777 == 0o600
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert connection.execute("SELECT count(*) FROM product").fetchone() == (112,)
    connection.close()
    assert _dump(open_registry(str(path))) == _dump(enrolled)


def _district(tmp_path, name: str):
    path = tmp_path / name
    ok("enroll", *sorted(SAMPLES.glob("*.csv")), "--db", path)
    return path


def test_merge_adds_what_is_new_and_lists_conflicts(enrolled, tmp_path):
    district = _district(tmp_path, "blitar.db")
    ok("add", "business", "--nib", "8169006026773", "--name",
       "PT Kartini Mebel Ukir Internasional", "--employees", "999", "--db", district)
    ok("add", "business", "--nib", "1111111111116", "--name", "CV Baru Blitar",
       "--regency", "Kabupaten Blitar", "--db", district)
    data = json.loads(ok("db", "merge", district, "--json").stdout)
    assert data["counts"]["business"] == {"added": 1, "updated": 1, "unchanged": 49,
                                          "rejected": 0}
    assert data["conflicts"] == [{"kind": "business", "record": "8169006026773",
                                  "field": "employees", "mine": 185, "theirs": 999,
                                  "kept": "theirs"}]
    assert count(enrolled, "business") == 51


def test_merge_prefer_mine_keeps_my_values_but_takes_what_i_lack(enrolled, tmp_path):
    district = _district(tmp_path, "jepara.db")
    ok("add", "business", "--nib", "8169006026773", "--name",
       "PT Kartini Mebel Ukir Internasional", "--employees", "999", "--db", district)
    ok("db", "merge", district, "--prefer", "mine")
    with enrolled.reader() as connection:
        assert connection.exec_driver_sql(
            "SELECT employees FROM business WHERE nib = '8169006026773'").scalar() == 185


def test_merge_older_changes_do_not_overwrite_newer_ones(enrolled, tmp_path):
    district = _district(tmp_path, "old.db")
    ok("add", "business", "--nib", "8169006026773", "--name",
       "PT Kartini Mebel Ukir Internasional", "--employees", "999", "--db", district)
    # then the province updates the same field: the district's value is now the older one
    ok("add", "business", "--nib", "8169006026773", "--name",
       "PT Kartini Mebel Ukir Internasional", "--employees", "200")
    data = json.loads(ok("db", "merge", district, "--json").stdout)
    assert data["conflicts"][0]["kept"] == "mine"
    with enrolled.reader() as connection:
        assert connection.exec_driver_sql(
            "SELECT employees FROM business WHERE nib = '8169006026773'").scalar() == 200


def test_merge_dry_run_writes_nothing(enrolled, tmp_path):
    district = _district(tmp_path, "dry.db")
    ok("add", "business", "--nib", "1111111111116", "--name", "CV Baru", "--db", district)
    ok("db", "merge", district, "--dry-run")
    assert count(enrolled, "business") == 50


def test_merge_refuses_itself_and_missing_files(enrolled, registry_path, tmp_path):
    assert invoke("db", "merge", registry_path).exit_code == 2
    missing = invoke("db", "merge", tmp_path / "nope.db")
    assert missing.exit_code == 2 and "no registry at" in missing.stderr


def test_a_merge_that_cannot_place_a_record_writes_nothing(enrolled, tmp_path):
    # two businesses in the target share a name and regency: a NIB-less source record
    # matching that name cannot be placed
    ok("add", "business", "--nib", "1111111111116", "--name", "Batik Baru",
       "--regency", "Kabupaten Pekalongan")
    ok("add", "business", "--nib", "1111111111124", "--name", "Batik Baru",
       "--regency", "Kabupaten Pekalongan")
    district = tmp_path / "district.db"
    ok("add", "business", "--name", "Batik Baru", "--regency", "Kabupaten Pekalongan",
       "--employees", "3", "--db", district)
    ok("add", "business", "--nib", "2222222222228", "--name", "CV Lain", "--db", district)
    before = _dump(enrolled)
    result = invoke("db", "merge", district)
    assert result.exit_code == 1
    assert "nothing was merged" in result.stderr
    assert "several businesses have this name and regency" in result.stderr
    assert _dump(enrolled) == before


def test_a_merge_into_an_empty_registry_holds_what_the_source_holds(enrolled, tmp_path):
    # A merge's records leave out what they have no value for: a batch whose first product
    # had no GTIN (the samples' first has none, nor a shelf life) lost the GTINs of all its
    # products. _dump holds every column but ids and times, the name keys too.
    empty = tmp_path / "empty.db"
    ok("db", "merge", enrolled.url.removeprefix("sqlite:///"), "--db", empty)
    assert _dump(open_registry(str(empty))) == _dump(enrolled)
    assert count(enrolled, "product WHERE gtin IS NOT NULL") > 20



FULL_DISK = """if True:
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    sys.argv = ["exportkit", "db", "backup", {target!r}]
    from exportkit.launch import main
    main()
"""


def test_a_backup_that_fails_leaves_no_half_copy(enrolled, tmp_path):
    # A disk that fills up as the copy is written (the process may not grow a file past
    # 64 KiB): the earlier backup stays, alone, and the message says what happened
    import subprocess
    import sys

    folder = tmp_path / "backup"
    target = folder / "registry.db"
    ok("db", "backup", target)
    before = target.read_bytes()
    assert len(before) > 2 * 64 * 1024
    run = subprocess.run([sys.executable, "-c", FULL_DISK.format(limit=64 * 1024,
                                                                 target=str(target))],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    said = run.stderr.strip().splitlines()
    # SQLite's reason: "disk I/O error" past a file size limit, "database or disk is
    # full" on a full file system
    assert len(said) == 1 and said[0].startswith(
        f"error: cannot write the backup {target}: "), run.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["registry.db"]
    assert target.read_bytes() == before
