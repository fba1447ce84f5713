"""Properties of the scorer: bounded, monotone, deterministic, renormalised."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportkit.scoring.assessment import Assessment
from exportkit.scoring.facts import BusinessFacts, CertificateFact, ProductFacts
from exportkit.scoring.markets import load_markets
from exportkit.scoring.rubric import load_rubric
from exportkit.scoring.scorer import score_business, score_product
from exportkit.scoring.vocabulary import categories, certificates

RUBRIC, MARKETS = load_rubric(), load_markets()
CATEGORIES = sorted(categories())
CERTS = sorted(certificates())
PACKAGING_FLAGS = ["export_carton", "transit_protection", "food_grade", "label_complete",
                   "wood_packaging", "ispm15_marked"]
maybe = st.sampled_from([None, False, True])
days = st.dates(date(2025, 6, 1), date(2028, 6, 1))


@st.composite
def certificate(draw) -> CertificateFact:
    expiry = draw(st.none() | st.dates(date(2025, 1, 1), date(2029, 1, 1)))
    return CertificateFact(draw(st.sampled_from(CERTS)), expires_on=expiry)


products = st.builds(
    ProductFacts, name=st.just("p"), category=st.sampled_from(CATEGORIES),
    wood_based=maybe, perishable=maybe, shelf_life_days=st.none() | st.integers(1, 2000),
    export_carton=maybe, transit_protection=maybe, food_grade=maybe, label_complete=maybe,
    label_languages=st.lists(st.sampled_from(["id", "en", "zh", "ar", "es", "ru"]),
                             unique=True, max_size=4).map(tuple),
    gtin=st.sampled_from([None, "", "8992000000014", "8992000000015"]),
    wood_packaging=maybe, ispm15_marked=maybe,
    monthly_capacity=st.none() | st.floats(0, 1e5), unit=st.sampled_from([None, "pcs", "kg"]),
    certificates=st.lists(certificate(), max_size=4).map(tuple))
businesses = st.builds(
    BusinessFacts, name=st.just("b"), nib=st.sampled_from([None, "123", "9120001234567"]),
    npwp=st.sampled_from([None, "013000666091000", "1"]),
    export_experience=st.sampled_from([None, "none", "indirect", "direct"]),
    has_product_photos=maybe, has_english_description=maybe, has_usd_price_list=maybe,
    has_contact=st.booleans(), certificates=st.lists(certificate(), max_size=3).map(tuple))
markets = st.sampled_from([None, *MARKETS.codes()]).map(lambda c: c and MARKETS.get(c))
common = settings(max_examples=150, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])


def scores(a: Assessment) -> dict[str, float]:
    return {"total": a.total} | {d.code: d.score for d in a.dimensions}


def assert_not_lower(before: Assessment, after: Assessment) -> None:
    low, high = scores(before), scores(after)
    assert low.keys() == high.keys()
    for key, value in low.items():
        assert high[key] >= value, (key, value, high[key])


@common
@given(products, businesses, markets, days)
def test_scores_are_bounded(product, business, market, today):
    a = score_product(product, business, RUBRIC, market, today)
    assert 0 <= a.total <= 100
    assert all(0 <= d.score <= 100 for d in a.dimensions)
    if a.dimensions:
        assert abs(sum(d.share for d in a.dimensions) - 1) < 1e-9
    b = score_business(business, [product], RUBRIC, market, today)
    assert 0 <= b.total <= 100 and all(0 <= d.score <= 100 for d in b.dimensions)


@common
@given(products, businesses, markets, days, st.sampled_from(CERTS), st.booleans(),
       st.none() | st.integers(0, 2000))
def test_a_valid_certificate_never_lowers_a_score(product, business, market, today, code,
                                                  on_business, valid_for):
    expiry = None if valid_for is None else today + timedelta(valid_for)
    cert = CertificateFact(code, expires_on=expiry)
    before = score_product(product, business, RUBRIC, market, today)
    if on_business:
        business2 = replace(business, certificates=business.certificates + (cert,))
        product2 = product
    else:
        business2 = business
        product2 = replace(product, certificates=product.certificates + (cert,))
    assert_not_lower(before, score_product(product2, business2, RUBRIC, market, today))
    assert_not_lower(score_business(business, [product], RUBRIC, market, today),
                     score_business(business2, [product2], RUBRIC, market, today))


@common
@given(products, businesses, markets, days, st.sampled_from(PACKAGING_FLAGS))
def test_better_packaging_never_lowers_a_score(product, business, market, today, flag):
    before = score_product(product, business, RUBRIC, market, today)
    better = replace(product, **{flag: True})
    assert_not_lower(before, score_product(better, business, RUBRIC, market, today))


@common
@given(products, businesses, markets, days, st.sampled_from(["zh", "ar", "en", "es", "ru"]))
def test_more_label_languages_or_a_valid_gtin_never_lower_a_score(product, business, market,
                                                                   today, lang):
    before = score_product(product, business, RUBRIC, market, today)
    more = replace(product, label_languages=(*product.label_languages, lang))
    assert_not_lower(before, score_product(more, business, RUBRIC, market, today))
    coded = replace(product, gtin="8992000000014")
    assert_not_lower(before, score_product(coded, business, RUBRIC, market, today))


@common
@given(products, businesses, markets, days, st.integers(1, 1000))
def test_a_longer_shelf_life_never_lowers_a_score(product, business, market, today, extra):
    before = score_product(product, business, RUBRIC, market, today)
    longer = replace(product, shelf_life_days=(product.shelf_life_days or 0) + extra)
    assert_not_lower(before, score_product(longer, business, RUBRIC, market, today))


@common
@given(products, businesses, markets, days)
def test_scoring_is_deterministic(product, business, market, today):
    first = score_product(product, business, RUBRIC, market, today).to_dict()
    again = score_product(product, business, RUBRIC, market, today).to_dict()
    assert first == again
    assert (score_business(business, [product, product], RUBRIC, market, today).to_dict()
            == score_business(business, [product, product], RUBRIC, market, today).to_dict())


@common
@given(products, businesses, markets, days)
def test_non_perishables_drop_shelf_life_and_renormalise(product, business, market, today):
    a = score_product(replace(product, perishable=False), business, RUBRIC, market, today)
    assert a.dimension("shelf_life") is None
    present = sum(d.weight for d in a.dimensions)
    for d in a.dimensions:
        assert abs(d.share - d.weight / present) < 1e-12
    expected = sum(d.share * d.score for d in a.dimensions)
    assert abs(a.total - expected) <= 0.1       # dimension scores are shown rounded


def test_perishable_default_comes_from_the_category():
    chips = ProductFacts(name="krupuk", category="processed_food", shelf_life_days=400)
    today = date(2026, 11, 22)
    owner = BusinessFacts("b")
    assert score_product(chips, owner, RUBRIC, None, today).dimension("shelf_life") is not None
    plant = ProductFacts(name="anthurium", category="live_plant", perishable=False)
    assert score_product(plant, owner, RUBRIC, None, today).dimension("shelf_life") is None


def _reference_business(business, products_, market, today):
    """The straightforward computation the fast path must match: every action priced by
    scoring the whole business again, with all its texts."""
    from exportkit.scoring.checks import Facts
    from exportkit.scoring.scorer import _actions, _business_run

    facts = Facts(business, tuple(products_))
    run, best = _business_run(facts, RUBRIC, market, today)
    actions = _actions(run, facts, best, lambda gap, _step: _business_run(
        gap.fix(facts, best), RUBRIC, market, today)[0].raw_total)
    return run, best, actions


@common
@given(business=businesses, products_=st.lists(products, min_size=1, max_size=3),
       market=markets, today=days)
def test_scoring_a_group_matches_scoring_one_by_one(business, products_, market, today):
    from exportkit.scoring.scorer import score_group

    named = [replace(p, name=f"p{i}") for i, p in enumerate(products_)]
    assessed, whole = score_group(business, named, RUBRIC, market, today)
    assert assessed == [score_product(p, business, RUBRIC, market, today) for p in named]
    run, best, actions = _reference_business(business, named, market, today)
    assert whole.actions == actions
    assert whole.total == round(min(max(run.raw_total, 0.0), 100.0), 1)
    assert whole.best_product == assessed[best]


@common
@given(pool=st.lists(products, min_size=1, max_size=4),
       picks=st.lists(st.tuples(businesses, st.lists(st.integers(0, 3), min_size=1,
                                                     max_size=3)), min_size=2, max_size=5),
       market=markets, today=days)
def test_one_memo_shared_by_a_run_gives_what_scoring_afresh_gives(pool, picks, market, today):
    # A run reuses a product's result wherever the same facts come back, under another
    # name, at another place in another business: nothing of the first may leak.
    from exportkit.scoring.scorer import Memo, score_group

    memo = Memo(RUBRIC, market, today)
    for n, (business, indexes) in enumerate(picks):
        group = tuple(replace(pool[i % len(pool)], name=f"p{n}.{k}")
                      for k, i in enumerate(indexes))
        shared = score_group(business, group, RUBRIC, market, today, memo)
        assert shared == score_group(business, group, RUBRIC, market, today)
        # actions priced with what earlier businesses left in the memo, against pricing
        # each by scoring the whole business again
        assert shared[1].actions == _reference_business(business, group, market, today)[2]
        # the very same products under another business (other certificates, other facts)
        other = picks[n - 1][0]
        again = score_group(other, group, RUBRIC, market, today, memo)
        assert again == score_group(other, group, RUBRIC, market, today)


def test_a_memo_does_not_carry_one_business_s_certificates_to_the_next():
    from exportkit.scoring.scorer import Memo, score_group

    # nothing left to fix on the chair but its SVLK: the last action A prices is its own
    chair = ProductFacts(name="chair", category="wood_furniture", export_carton=True,
                         transit_protection=True, label_complete=True, monthly_capacity=500,
                         unit="pcs", gtin="8990000000006")
    products = (chair,)  # one tuple, passed for two businesses
    today = date(2026, 11, 22)
    memo = Memo(RUBRIC, None, today)
    score_group(BusinessFacts("A", certificates=(CertificateFact("SVLK"),)), products, RUBRIC,
                None, today, memo)
    shared = score_group(BusinessFacts("B"), products, RUBRIC, None, today, memo)[1]
    assert shared == score_group(BusinessFacts("B"), products, RUBRIC, None, today)[1]


def test_a_business_prices_the_fixes_of_its_best_product_when_a_blocked_one_ties_it():
    # Two products tie on their totals; the business's best is the one without a blocker
    # (the gamelan, listed second: the drum has no timber-legality certificate). The
    # actions on the business's best product are priced on that product, not on the first
    # of the tie. Facts of a business from the benchmark registry, where this went wrong.
    from exportkit.scoring.scorer import Memo, score_group

    drum = ProductFacts(name="kendang", category="musical_instrument", hs_code="920600",
                        wood_based=True, perishable=False, primary_packaging="plastic sheet",
                        export_carton=False, transit_protection=False, label_complete=False,
                        label_languages=("en", "id"), wood_packaging=True,
                        ispm15_marked=True, monthly_capacity=940.0, unit="pcs")
    gamelan = ProductFacts(name="gamelan", category="musical_instrument", hs_code="920600",
                           wood_based=False, perishable=False,
                           primary_packaging="bubble wrap, foam corners, shrink wrap",
                           export_carton=False, transit_protection=False,
                           label_complete=False, label_languages=("id",),
                           monthly_capacity=5.0, unit="set", fob_price_usd=789.13)
    business = BusinessFacts("CV Pusaka Irama", nib="8916542287586", npwp="082344607078000",
                             legal_form="CV", employees=51, annual_revenue=16254000000.0,
                             founded_year=1986, export_experience="none", has_contact=True)
    today = date(2026, 12, 2)
    products_ = (drum, gamelan)
    memo = Memo(RUBRIC, None, today)
    assessed, whole = score_group(business, products_, RUBRIC, None, today, memo)
    assert assessed[0].total == assessed[1].total and assessed[0].blocked
    assert whole.best_product == assessed[1]
    run, best, actions = _reference_business(business, products_, None, today)
    assert best == 1
    assert whole.actions == actions
    carton = next(a for a in whole.actions if a.code == "packaging.export_carton")
    assert carton.gain > 0


@common
@given(products, st.integers(1, 2000), st.booleans())
def test_evolve_is_dataclasses_replace(product, days, carton):
    import pytest

    from exportkit.scoring.facts import evolve

    before = dict(vars(product))
    fast = evolve(product, shelf_life_days=days, export_carton=carton)
    assert fast == replace(product, shelf_life_days=days, export_carton=carton)
    assert hash(fast) == hash(replace(product, shelf_life_days=days, export_carton=carton))
    assert vars(product) == before  # the original is left as it was
    with pytest.raises(TypeError, match="no field 'shelf_life'"):
        evolve(product, shelf_life=days)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pool=st.lists(products, min_size=2, max_size=4),
       picks=st.lists(st.tuples(businesses, st.lists(st.integers(0, 3), min_size=1,
                                                     max_size=3)), min_size=3, max_size=6),
       market=markets, today=days)
def test_a_memo_that_forgets_still_gives_what_scoring_afresh_gives(pool, picks, market, today):
    # tables of two entries: every run drops entries while it still uses their neighbours
    from exportkit.scoring.scorer import Memo, score_group

    class Small(Memo):
        TOTALS = RESULTS = DIMENSIONS = 2

    memo = Small(RUBRIC, market, today)
    for n, (business, indexes) in enumerate(picks):
        group = tuple(replace(pool[i % len(pool)], name=f"p{n}.{k}")
                      for k, i in enumerate(indexes))
        shared = score_group(business, group, RUBRIC, market, today, memo)
        assert all(len(table) <= 2 for table in (memo.totals, memo.results, memo.dimensions,
                                                 memo.parts))
        assert shared == score_group(business, group, RUBRIC, market, today)
        assert shared[1].actions == _reference_business(business, group, market, today)[2]


@common
@given(cases=st.lists(st.tuples(businesses, st.lists(products, min_size=1, max_size=3),
                                st.none() | st.floats(0, 100)), min_size=2, max_size=6),
       market=markets, today=days)
def test_a_dimension_s_points_remembered_by_what_its_checks_read_are_its_points(
        cases, market, today):
    # READS says what a dimension's points depend on; a memo hands out the points of the
    # first facts it saw with the same reads: wrong reads show as another business's points
    from exportkit.scoring.checks import Context, Facts
    from exportkit.scoring.scorer import Memo, _held, _points

    memo = Memo(RUBRIC, market, today)
    for business, products_, best_total in cases:
        facts = Facts(business, tuple(products_))
        for scope, index in (("product", 0), ("business", None)):
            certs = business.certificates + (products_[0].certificates if index == 0 else ())
            held = _held(certs, RUBRIC, today, texts=False)[0]
            ctx = Context(RUBRIC, facts, index, market, today, held, best_total=best_total,
                          best_name="p")
            for dim in RUBRIC.dimensions_for(scope):
                assert memo.points(dim, ctx, scope) == _points(dim, ctx, scope), dim.code


def test_a_fix_is_priced_by_its_step_only_where_each_check_reads_fields_it_sets(monkeypatch):
    # Memo.plan: how pricing a fix scores each business dimension again
    from exportkit.scoring import checks
    from exportkit.scoring.scorer import Memo, _Plan

    def plan(on_business, fields, best_changed):
        memo = Memo(RUBRIC, None, date(2026, 12, 2))
        return dict(zip((d.code for d in RUBRIC.dimensions_for("business")),
                        memo.plan(on_business, fields, best_changed), strict=True))

    by_npwp = plan(True, ("npwp",), False)
    assert by_npwp["legality"] == _Plan.BY_STEP  # reads the NPWP it sets and the NIB it keeps
    assert {by_npwp[d] for d in ("capacity", "experience", "catalogue", "product")} == {
        _Plan.UNCHANGED}
    assert plan(False, ("monthly_capacity",), False)["capacity"] == _Plan.FRESH
    assert plan(False, ("monthly_capacity",), True)["product"] == _Plan.BEST
    assert plan(False, ("monthly_capacity",), False)["product"] == _Plan.UNCHANGED
    # what the pricer walks: the dimensions not UNCHANGED, in the rubric's order
    memo = Memo(RUBRIC, None, date(2026, 12, 2))
    dimensions = RUBRIC.dimensions_for("business")
    assert [(dimensions[i].code, how) for i, how, dim in memo.rescored(
        False, ("monthly_capacity",), True) if dim is dimensions[i]] == [
        ("capacity", _Plan.FRESH), ("product", _Plan.BEST)]
    # a check that reads the whole business reads more than the fields a fix sets
    monkeypatch.setitem(checks.PARTS, "npwp", lambda c: frozenset({"business"}))
    assert plan(True, ("npwp",), False)["legality"] == _Plan.FRESH


@st.composite
def near_copies(draw):
    """Up to five products, many of them a product with a flag or two, a certificate or
    its capacity changed: ties of totals between products with blockers and without."""
    base = draw(products)

    def near():
        changes = draw(st.dictionaries(st.sampled_from(PACKAGING_FLAGS), maybe, max_size=2))
        if draw(st.booleans()):
            changes["certificates"] = tuple(draw(st.lists(certificate(), max_size=2)))
        if draw(st.booleans()):
            changes["monthly_capacity"] = draw(st.sampled_from([None, 0.0, 5.0, 1e4]))
        return replace(base, **changes)

    return [replace(near() if draw(st.booleans()) else draw(products), name=f"p{i}")
            for i in range(draw(st.integers(1, 5)))]


@common
@given(cases=st.lists(st.tuples(businesses, near_copies()), min_size=1, max_size=5),
       market=markets, today=days, limit=st.sampled_from([None, 1, 3]))
def test_actions_priced_through_a_shared_memo_are_those_of_scoring_again(cases, market,
                                                                          today, limit):
    from exportkit.scoring.scorer import Memo, score_group

    class Small(Memo):
        TOTALS = RESULTS = DIMENSIONS = limit

    memo = Memo(RUBRIC, market, today) if limit is None else Small(RUBRIC, market, today)
    for business, group in cases:
        shared = score_group(business, group, RUBRIC, market, today, memo)
        assert shared[1].actions == _reference_business(business, group, market, today)[2]
        assert shared == score_group(business, group, RUBRIC, market, today)


@common
@given(a=businesses, b=businesses, pairs=st.lists(st.tuples(products, products), min_size=1,
                                                  max_size=3),
       totals=st.tuples(st.floats(0, 100), st.floats(0, 100)))
def test_a_business_check_reads_nothing_outside_its_parts(a, b, pairs, totals):
    # Pricing a fix by its step (Memo.plan) trusts PARTS: facts that agree on the parts a
    # check names must read alike (READS) whatever the rest of them holds.
    from dataclasses import fields

    from exportkit.scoring.checks import PARTS, READS, Context, Facts

    mine, theirs = [p for p, _ in pairs], [q for _, q in pairs]
    for dim in RUBRIC.dimensions_for("business"):
        for c in dim.criteria:
            parts = PARTS[c.check](c)
            business = replace(a, **{f.name: getattr(b, f.name) for f in fields(BusinessFacts)
                                     if f"business.{f.name}" in parts})
            named = [part.split(".", 1)[1] for part in parts if part.startswith("products.")]
            products_ = [replace(p, **{n: getattr(q, n) for n in named})
                         for p, q in zip(mine, theirs, strict=True)]
            best = totals[1] if "best" in parts else totals[0]
            day = date(2026, 12, 2)
            mixed = Context(RUBRIC, Facts(business, tuple(products_)), 0, None, day,
                            frozenset(), best_total=best)
            other = Context(RUBRIC, Facts(b, tuple(theirs)), 0, None, day, frozenset(),
                            best_total=totals[1])
            read = READS["business"][c.check]
            assert read(c, mixed) == read(c, other), c.code


# What the scorer stores as NPWPs and GTINs: digits in the common lengths, with and
# without separators, and text that is none of them.
_IDENTIFIERS = st.one_of(
    st.text(alphabet="0123456789", min_size=7, max_size=17),
    st.text(alphabet="0123456789 .-", min_size=7, max_size=21),
    # a 15- or 16-digit number with separators (and others) between its digits
    st.builds(lambda digits, cuts: "".join(
        sep + digit for digit, sep in zip(digits, cuts + [""] * len(digits), strict=False)),
        st.text(alphabet="0123456789", min_size=15, max_size=16),
        st.lists(st.sampled_from(["", "", " ", ".", "-", "\t", "\u00a0", "/"]), max_size=16)),
    st.text(max_size=20))


@given(_IDENTIFIERS)
@settings(max_examples=3000, deadline=None)
def test_the_scorers_npwp_and_gtin_checks_agree_with_stdnum(value):
    # npwp_ok and gtin_ok check the common forms themselves (exportkit.identifiers), for
    # speed; python-stdnum is the authority
    from stdnum import ean
    from stdnum.id import npwp

    from exportkit.scoring.checks import gtin_ok, npwp_ok

    assert npwp_ok(value) == (bool(value) and npwp.is_valid(value))
    assert gtin_ok(value) == (bool(value) and ean.is_valid(value))


def test_products_remembered_by_a_memo_share_their_equal_results():
    # A national run's memo holds thousands of products' results, built of a few hundred
    # distinct texts, criterion results and gaps' fixes: equal ones are one object, so the
    # memo holds each once (BENCHMARKS.md round 18), and a result is the same either way.
    from exportkit.scoring.scorer import Memo, score_group

    today = date(2026, 12, 2)
    memo = Memo(RUBRIC, None, today)
    sambal = ProductFacts(name="sambal", category="processed_food", perishable=True,
                          shelf_life_days=30, export_carton=False, label_complete=False)
    # other facts (a shelf life long enough), the same packaging and label
    krupuk = replace(sambal, name="krupuk", shelf_life_days=365)
    business = BusinessFacts("UD Sari Rasa")
    first, second = score_group(business, (sambal, krupuk), RUBRIC, None, today, memo)[0]
    assert first.dimensions != second.dimensions
    packaging = [a.dimension("packaging") for a in (first, second)]
    assert packaging[0] == packaging[1] and packaging[0] is packaging[1]
    assert packaging[0].criteria[0] is packaging[1].criteria[0]
    actions = [{a.code: a for a in x.actions} for x in (first, second)]
    carton = "packaging.export_carton"
    assert actions[0][carton] == actions[1][carton]
    assert actions[0][carton].text is actions[1][carton].text
    assert (first, second) == tuple(score_group(business, (sambal, krupuk), RUBRIC, None,
                                                today)[0])
