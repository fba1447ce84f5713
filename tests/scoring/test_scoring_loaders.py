"""The rubric and market loaders: the shipped files load, and every malformation is named."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from exportkit.errors import DataFileError
from exportkit.scoring.markets import coverage, load_markets
from exportkit.scoring.rubric import load_rubric, shipped_path
from exportkit.scoring.schema import Text
from exportkit.scoring.vocabulary import categories

RUBRIC = shipped_path("rubric.toml").read_text("utf-8")
MARKETS = shipped_path("markets.toml").read_text("utf-8")
GTIN = '[dimensions.packaging.criteria.gtin]\ncheck = "gtin"\npoints = 10\n'


def write(tmp_path: Path, name: str, text: str, old: str, new: str) -> Path:
    assert old in text, f"fixture text not found: {old!r}"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def rubric_error(tmp_path: Path, old: str, new: str) -> str:
    with pytest.raises(DataFileError) as info:
        load_rubric(write(tmp_path, "rubric.toml", RUBRIC, old, new))
    return str(info.value)


def markets_error(tmp_path: Path, old: str, new: str) -> str:
    with pytest.raises(DataFileError) as info:
        load_markets(write(tmp_path, "markets.toml", MARKETS, old, new))
    return str(info.value)


def test_every_shipped_data_file_loads(rubric, markets):
    assert rubric.version == "2026.11.1"
    digest = hashlib.sha256(shipped_path("rubric.toml").read_bytes()).hexdigest()[:12]
    assert rubric.digest == digest
    assert markets.digest == hashlib.sha256(
        shipped_path("markets.toml").read_bytes()).hexdigest()[:12]
    assert {d.code for d in rubric.dimensions} >= {"packaging", "standards", "shelf_life",
                                                   "market_fit", "legality", "capacity"}
    assert set(rubric.capacity) == set(categories())


def test_shipped_markets_cover_the_required_destinations(markets):
    required = "CN PH KR MY AE IN ZA US JP SG HK KH CZ HU AR BR MX CL PE CO TR RU EU SA"
    for code in required.split():
        assert markets.get(code) is not None, code


def test_eu_members_inherit_the_eu_rules(markets):
    cz, eu = markets.get("cz"), markets.get("EU")
    assert (cz.code, cz.via) == ("CZ", "EU")
    assert cz.categories is eu.categories and cz.transit_days == eu.transit_days
    assert markets.get("XX") is None


def test_a_market_comes_named_as_it_would_be_named_on_the_spot(markets):
    # Markets.get names a market's country and label languages once, so that a scoring
    # worker loads neither pycountry nor babel; the names are those named on the spot
    for code in ("CN", "AE", "CZ"):
        named = markets.get(code)
        bare = replace(named, country=None, languages={})
        assert named.country is not None
        for lang in ("en", "id"):
            assert named.name(lang) == bare.name(lang)
        for language in named.languages:
            assert named.language(language) == bare.language(language)
    assert markets.get("CN").languages == {"zh": Text("Chinese", "Tionghoa")}
    assert markets.get("CN").name("id") == "Tiongkok" and markets.get("CZ").name("id") == "Ceko"


def test_coverage_counts_unknown_facts(markets):
    rows = {(r.market, r.category): r for r in coverage(markets, list(categories()))}
    assert len(rows) == len(markets.codes()) * len(categories())
    cn_food = rows["CN", "processed_food"]
    # transit, origin, GACC, Chinese label known; minimum remaining shelf life unknown
    assert (cn_food.status, cn_food.unknown, cn_food.facts) == ("partial", 1, 5)
    ph_textile = rows["PH", "textile"]
    assert (ph_textile.status, ph_textile.unknown) == ("partial", 3)   # only origin known
    assert rows["HU", "wood_furniture"] == rows["HU", "wood_furniture"].__class__(
        "HU", "wood_furniture", "partial", 1, 4)


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "rubric.toml"
    path.write_text('version = "x"\nbroken line\n', "utf-8")
    with pytest.raises(DataFileError) as info:
        load_rubric(path)
    assert str(info.value) == ("rubric.toml: not valid TOML: Expected '=' after a key in a "
                               "key/value pair (at line 2, column 8)")


def test_duplicate_key_is_a_data_file_error(tmp_path):
    message = rubric_error(tmp_path, GTIN, GTIN + "points = 11\n")
    assert message.startswith("rubric.toml: not valid TOML: Cannot overwrite a value")


@pytest.mark.parametrize(("new", "expected"), [
    (GTIN + "pionts = 10\n", "dimensions.packaging.criteria.gtin.pionts: unknown key"),
    (GTIN.replace("points = 10\n", ""),
     "dimensions.packaging.criteria.gtin.points: missing required key"),
    (GTIN.replace("10", '"ten"'),
     "dimensions.packaging.criteria.gtin.points: expected a number, got 'ten'"),
    (GTIN.replace("10", "-5"),
     "dimensions.packaging.criteria.gtin.points: expected a number at least 0, got -5"),
    (GTIN.replace('"gtin"\n', '"gtin"\nhard = "maybe"\n'), None),
])
def test_rubric_criterion_malformations(tmp_path, new, expected):
    message = rubric_error(tmp_path, GTIN, new)
    if expected is None:  # a key given twice: TOML itself refuses it
        assert message.startswith("rubric.toml: not valid TOML: Cannot overwrite a value")
    else:
        assert message == f"rubric.toml: {expected}"


def test_rubric_bad_date(tmp_path):
    message = rubric_error(tmp_path, GTIN, GTIN + 'hard_from = "2026-02-30"\n')
    assert message == ("rubric.toml: dimensions.packaging.criteria.gtin.hard_from: "
                       "expected a date (YYYY-MM-DD), got '2026-02-30'")


def test_rubric_unknown_category(tmp_path):
    message = rubric_error(tmp_path, 'fact = "food_grade"\ncategories = ["processed_food"]',
                           'fact = "food_grade"\ncategories = ["procesed_food"]')
    assert message == ("rubric.toml: dimensions.packaging.criteria.food_grade.categories[0]: "
                       "unknown category 'procesed_food' (see categories.toml)")


def test_rubric_unknown_certificate_code(tmp_path):
    message = rubric_error(tmp_path, 'any_of = ["SVLK"]', 'any_of = ["SVLKK"]')
    assert message == ("rubric.toml: dimensions.standards.criteria.svlk.any_of[0]: "
                       "unknown certificate code 'SVLKK' (see certificates.toml)")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('scope = "product"\nweight = 30\n', 'scope = "product"\nweight = 0\n',
     "dimensions.packaging.weight: expected a number above 0, got 0"),
    ("min_total = 50\n", "min_total = 80\n",
     "readiness.levels[1].min_total: levels must go from the highest min_total down"),
    ('blocked_cap = "nearly_ready"', 'blocked_cap = "ready"',
     "readiness.blocked_cap: expected the code of a level below the top one, got 'ready'"),
    ('check = "gtin"\npoints', 'check = "barcode"\npoints',
     "dimensions.packaging.criteria.gtin.check: expected one of"),
    ('fact = "export_carton"', 'fact = "export_box"',
     "dimensions.packaging.criteria.export_carton.fact: expected a field of ProductFacts, "
     "got 'export_box'"),
    ('action = { en = "Add a label in {languages}', 'action = { en = "Add a label in {langs}',
     "dimensions.packaging.criteria.label_language.action.en: unknown placeholder {langs} "
     "(allowed: languages, market)"),
])
def test_rubric_values_that_do_not_make_sense(tmp_path, old, new, expected):
    assert rubric_error(tmp_path, old, new).startswith(f"rubric.toml: {expected}")


def test_rubric_ranges(tmp_path):
    message = rubric_error(tmp_path, "value = 0.667", "value = 1.5")
    assert message == ("rubric.toml: parameters.min_remaining_share.value: "
                       "expected a number at most 1, got 1.5")


CN = '[markets.CN]\ntransit = { days = 28'


@pytest.mark.parametrize(("old", "new", "expected"), [
    (CN, '[markets.CN]\nfreight = 1\ntransit = { days = 28',
     "markets.CN.freight: unknown key"),
    (CN, '[markets.CN]\ntransit = { days = "28"',
     "markets.CN.transit.days: expected a whole number, got '28'"),
    ('code = "GACC"', 'code = "GAC"',
     "markets.CN.categories.processed_food.certificates[0].code: unknown certificate code "
     "'GAC' (see certificates.toml)"),
    ("[markets.CN.categories.processed_food]", "[markets.CN.categories.food]",
     "markets.CN.categories.food: unknown category 'food' (see categories.toml)"),
    ("applies_from = 2026-12-30", 'applies_from = "2026-12-32"',
     "markets.EU.categories.wood_furniture.certificates[0].applies_from: expected a date "
     "(YYYY-MM-DD), got '2026-12-32'"),
    ('[markets.HU]\nmember_of = "EU"', '[markets.HU]\nmember_of = "CZ"',
     "markets.HU.member_of: expected a market with its own rules, got 'CZ'"),
    ("[markets.ZA]", "[markets.XZ]",
     "markets.XZ: unknown market code 'XZ' (expected ISO 3166 alpha-2 or 'EU')"),
    ('label_languages = { value = ["zh"]', 'label_languages = { value = ["chinese"]',
     "markets.CN.categories.processed_food.label_languages.value[0]: expected an ISO 639-1 "
     "language code, got 'chinese'"),
])
def test_markets_malformations(tmp_path, old, new, expected):
    assert markets_error(tmp_path, old, new) == f"markets.toml: {expected}"


def test_markets_every_category_is_stated(tmp_path):
    # the list just before the Hong Kong section is Singapore's
    old = ('unknown_categories = ["wood_furniture", "wooden_craft", "textile", "footwear", '
           '"processed_food", "tobacco", "live_plant", "musical_instrument", "handicraft", '
           '"other"]\n\n# Hong Kong')
    assert markets_error(tmp_path, old, old.replace('"tobacco", ', "")) == (
        "markets.toml: markets.SG.unknown_categories: category 'tobacco' is missing: "
        "list it once, under categories or here")


def test_markets_perishable_category_states_min_remaining(tmp_path):
    old = 'checked = 2026-11-22 }\nmin_remaining = "unknown"\n\n# Philippines'
    assert markets_error(tmp_path, old, old.replace('min_remaining = "unknown"\n', "")) == (
        "markets.toml: markets.CN.categories.processed_food.min_remaining: missing required "
        'key (perishable category; write "unknown" if unknown)')


def test_unreadable_file(tmp_path):
    with pytest.raises(DataFileError, match="cannot read"):
        load_markets(tmp_path / "missing.toml")
