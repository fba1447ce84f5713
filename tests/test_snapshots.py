"""Snapshot rows: a run writes each shared product result's detail cell once, and every
row still holds its own assessment's detail."""

from datetime import date

from exportkit.scoring.facts import BusinessFacts, ProductFacts
from exportkit.scoring.rubric import load_rubric
from exportkit.scoring.scorer import Memo, score_group
from exportkit.snapshots import Details, Snapshot, compact, rows

RUBRIC = load_rubric()
TODAY = date(2026, 11, 22)
DETAIL = -1  # the detail cell is a snapshot row's last column


def _scored(memo: Memo, business: str, *products: ProductFacts) -> list[Snapshot]:
    assessed, own = score_group(BusinessFacts(business), products, RUBRIC, None, TODAY, memo)
    return [*(Snapshot(1, n, None, a) for n, a in enumerate(assessed, start=1)),
            Snapshot(1, None, None, own)]


CHAIR = ProductFacts(name="chair", category="wood_furniture", export_carton=True)
SAMBAL = ProductFacts(name="sambal", category="processed_food", shelf_life_days=90)


def test_a_shared_result_s_cell_is_written_once_per_run_and_is_its_own():
    memo, details = Memo(RUBRIC, None, TODAY), Details()
    first = rows(_scored(memo, "A", CHAIR, SAMBAL), details)
    # another business, another batch: the same products under other names
    again = _scored(memo, "B", ProductFacts(name="kursi", category="wood_furniture",
                                            export_carton=True), SAMBAL)
    second = rows(again, details)
    for row, snapshot in zip(second.snapshots, again, strict=True):
        assert row[DETAIL] == compact(snapshot.assessment)
    # the products' cells are the very strings written for the first batch
    assert [r[DETAIL] for r in second.snapshots[:2]] == [r[DETAIL] for r in first.snapshots[:2]]
    assert all(a[DETAIL] is b[DETAIL] for a, b in zip(first.snapshots[:2],
                                                      second.snapshots[:2], strict=True))
    # without the run's table, each batch writes its own
    assert rows(again).snapshots[0][DETAIL] is not first.snapshots[0][DETAIL]


def test_a_business_cell_is_never_shared_and_a_full_table_forgets_its_oldest():
    class Small(Details):
        LIMIT = 1

    memo, details = Memo(RUBRIC, None, TODAY), Small()
    chair, sambal = _scored(memo, "A", CHAIR), _scored(memo, "B", SAMBAL)
    for batch in (chair, sambal, chair, sambal):
        for row, snapshot in zip(rows(batch, details).snapshots, batch, strict=True):
            assert row[DETAIL] == compact(snapshot.assessment)
    assert len(details._cells) == 1
    # two businesses with the same facts: equal cells, each written for its own row
    one, other = (rows(_scored(memo, name, CHAIR), details).snapshots[-1][DETAIL]
                  for name in ("C", "D"))
    assert one == other and one is not other
