"""Case data in from the municipal case system: the format, the CLI, the API, and bad batches."""

from __future__ import annotations

import copy
import gc
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.domain.case_import import BatchUnreadable
from portal.models import Citizen, Forloeb, Municipality, Offer
from portal.services.case_import import ImportRejected, import_batch, import_body
from tests.factories import CPR_KEY, api_token, bearer

EXAMPLE = Path(__file__).resolve().parents[2] / "schemas" / "case-import.example.json"


@pytest.fixture
def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def counts(db) -> dict:
    return {
        model.__tablename__: db.scalar(select(func.count()).select_from(model))
        for model in (Municipality, Citizen, Forloeb, Offer)
    }


def test_the_example_batch_imports_and_a_second_time_changes_nothing(db, example):
    first = import_batch(db, example, CPR_KEY).as_dict()
    assert first["citizens"]["created"] == 4
    assert first["offers"]["created"] == 7
    again = import_batch(db, example, CPR_KEY).as_dict()
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values())
    assert counts(db) == {"municipality": 2, "citizen": 4, "forloeb": 4, "offer": 7}


def test_an_import_leaves_the_cycle_collector_running_however_it_ends(db, example):
    # The import pauses the collector for speed; a web worker left without it would grow.
    assert import_body(db, json.dumps(example).encode(), CPR_KEY).as_dict()["citizens"]
    assert gc.isenabled()
    with pytest.raises(BatchUnreadable):
        import_body(db, b"[" * 40, CPR_KEY)
    assert gc.isenabled()
    example["citizens"][0]["cpr"] = "not a cpr"
    with pytest.raises(ImportRejected):
        import_body(db, json.dumps(example).encode(), CPR_KEY)
    assert gc.isenabled()


def test_what_the_case_system_wrote_is_stored_to_the_letter_and_found_again(db, example):
    # On PostgreSQL new rows go in by a binary COPY and are found again by keys sent as JSON:
    # quotes, backslashes, line breaks, Danish letters and hours with a decimal survive both.
    offer = example["citizens"][0]["forloeb"][0]["offers"][0]
    offer["title"] = 'Praktik hos "Bager \\ Søn" – æøå 🙂'
    offer["purpose"] = "Første linje.\r\nAnden linje, med {krøllede} [klammer] og , komma."
    offer["hours_per_week"] = 7.5
    import_batch(db, example, CPR_KEY)
    stored = db.scalar(select(Offer).where(Offer.external_id == offer["id"]))
    assert stored.title == offer["title"]
    assert stored.purpose == offer["purpose"]
    assert str(stored.hours_per_week) == "7.5"
    again = import_batch(db, example, CPR_KEY).as_dict()
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values())


def test_cpr_numbers_are_hashed_on_arrival(db, example):
    import_batch(db, example, CPR_KEY)
    stored = " ".join(db.scalars(select(Citizen.cpr_hash)))
    for citizen in example["citizens"]:
        assert citizen["cpr"] not in stored


def test_a_changed_record_is_updated_in_place(db, example):
    import_batch(db, example, CPR_KEY)
    example["citizens"][0]["forloeb"][0]["offers"][0]["title"] = "Praktik i en gartneri"
    summary = import_batch(db, example, CPR_KEY).as_dict()
    assert summary["offers"] == {"created": 0, "updated": 1, "unchanged": 6}
    assert (
        db.scalar(select(Offer.title).where(Offer.external_id == "demo-offer-mette-1"))
        == "Praktik i en gartneri"
    )


def offer(batch):
    return batch["citizens"][0]["forloeb"][0]["offers"][0]


BAD = [
    (
        "a forløb started after the stop for new ones, without a reason",
        lambda b: b["citizens"][0]["forloeb"][0].update(start="2026-02-01"),
        "citizens[0].forloeb[0].start (id 'demo-forloeb-mette'): no new ressourceforløb start "
        "on or after 2026-02-01",
    ),
    (
        "unknown offer kind",
        lambda b: offer(b).update(kind="massage"),
        "citizens[0].forloeb[0].offers[0].kind (id 'demo-offer-mette-1'): must be one of "
        "virksomhedspraktik,",
    ),
    (
        "end before start",
        lambda b: offer(b).update(start="2027-01-10", end="2027-01-01"),
        "citizens[0].forloeb[0].offers[0].end (id 'demo-offer-mette-1'): is before the start",
    ),
    (
        "impossible date",
        lambda b: offer(b).update(start="2027-02-30"),
        "citizens[0].forloeb[0].offers[0].start (id 'demo-offer-mette-1'): not a real date",
    ),
    (
        "duplicate offer id",
        lambda b: b["citizens"][1]["forloeb"][0]["offers"][0].update(id="demo-offer-mette-1"),
        "the same offer is also at citizens[0].forloeb[0].offers[0]",
    ),
    (
        "duplicate citizen",
        lambda b: b["citizens"][1].update(cpr="010190-1111"),
        "citizens[1]: the same citizen is also at citizens[0]",
    ),
    (
        "malformed CPR",
        lambda b: b["citizens"][2].update(cpr="0303-903333"),
        "citizens[2].cpr: the CPR number must be 10 digits",
    ),
    (
        "CPR in Arabic-Indic digits",
        lambda b: b["citizens"][2].update(cpr="٠٣٠٣٩٠٣٣٣٣"),
        "citizens[2].cpr: the CPR number must be 10 digits",
    ),
    (
        "CPR in fullwidth digits",
        lambda b: b["citizens"][2].update(cpr="０３０３９０３３３３"),
        "citizens[2].cpr: the CPR number must be 10 digits",
    ),
    (
        "CPR without a real date",
        lambda b: b["citizens"][2].update(cpr="999999-9999"),
        "citizens[2].cpr: not a real CPR number",
    ),
    (
        "CPR as a number",
        lambda b: b["citizens"][2].update(cpr=303903333),
        "citizens[2].cpr: must be of type string",
    ),
    (
        "municipality code with a line feed",
        lambda b: b["citizens"][0].update(municipality="901\n"),
        "citizens[0].municipality: does not have the required form",
    ),
    (
        "time with a line feed",
        lambda b: offer(b).update(day_starts_at="09:00\n"),
        "offers[0].day_starts_at (id 'demo-offer-mette-1'): does not have the required form",
    ),
    (
        "time in Arabic-Indic digits",
        lambda b: offer(b).update(day_starts_at="٠٩:٠٠"),
        "offers[0].day_starts_at (id 'demo-offer-mette-1'): does not have the required form",
    ),
    (
        "hours that are not a number",
        lambda b: offer(b).update(hours_per_week=float("nan")),
        "offers[0].hours_per_week (id 'demo-offer-mette-1'): must be a number",
    ),
    (
        "title with a line feed",
        lambda b: offer(b).update(title="Praktik\r\nEND:VEVENT"),
        "offers[0].title (id 'demo-offer-mette-1'): must be one line without control characters",
    ),
    (
        "name with a NUL",
        lambda b: b["citizens"][0].update(name="Mette\x00"),
        "citizens[0].name: must be one line without control characters",
    ),
    (
        "two municipalities with one CVR number",
        lambda b: b["municipalities"][1].update(cvr=b["municipalities"][0]["cvr"]),
        "municipalities[1] (id '902'): the same CVR number is also at municipalities[0]",
    ),
    (
        "unknown municipality",
        lambda b: b["citizens"][0].update(municipality="999"),
        "citizens[0].municipality: unknown municipality code",
    ),
    (
        "unknown caseworker",
        lambda b: b["citizens"][0]["forloeb"][0].update(caseworker="nobody"),
        "citizens[0].forloeb[0].caseworker (id 'demo-forloeb-mette'): unknown caseworker",
    ),
    (
        "a caseworker of another municipality",
        lambda b: b["citizens"][0]["forloeb"][0].update(caseworker="demo-cw-sydhavn-1"),
        "caseworker (id 'demo-forloeb-mette'): the caseworker works for another municipality",
    ),
    (
        "unknown field",
        lambda b: offer(b).update(salary=100),
        "offers[0] (id 'demo-offer-mette-1'): unknown field(s): salary",
    ),
    ("missing title", lambda b: offer(b).pop("title"), "missing required field(s): title"),
    (
        "day ends before it starts",
        lambda b: offer(b).update(day_ends_at="08:00"),
        "offers[0].day_ends_at (id 'demo-offer-mette-1'): is not after day_starts_at",
    ),
    ("not a list", lambda b: b.update(citizens="all of them"), "citizens: must be of type array"),
]


@pytest.mark.parametrize(("case", "spoil", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_batch_is_rejected_whole_with_a_precise_problem(db, example, case, spoil, message):
    spoil(example)
    with pytest.raises(ImportRejected) as rejected:
        import_batch(db, example, CPR_KEY)
    problems = [str(p) for p in rejected.value.problems]
    assert any(message in p for p in problems), problems
    assert counts(db) == {"municipality": 0, "citizen": 0, "forloeb": 0, "offer": 0}
    for citizen in example["citizens"] if isinstance(example["citizens"], list) else []:
        cpr = str(citizen["cpr"])
        assert all(cpr not in p and cpr[:6] not in p for p in problems), "no CPR number shown"
        assert all(citizen["name"] not in p for p in problems), "no name shown"


def test_an_offer_cannot_move_to_another_citizens_forloeb(db, example):
    import_batch(db, example, CPR_KEY)
    moved = copy.deepcopy(example)
    moved["citizens"][1]["forloeb"][0]["offers"].append(offer(example))
    moved["citizens"][0]["forloeb"][0]["offers"].pop(0)
    with pytest.raises(ImportRejected) as rejected:
        import_batch(db, moved, CPR_KEY)
    assert "this offer id belongs to another forløb" in str(rejected.value.problems[0])


def large_batch(citizens: int) -> dict:
    start = date(2026, 1, 5)  # before the stop for new forløb on 1 February 2026
    return {
        "municipalities": [
            {
                "code": "903",
                "name": "Storby Kommune",
                "cvr": "33333333",
                "phone": "70 00 00 00",
                "email": "a@storby.example",
                "website": "https://storby.example",
            }
        ],
        "caseworkers": [
            {"id": f"cw-{i}", "name": f"Sagsbehandler {i}", "municipality": "903"}
            for i in range(50)
        ],
        "citizens": [
            {
                "cpr": f"{(i % 28) + 1:02d}0185{i:04d}",
                "name": f"Borger {i}",
                "municipality": "903",
                "fictitious": True,
                "forloeb": [
                    {
                        "id": f"f-{i}",
                        "start": start.isoformat(),
                        "planned_end": (start + timedelta(days=3 * 365)).isoformat(),
                        "legal_basis": "LAB kapitel 19",
                        "caseworker": f"cw-{i % 50}",
                        "offers": [
                            {
                                "id": f"o-{i}-{k}",
                                "kind": "mentor",
                                "title": f"Tilbud {k}",
                                "start": (start + timedelta(days=30 * k)).isoformat(),
                            }
                            for k in range(3)
                        ],
                    }
                ],
            }
            for i in range(citizens)
        ],
    }


def test_a_large_good_batch_is_accepted(db):
    summary = import_batch(db, large_batch(3000), CPR_KEY).as_dict()
    assert summary["citizens"]["created"] == 3000
    assert summary["offers"]["created"] == 9000
    again = import_batch(db, large_batch(3000), CPR_KEY).as_dict()
    assert again["offers"]["unchanged"] == 9000


# -- the HTTP endpoint -------------------------------------------------------------------------
def of_municipality(batch: dict, code: str) -> dict:
    """The part of a batch that one municipality's case system sends."""
    return {
        "municipalities": [m for m in batch["municipalities"] if m["code"] == code],
        "caseworkers": [c for c in batch["caseworkers"] if c["municipality"] == code],
        "citizens": [c for c in batch["citizens"] if c["municipality"] == code],
    }


@pytest.fixture
def nordby(db, example) -> str:
    """Nordby is known (the operator imported it); its case system has a token."""
    import_batch(db, {"municipalities": example["municipalities"]}, CPR_KEY)
    return api_token(db, "901", "import")


def post(client, body, token=None, **kwargs):
    return client.post(
        "/api/v1/case-import", json=body, headers=bearer(token) if token else {}, **kwargs
    )


def test_the_api_imports_with_the_right_token(client, db, example, nordby):
    response = post(client, of_municipality(example, "901"), nordby)
    assert response.status_code == 200
    assert response.get_json()["imported"]["citizens"]["created"] == 2


@pytest.mark.parametrize("token", [None, "wrong-token", "rfp_wrong"])
def test_the_api_refuses_without_the_right_token(client, db, example, nordby, token):
    response = post(client, of_municipality(example, "901"), token=token)
    assert response.status_code == 401
    assert counts(db)["citizen"] == 0
    assert post(client, of_municipality(example, "901"), nordby[:-1]).status_code == 401


def test_the_api_answers_bad_batches_with_the_problems(client, db, example, nordby):
    offer(example)["kind"] = "massage"
    response = post(client, of_municipality(example, "901"), nordby)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "Nothing was imported."
    assert body["problems"][0]["where"] == "citizens[0].forloeb[0].offers[0].kind"
    assert body["problems"][0]["record"] == "demo-offer-mette-1"


@pytest.mark.parametrize(
    "body",
    ["{not json", "[" * 5000, '{"citizens": [], "x": NaN}', b"\xff\xfe"],
    ids=["broken", "deep", "nan", "not-utf8"],
)
def test_the_api_refuses_what_is_not_json(client, db, nordby, body):
    response = client.post(
        "/api/v1/case-import",
        data=body,
        headers={**bearer(nordby), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("The body cannot be read")


def test_the_api_wants_json(client, db, nordby):
    response = client.post("/api/v1/case-import", data="a=1", headers=bearer(nordby))
    assert response.status_code == 415


def test_the_api_refuses_a_payload_that_is_too_large(client, db, nordby, monkeypatch):
    monkeypatch.setattr("portal.api.IMPORT_MAX_BYTES", 1000)
    response = post(client, {"citizens": [], "padding": "x" * 5000}, nordby)
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_the_cli_imports_a_file_and_reports(app, db, example, tmp_path):
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-cases", str(path)])
    assert result.exit_code == 0, result.output
    assert "citizens: 4 created, 0 updated, 0 unchanged" in result.output

    offer(example)["end"] = "2000-01-01"
    path.write_text(json.dumps(example), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-cases", str(path)])
    assert result.exit_code == 1
    assert "Nothing was imported: 1 problem(s)." in result.output
    assert "offers[0].end (id 'demo-offer-mette-1'): is before the start" in result.output


def test_a_forloeb_after_the_stop_is_imported_with_the_case_systems_reason(db, example):
    forloeb = example["citizens"][0]["forloeb"][0]
    forloeb.update(start="2026-03-02", start_after_stop_reason="Bevilget 20. januar 2026.")
    import_batch(db, example, CPR_KEY)
    stored = db.scalar(select(Forloeb).where(Forloeb.external_id == forloeb["id"]))
    assert stored.start_date == date(2026, 3, 2)
    assert stored.start_after_stop_reason == "Bevilget 20. januar 2026."


def test_every_demo_forloeb_started_before_the_stop(example):
    from portal.services.demo_data import STOP_FOR_NEW_FORLOEB, personas

    for when in (date(2026, 12, 1), date(2027, 6, 1)):
        for persona in personas(when):
            if persona.forloeb:
                assert persona.forloeb.start < STOP_FOR_NEW_FORLOEB, (persona.key, when)
    assert all(
        date.fromisoformat(f["start"]) < STOP_FOR_NEW_FORLOEB
        for c in example["citizens"]
        for f in c["forloeb"]
    )


def test_tonights_batch_does_not_lift_a_hold_the_law_put_on(db, demo):
    """The concern put the offer on hold (LAB § 113, stk. 3); the case system still says
    "planned". The hold stays until the municipality decides."""
    from portal.models import OfferStatus
    from portal.services.demo_seed import demo_batch
    from tests.factories import TODAY, sent

    sent(db, demo)
    import_batch(db, demo_batch(TODAY), CPR_KEY)
    db.expire_all()
    held = db.scalar(select(Offer).where(Offer.external_id == "demo-offer-mette-1"))
    assert held.status is OfferStatus.ON_HOLD


@pytest.mark.postgres
def test_on_postgresql_the_lookups_plan_for_their_keys_and_the_writes_keep_plans(
    example, monkeypatch
):
    """A look-up is planned for its keys (a generic plan scanned a table that had just grown);
    the rows are written under PostgreSQL's kept plans, for the foreign-key check it runs for
    every row a COPY writes was planned anew each time: three fifths of the import (issue 27)."""
    from sqlalchemy import event, text
    from sqlalchemy.orm import Session

    from portal import db as database
    from portal.services import case_import
    from tests.processes import postgres_database

    seen: dict[str, set[str]] = {"look-up": set(), "write": set()}

    def noting(kind: str, original):
        def run(db, *args, **kwargs):
            seen[kind].add(db.scalar(text("SHOW plan_cache_mode")))
            return original(db, *args, **kwargs)

        return run

    monkeypatch.setattr(case_import, "_load", noting("look-up", case_import._load))
    monkeypatch.setattr(case_import, "_copy", noting("write", case_import._copy))
    with postgres_database() as url:
        engine = database.make_engine(url)
        try:
            with Session(engine) as db:
                created = import_batch(db, example, CPR_KEY).as_dict()
                # After the writes, the ids of the new rows are looked up as before.
                assert created["offers"]["created"] == 7
                example["citizens"][0]["forloeb"][0]["offers"][0]["title"] = "Nyt navn"
                changed = import_batch(db, example, CPR_KEY).as_dict()
                assert changed["offers"]["updated"] == 1
                # A batch that changes nothing writes nothing, and switches no plans to do so.
                settings: list[str] = []
                noting_settings = lambda _c, _cur, statement, *_rest: settings.append(statement)  # noqa: E731
                event.listen(engine, "before_cursor_execute", noting_settings)
                unchanged = import_batch(db, example, CPR_KEY).as_dict()
                event.remove(engine, "before_cursor_execute", noting_settings)
                assert all(c["created"] == c["updated"] == 0 for c in unchanged.values())
                switched = [s for s in settings if s.startswith("SET")]
                assert switched == ["SET LOCAL plan_cache_mode TO force_custom_plan"]
                # Both settings ended with the import's transaction.
                assert db.scalar(text("SHOW plan_cache_mode")) == "auto"
        finally:
            engine.dispose()
    assert seen == {"look-up": {"force_custom_plan"}, "write": {"auto"}}
