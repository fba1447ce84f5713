"""The rejected-rows file: rows in the sheet's order whatever order they were refused in."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportkit import safe_csv
from exportkit.ingest.rejects import MAX_RUNS, RejectedRows

HEADERS = ["NIB", "Nama Usaha"]
cell = st.one_of(st.none(), st.text(alphabet='ab=+-@,;"\n\r\t \'é', max_size=6))
refusals = st.lists(st.tuples(st.integers(2, 40), st.lists(cell, max_size=3), st.text(
    alphabet="ab,\n", max_size=4)), max_size=30)


def _in_order(refused) -> str:
    """What the file holds when every row comes in order: written once, through the safe
    writer, a row refused twice in the order its reasons came."""
    stream = io.StringIO(newline="")
    out = safe_csv.writer(stream)
    out.writerow([*HEADERS, "reason"])
    for _row, cells, reason in sorted(refused, key=lambda r: r[0]):
        out.writerow([*("" if c is None else c for c in cells), reason])
    return stream.getvalue()


@settings(max_examples=150, deadline=None)
@given(refused=refusals)
def test_rows_refused_in_any_order_come_out_in_row_order(tmp_path_factory, refused):
    folder = tmp_path_factory.mktemp("rejects")
    rejects = RejectedRows(folder / "usaha.csv.rejected.csv", HEADERS)
    for row, cells, reason in refused:
        rejects.add(row, cells, reason)
    kept = rejects.close(keep=True)
    if not refused:
        assert kept is None and not list(folder.iterdir())
        return
    with open(kept, encoding="utf-8-sig", newline="") as stream:
        assert stream.read() == _in_order(refused)
    assert [p.name for p in folder.iterdir()] == ["usaha.csv.rejected.csv"]  # no runs left
    with open(kept, encoding="utf-8-sig", newline="") as stream:
        assert len(list(csv.reader(stream))) == len(refused) + 1


def test_a_file_not_kept_leaves_nothing(tmp_path):
    rejects = RejectedRows(tmp_path / "usaha.csv.rejected.csv", HEADERS)
    for row in (9, 3, 5, 2):
        rejects.add(row, ["x", "y"], "bad")
    assert rejects.close(keep=False) is None
    assert not list(tmp_path.iterdir())


def test_no_file_is_made_without_a_path(tmp_path):
    rejects = RejectedRows(None, HEADERS)
    rejects.add(2, ["x"], "bad")
    assert rejects.close(keep=True) is None


def test_rows_refused_backwards_keep_a_few_files_open(tmp_path):
    rejects = RejectedRows(tmp_path / "usaha.csv.rejected.csv", HEADERS)
    for row in range(200, 1, -1):
        rejects.add(row, [f"{row:013d}", f"=CV {row}"], "bad")
        assert len(list(tmp_path.iterdir())) <= MAX_RUNS
    with open(rejects.close(keep=True), encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    assert [int(nib) for nib, _name, _reason in lines[1:]] == list(range(2, 201))
    assert lines[1][1] == "'=CV 2"


def test_a_huge_cell_refused_late_is_copied_whole(tmp_path):
    # The reader takes cells up to 1,000,000 characters; made safe, this one is longer, and
    # the merge copies the rows as written rather than parse them again (csv's field limit).
    huge = "=" + "x" * 999_999
    rejects = RejectedRows(tmp_path / "usaha.csv.rejected.csv", HEADERS)
    rejects.add(4, ["1", "bad"], "a NIB has exactly 13 digits")
    rejects.add(3, ["2", huge], "the same business appears earlier")
    text = open(rejects.close(keep=True), encoding="utf-8-sig", newline="").read()
    assert text == _in_order([(4, ["1", "bad"], "a NIB has exactly 13 digits"),
                              (3, ["2", huge], "the same business appears earlier")])
    assert f"2,'{huge},the same" in text


def test_a_file_that_cannot_be_finished_leaves_nothing(tmp_path, monkeypatch):
    rejects = RejectedRows(tmp_path / "usaha.csv.rejected.csv", HEADERS)
    rejects.add(5, ["x", "y"], "bad")
    rejects.add(2, ["x", "y"], "bad")

    def full_disk(self):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(RejectedRows, "_merge", full_disk)
    with pytest.raises(OSError, match="No space left"):
        rejects.close(keep=True)
    assert not list(tmp_path.iterdir())
    assert rejects.close(keep=False) is None
