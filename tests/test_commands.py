"""`add`, `list`, `db info`, `rates`, `template` and `demo`, through the CLI."""

import json
import re

import pytest
from openpyxl import load_workbook

from exportkit.registry import open_registry
from tests.conftest import SAMPLES, count, invoke, ok

pytestmark = pytest.mark.usefixtures("backend")  # SQLite and PostgreSQL


def test_add_a_business_then_a_product_then_a_certificate(registry_path):
    ok("add", "business", "--nib", "9120301234567", "--name", "CV Jati Ukir Mulya",
       "--regency", "Kabupaten Jepara", "--employees", "24")
    ok("add", "product", "--business-nib", "9120301234567", "--product-name",
       "Kursi ukir", "--category", "mebel", "--hs-code", "9401.61")
    ok("add", "cert", "--business-nib", "9120301234567", "--product-name", "Kursi ukir",
       "--kind", "V-Legal", "--issued-on", "15/03/2024", "--expires-on", "14/03/2030")
    database = open_registry(str(registry_path))
    with database.reader() as connection:
        product = connection.exec_driver_sql(
            "SELECT category, hs_code FROM product").one()
        cert = connection.exec_driver_sql(
            "SELECT kind, product_id IS NOT NULL, expires_on FROM certification").one()
    assert tuple(product) == ("wood_furniture", "940161")
    assert (cert[0], cert[1], str(cert[2])) == ("SVLK", True, "2030-03-14")


def test_add_with_a_bad_value_says_which_and_writes_nothing(registry_path):
    result = invoke("add", "business", "--name", "CV X", "--nib", "12")
    assert result.exit_code == 1
    assert "flags[business]:1:nib: '12': a NIB has exactly 13 digits" in result.stderr
    assert count(open_registry(str(registry_path)), "business") == 0


def test_add_with_an_unknown_field_is_a_usage_error():
    result = invoke("add", "business", "--colour", "red")
    assert result.exit_code == 2
    assert "unknown field --colour for business" in result.stderr


def test_rates_set_and_list():
    ok("rates", "set", "USD", "2019", "14.013", "--source", "BI")
    result = ok("rates", "list", "--format", "json")
    assert json.loads(result.stdout)["rows"] == [
        {"currency": "USD", "year": 2019, "rate": 14013, "source": "BI"}]


@pytest.mark.sqlite_only("expects a file location and the WAL journal")
def test_db_info_shows_location_schema_and_counts(enrolled, registry_path):
    result = ok("db", "info")
    assert f"location: {registry_path}" in result.stdout
    assert "backend: sqlite (journal: wal)" in result.stdout
    assert "businesses: 50" in result.stdout
    data = json.loads(ok("db", "info", "--json").stdout)
    assert data["counts"]["export_records"] == 19


def test_list_filters_sort_and_limit(enrolled):
    data = json.loads(ok("list", "products", "--regency", "blitar", "--category",
                         "musical_instrument", "--sort", "fob_price_usd", "--desc",
                         "--format", "json").stdout)
    prices = [r["fob_price_usd"] for r in data["rows"]]
    known = [p for p in prices if p is not None]
    assert known and prices[:len(known)] == sorted(known, reverse=True)  # blanks last
    assert all(r["category"] == "musical_instrument" and "Blitar" in r["regency"]
               for r in data["rows"])
    limited = json.loads(ok("list", "businesses", "--limit", "3", "-f", "json").stdout)
    assert len(limited["rows"]) == 3


def test_a_terminal_list_shows_its_first_rows_and_says_how_many_there_are(enrolled,
                                                                         monkeypatch):
    # a national registry's million rows are held at once to lay out a terminal's table:
    # without --limit a terminal shows the first TERMINAL_ROWS and says how to get more;
    # a table sent to a file or a pipe keeps every row
    monkeypatch.setattr("exportkit.cli.listing.TERMINAL_ROWS", 7)
    piped = ok("list", "businesses").output  # not a terminal: every row, no note
    assert "the first" not in piped and len(piped.splitlines()) > 50
    monkeypatch.setattr("exportkit.cli.listing.on_terminal", lambda: True)
    shown = ok("list", "businesses", "--sort", "name").stdout
    everything = json.loads(ok("list", "businesses", "--sort", "name", "-f", "json").stdout)
    names = [r["name"] for r in everything["rows"]]
    assert len(names) == count(enrolled, "business") == 50
    assert "50 row(s)" in shown
    assert "the first 7 of 50 rows: --limit N for another number" in " ".join(
        ok("list", "businesses").output.split())
    assert [n for n in names if n[:12] in shown] == names[:7]  # a name is cut to fit
    assert "the first" not in ok("list", "businesses", "--limit", "9").stdout
    assert len(json.loads(ok("list", "businesses", "--limit", "9", "-f", "json").stdout)[
        "rows"]) == 9
    monkeypatch.setattr("exportkit.cli.listing.TERMINAL_ROWS", 50)
    assert "the first" not in ok("list", "businesses").stdout


def test_list_exports_by_destination_name_in_indonesian(enrolled):
    data = json.loads(ok("list", "exports", "--destination", "Tiongkok", "--year", "2025",
                         "-f", "json").stdout)
    assert [r["commodity"] for r in data["rows"]] == ["Kendang jimbe"]


def test_contacts_are_left_out_unless_asked_for(enrolled):
    plain = json.loads(ok("list", "businesses", "-f", "json").stdout)["rows"][0]
    assert "phone" not in plain and "email" not in plain and "owner_name" not in plain
    full = json.loads(ok("list", "businesses", "--include-contacts", "-f", "json").stdout)
    assert "phone" in full["rows"][0]


@pytest.mark.parametrize("option", ["--regency", "--province", "--sector", "--search"])
@pytest.mark.parametrize("hostile", ["'; DROP TABLE business; --", "%", "_", "\\"])
def test_filters_are_bound_not_pasted_into_sql(enrolled, option, hostile):
    result = ok("list", "businesses", option, hostile, "-f", "json")
    assert json.loads(result.stdout)["rows"] == []
    assert count(enrolled, "business") == 50


def test_sort_keys_are_checked_against_a_list(enrolled):
    result = invoke("list", "businesses", "--sort", "name; DROP TABLE business")
    assert result.exit_code == 2
    assert "cannot sort by 'name; DROP TABLE business'" in result.stderr
    assert count(enrolled, "business") == 50


def test_csv_output_neutralises_formulas(registry_path):
    ok("add", "business", "--name", "-1+1 Sandal", "--regency", "@Mojokerto")
    lines = ok("list", "businesses", "-f", "csv").stdout.splitlines()
    assert "'-1+1 Sandal" in lines[1] and "'@Mojokerto" in lines[1]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_xlsx_template_enrolls_as_it_is(tmp_path, registry_path, lang):
    path = tmp_path / f"template-{lang}.xlsx"
    ok("template", "--format", "xlsx", "--lang", lang, "-o", path)
    book = load_workbook(path)
    assert len(book.sheetnames) == 5
    headers = [c.value for c in book.worksheets[0][1]]
    assert ("Nama Usaha" if lang == "id" else "Business name") in headers
    data = json.loads(ok("enroll", path, "--json").stdout)
    assert {k: v["added"] for k, v in data["totals"].items()} == {
        "rate": 1, "business": 1, "product": 1, "certification": 1, "export": 1}


def test_the_csv_templates_enroll_as_they_are(tmp_path):
    ok("template", "--format", "csv", "--lang", "id", "-o", tmp_path / "t")
    files = sorted((tmp_path / "t").glob("*.csv"))
    assert [f.name for f in files] == ["ekspor.csv", "kurs.csv", "produk.csv",
                                       "sertifikat.csv", "usaha.csv"]
    assert files[-1].read_text("utf-8-sig").startswith("NIB;NPWP;Nama Usaha;")
    ok("enroll", *files)


@pytest.mark.sqlite_only("builds a SQLite file given by path")
def test_demo_builds_a_registry_from_the_samples(tmp_path):
    demo_db = tmp_path / "demo.db"
    result = ok("demo", "--samples", SAMPLES, "--db", demo_db)
    assert re.search(r"^business\s+50\s+0\s+0\s+0$", result.stdout, re.MULTILINE)
    assert "Scored 112 products and 50 businesses" in result.stdout
    assert "Shortlist: top 10 businesses" in result.stdout
    database = open_registry(str(demo_db))
    assert count(database, "product") == 112
    assert count(database, "assessment") == 162


def test_version():
    from exportkit import __version__

    assert ok("--version").stdout.strip() == f"exportkit {__version__}"


HOSTILE = ["'; DROP TABLE business; --", "%", "_"]
FILTERS = {
    "products": ["--regency", "--province", "--category", "--search"],
    "certs": ["--regency", "--province", "--search"],
    "exports": ["--regency", "--province", "--category", "--search"],
}


@pytest.mark.parametrize("what, option", [(w, o) for w, opts in FILTERS.items() for o in opts])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_list_filter_is_bound(enrolled, what, option, hostile):
    rows = json.loads(ok("list", what, option, hostile, "-f", "json").stdout)["rows"]
    if option == "--category" and hostile == "_":
        # a literal underscore, not a wildcard: wood_furniture matches, textile does not
        table = {"products": "product", "exports": "export_record"}[what]
        with enrolled.reader() as connection:
            expected = {i for i, c in connection.exec_driver_sql(
                f"SELECT id, category FROM {table}") if c and "_" in c}
        assert expected and {r["id"] for r in rows} == expected
    else:
        assert rows == []
    assert count(enrolled, "business") == 50


@pytest.mark.parametrize("report", [["shortlist"], ["gaps"], ["catalog"],
                                    ["exports", "--by", "regency"]])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_report_filter_is_bound(enrolled, report, hostile):
    ok("score", "--all")
    data = json.loads(ok("report", *report, "--regency", hostile, "-f", "json").stdout)
    rows = data["rows"] if "rows" in data else data["tables"][0]["rows"]
    assert rows == []
    assert count(enrolled, "business") == 50


@pytest.mark.sqlite_only("a registry file that is not there")
def test_reading_commands_do_not_create_a_registry_at_a_mistyped_path(tmp_path):
    missing = tmp_path / "typo" / "registry.db"
    for args in (["list", "businesses"], ["report", "gaps"], ["score", "--all"],
                 ["db", "info"], ["rates", "list"]):
        result = invoke(*args, "--db", missing)
        assert result.exit_code == 1, args
        assert f"no registry at {missing} yet" in result.stderr
    assert not missing.parent.exists()
