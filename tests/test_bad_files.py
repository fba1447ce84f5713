"""Hostile input files: each gives its exact messages and exit code, no traceback, and
leaves the registry exactly as it was.

The corpus is tests/data/bad/: every file NAME.EXT has NAME.EXT.expected next to it:
comment lines ("# ...") say why, an optional "args: ..." line adds options, then the exit
code, then the exact stderr lines: {file} is the file's path, {*} any text within a line.
To add a case: drop the file and its .expected there (binary files: add them to
make_fixtures.py).
"""

from __future__ import annotations

import importlib
import re
import shlex
import shutil
from datetime import date
from pathlib import Path

import pytest

from exportkit.registry import close_all
from tests.conftest import DATA, SAMPLES, invoke, ok, sqlite_dump

BAD = DATA / "bad"
TODAY = date(2025, 6, 30)  # so that "next year" and "plausible year" messages are fixed
CASES = sorted(p for p in BAD.iterdir() if p.is_file() and p.suffix not in (".expected", ".py"))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    # the package exports the command under the module's name: patch the module itself
    monkeypatch.setattr(importlib.import_module("exportkit.cli.enroll"), "_today",
                        lambda: TODAY)


@pytest.fixture(scope="module")
def samples_registry(tmp_path_factory) -> Path:
    """samples/ enrolled once; each test starts from a copy."""
    path = tmp_path_factory.mktemp("template") / "registry.db"
    ok("enroll", *sorted(SAMPLES.glob("*.csv")), "--db", path)
    close_all()
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def samples_copy(samples_registry, registry_path) -> Path:
    shutil.copy2(samples_registry, registry_path)
    return registry_path


def snapshot(registry_path: Path) -> list[str]:
    return sqlite_dump(registry_path)


def read_expected(path: Path) -> tuple[list[str], int, list[str]]:
    lines = [line for line in path.read_text("utf-8").splitlines()
             if not line.startswith("#")]
    args: list[str] = []
    if lines and lines[0].startswith("args:"):
        args = shlex.split(lines.pop(0).removeprefix("args:"))
    return args, int(lines[0]), lines[1:]


def matches(expected: str, actual: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in expected.split("{*}"))
    return re.fullmatch(pattern, actual) is not None


def check(result, code: int, expected: list[str], file: Path) -> None:
    output = result.output
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exit_code == code, output
    wanted = [line.replace("{file}", str(file)) for line in expected]
    actual = result.stderr.splitlines()
    assert len(actual) == len(wanted) and all(
        matches(w, a) for w, a in zip(wanted, actual, strict=True)), (
        "stderr differs:\n" + "\n".join(actual) + "\n--- expected:\n" + "\n".join(wanted))


def test_the_corpus_is_complete():
    assert len(CASES) >= 28
    for case in CASES:
        assert case.with_name(case.name + ".expected").exists(), f"{case.name}: no .expected"
    for expected in BAD.glob("*.expected"):
        assert expected.with_suffix("").exists(), f"{expected.name}: no input file"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_a_hostile_file_is_refused_clearly_and_changes_nothing(case, samples_copy):
    before = snapshot(samples_copy)
    args, code, expected = read_expected(case.with_name(case.name + ".expected"))
    result = invoke("enroll", case, *args)
    check(result, code, expected, case)
    assert snapshot(samples_copy) == before
    assert not list(BAD.glob("*.rejected.csv"))


def test_a_10_mb_cell_is_refused(registry_path, tmp_path):
    ok("enroll", SAMPLES / "usaha.csv")
    before = snapshot(registry_path)
    huge = tmp_path / "huge.csv"
    with huge.open("w", encoding="utf-8") as f:
        f.write("Nama Usaha;Bidang Usaha\nCV Biasa;Mebel\nCV Besar;")
        f.write("x" * 10_000_000)
        f.write("\nCV Lain;Kopi\n")
    result = invoke("enroll", huge)
    check(result, 1, [
        "error: {file}: row 3: a cell is longer than 1,000,000 characters; is this really a "
        "CSV file of records? (an unclosed quote can do this too)"], huge)
    assert snapshot(registry_path) == before


def test_a_10_mb_header_is_refused(registry_path, tmp_path):
    ok("enroll", SAMPLES / "usaha.csv")
    before = snapshot(registry_path)
    huge = tmp_path / "huge-header.csv"
    huge.write_text("x" * 10_000_000 + ";Nama Usaha\nCV Besar;Mebel\n", encoding="utf-8")
    result = invoke("enroll", huge)
    check(result, 1, ["error: {file}: row 1: the header row is longer than 65,536 bytes; is "
                      "this really a CSV file of records?"], huge)
    assert snapshot(registry_path) == before


def test_a_bad_file_among_good_ones_writes_none_of_them(samples_copy, tmp_path):
    before = snapshot(samples_copy)
    good = tmp_path / "usaha-baru.csv"
    good.write_text("Nama Usaha;NIB\nCV Baru Sekali;1234567890999\n", encoding="utf-8")
    bad = BAD / "unterminated_quote.csv"
    result = invoke("enroll", good, bad)
    check(result, 1, ["error: {file}: row 3: a quote (\") opens a value that is never closed, "
                      "so the rest of the file would be read as one cell; close the quote or "
                      "remove it"], bad)
    assert snapshot(samples_copy) == before
