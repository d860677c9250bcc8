"""A citizen's own pages kept in Redis (portal.page_cache, issue 15): a page seen again is served
without being drawn, with a new CSP nonce and the session's time left — and it is never shown
once something on it has changed: a caseworker's step, a notice read, an import, a new day. A
relative's look is never served from the cache (each is logged), no other login ever gets a page
kept for someone, and without Redis every page is drawn afresh. The caseworker's queue is kept
the same way, per login and municipality — every serving still written to the access log, and
drawn again when a meeting's time passes — and so are its counts. CI has Redis on 6379."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import redis
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from portal import create_app, page_marks
from portal.models import AuditEvent, Offer
from portal.services.case_import import import_batch
from portal.services.demo_data import personas
from portal.services.demo_seed import demo_batch, seed_demo
from tests import services
from tests.conftest import QueryCounter
from tests.factories import (
    CASEWORKER,
    CPR_KEY,
    TODAY,
    CheckedClient,
    as_caseworker,
    as_citizen,
    as_relative_for,
    portal_settings,
    post_action,
    principal,
    sent,
    walk,
)
from tests.pages import list_item_with, text_of

REDIS_URL = services.redis_url(14)
PREFIX = f"pages-test-{uuid.uuid4().hex[:8]}"
NONCE = re.compile(r"'nonce-([^']+)'")


@pytest.fixture
def cached(database_url, idp, work_idp):
    """A portal that keeps pages in Redis, on the demo data, in a transaction rolled back after
    the test (as the ``db`` fixture does for the shared app)."""
    settings = portal_settings(database_url, idp.url, work_idp.url)
    settings |= {
        "REDIS_URL": REDIS_URL,
        "PAGE_CACHE_SECONDS": 300,
        "PAGE_CACHE_PREFIX": PREFIX,  # a run of its own: another run's teardown leaves it be
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }
    portal = create_app(settings)
    portal.test_client_class = CheckedClient
    connection = portal.extensions["db_engine"].connect()
    transaction = connection.begin()
    portal.extensions["db_sessionmaker"] = sessionmaker(
        bind=connection, join_transaction_mode="rollback_only", expire_on_commit=False
    )
    db = portal.extensions["db_sessionmaker"]()
    seed_demo(db, CPR_KEY, TODAY)
    try:
        yield portal, db
    finally:
        db.close()
        transaction.rollback()
        connection.close()
        portal.extensions["db_engine"].dispose()
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"{PREFIX}:*"):
            store.delete(key)


def kept_pages() -> int:
    keys = redis.Redis.from_url(REDIS_URL).scan_iter(f"{PREFIX}:*")
    return sum(1 for key in keys if b":v:" not in key)


def drawn(client, url: str, count_queries) -> tuple[bool, object]:
    """(whether the page was drawn — more than the session's own query —, the answer)."""
    with count_queries() as queries:
        answer = client.get(url)
    assert answer.status_code == 200, url
    return queries.count > 1, answer


@pytest.fixture
def queries_of(cached):
    portal, _db = cached
    return lambda: QueryCounter(portal.extensions["db_engine"])


def test_a_page_seen_again_is_served_kept_with_a_new_nonce_and_the_time_left(cached, queries_of):
    portal, _db = cached
    mette = as_citizen(portal)
    first_drawn, first = drawn(mette, "/mit-forloeb", queries_of)
    again_drawn, again = drawn(mette, "/mit-forloeb", queries_of)
    assert first_drawn and not again_drawn, "the second look is served from the cache"
    assert text_of(again) == text_of(first), "the citizen sees the same page"

    nonces = [NONCE.search(a.headers["Content-Security-Policy"]).group(1) for a in (first, again)]
    assert nonces[0] != nonces[1], "every answer has its own nonce"
    body = again.get_data(as_text=True)
    assert f'nonce="{nonces[1]}"' in body and nonces[0] not in body, "the scripts carry it"
    assert re.search(r'data-session-seconds-left="\d+"', body), "the time left is this answer's"
    for url in ["/tilbud", "/bekymringer/"]:
        assert drawn(mette, url, queries_of)[0], f"{url}: drawn the first time"


def test_a_caseworkers_step_is_seen_at_once_on_every_kept_page(cached, queries_of):
    portal, db = cached
    demo = {p.key: p for p in personas(TODAY)}
    _who, concern = sent(db, demo)  # the services, on a session of the same database
    mette = as_citizen(portal)
    pages = ["/mit-forloeb", "/tilbud", f"/tilbud/{concern.offer_id}", f"/bekymringer/{concern.id}"]
    for url in pages:
        mette.get(url)
        assert not drawn(mette, url, queries_of)[0], f"{url} is kept"
    assert "Kommunen har set din bekymring" not in text_of(mette.get(f"/bekymringer/{concern.id}"))

    lone = as_caseworker(portal)
    answer = post_action(lone, concern.id, "kvitter", {"message": "Tak. Jeg ringer i morgen."})
    assert answer.status_code == 302

    for url in pages:
        assert drawn(mette, url, queries_of)[0], f"{url} is drawn again"
    assert "Tak. Jeg ringer i morgen." in text_of(mette.get(f"/bekymringer/{concern.id}"))


def test_an_import_forgets_every_kept_page(cached, queries_of):
    portal, db = cached
    mette = as_citizen(portal)
    mette.get("/tilbud")
    assert not drawn(mette, "/tilbud", queries_of)[0]

    batch = demo_batch(TODAY)
    [citizen] = [c for c in batch["citizens"] if c["name"] == "Mette Testesen"]
    offer = citizen["forloeb"][0]["offers"][0]
    offer["title"] = "Et nyt navn fra sagssystemet"
    import_batch(db, batch, CPR_KEY)
    assert "Et nyt navn fra sagssystemet" in text_of(mette.get("/tilbud"))


def test_reading_a_notice_is_seen_on_the_front_page_at_once(cached):
    portal, db = cached
    demo = {p.key: p for p in personas(TODAY)}
    _who, concern = sent(db, demo)  # the services, on a session of the same database
    lone = as_caseworker(portal)
    post_action(lone, concern.id, "kvitter", {"message": ""})
    mette = as_citizen(portal)
    assert "Der er nyt i din sag" in text_of(mette.get("/mit-forloeb"))
    assert "Der er nyt i din sag" in text_of(mette.get("/mit-forloeb")), "kept, and still true"
    mette.get(f"/bekymringer/{concern.id}")  # reading it marks the notice read (a bulk UPDATE)
    assert "Der er nyt i din sag" not in text_of(mette.get("/mit-forloeb"))


def test_a_relatives_look_is_never_kept_and_each_is_logged(cached, queries_of):
    portal, db = cached
    sofie = as_relative_for(portal, "Jens Testhansen")
    jens = principal(db, next(p for p in personas(TODAY) if p.name == "Jens Testhansen"))

    def looks() -> int:
        return db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.subject_citizen_id == jens.citizen_id)
        )

    before = looks()
    for _ in range(2):
        assert drawn(sofie, "/mit-forloeb", queries_of)[0], "drawn for the relative"
    assert looks() == before + 2, "both looks are in Jens's access log"
    assert kept_pages() == 0


def test_a_concern_sent_forgets_its_citizens_pages_and_nobody_elses(cached, queries_of):
    """Sending is a guarded one-row UPDATE that names whose pages it changes: the sender's,
    not every citizen's."""
    portal, db = cached
    demo = {p.key: p for p in personas(TODAY)}
    mette, jens = as_citizen(portal), as_citizen(portal, "jens")
    for client in (mette, jens):
        client.get("/mit-forloeb")
    sent(db, demo)  # Mette's
    assert drawn(mette, "/mit-forloeb", queries_of)[0], "Mette's front page shows it"
    assert not drawn(jens, "/mit-forloeb", queries_of)[0], "Jens's page is still kept"


def test_no_other_login_is_served_a_kept_page(cached, queries_of):
    portal, _db = cached
    mette = as_citizen(portal)
    mette.get("/mit-forloeb")
    assert kept_pages() == 1
    other = as_citizen(portal)
    assert drawn(other, "/mit-forloeb", queries_of)[0], "another login draws its own"
    jens = as_citizen(portal, "jens")
    assert "Mette" not in text_of(jens.get("/mit-forloeb"))


def test_a_new_danish_day_draws_the_page_again(cached, queries_of, monkeypatch):
    portal, _db = cached
    mette = as_citizen(portal)
    mette.get("/tilbud")
    assert not drawn(mette, "/tilbud", queries_of)[0]
    monkeypatch.setattr(page_marks, "today_in_denmark", lambda: TODAY + timedelta(days=1))
    assert drawn(mette, "/tilbud", queries_of)[0]


def test_a_page_drawn_before_a_change_is_never_served_after_it(cached):
    """The race: a page is drawn from the old rows, the change commits and renews the marks, and
    only then is the old page stored. It carries the old marks, so it is never served."""
    portal, _db = cached
    cache: page_marks.PageCache = portal.extensions["page_cache"]
    race = cache.key("test", "race")
    page, marks, *_ = cache.find(race, (42,))
    assert page is None
    cache.forget({42})
    cache.keep(race, (42,), marks, b"<p>old</p>", "nonce-1")
    assert cache.find(race, (42,)).html is None
    cache.keep(race, (42,), cache.find(race, (42,)).marks, b"<p>new</p>", "nonce-2")
    assert cache.find(race, (42,)).html == b"<p>new</p>"
    cache.forget({page_marks.EVERYONE})
    assert cache.find(race, (42,)).html is None, "a change for everyone"


def test_without_redis_every_page_is_drawn_and_answers(database_url, idp, work_idp, db, demo):
    settings = portal_settings(database_url, idp.url, work_idp.url)
    settings |= {"REDIS_URL": services.nothing_listens(), "PAGE_CACHE_SECONDS": 300}
    portal = create_app(settings)  # Redis is down
    try:
        portal.extensions["db_sessionmaker"] = sessionmaker(
            bind=db.connection(), join_transaction_mode="rollback_only", expire_on_commit=False
        )
        mette = as_citizen(portal)
        for _ in range(2):
            assert "Mit ressourceforløb" in text_of(mette.get("/mit-forloeb"))
    finally:
        portal.extensions["db_engine"].dispose()


def test_after_a_redis_failure_pages_are_drawn_without_asking_it_for_a_while(monkeypatch):
    cache = page_marks.PageCache(services.nothing_listens(), 300)
    assert cache.find("down", (42,)) == page_marks.Found(None, [])

    def asked(*_keys):
        raise AssertionError("Redis was asked again at once")

    monkeypatch.setattr(cache.store, "mget", asked)
    assert cache.find("down", (42,)) == page_marks.Found(None, []), "drawn, and not kept"
    assert cache.kept_value("counts", [], lambda: 7) == 7, "counted, without asking"
    cache.resting_until = 0.0  # the rest is over
    with pytest.raises(AssertionError, match="asked again"):
        cache.find("down", (42,))


def test_an_offer_changed_through_the_orm_forgets_its_citizens_pages(cached):
    """Rows the ORM writes are traced to their citizen: a changed offer forgets its citizen's
    pages (its forløb is loaded)."""
    portal, db = cached
    mette = as_citizen(portal)
    first = db.scalar(select(Offer).where(Offer.external_id == "demo-offer-mette-1"))
    mette.get(f"/tilbud/{first.id}")
    first.forloeb  # noqa: B018 - the forløb is in the session, as in a service
    first.title = "Skiftet navn"
    db.commit()
    assert "Skiftet navn" in text_of(mette.get(f"/tilbud/{first.id}"))


def test_the_privacy_page_says_how_long_pages_are_kept_only_where_they_are(cached, client):
    portal, _db = cached
    kept = "De sider, du ser om dig selv, gemmer vi i højst 5 minutter"
    assert kept in text_of(portal.test_client().get("/om-dine-data"))
    assert kept not in text_of(client.get("/om-dine-data")), "without Redis nothing is kept"
    english = text_of(portal.test_client().get("/om-dine-data?lang=en"))
    assert "The pages you see about yourself are kept for at most 5 minutes" in english
    listed = "Kommunens liste over bekymringer kan vise dit navn. Den gemmer vi også i højst 5"
    assert listed in text_of(portal.test_client().get("/om-dine-data"))
    assert "The municipality's list of concerns can show your name" in english


QUEUE = "/sagsbehandler/bekymringer"


def statements_of(portal, client, url: str = QUEUE) -> tuple[list[str], object]:
    """The SQL statements one GET sent, and its answer."""
    with QueryCounter(portal.extensions["db_engine"]) as queries:
        answer = client.get(url)
    assert answer.status_code == 200, url
    return queries.statements, answer


def counted(portal, client) -> tuple[bool, dict[str, int]]:
    """(whether the queue counted the concerns for this look, the counts its filter shows)."""
    statements, answer = statements_of(portal, client)
    page = answer.get_data(as_text=True)
    shown = re.findall(r'<option value="(\w+)"[^>]*>[^<]*\((\d+)\)</option>', page)
    return any("FROM concern_count" in s for s in statements), {key: int(n) for key, n in shown}


def test_the_queue_counts_are_kept_until_a_concern_of_its_municipality_changes(cached):
    portal, db = cached
    demo = {p.key: p for p in personas(TODAY)}
    lone = as_caseworker(portal)
    was_counted, before = counted(portal, lone)
    assert was_counted
    assert counted(portal, lone) == (False, before), "the second look uses the kept counts"

    sent(db, demo, persona="birgitte", external_id="demo-offer-birgitte-1")  # municipality 902
    assert counted(portal, lone) == (False, before), "another municipality's concern"

    _who, concern = sent(db, demo)  # Mette's, in Lone's municipality
    was_counted, after = counted(portal, lone)
    assert was_counted and after["open"] == before["open"] + 1
    assert after["submitted"] == before["submitted"] + 1

    post_action(lone, concern.id, "kvitter", {"message": ""})
    was_counted, acknowledged = counted(portal, lone)
    assert was_counted and acknowledged["open"] == after["open"], "still open"
    assert acknowledged["submitted"] == before["submitted"]
    assert acknowledged["acknowledged"] == after["acknowledged"] + 1


def queue_drawn(portal, client, url: str = QUEUE) -> tuple[bool, object]:
    """(whether the queue was drawn — its concerns read —, the answer)."""
    statements, answer = statements_of(portal, client, url)
    return any("FROM concern" in s for s in statements), answer


def queue_looks(db) -> int:
    return db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "concern.list")
    )


def test_the_queue_seen_again_is_kept_and_each_look_is_still_logged(cached):
    portal, db = cached
    demo = {p.key: p for p in personas(TODAY)}
    _who, concern = sent(db, demo)
    lone = as_caseworker(portal)
    first_drawn, first = queue_drawn(portal, lone)
    before = queue_looks(db)
    again_drawn, again = queue_drawn(portal, lone)
    assert first_drawn and not again_drawn, "the second look is served from the cache"
    assert text_of(again) == text_of(first) and concern.reference in text_of(again)
    assert queue_looks(db) == before + 1, "the kept page is a look at Mette's data, logged"
    assert queue_drawn(portal, lone, f"{QUEUE}?status=all")[0], "other filters: another page"

    other = as_caseworker(portal)
    assert queue_drawn(portal, other)[0], "another login draws its own"


def test_a_step_in_the_municipality_draws_the_queue_again_and_elsewhere_does_not(cached):
    portal, db = cached
    demo = {p.key: p for p in personas(TODAY)}
    _who, concern = sent(db, demo)
    lone = as_caseworker(portal)
    lone.get(QUEUE)
    sent(db, demo, persona="birgitte", external_id="demo-offer-birgitte-1")  # municipality 902
    assert not queue_drawn(portal, lone)[0], "another municipality's concern"

    post_action(lone, concern.id, "kvitter", {"message": ""})
    was_drawn, page = queue_drawn(portal, lone)
    row = list_item_with(page, concern.reference)
    assert was_drawn and '<span class="tag">Modtaget</span>' in row, "acknowledged"


def test_the_queue_is_drawn_again_when_a_booked_meetings_time_passes(cached, monkeypatch):
    portal, db = cached
    demo = {p.key: p for p in personas(TODAY)}
    _who, concern = sent(db, demo)
    walk(db, concern, "meeting_booked", CASEWORKER)
    starts_at = concern.meetings[-1].starts_at
    lone = as_caseworker(portal)
    lone.get(QUEUE)
    assert not queue_drawn(portal, lone)[0]
    monkeypatch.setattr(page_marks, "utcnow", lambda: starts_at + timedelta(minutes=1))
    assert queue_drawn(portal, lone)[0], "the meeting may now be unrecorded"


def test_every_table_states_where_its_rows_are_shown():
    """The invalidation rule of kept pages (portal.page_marks.WHERE_SHOWN): a new table without
    a stated rule fails here, before its rows can leave a kept page stale for minutes."""
    from portal.models.base import Base
    from portal.page_marks import WHERE_SHOWN

    tables = {table.name for table in Base.metadata.sorted_tables}
    assert tables - set(WHERE_SHOWN) == set(), "say where these tables' rows are shown"
    assert set(WHERE_SHOWN) - tables == set(), "no rule for a table that is gone"


def test_a_row_the_queue_shows_renews_the_municipalitys_mark(db, demo):
    """Each rule does what it says, for a row of each kind the session holds."""
    from portal.page_marks import WHERE_SHOWN, Shown, _marks_of, municipality_mark
    from tests.factories import sent

    _mette, concern = sent(db, demo)
    queue = municipality_mark(concern.municipality_id)
    db.expunge(concern.offer.forloeb)
    assert _marks_of(db, concern.offer) == ("all",), "an owner not at hand: everyone's, safely"
    db.add(concern.offer.forloeb)
    for row in (concern, concern.offer, concern.citizen, *concern.events):
        marks = _marks_of(db, row)
        shown = WHERE_SHOWN[row.__table__.name]
        assert concern.citizen_id in marks, row
        assert (queue in marks) is (shown is Shown.CITIZEN_AND_QUEUE), row
