"""Municipal boundaries for machines: each case system's API client sees and changes only its own
municipality. A citizen who moves gets a new forløb in the new municipality; the old forløb and
its concerns stay with the old one, for its caseworkers only."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.models import Citizen, Concern, Forloeb
from portal.services.case_import import import_batch
from tests.factories import (
    CPR_KEY,
    api_token,
    as_caseworker,
    bearer,
    sent,
)

METTE_CPR = "0101901111"


def moved_mette(forloeb_id: str = "sydhavn-forloeb-mette") -> dict:
    """Sydhavn's batch after Mette moved there: her, in 902, with a forløb of Sydhavn's own."""
    return {
        "citizens": [
            {
                "cpr": METTE_CPR,
                "name": "Mette Testesen",
                "municipality": "902",
                "fictitious": True,
                "forloeb": [
                    {
                        "id": forloeb_id,
                        "start": "2026-01-20",
                        "planned_end": "2028-01-19",
                        "legal_basis": "LAB kapitel 19",
                        "caseworker": "demo-cw-sydhavn-1",
                    }
                ],
            }
        ]
    }


def test_each_client_exports_only_its_own_municipality(client, db, demo):
    _mette, nordby_concern = sent(db, demo)  # Mette, Nordby (901)
    _jens, sydhavn_concern = sent(db, demo, "jens", "demo-offer-jens-2")  # Jens, Sydhavn (902)
    nordby, sydhavn = api_token(db, "901", "export"), api_token(db, "902", "export")

    def exported(token):
        answer = client.get(
            "/api/v1/concerns",
            query_string={"changed_since": "2000-01-01T00:00Z"},
            headers=bearer(token),
        )
        return {c["reference"] for c in answer.get_json()["concerns"]}

    assert exported(nordby) == {nordby_concern.reference}
    assert exported(sydhavn) == {sydhavn_concern.reference}


def test_a_client_can_send_only_its_own_municipality(client, db, demo):
    sydhavn = api_token(db, "902", "import")
    answer = client.post(
        "/api/v1/case-import",
        json={
            "municipalities": [
                {
                    "code": "901",
                    "name": "Overtaget Kommune",
                    "cvr": "11111111",
                    "phone": "",
                    "email": "",
                    "website": "https://nordby.example",
                }
            ],
            "caseworkers": [{"id": "demo-cw-nordby-1", "name": "X", "municipality": "901"}],
        },
        headers=bearer(sydhavn),
    )
    assert answer.status_code == 422
    problems = answer.get_json()["problems"]
    assert {p["where"] for p in problems} == {
        "municipalities[0].code",
        "caseworkers[0].municipality",
    }
    assert "Overtaget" not in str(problems)
    names = db.scalars(select(Citizen.name)).all()
    assert "Mette Testesen" in names  # nothing was changed


def test_another_municipalitys_forloeb_cannot_be_taken_over(client, db, demo):
    sydhavn = api_token(db, "902", "import")
    answer = client.post(
        "/api/v1/case-import", json=moved_mette("demo-forloeb-mette"), headers=bearer(sydhavn)
    )
    assert answer.status_code == 422
    [problem] = answer.get_json()["problems"]
    assert problem["where"] == "citizens[0].forloeb[0]"
    assert "belongs to another municipality" in problem["message"]
    forloeb = db.scalar(select(Forloeb).where(Forloeb.external_id == "demo-forloeb-mette"))
    assert forloeb.municipality.code == "901"


def test_a_client_cannot_change_another_municipalitys_citizen(client, db, demo):
    """Issue 23: Nordby's token renamed Jens, a Sydhavn citizen, to a spreadsheet formula and
    re-homed him. A CPR number held by another municipality's citizen is refused, naming no
    one, and nothing changes."""
    nordby = api_token(db, "901", "import")
    batch = moved_mette()
    batch["citizens"][0].update(
        cpr="0404904444", name='=HYPERLINK("https://evil.example","Klik")', municipality="901"
    )
    batch["citizens"][0]["forloeb"][0].update(id="nordby-forloeb-x", caseworker="demo-cw-nordby-1")
    answer = client.post("/api/v1/case-import", json=batch, headers=bearer(nordby))
    assert answer.status_code == 422
    [problem] = answer.get_json()["problems"]
    assert problem["where"] == "citizens[0].cpr"
    assert "another municipality" in problem["message"]
    assert "Jens" not in str(answer.get_json()) and "0404904444" not in str(answer.get_json())
    db.expire_all()
    jens = db.scalar(select(Citizen).where(Citizen.name == "Jens Testhansen"))
    assert jens is not None and jens.municipality.code == "902"
    assert not db.scalar(select(Forloeb).where(Forloeb.external_id == "nordby-forloeb-x"))


def test_a_citizen_who_moves_gets_a_new_forloeb_and_the_old_concern_stays(app, client, db, demo):
    _mette, concern = sent(db, demo)
    sydhavn = api_token(db, "902", "import")
    refused = client.post("/api/v1/case-import", json=moved_mette(), headers=bearer(sydhavn))
    assert refused.status_code == 422, "Sydhavn's client cannot take Nordby's citizen"
    import_batch(db, moved_mette(), CPR_KEY)  # the operator moves her
    db.expire_all()
    mette = db.scalar(select(Citizen).where(Citizen.name == "Mette Testesen"))
    assert mette.municipality.code == "902", "she lives in Sydhavn now"
    by_forloeb = {f.external_id: f.municipality.code for f in db.scalars(select(Forloeb))}
    assert (
        by_forloeb["demo-forloeb-mette"] == "901" and by_forloeb["sydhavn-forloeb-mette"] == "902"
    )
    assert db.get(Concern, concern.id).municipality.code == "901"

    karim = as_caseworker(app, "karim")  # Sydhavn
    assert karim.get(f"/sagsbehandler/bekymringer/{concern.id}").status_code == 404
    assert concern.reference not in karim.get("/sagsbehandler/bekymringer").get_data(as_text=True)
    lone = as_caseworker(app, "lone")  # Nordby, where the forløb was
    assert lone.get(f"/sagsbehandler/bekymringer/{concern.id}").status_code == 200


def test_a_revoked_or_rotated_token_stops_working_at_once(app, client, db, demo):
    from datetime import UTC, datetime

    from portal.models import ApiClient
    from portal.services import api_clients

    token = api_token(db, "901", "export")
    client_row = db.scalars(select(ApiClient)).one()
    assert client.get("/api/v1/concerns", headers=bearer(token)).status_code == 200
    db.refresh(client_row)
    assert client_row.last_used_at is not None, "flask api-client list shows when it was used"
    new = api_clients.rotate(db, client_row.id, datetime.now(UTC))
    assert client.get("/api/v1/concerns", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/concerns", headers=bearer(new)).status_code == 200
    api_clients.revoke(db, client_row.id, datetime.now(UTC))
    assert client.get("/api/v1/concerns", headers=bearer(new)).status_code == 401
    assert token not in str(db.scalars(select(ApiClient.token_hash)).all())


def test_the_operator_manages_clients_from_the_command_line(app, client, db, demo):
    cli = app.test_cli_runner()
    name = ["--name", "KMD Momentum Sydhavn"]
    added = cli.invoke(
        args=["api-client", "add", "--municipality", "902", "--scopes", "export,import", *name]
    )
    assert added.exit_code == 0, added.output
    token = re.search(r"Token \(shown only now\): (rfp_\S+)", added.output).group(1)
    assert "import,export" in added.output
    client_id = re.search(r"API client (\d+)", added.output).group(1)
    assert client.get("/api/v1/concerns", headers=bearer(token)).status_code == 200

    listed = cli.invoke(args=["api-client", "list"]).output
    assert "902" in listed and "KMD Momentum Sydhavn" in listed and "active" in listed
    assert token not in listed

    rotated = cli.invoke(args=["api-client", "rotate", client_id])
    new = re.search(r"(rfp_\S+)", rotated.output).group(1)
    assert client.get("/api/v1/concerns", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/concerns", headers=bearer(new)).status_code == 200
    assert cli.invoke(args=["api-client", "revoke", client_id]).exit_code == 0
    assert "revoked" in cli.invoke(args=["api-client", "list"]).output

    for wrong in (["--municipality", "999"], ["--scopes", "everything"]):
        args = {"--municipality": "901", "--scopes": "export", "--name": "X"}
        args[wrong[0]] = wrong[1]
        refused = cli.invoke(args=["api-client", "add", *[v for kv in args.items() for v in kv]])
        assert refused.exit_code == 1 and "Error" in refused.output
