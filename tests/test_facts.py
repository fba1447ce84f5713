"""Registry rows become the scorer's facts field by field (the loader builds them by position)."""

from collections import defaultdict
from dataclasses import fields

import pytest
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


@pytest.mark.parametrize("selection", [
    Selection(), Selection(regency="jepara"), Selection(regency="a"),
    Selection(business_nib=KARTINI), Selection(regency="a", category="wood_furniture"),
])
def test_chunks_and_slices_of_businesses_give_each_selected_product_once_in_order(
        enrolled, selection):
    # chunks of 2 products and slices of 2 businesses: the registry read in many small steps
    # gives what one read gives, and what a plain query over the join selects
    def ids(chunk: int) -> list[tuple[int, int]]:
        return [(row.business_id, row.product_id)
                for rows in iter_products(enrolled, selection, chunk) for row in rows]

    expected = []
    with enrolled.reader() as connection:
        for business_id, product_id, regency, nib, category in connection.exec_driver_sql(
                "SELECT p.business_id, p.id, b.regency, b.nib, p.category FROM product p "
                "JOIN business b ON b.id = p.business_id ORDER BY p.business_id, p.id"):
            if ((selection.regency and selection.regency not in (regency or "").lower())
                    or (selection.business_nib and nib != selection.business_nib)
                    or (selection.category and category != selection.category)):
                continue
            expected.append((business_id, product_id))
    assert expected and ids(2) == ids(2000) == expected


@pytest.mark.usefixtures("backend")  # SQLite and PostgreSQL: the paging query on both
def test_groups_read_in_small_chunks_are_those_read_in_one(enrolled):
    # chunks of 2 products: businesses span chunks, with their certificates read in each
    from exportkit.fact_rows import group, groups
    from exportkit.registry.facts import iter_chunks

    def read(chunk: int) -> list:
        return [group(raw) for _n, completed in groups(iter_chunks(enrolled, Selection(), chunk))
                for raw in completed]

    whole = read(2000)
    assert len(whole) > 20 and any(g.business.certificates for g in whole)
    assert any(len(g.products) > 2 for g in whole)
    assert read(2) == read(3) == whole
    # and each is the products' facts as the loader gives them one by one
    loaded = {row.product_id: row for chunk in iter_products(enrolled, Selection())
              for row in chunk}
    for g in whole:
        assert all(loaded[i].business == g.business for i in g.product_ids)
        assert tuple(loaded[i].product for i in g.product_ids) == g.products


def test_each_chunk_is_read_from_where_the_last_ended(enrolled):
    # Keyset paging is only linear if every chunk's query seeks to the last business read;
    # a query that scans the index from its start makes reading a registry quadratic.
    from sqlalchemy import event

    from exportkit.registry.facts import iter_chunks

    queries = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().startswith("SELECT product.id"):
            queries.append((statement, parameters))

    engine = enrolled.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        chunks = list(iter_chunks(enrolled, Selection(), 3))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(chunks) > 10 and len(queries) >= len(chunks)
    with enrolled.reader() as connection:
        for statement, parameters in queries:
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters))
            assert "SEARCH product USING INDEX" in plan and "SCAN product" not in plan, plan
