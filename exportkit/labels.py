"""Column labels and record kinds: declared once for the catalogue, translated when shown.

Reports and lists keep stable keys ("business", "total") for JSON and CSV; people see the
label of the key in the current language. A key without a label (a year, a category code)
is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from exportkit.i18n import N_, _

LABELS = {
    # record kinds (enroll and merge summaries, `add` help)
    "business": N_("business"),
    "product": N_("product"),
    "certification": N_("certification"),
    "export": N_("export"),
    "rate": N_("rate"),
    # what `list` lists and what `db info` counts
    "businesses": N_("businesses"),
    "products": N_("products"),
    "certs": N_("certs"),
    "exports": N_("exports"),
    "certifications": N_("certifications"),
    "export_records": N_("export_records"),
    "exchange_rates": N_("exchange_rates"),
    "cohorts": N_("cohorts"),
    "assessments": N_("assessments"),
    "assessment_gaps": N_("assessment_gaps"),
    # enroll and merge summaries
    "kind": N_("kind"),
    "added": N_("added"),
    "updated": N_("updated"),
    "unchanged": N_("unchanged"),
    "rejected": N_("rejected"),
    "record": N_("record"),
    "field": N_("field"),
    "mine": N_("mine"),
    "theirs": N_("theirs"),
    "kept": N_("kept"),
    # registry columns
    "id": N_("id"),
    "nib": N_("nib"),
    "name": N_("name"),
    "legal_form": N_("legal_form"),
    "regency": N_("regency"),
    "province": N_("province"),
    "sector": N_("sector"),
    "employees": N_("employees"),
    "export_experience": N_("export_experience"),
    "owner_name": N_("owner_name"),
    "phone": N_("phone"),
    "email": N_("email"),
    "website": N_("website"),
    "updated_at": N_("updated_at"),
    "category": N_("category"),
    "hs_code": N_("hs_code"),
    "description": N_("description"),
    "shelf_life_days": N_("shelf_life_days"),
    "monthly_capacity": N_("monthly_capacity"),
    "unit": N_("unit"),
    "fob_price_usd": N_("fob_price_usd"),
    "number": N_("number"),
    "issued_on": N_("issued_on"),
    "expires_on": N_("expires_on"),
    "year": N_("year"),
    "commodity": N_("commodity"),
    "destination": N_("destination"),
    "value": N_("value"),
    "currency": N_("currency"),
    "source": N_("source"),
    # scores and reports
    "product_id": N_("product_id"),
    "rank": N_("rank"),
    "best_product": N_("best_product"),
    "total": N_("total"),
    "level": N_("level"),
    "blocked": N_("blocked"),
    "first_action": N_("first_action"),
    "gap": N_("gap"),
    "gain": N_("gain"),
    "certificates": N_("certificates"),
    "growth": N_("growth"),
    "start": N_("start"),
    "latest": N_("latest"),
    "change": N_("change"),
    "scored_on": N_("scored_on"),
    "market": N_("market"),
    "country": N_("country"),
    "requirements": N_("requirements"),
    "shelf_life": N_("shelf_life"),
    "transit_days": N_("transit_days"),
    "origin": N_("origin"),
    "blockers": N_("blockers"),
    "preferential": N_("preferential"),
    "registrations": N_("registrations"),
    "label_languages": N_("label_languages"),
    "facts_known": N_("facts_known"),
    # the rubric
    "dimension": N_("dimension"),
    "weight": N_("weight"),
    "criterion": N_("criterion"),
    "points": N_("points"),
    "required": N_("required"),
    "categories": N_("categories"),
    "checked": N_("checked"),
}


def label(key: str) -> str:
    """The label people see for a column key or a record kind, in the current language."""
    text = LABELS.get(key)
    return _(text) if text is not None else key


def labels(keys: Iterable[str]) -> list[str]:
    return [label(k) for k in keys]
