"""`exportkit report`: on the samples, in every format."""

import io
import json
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from exportkit.reports.formats import BINARY_FORMATS, FILE_FORMATS, Report, Table, render, writer
from tests.conftest import SAMPLES, count, invoke, ok

pytestmark = pytest.mark.usefixtures("backend")  # SQLite and PostgreSQL


@pytest.fixture
def scored(enrolled):
    ok("score", "--all")
    return enrolled


def _json(*args):
    return json.loads(ok(*args, "--format", "json").stdout)


def test_exports_by_year_reproduce_the_blitar_figures(enrolled):
    rows = _json("report", "exports", "--by", "year", "--regency", "Blitar")["rows"]
    assert rows == [{"year": 2024, "value": 14_800_000_000, "growth": None},
                    {"year": 2025, "value": 17_990_227_397,
                     "growth": pytest.approx(0.21555, abs=1e-4)}]
    table = ok("--lang", "id", "report", "exports", "--by", "year", "--regency", "Blitar")
    assert "Rp17.990.227.397" in table.stdout and "+21,6%" in table.stdout


def test_central_java_2019_total_converts_at_the_rate_the_seed_implies(enrolled):
    rows = _json("report", "exports", "--by", "year", "--province", "Jawa Tengah",
                 "--years", "2019")["rows"]
    assert rows[0]["value"] == pytest.approx(151_340_400_000)  # US$10.8 m x 14,013
    usd = _json("report", "exports", "--by", "year", "--years", "2019", "--currency", "USD")
    assert usd["rows"][0]["value"] == pytest.approx(10_800_000)


def test_exports_by_commodity_show_growth_per_commodity(enrolled):
    rows = {r["commodity"]: r for r in _json("report", "exports", "--by", "commodity",
                                             "--regency", "Blitar")["rows"]}
    jimbe = rows["Kendang jimbe"]
    assert jimbe["2025"] == 14_968_512_300
    assert jimbe["growth"] == pytest.approx(14_968_512_300 / jimbe["2024"] - 1)


def test_groups_with_equal_totals_come_in_name_order(enrolled):
    for commodity in ("Kopi", "Cengkeh", "Vanili"):
        ok("add", "export", "--regency", "Kota Ambon", "--commodity", commodity, "--year",
           "2025", "--value", "500", "--currency", "IDR")
    rows = _json("report", "exports", "--by", "commodity", "--regency", "Ambon")["rows"]
    assert [r["commodity"] for r in rows] == ["Cengkeh", "Kopi", "Vanili"]


def test_a_missing_rate_names_the_currency_and_year(enrolled):
    ok("add", "export", "--regency", "Kota Mojokerto", "--commodity", "Sepatu", "--year",
       "2020", "--value", "1000", "--currency", "EUR")
    result = invoke("report", "exports", "--by", "year")
    assert result.exit_code == 1
    assert ("no exchange rate for EUR in 2020: set it with `exportkit rates set EUR 2020 "
            "<rupiah per unit>`") in result.stderr


def test_reports_need_scores_first(enrolled):
    result = invoke("report", "shortlist")
    assert result.exit_code == 1
    assert "no scores yet: run `exportkit score --all` first" in result.stderr


def test_shortlist_ranks_leaves_out_blocked_and_caps_categories(scored):
    rows = _json("report", "shortlist", "--top", "10")["rows"]
    assert len(rows) == 10 and [r["rank"] for r in rows] == list(range(1, 11))
    totals = [r["total"] for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert all(r["blocked"] == "" for r in rows)
    with_blocked = _json("report", "shortlist", "--top", "50", "--include-blocked")["rows"]
    assert any(r["blocked"] for r in with_blocked)
    capped = _json("report", "shortlist", "--top", "50", "--max-per-category", "2")["rows"]
    per_category = {}
    for r in capped:
        per_category[r["category"]] = per_category.get(r["category"], 0) + 1
    assert max(per_category.values()) == 2


def test_shortlist_for_a_market_and_a_regency(scored):
    ok("score", "--all", "--market", "AE")
    rows = _json("report", "shortlist", "--market", "Uni Emirat Arab", "--regency", "jepara")
    assert rows["rows"] and all("Jepara" in r["regency"] for r in rows["rows"])


def test_a_regency_s_shortlist_and_gaps_are_the_whole_registry_s_for_that_regency(scored):
    # a regency's lists start from its businesses, the others from the newest assessments:
    # the same rows either way, after a second scoring (newer assessments to point at)
    ok("score", "--all")
    everyone = _json("report", "shortlist", "--top", "200", "--include-blocked")["rows"]
    gaps = _json("report", "gaps")["tables"][1]["rows"]
    regencies = {r["regency"] for r in everyone}
    assert len(regencies) > 3
    for regency in regencies:
        here = _json("report", "shortlist", "--top", "200", "--include-blocked",
                     "--regency", regency)["rows"]
        assert [r["business"] for r in here] == [
            r["business"] for r in everyone if regency.lower() in r["regency"].lower()]
        assert [r["total"] for r in here] == [
            r["total"] for r in everyone if regency.lower() in r["regency"].lower()]
        local = _json("report", "gaps", "--regency", regency)["tables"][1]["rows"]
        assert local == [r for r in gaps if regency.lower() in r["regency"].lower()]


def test_gaps_count_businesses_per_gap(scored):
    data = _json("report", "gaps")
    summary = {r["gap"]: r["businesses"] for r in data["tables"][0]["rows"]}
    svlk = [n for gap, n in summary.items() if gap.startswith("No valid SVLK")]
    assert svlk and svlk[0] >= 1
    assert data["tables"][1]["rows"], "every blocked business is listed with its gaps"


def test_the_terminal_shows_the_first_detail_rows_of_gaps_and_says_so(scored, monkeypatch):
    # a national registry has millions of detail rows: the terminal shows the worst-off
    # businesses' first, as many as `score` lists; files have them all
    every = _json("report", "gaps")["tables"][1]["rows"]
    assert len(every) > 6
    monkeypatch.setattr("exportkit.cli.report.DETAIL_SHOWN", 5)
    note = ("The first 5 rows of the detail are shown, the lowest totals first: --limit N "
            "shows another number, and --format csv, xlsx, json, md or html writes every row.")
    first_five = ok("report", "gaps", "--limit", "5").stdout
    assert ok("report", "gaps").stdout == f"{note}\n{first_five}"
    assert _json("report", "gaps")["tables"][1]["rows"] == every  # files: every row
    every_row = ok("report", "gaps", "--limit", str(len(every))).stdout
    assert "The first" not in every_row and len(every_row) > len(first_five)
    monkeypatch.setattr("exportkit.cli.report.DETAIL_SHOWN", len(every))
    assert ok("report", "gaps").stdout == every_row  # nothing left out: no note


def test_markets_for_a_product_rank_blocked_markets_last(scored):
    # a teak chair without SVLK: blocked everywhere; a ready one: nowhere
    data = _json("report", "markets", "--product", "8")["rows"]
    assert len(data) == 24 and all(r["blocked"] for r in data)
    china = next(r for r in _json("report", "markets", "--product", "72")["rows"]
                 if r["market"] == "CN")
    assert "ACFTA (Form E)" in china["origin"]


def test_markets_for_a_category(scored):
    rows = _json("report", "markets", "--category", "makanan olahan")["rows"]
    uae = next(r for r in rows if r["market"] == "AE")
    assert "HALAL" in uae["registrations"] and uae["preferential"] == "yes"


def test_progress_of_a_cohort_shows_improvement(scored):
    ok("report", "shortlist", "--top", "50", "--include-blocked", "--save-cohort", "Klinik 26")
    # a blocked teak maker gets its timber-legality certificate during the programme
    chair = _json("list", "products", "--search", "Kursi ukir Jepara (set 4)")["rows"][0]
    ok("add", "cert", "--business-nib", chair["nib"], "--kind", "SVLK", "--number", "V-1")
    ok("score", "--all")
    rows = {r["business"]: r for r in _json("report", "progress", "--cohort", "Klinik 26")[
        "rows"]}
    assert rows[chair["business"]]["change"] > 10
    assert rows["average"]["change"] > 0
    again = invoke("report", "shortlist", "--save-cohort", "Klinik 26")
    assert again.exit_code == 2 and "exists already" in again.stderr


def test_catalog_has_ready_products_and_no_contacts_by_default(scored):
    rows = _json("report", "catalog")["rows"]
    assert rows and {"product", "hs_code", "monthly_capacity", "fob_price_usd",
                     "certificates"} <= set(rows[0])
    assert "phone" not in rows[0] and "email" not in rows[0]
    assert "phone" in _json("report", "catalog", "--include-contacts")["rows"][0]


def test_every_format_choice_has_a_renderer():
    from exportkit.cli.options import ReportFormat

    report = Report("t", [Table("t", ["a"], [(1,)])])
    for fmt in ReportFormat:
        if fmt.value != "table":
            assert fmt.value in FILE_FORMATS
            assert render(report, fmt.value)


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_every_report_writes_every_format(scored, tmp_path, fmt):
    path = tmp_path / f"out.{fmt}"
    ok("report", "exports", "--by", "commodity", "--format", fmt, "-o", path)
    content = path.read_bytes()
    assert len(content) > 100
    if fmt == "xlsx":
        sheet = load_workbook(path).active
        assert sheet["A1"].value == "commodity"
        values = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
        assert "Kendang jimbe" in values


def test_xlsx_and_csv_outputs_neutralise_formulas(registry_path, tmp_path):
    ok("add", "export", "--regency", "Blitar", "--commodity", "-1+1", "--year", "2025",
       "--value", "5", "--currency", "IDR")
    ok("add", "export", "--regency", "Blitar", "--commodity", "@SUM(A1)", "--year", "2025",
       "--value", "5", "--currency", "IDR")
    path = tmp_path / "e.xlsx"
    ok("report", "exports", "--by", "commodity", "-f", "xlsx", "-o", path)
    names = {load_workbook(path).active.cell(row=r, column=1).value for r in (2, 3)}
    assert names == {"'-1+1", "'@SUM(A1)"}
    csv_text = ok("report", "exports", "--by", "commodity", "-f", "csv").stdout
    assert "'-1+1" in csv_text and "\n-1+1" not in csv_text


def test_the_html_overview_is_self_contained(scored, tmp_path):
    path = tmp_path / "overview.html"
    ok("report", "overview", "-o", path)
    html = path.read_text("utf-8")
    assert html.count("<svg") == 4 and html.count("<table>") == 4
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html


def test_binary_formats_need_an_output_file(scored):
    result = invoke("report", "exports", "--format", "xlsx")
    assert result.exit_code == 2 and "write it to a file with -o FILE" in result.stderr


def test_reports_leave_the_registry_as_it_was(scored):
    before = count(scored, "assessment")
    ok("report", "gaps")
    ok("report", "catalog")
    assert count(scored, "assessment") == before
    assert SAMPLES.exists()


def test_gap_counts_use_general_words_for_a_group(scored):
    summary = {r["gap"]: r["businesses"] for r in _json("report", "gaps")["tables"][0]["rows"]}
    assert summary["Raise monthly capacity to a typical export order"] > 1
    assert not any(gap.startswith("Raise monthly capacity of") for gap in summary)


def test_shortlist_options_are_checked_before_anything_is_saved(scored):
    assert invoke("report", "shortlist", "--max-per-category", "0").exit_code == 2
    empty = invoke("report", "shortlist", "--regency", "Nowhere", "--save-cohort", "Empty")
    assert empty.exit_code == 2 and "no cohort was saved" in empty.stderr
    ok("report", "shortlist", "--top", "3", "--save-cohort", "K1")
    again = invoke("report", "shortlist", "--top", "3", "--save-cohort", "K1")
    assert again.exit_code == 2 and "exists already" in again.stderr
    assert "Shortlist" not in again.stdout  # refused before the report was printed


def test_years_must_be_years(enrolled):
    result = invoke("report", "exports", "--years", "abc")
    assert result.exit_code == 2 and "give years separated by commas" in result.stderr


@pytest.mark.sqlite_only
def test_progress_of_a_cohort_larger_than_a_statement_takes_parameters(scored, registry_path):
    # SQLite as built by default takes 32,766 parameters a statement: a national
    # programme's cohort may have more members. Here the registry's connections take 20.
    import sqlite3

    from sqlalchemy import event

    from exportkit.registry import open_registry
    from exportkit.reports.progress import progress_report

    ok("report", "shortlist", "--top", "50", "--include-blocked", "--save-cohort", "Besar")
    database = open_registry(str(registry_path))
    database.engine.dispose()
    event.listen(database.engine, "connect", lambda raw, _record: raw.setlimit(
        sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 20))
    try:
        report = progress_report(database, "Besar", None)
    finally:
        database.engine.dispose()
    rows = report.tables[0].rows
    assert len(rows) == 51 and all(row[1] is not None for row in rows)  # 50 and the average


# -- report files written a row at a time (a national registry's gaps are millions) -------

@pytest.mark.parametrize("fmt", [f for f in FILE_FORMATS if f not in BINARY_FORMATS])
def test_each_row_is_written_before_the_next_is_read(fmt):
    out = io.StringIO()
    written_before = []

    def rows():
        for n in range(1, 6):
            if n > 1:
                written_before.append(f"row{n - 1}" in out.getvalue())
            yield f"row{n}", n

    writer(fmt)(Report("t", [Table("t", ["name", "n"], rows())]), out)
    assert written_before == [True] * 4
    assert "row5" in out.getvalue()


def test_json_written_a_row_at_a_time_is_the_document_json_dumps_writes():
    values = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text(),
                       st.dates())
    tables = st.builds(lambda title, n, rows: Table(title, ["a", "b", "c"][:n], [
        tuple(row[:n]) for row in rows]), st.text(), st.integers(1, 3),
        st.lists(st.tuples(values, values, values), max_size=4))

    @given(st.text(), st.lists(tables, max_size=3))
    def check(title, tables):
        report = Report(title, tables)
        data = [{"title": t.title, "rows": [dict(zip(t.key_names(), row, strict=True))
                                            for row in t.plain_rows()]} for t in tables]
        document = data[0] if len(data) == 1 else {"title": title, "tables": data}
        assert render(report, "json") == json.dumps(
            document, ensure_ascii=False, indent=2, default=lambda d: d.isoformat()) + "\n"

    check()


def test_a_table_longer_than_a_sheet_goes_on_over_further_sheets(monkeypatch, tmp_path):
    from exportkit.reports.formats import xlsx_format

    monkeypatch.setattr(xlsx_format, "SHEET_ROWS", 4)  # a header and 3 rows a sheet
    for n, titles in ((6, ["Detail", "Detail 2"]), (7, ["Detail", "Detail 2", "Detail 3"])):
        rows = [(f"b{i}", i + 0.5) for i in range(n)]
        path = tmp_path / f"{n}.xlsx"
        path.write_bytes(render(Report("t", [
            Table("Detail", ["name", "total"], iter(rows), formats={"total": "number"}),
            Table("Other", ["x"], [(1,)])]), "xlsx"))
        book = load_workbook(path)
        assert book.sheetnames == [*titles, "Other"]
        detail = book.worksheets[:len(titles)]
        assert [r for s in detail for r in s.iter_rows(min_row=2, values_only=True)] == rows
        for sheet in detail:
            assert [c.value for c in sheet[1]] == ["name", "total"] and sheet["A1"].font.b
            assert sheet["B2"].number_format == "#,##0.##"


def test_a_report_file_that_fails_halfway_leaves_the_file_that_was_there(
        scored, tmp_path, monkeypatch):
    from exportkit.reports.formats import csv_format

    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "gaps.csv"
    path.write_text("last week's report\n")

    def disk_full(report, out):
        out.write("half a report")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv_format, "write", disk_full)
    result = invoke("report", "gaps", "--format", "csv", "-o", path)
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert path.read_text() == "last week's report\n"
    assert list(path.parent.iterdir()) == [path]  # no partial file left beside it


def test_report_files_read_their_rows_as_they_write_them(scored):
    from exportkit.reports.catalog import catalog_report
    from exportkit.reports.gaps import gaps_report
    from exportkit.scoring.rubric import load_rubric

    detail = _json("report", "gaps")["tables"][1]["rows"]
    with gaps_report(scored, None, None) as report:
        rows = report.tables[1].rows
        assert iter(rows) is rows  # an iterator over the registry's rows, not a list
        assert [dict(zip(report.tables[1].keys, row, strict=True))
                for row in report.tables[1].plain_rows()] == detail
    catalog = _json("report", "catalog")["rows"]
    ready = load_rubric().levels[0].code
    with catalog_report(scored, None, ready, date.today()) as report:
        assert iter(report.tables[0].rows) is report.tables[0].rows
        assert len(list(report.tables[0].rows)) == len(catalog) > 0


def test_list_files_count_the_rows_they_stream(scored, tmp_path):
    listed = _json("list", "products")
    assert re.search(r"\b112 row", listed["title"]) and len(listed["rows"]) == 112
    two = _json("list", "products", "--limit", "2", "--sort", "product")
    assert re.search(r"\b2 row", two["title"])
    assert [r["id"] for r in two["rows"]] == [r["id"] for r in sorted(
        listed["rows"], key=lambda r: (r["product"], r["id"]))][:2]
    path = tmp_path / "products.csv"
    ok("list", "products", "--format", "csv", "-o", path)
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 113


def test_a_write_that_fails_midway_closes_its_stream_while_the_connection_is_open(
        scored, monkeypatch):
    from exportkit.registry import queries
    from exportkit.reports.gaps import gaps_report

    monkeypatch.setattr(queries, "STREAMED_ROWS", 2)  # the cursor left with rows unread

    class Broken(io.StringIO):
        def write(self, text):
            if self.tell() > 2000:
                raise BrokenPipeError(32, "Broken pipe")
            return super().write(text)

    for _ in range(3):  # the pooled connection is used again each time
        with pytest.raises(BrokenPipeError), gaps_report(scored, None, None) as report:
            writer("csv")(report, Broken())
        # (`report` still refers to the stream: closing it must not wait for its collection)
        with scored.reader() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM business").scalar() == 50
    out = io.StringIO()
    with gaps_report(scored, None, None) as report:
        writer("csv")(report, out)
    assert out.getvalue() == ok("report", "gaps", "--format", "csv").stdout


def test_a_list_file_counts_and_streams_one_snapshot_of_the_registry(enrolled):
    from exportkit.registry.queries import ListFilters, listed

    with listed(enrolled, "certs", ListFilters()) as (_, count, rows):
        with enrolled.engine.begin() as other:  # another office deletes a certificate
            other.exec_driver_sql("DELETE FROM certification WHERE id = "
                                  "(SELECT max(id) FROM certification)")
        streamed = list(rows)
    assert count == len(streamed) == 99
    assert len(_json("list", "certs")["rows"]) == 98


def test_a_csv_file_holds_what_the_terminal_is_sent(scored, tmp_path):
    path = tmp_path / "gaps.csv"
    ok("report", "gaps", "--format", "csv", "-o", path)
    stdout = ok("report", "gaps", "--format", "csv").stdout
    assert path.read_bytes() == "\ufeff".encode() + stdout.encode()  # a BOM for Excel
