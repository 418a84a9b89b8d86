"""Equal scores are ordered by a per-day permutation of keys stored when the catalog is
built (docs/matching.md, "Ties"): the same all day, different from day to day, computed
in SQL from the stored keys, and the same from a catalog built before they were stored."""
import sqlite3
from datetime import date, timedelta

from conftest import make_course

from kiosk.catalog import db as catalog
from kiosk.catalog import tie_keys
from kiosk.guidance import matching, order

TODAY = date(2027, 1, 10)
ANSWERS = {"goal": "digitaal"}


def tied_courses(n=30):
    """n courses of 6 providers that differ only in title: they all score the same."""
    return [make_course(f"c{i:02d}", provider=f"p{i % 6}") for i in range(n)]


def ids(outcome):
    return [r.course["id"] for r in outcome.results]


def expected_order(cat, day: date) -> list[str]:
    """The day's tie-break worked out in Python from the stored keys (XOR, odd factor,
    modulo 2**31), best first; then the first screen's spread over providers."""
    p = order.day_params(day.isoformat())

    def permuted(key, salt, odd):
        return ((key ^ p[salt]) * p[odd]) & tie_keys.KEY_MASK

    rows = cat.conn.execute("select id, provider, tie_key, tie_id from courses").fetchall()
    rows.sort(key=lambda r: (permuted(r[2], "tie_s1", "tie_m1"), permuted(r[3], "tie_s2", "tie_m2")))
    first, passed, count = [], [], {}
    for cid, prov, _key, _id in rows:
        if len(first) < matching.FIRST_PAGE and count.get(prov, 0) < order.MAX_SAME_PROVIDER:
            first.append(cid)
            count[prov] = count.get(prov, 0) + 1
        else:
            passed.append(cid)
    return first + passed


def test_ties_keep_their_order_all_day_and_change_with_the_day(open_cat):
    cat = open_cat(tied_courses())
    scores = {r.score for r in matching.match(cat, ANSWERS, TODAY).results}
    assert len(scores) == 1                                   # every course ties
    today = ids(matching.match(cat, ANSWERS, TODAY))
    assert ids(matching.match(cat, ANSWERS, TODAY)) == today  # the same within a day
    assert today == expected_order(cat, TODAY)                # SQL's XOR is a real XOR
    days = [TODAY + timedelta(days=k) for k in range(1, 6)]
    others = [ids(matching.match(cat, ANSWERS, day)) for day in days]
    assert all(sorted(o) == sorted(today) for o in others)
    assert all(o != today for o in others)                    # a new order every day
    assert len({o[0] for o in [today, *others]}) >= 3         # not always the same first
    assert [ids(matching.match(cat, ANSWERS, day)) for day in days] == others


def test_fetching_more_keeps_the_order_of_ties(open_cat):
    """A long list of ties is read in parts (the best 20, then more): the parts join in
    the same order as one sort of all of them."""
    cat = open_cat(tied_courses(120))
    shown = ids(matching.match(cat, ANSWERS, TODAY))
    assert len(shown) == 120 and shown == expected_order(cat, TODAY)


def test_the_keys_hash_content_not_who_offers_it(open_cat):
    cat = open_cat([make_course("a", provider="p1"), make_course("b", provider="p2"),
                    make_course("c", provider="p1", title={"nl": "Cursus a"})])
    keys = dict(cat.conn.execute("select id, tie_key from courses"))
    assert keys["a"] == keys["c"] != keys["b"]          # only the title differs: a and c share it
    ids_ = dict(cat.conn.execute("select id, tie_id from courses"))
    assert ids_["a"] != ids_["c"]                         # identical content: the id decides


def test_a_catalog_built_before_the_keys_were_stored_orders_the_same(open_cat, tmp_path):
    cat = open_cat(tied_courses())
    before = ids(matching.match(cat, ANSWERS, TODAY))
    tie_keys.register(cat.conn)       # the keys computed in SQL (a merge) equal the stored ones
    assert cat.conn.execute(f"select count(*) from courses where tie_key <> {tie_keys.CONTENT_SQL}"
                            f" or tie_id <> {tie_keys.ID_SQL}").fetchone()[0] == 0
    old = tmp_path / "old.sqlite"
    conn = sqlite3.connect(cat.path)
    conn.execute("vacuum into ?", [str(old)])
    conn.close()
    conn = sqlite3.connect(old)
    for (name,) in conn.execute("select name from sqlite_master where type = 'index'"
                                " and sql like '%tie_%'").fetchall():
        conn.execute(f"drop index {name}")
    conn.execute("alter table courses drop column tie_key")
    conn.execute("alter table courses drop column tie_id")
    conn.commit()
    conn.close()
    old_cat = catalog.open_catalog(old)
    try:
        assert ids(matching.match(old_cat, ANSWERS, TODAY)) == before
        assert ids(matching.match(old_cat, {"goal": "weet-niet"}, TODAY)) \
            == ids(matching.match(cat, {"goal": "weet-niet"}, TODAY))
    finally:
        old_cat.close()
