"""Every test gets its own registry file; none touches a real one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportkit.cli import app
from exportkit.registry import close_all, open_registry

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"

runner = CliRunner()


@pytest.fixture(autouse=True)
def registry_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "registry.db"
    monkeypatch.setenv("EXPORTKIT_DB", str(path))
    monkeypatch.setenv("COLUMNS", "200")  # rich's width: no wrapping in assertions
    monkeypatch.delenv("EXPORTKIT_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    yield path
    close_all()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def ok(*args: str, input: str | None = None):
    result = invoke(*args, input=input)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def database(registry_path):
    return open_registry(str(registry_path))


@pytest.fixture
def enrolled(registry_path):
    """The registry built from samples/."""
    ok("enroll", *sorted(SAMPLES.glob("*.csv")))
    return open_registry(str(registry_path))


def count(database, table: str) -> int:
    with database.reader() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
