"""`exportkit enroll` without files: one business and its products, question by question."""

import importlib

from exportkit.ingest.spec import kinds
from exportkit.registry import open_registry
from tests.conftest import invoke, ok

enroll_module = importlib.import_module("exportkit.cli.enroll")

BUSINESS = {"nib": ["123", "9120301234567"],  # a bad NIB is asked again
            "name": ["CV Jati Ukir Mulya"], "regency": ["Kabupaten Jepara"],
            "legal_form": ["CV"], "employees": ["24"], "export_experience": ["indirect"]}
PRODUCT = {"product_name": ["Kursi ukir jati"], "category": ["", "mebel"],  # required
           "hs_code": ["9401.61"], "monthly_capacity": ["120"], "unit": ["pcs"]}


def _answers(kind: str, given: dict, skip=()) -> list[str]:
    lines = []
    for field in kinds()[kind].fields:
        if field.name not in skip:
            lines.extend(given.get(field.name, [""]))
    return lines


def test_one_business_and_a_product_by_prompts(registry_path, monkeypatch):
    monkeypatch.setattr(enroll_module, "_on_a_terminal", lambda: True)
    skip = ("business_nib", "business_name", "business_regency")
    lines = (_answers("business", BUSINESS) + ["y"] + _answers("product", PRODUCT, skip)
             + ["n"])
    result = ok("enroll", input="\n".join(lines) + "\n")
    assert "a NIB has exactly 13 digits" in result.stdout  # asked again, not failed
    with open_registry(str(registry_path)).reader() as connection:
        business = connection.exec_driver_sql(
            "SELECT nib, name, employees, export_experience FROM business").one()
        product = connection.exec_driver_sql(
            "SELECT name, category, hs_code, monthly_capacity FROM product").one()
    assert tuple(business) == ("9120301234567", "CV Jati Ukir Mulya", 24, "indirect")
    assert tuple(product) == ("Kursi ukir jati", "wood_furniture", "940161", 120.0)


def test_prompts_need_a_terminal():
    result = invoke("enroll")
    assert result.exit_code == 2 and "prompts need a terminal" in result.stderr
