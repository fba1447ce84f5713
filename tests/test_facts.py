"""Registry rows become the scorer's facts field by field (the loader builds them by position)."""

from collections import defaultdict
from dataclasses import fields

from sqlalchemy import select

from exportkit.registry.facts import Selection, iter_products
from exportkit.registry.models import Business, Certification, Product
from exportkit.scoring.facts import BusinessFacts, ProductFacts

KARTINI = "8169006026773"


def test_facts_carry_every_column_of_their_rows(enrolled):
    loaded = [row for chunk in iter_products(enrolled, Selection(business_nib=KARTINI))
              for row in chunk]
    B, P, C = Business.__table__, Product.__table__, Certification.__table__
    with enrolled.reader() as connection:
        business = connection.execute(select(B).where(B.c.nib == KARTINI)).one()
        products = {r.id: r for r in connection.execute(
            select(P).where(P.c.business_id == business.id))}
        certs = connection.execute(select(C.c.product_id, C.c.kind)
                                   .where(C.c.business_id == business.id)).all()
    assert loaded and {row.product_id for row in loaded} == set(products)
    for row in loaded:
        facts, stored = row.product, products[row.product_id]
        for field in fields(ProductFacts):
            if field.name == "label_languages":
                assert facts.label_languages == tuple((stored.label_languages or "").split(",")
                                                      if stored.label_languages else ())
            elif field.name != "certificates":
                assert getattr(facts, field.name) == getattr(stored, field.name), field.name
        owner = row.business
        for field in fields(BusinessFacts):
            if field.name == "has_contact":
                assert owner.has_contact is bool(business.phone or business.email)
            elif field.name != "certificates":
                assert getattr(owner, field.name) == getattr(business, field.name), field.name
    # certificates: the business's own for every product, a product's own for that one
    held = defaultdict(list)
    for product_id, kind in certs:
        held[product_id].append(kind)
    assert sorted(c.kind for c in loaded[0].business.certificates) == sorted(held[None])
    assert "SVLK" in held[None]
    for row in loaded:
        assert sorted(c.kind for c in row.product.certificates) == \
            sorted(held[row.product_id])
    assert any(row.product.certificates for row in loaded)
    assert any(row.product.label_languages for row in loaded)
