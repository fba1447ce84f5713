"""The shared codes the rubric and market files refer to (categories, certificates)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from exportkit.scoring.schema import Text


@dataclass(frozen=True)
class Category:
    code: str
    name: Text
    perishable: bool


def _read(name: str) -> dict:
    return tomllib.loads(resources.files("exportkit.data").joinpath(name).read_text("utf-8"))


@cache
def categories() -> dict[str, Category]:
    return {code: Category(code, Text(row["en"], row["id"]), bool(row["perishable"]))
            for code, row in _read("categories.toml")["categories"].items()}


@cache
def certificates() -> dict[str, Text]:
    return {code: Text(row["en"], row["id"])
            for code, row in _read("certificates.toml")["kinds"].items()}
