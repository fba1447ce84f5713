"""Bahasa Indonesia and English: complete catalogues, both languages on the command line,
and no user-facing text that bypasses the translation function."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib

import pytest

from exportkit import i18n_catalog
from exportkit.i18n import _, detect_language, language_from_argv, set_language
from exportkit.labels import LABELS, label
from tests.conftest import ROOT, SAMPLES, invoke, ok

PACKAGE = ROOT / "exportkit"


# -- the catalogues --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def template():
    return i18n_catalog.extract()


@pytest.mark.parametrize("lang", i18n_catalog.TRANSLATED)
def test_every_message_is_translated_and_compiled(lang):
    """Re-extracts the source exactly as `python -m exportkit.i18n_catalog` does; fails on a
    message missing from the .po, empty, fuzzy, with other placeholders, or not compiled."""
    problems = i18n_catalog.problems(lang)
    assert not problems, ("\n".join(problems) + "\nrun: python -m exportkit.i18n_catalog "
                          "update, translate, then compile")


def test_the_catalogue_holds_the_command_help(template):
    ids = {m.id for m in template}
    assert any(i.startswith("Enroll businesses, products") for i in ids)
    assert "Shortlist: top {n} businesses" in ids and "business" in ids


def _translation_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_marker(node.func) and node.args:
            yield node


def _is_marker(func: ast.expr) -> bool:
    name = func.id if isinstance(func, ast.Name) else (
        func.attr if isinstance(func, ast.Attribute) else None)
    return name in ("_", "N_", "ngettext")


def test_every_literal_passed_to_the_translation_function_is_extracted(template):
    """A `_("...")` the extractor misses (inside an f-string, say) would never be translated.
    `_(variable)` translates texts declared elsewhere with N_() (see exportkit/labels.py)."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template}
    missed = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _translation_calls(ast.parse(path.read_text(encoding="utf-8"))):
            first = call.args[0]
            if (isinstance(first, ast.Constant) and isinstance(first.value, str)
                    and first.value not in ids):
                missed.append(f"{path.relative_to(ROOT)}:{call.lineno}: {first.value!r}")
    assert not missed, "\n".join(missed)


def _own_scope(function: ast.AST):
    """The nodes of a function's own scope: not those of nested functions or comprehensions."""
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp,
              ast.SetComp, ast.DictComp, ast.GeneratorExp)
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, nested):
            stack.extend(ast.iter_child_nodes(node))


def test_no_function_hides_the_translation_function():
    """`for _ in ...` in a function that also calls `_()` makes `_` a local: a crash."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            nodes = list(_own_scope(function))
            binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
                        for n in nodes)
            calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                        and n.func.id == "_" for n in nodes)
            if binds and calls:
                found.append(f"{path.relative_to(ROOT)}:{function.lineno}: {function.name}")
    assert not found, "\n".join(found)


def test_the_compiled_catalogue_is_in_the_package_data():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["exportkit"]
    assert "locale/*/LC_MESSAGES/*.mo" in patterns
    assert (PACKAGE / "locale" / "id" / "LC_MESSAGES" / "exportkit.mo").is_file()


# -- no user-facing text without _() ---------------------------------------------------------

WORDS = re.compile(r"[A-Za-z]{2,}")
MESSAGE_CALLS = {"console.print", "errors.print", "fail", "typer.prompt", "typer.confirm",
                 "typer.echo"}
# Exceptions that are bugs, not messages for people (the CLI shows them as internal errors).
INTERNAL_EXCEPTIONS = {"ValueError", "TypeError", "KeyError", "LookupError", "RuntimeError",
                       "AssertionError", "NotImplementedError", "StopIteration"}
# Exceptions whose message people read, where they are built without `raise`.
MESSAGE_EXCEPTIONS = {"ExportkitError", "UsageError", "DataFileError", "RegistryError",
                      "InputRejected", "FileProblem", "HeaderProblem", "ValueProblem",
                      "MissingRate", "NotScored"}
ALLOWED = {
    # the program's name and version number: the same in every language
    ("exportkit/launch.py", "f'exportkit {__version__}'"),
}


def _has_words(node: ast.expr) -> bool:
    """A string literal, an f-string or a concatenation whose literal text holds words."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(WORDS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and WORDS.search(v.value) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _has_words(node.left) or _has_words(node.right)
    if isinstance(node, ast.IfExp):
        return _has_words(node.body) or _has_words(node.orelse)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("format", "join", "strip")):
        return _has_words(node.func.value) and not (
            isinstance(node.func.value, ast.Call) and _is_marker(node.func.value.func))
    return False


def _dotted(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        base = _dotted(func.value)
        return f"{base}.{func.attr}" if base else func.attr
    return ""


def _messages(tree: ast.AST):
    """(what, node) for every argument that people read as a message, label or help."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            name = _dotted(node.exc.func).rsplit(".", 1)[-1]
            if name not in INTERNAL_EXCEPTIONS:
                yield f"raise {name}", node.exc.args[0]
                if name == "InputRejected":
                    yield "raise InputRejected", node.exc.args[-1]
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if name in MESSAGE_CALLS and node.args:
            yield name, node.args[0]
        if name.endswith(".fail") and len(node.args) == 2:  # Source.fail(path, message)
            yield name, node.args[1]
        if last in MESSAGE_EXCEPTIONS and node.args:
            yield last, node.args[0]
        if last == "RowProblem" and len(node.args) == 5:  # the column and the reason
            yield "RowProblem column", node.args[2]
            yield "RowProblem reason", node.args[4]
        if last == "reject" and len(node.args) == 4:
            yield "reject reason", node.args[3]
        if last in ("Table", "Chart", "Report") and node.args:
            yield f"{last} title", node.args[0]
            if last == "Table" and len(node.args) > 1 and isinstance(node.args[1], ast.List):
                for column in node.args[1].elts:
                    yield "Table column", column
        if name.endswith(("notes.append", "skipped.append")) and node.args:
            yield name, node.args[0]
        for keyword in node.keywords:
            if keyword.arg in ("help", "epilog", "prompt"):
                yield f"{keyword.arg}=", keyword.value


def test_no_user_facing_text_bypasses_the_translation_function():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for what, node in _messages(ast.parse(path.read_text(encoding="utf-8"))):
            if _has_words(node) and (relative, ast.unparse(node)) not in ALLOWED:
                found.append(f"{relative}:{node.lineno}: {what}: {ast.unparse(node)[:100]}")
    assert not found, "wrap these in _() (or N_()):\n" + "\n".join(found)


def test_the_scan_catches_a_bare_message():
    tree = ast.parse('raise UsageError(f"no such {thing}")\nconsole.print("done")\n'
                     'Table("Title", ["a column"], [])\nfail(_("ok {x}").format(x=1))')
    flagged = [what for what, node in _messages(tree) if _has_words(node)]
    assert flagged == ["raise UsageError", "UsageError", "console.print", "Table title",
                       "Table column"]


def test_every_column_key_has_a_label():
    from exportkit.registry.info import COUNTED
    from exportkit.registry.queries import LISTS

    keys = set(COUNTED) | {k for spec in LISTS.values() for k in spec.columns} | set(LISTS)
    assert keys <= set(LABELS), keys - set(LABELS)
    set_language("id")
    assert label("regency") == "kabupaten/kota" and label("2025") == "2025"


# -- choosing the language -------------------------------------------------------------------

def test_language_from_the_arguments_before_the_command():
    assert language_from_argv(["--lang", "id", "enroll", "--help"]) == "id"
    assert language_from_argv(["--lang=en", "report", "shortlist"]) == "en"
    # the template's own --lang is the headers' language, not the interface's
    assert language_from_argv(["template", "--lang", "en"]) is None
    assert language_from_argv([]) is None


def test_lang_then_environment_then_locale_then_english(monkeypatch):
    monkeypatch.setenv("LC_ALL", "id_ID.UTF-8")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("EXPORTKIT_LANG", "en")
    assert detect_language("id") == "id"
    assert detect_language(None) == "en"
    monkeypatch.delenv("EXPORTKIT_LANG")
    assert detect_language(None) == "id"
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert detect_language(None) == "en"
    set_language("id")
    assert _("yes") == "ya"
    set_language("en")
    assert _("yes") == "yes"


def _exportkit(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "COLUMNS": "200"}
    environment.pop("EXPORTKIT_LANG", None)
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "exportkit", *args], capture_output=True,
                          text=True, env=environment, timeout=120, check=False)


def test_help_in_indonesian_with_lang():
    result = _exportkit("--lang", "id", "enroll", "--help")
    assert result.returncode == 0, result.stderr
    assert "Daftarkan usaha, produk, sertifikat" in result.stdout
    assert "Contoh: exportkit enroll" in result.stdout
    assert "--skip-bad" in result.stdout and "--dry-run" in result.stdout
    assert "Enroll businesses" not in result.stdout


def test_help_in_indonesian_from_the_environment_and_english_otherwise():
    indonesian = _exportkit("--help", EXPORTKIT_LANG="id")
    assert "Menyiapkan usaha kecil untuk ekspor" in indonesian.stdout
    assert "Laporan untuk panitia program" in indonesian.stdout
    from_locale = _exportkit("report", "--help", LANG="id_ID.UTF-8", LC_ALL="")
    assert "Laporan untuk panitia program" in from_locale.stdout
    english = _exportkit("--help")
    assert "Get small businesses ready to export" in english.stdout


# -- the commands in both languages ----------------------------------------------------------

@pytest.fixture
def scored(enrolled):
    ok("score", "--all")
    return enrolled


def test_shortlist_in_indonesian_and_in_english(scored):
    indonesian = ok("--lang", "id", "report", "shortlist", "--top", "5").stdout
    assert "Daftar pendek: 5 usaha teratas" in indonesian
    header = next(line for line in indonesian.splitlines() if line.startswith("peringkat"))
    for column in ("usaha", "kabupaten/kota", "produk terbaik", "tingkat kesiapan",
                   "tindakan pertama"):
        assert column in header
    assert "Siap ekspor" in indonesian and "Ready to export" not in indonesian
    english = ok("--lang", "en", "report", "shortlist", "--top", "5").stdout
    assert "Shortlist: top 5 businesses" in english
    assert next(line for line in english.splitlines() if line.startswith("rank")).split()[:4] \
        == ["rank", "business", "nib", "regency"]
    assert "Ready to export" in english and "Siap ekspor" not in english


def test_gaps_in_indonesian(scored):
    out = ok("--lang", "id", "report", "gaps", "--limit", "5").stdout
    assert "Kekurangan yang paling umum (jumlah usaha)" in out
    assert "Hambatan dan tindakan pertama per usaha" in out
    assert "tindakan" in out and "action" not in out


def test_html_and_excel_reports_in_indonesian(scored, tmp_path):
    from openpyxl import load_workbook

    html = ok("--lang", "id", "report", "shortlist", "--format", "html").stdout
    assert '<html lang="id">' in html and "<th>peringkat</th>" in html
    target = tmp_path / "gaps.xlsx"
    ok("--lang", "id", "report", "gaps", "--format", "xlsx", "-o", str(target))
    book = load_workbook(target)
    first = book.worksheets[0]
    assert [c.value for c in first[1]] == ["usaha", "jenis", "kekurangan"]


def test_score_explain_in_indonesian(enrolled):
    out = ok("--lang", "id", "score", "--product", "25", "--market", "AE", "--explain",
             "--no-save").stdout
    for text in ("pasar: AE Uni Emirat Arab", "(bobot ", "Hambatan:", "Peringatan:",
                 "Tindakan, dari yang paling banyak menambah poin:", "(wajib)",
                 "Surat Keterangan Asal (SKA):", "Catatan: "):
        assert text in out, text
    for english in ("Blockers:", "Actions, most points first", "(required)", "market:"):
        assert english not in out
    assert re.search(r"total \d+,\d/100", out)  # the Indonesian decimal comma


def test_score_table_in_indonesian(enrolled):
    out = ok("--lang", "id", "score", "--regency", "Blitar", "--no-save").stdout
    assert "Kesiapan:" in out and "id produk" in out and "tingkat kesiapan" in out
    assert "terhambat:" in out


def test_enroll_errors_in_indonesian(registry_path, tmp_path):
    bad = tmp_path / "usaha.csv"
    bad.write_text("Nama Usaha;NIB;Kabupaten/Kota\nCV Uji Coba;123;Kabupaten Jepara\n",
                   encoding="utf-8")
    result = invoke("--lang", "id", "enroll", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:2:NIB: '123': NIB terdiri dari tepat 13 digit" in result.stderr
    assert "galat: 1 baris salah, 1 masalah; tidak ada yang ditulis." in result.stderr
    missing = invoke("--lang", "id", "enroll", str(tmp_path / "tidak-ada.csv"))
    assert "berkas tidak ada" in missing.stderr
    english = invoke("--lang", "en", "enroll", str(bad))
    assert "a NIB has exactly 13 digits" in english.stderr
    assert "error: 1 bad row(s), 1 problem(s); nothing was written." in english.stderr


def test_enroll_summary_in_indonesian(registry_path):
    out = ok("--lang", "id", "enroll", *sorted(SAMPLES.glob("*.csv")), "--dry-run").stdout
    assert "Uji coba: tidak ada yang ditulis" in out
    assert "jenis" in out and "ditambah" in out and "usaha" in out


def test_usage_errors_in_indonesian(enrolled):
    result = invoke("--lang", "id", "score")
    assert result.exit_code == 2
    assert "sebutkan apa yang dinilai: --all" in result.stderr


def test_country_names_follow_the_language(enrolled):
    indonesian = ok("--lang", "id", "report", "exports", "--by", "destination").stdout
    english = ok("--lang", "en", "report", "exports", "--by", "destination").stdout
    # official Indonesian usage (Keppres 12/2014): Tiongkok, not pycountry's "Cina"
    assert re.search(r"^CN\s+Tiongkok\s", indonesian, re.M) and "negara tujuan" in indonesian
    assert "Amerika Serikat" in indonesian and "United States" not in indonesian
    assert re.search(r"^CN\s+China\s", english, re.M) and "Amerika Serikat" not in english
    rules = ok("--lang", "id", "markets", "show", "AE").stdout
    assert rules.startswith("AE Uni Emirat Arab") and "lama pelayaran:" in rules
