"""Officers' cases, end to end through the shipped rubric and market data."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from conftest import TODAY

from exportkit.scoring.checks import required_shelf_life
from exportkit.scoring.facts import BusinessFacts, CertificateFact, ProductFacts
from exportkit.scoring.markets import ShelfLifeRule
from exportkit.scoring.scorer import score_business, score_product

UD = BusinessFacts(name="UD Jati Ukir", nib="9120001234567", npwp="013000666091000",
                   export_experience="indirect", has_product_photos=True, has_contact=True)
CHAIR = ProductFacts(name="Kursi jati ukir", category="wood_furniture", export_carton=True,
                     transit_protection=True, label_complete=True, gtin="8992000000014",
                     monthly_capacity=80, unit="pcs")
SAMBAL = ProductFacts(name="Sambal bawang", category="processed_food", shelf_life_days=90,
                      export_carton=True, food_grade=True, label_complete=True,
                      certificates=(CertificateFact("PIRT"), CertificateFact("HALAL")))
ABON = ProductFacts(name="Abon sapi", category="processed_food", shelf_life_days=365,
                    export_carton=True, food_grade=True, label_complete=True,
                    label_languages=("id", "en", "ar"), certificates=(CertificateFact("BPOM_MD"),))
DJEMBE = ProductFacts(name="Djembe Blitar", category="musical_instrument", wood_based=True,
                      export_carton=True, certificates=(CertificateFact("SVLK"),))


def codes(messages) -> list[str]:
    return [m.code for m in messages]


def test_teak_chair_without_svlk_is_blocked_everywhere(rubric, markets):
    for code in (*markets.codes(), None):
        market = markets.get(code) if code else None
        a = score_product(CHAIR, UD, rubric, market, TODAY)
        assert a.blocked, code
        assert "standards.svlk" in codes(a.blockers), code
        assert a.level != "ready", code
        assert a.actions[0].code == "standards.svlk" and a.actions[0].unblocks, code


def test_svlk_gain_is_the_difference_of_totals(rubric):
    without = score_product(CHAIR, UD, rubric, None, TODAY)
    with_svlk = score_product(replace(CHAIR, certificates=(CertificateFact("SVLK"),)), UD,
                              rubric, None, TODAY)
    action = next(a for a in without.actions if a.code == "standards.svlk")
    assert action.gain == round(with_svlk.total - without.total, 1) > 0
    assert action.text.en == "Obtain SVLK timber legality (V-Legal): required for all wood exports"
    assert not with_svlk.blocked and with_svlk.level == "ready"


def test_blocked_level_is_capped_not_the_total(rubric):
    ready = replace(CHAIR, certificates=(CertificateFact("SVLK"),))
    unmarked = replace(ready, wood_packaging=True)   # wooden crate, no ISPM-15 mark
    a, b = (score_product(p, UD, rubric, None, TODAY) for p in (ready, unmarked))
    assert a.total == b.total >= 75
    assert (a.level, b.level) == ("ready", "nearly_ready")
    assert codes(b.blockers) == ["packaging.ispm15"]


def test_sambal_90_days_to_chile_is_flagged_on_shelf_life(rubric, markets):
    a = score_product(SAMBAL, UD, rubric, markets.get("CL"), TODAY)
    shelf = a.dimension("shelf_life")
    assert shelf is not None and shelf.score < 100
    assert shelf.criteria[0].status == "partial"
    action = next(x for x in a.actions if x.code == "shelf_life.arrival")
    # 45 days (long-haul default, Chile transit unknown) + 10 clearance, 2/3 left at arrival
    assert action.text.en == "Extend shelf life to at least 166 days (now 90)"
    assert action.gain > 0
    warned = " ".join(w.text.en for w in a.warnings)
    assert "Sea transit to Chile is unknown" in warned
    assert any(o.form == "IC-CEPA" for o in a.origin)


def test_known_transit_makes_the_shelf_life_a_blocker(rubric, markets):
    short = replace(SAMBAL, shelf_life_days=30, label_languages=("ar",))
    a = score_product(short, UD, rubric, markets.get("AE"), TODAY)   # 18 days, known
    assert "shelf_life.arrival" in codes(a.blockers)
    b = score_product(replace(short, shelf_life_days=120), UD, rubric, markets.get("AE"), TODAY)
    assert "shelf_life.arrival" not in codes(b.blockers)


def test_abon_without_halal_to_the_uae_is_blocked(rubric, markets):
    a = score_product(ABON, UD, rubric, markets.get("AE"), TODAY)
    assert a.blocked and codes(a.blockers) == ["market_fit.registrations.HALAL"]
    assert a.blockers[0].text.en == ("United Arab Emirates requires Halal certificate for "
                                     "Processed food")
    halal = replace(ABON, certificates=ABON.certificates + (CertificateFact("HALAL"),))
    assert not score_product(halal, UD, rubric, markets.get("AE"), TODAY).blocked


def test_one_step_that_closes_two_gaps_is_one_action(rubric, markets):
    # halal counts for the standards and for the UAE's rules: obtaining it is one action,
    # the one that removes the blocker
    a = score_product(ABON, UD, rubric, markets.get("AE"), TODAY)
    halal = [x for x in a.actions if "Halal" in x.text.en]
    assert len(halal) == 1 and halal[0].unblocks and a.actions[0] == halal[0]


@pytest.mark.parametrize("code", ["SA", "MY"])
def test_halal_is_required_for_food_in_the_gulf_and_malaysia(rubric, markets, code):
    a = score_product(ABON, UD, rubric, markets.get(code), TODAY)
    assert "market_fit.registrations.HALAL" in codes(a.blockers)


def test_djembe_to_china_shows_form_e_under_acfta(rubric, markets):
    a = score_product(DJEMBE, UD, rubric, markets.get("CN"), TODAY)
    forms = {(o.agreement, o.form) for o in a.origin}
    assert ("ACFTA", "Form E") in forms
    assert a.to_dict()["origin"][0]["form"] == "Form E"
    # wood-based: SVLK applies though the category is not a wood category
    assert a.dimension("standards").criteria[0].code == "standards.svlk"


def test_expired_certificate_counts_as_missing(rubric):
    svlk = CertificateFact("SVLK", expires_on=TODAY - timedelta(1))
    expired = replace(CHAIR, certificates=(svlk,))
    a = score_product(expired, UD, rubric, None, TODAY)
    assert "standards.svlk" in codes(a.blockers)
    assert a.warnings[0].text.en == ("SVLK timber legality (V-Legal) expired on 2026-11-21: "
                                     "it counts as missing")


def test_expiring_certificate_is_a_warning_and_still_counts(rubric):
    soon = replace(CHAIR, certificates=(CertificateFact("SVLK", expires_on=TODAY + timedelta(30)),
                                        ))
    a = score_product(soon, UD, rubric, None, TODAY)
    assert not a.blocked
    assert codes(a.warnings) == ["certificates.SVLK"]
    assert "in 30 days" in a.warnings[0].text.en
    later = replace(CHAIR, certificates=(CertificateFact("SVLK", expires_on=TODAY + timedelta(91)),
                                         ))
    assert score_product(later, UD, rubric, None, TODAY).warnings == ()


def test_eudr_is_dated_data(rubric, markets):
    chair = replace(CHAIR, certificates=(CertificateFact("SVLK"),))
    before = score_product(chair, UD, rubric, markets.get("EU"), TODAY)
    assert not before.blocked
    assert "will require EUDR due-diligence statement from 2026-12-30" in " ".join(
        w.text.en for w in before.warnings)
    for code in ("EU", "CZ", "HU"):
        after = score_product(chair, UD, rubric, markets.get(code), date(2026, 12, 30))
        assert codes(after.blockers) == ["market_fit.registrations.EUDR_DDS"], code
    assert score_product(chair, UD, rubric, markets.get("CZ"), TODAY).market_via == "EU"


def test_unknown_market_facts_give_no_points_and_say_so(rubric, markets):
    tenun = ProductFacts(name="Tenun ikat", category="textile", export_carton=True)
    alone = score_product(tenun, UD, rubric, None, TODAY)
    us = score_product(tenun, UD, rubric, markets.get("US"), TODAY)
    assert us.dimension("market_fit") is None            # nothing known to score
    assert us.total == alone.total
    tail = ": unknown: check with the desk"
    unknown = [w.text.en for w in us.warnings if w.text.en.endswith(tail)]
    assert unknown == [
        "Label language United States requires for Textiles and apparel" + tail,
        "Registrations United States requires for Textiles and apparel" + tail,
    ]


def test_india_minimum_remaining_is_the_lesser_of_share_and_days():
    rule = ShelfLifeRule(0.6, 90, "lesser", "test")
    assert required_shelf_life(55, rule) == 138       # 60% left needs 138 days (< 55 + 90)
    assert required_shelf_life(100, rule) == 190       # 3 months left: 100 + 90 < 250
    assert required_shelf_life(55, ShelfLifeRule(0.5, None, "lesser", "test")) == 110


def test_label_language_for_the_destination(rubric, markets):
    sambal = replace(SAMBAL, label_languages=("id",))
    a = score_product(sambal, UD, rubric, markets.get("CN"), TODAY)
    crit = next(c for c in a.dimension("packaging").criteria
                if c.code == "packaging.label_language")
    assert (crit.status, crit.name.en, crit.name.id) == (
        "missing", "Label in Chinese for China", "Label berbahasa Tionghoa untuk Tiongkok")


def test_business_is_scored_with_its_best_product(rubric, markets):
    chair_ok = replace(CHAIR, certificates=(CertificateFact("SVLK"),))
    a = score_business(UD, [CHAIR, chair_ok], rubric, None, TODAY)
    assert a.best_product.name == chair_ok.name and a.best_product.total == score_product(
        chair_ok, UD, rubric, None, TODAY).total
    assert {d.code for d in a.dimensions} == {"legality", "capacity", "experience", "catalogue",
                                              "product"}
    assert not a.blocked
    no_nib = score_business(replace(UD, nib=None), [chair_ok], rubric, None, TODAY)
    assert codes(no_nib.blockers) == ["legality.nib"] and no_nib.level != "ready"
    capacity = next(x for x in a.actions if x.code == "capacity.monthly_capacity")
    assert capacity.text.en.startswith("Raise monthly capacity of Kursi jati ukir to 150 pcs")
    nothing = score_business(UD, [], rubric, None, TODAY)
    assert nothing.best_product is None and nothing.dimension("product").score == 0


def test_to_dict_is_plain_json(rubric, markets):
    a = score_business(UD, [SAMBAL], rubric, markets.get("CL"), TODAY)
    data = json.loads(json.dumps(a.to_dict()))
    assert data["rubric"] == {"version": rubric.version, "digest": rubric.digest}
    assert data["market"] == "CL" and data["best_product"]["name"] == "Sambal bawang"
    assert data["level"]["id"] in {"Siap ekspor", "Hampir siap", "Perlu pendampingan"}
