"""The demo personas of docs/domain.md §10: obviously fictitious people, CPR numbers and
municipalities.

One list serves both the built-in test IdP (who can log in) and the demo seed (what the portal
knows about them), so a persona's CPR number is written once. Every CPR number here starts with
a day and month that make it easy to recognise as test data, and every record is marked
``is_fictitious``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.domain.danish import N_
from portal.domain.delegations import FULDMAGT_ACT, FULDMAGT_SEE
from portal.domain.privileges import (
    CASEWORKER_PRIVILEGE,
    COORDINATOR_PRIVILEGE,
    CPR_SCOPE,
    CVR_SCOPE,
    MANAGER_PRIVILEGE,
)


@dataclass(frozen=True)
class DemoOffer:
    external_id: str
    kind: str
    title: str
    place: str
    start: date
    end: date | None
    status: str
    address: str = ""
    weekdays: tuple[str, ...] = ()
    day_starts_at: str | None = None
    day_ends_at: str | None = None
    hours_per_week: float | None = None
    contact: dict = field(default_factory=dict)
    purpose: str = ""
    accommodations: str = ""

    def as_import(self) -> dict:
        """This offer in the case system's import format (schemas/case-import.schema.json)."""
        record = {
            "id": self.external_id,
            "kind": self.kind,
            "title": self.title,
            "place": self.place,
            "address": self.address,
            "start": self.start.isoformat(),
            "status": self.status,
            "weekdays": list(self.weekdays),
            "contact": self.contact,
            "purpose": self.purpose,
            "accommodations": self.accommodations,
        }
        if self.end:
            record["end"] = self.end.isoformat()
        if self.day_starts_at:
            record["day_starts_at"], record["day_ends_at"] = self.day_starts_at, self.day_ends_at
        if self.hours_per_week is not None:
            record["hours_per_week"] = self.hours_per_week
        return record


@dataclass(frozen=True)
class DemoForloeb:
    external_id: str
    start: date
    planned_end: date
    legal_basis: str
    goals: str
    caseworker: str
    status: str = "active"
    offers: tuple[DemoOffer, ...] = ()


@dataclass(frozen=True)
class Persona:
    """A person who can log in at the test IdP."""

    key: str
    subject: str
    cpr: str
    name: str
    description: str
    municipality: str | None = None
    forloeb: DemoForloeb | None = None
    # Digital Fuldmagt held by this person: scope → privileges, as in the login token.
    privileges: dict[str, list[str]] = field(default_factory=dict)


MUNICIPALITIES = (
    {
        "code": "901",
        "name": "Nordby Kommune",
        "cvr": "11111111",
        "phone": "70 10 20 30",
        "email": "jobcenter@nordby.example",
        "website": "https://nordby.example",
        "region": "nordjylland",
        "opening_hours": "Mandag–onsdag kl. 9–15, torsdag kl. 9–17, fredag kl. 9–12",
    },
    {
        "code": "902",
        "name": "Sydhavn Kommune",
        "cvr": "22222222",
        "phone": "70 40 50 60",
        "email": "borgerservice@sydhavn.example",
        "website": "https://sydhavn.example",
        "region": "hovedstaden",
        "opening_hours": "Mandag–fredag kl. 8–14",
    },
)

CASEWORKERS = (
    {
        "professional_id": "demo-cw-nordby-1",
        "name": "Lone Madsen",
        "phone": "70 10 20 41",
        "email": "lone.madsen@nordby.example",
        "municipality": "901",
    },
    {
        "professional_id": "demo-cw-sydhavn-1",
        "name": "Karim Olsen",
        "phone": "70 40 50 71",
        "email": "karim.olsen@sydhavn.example",
        "municipality": "902",
    },
    {
        "professional_id": "demo-cw-nordby-norole",
        "name": "Per Holm",
        "phone": "70 10 20 42",
        "email": "per.holm@nordby.example",
        "municipality": "901",
    },
)

LEGAL_BASIS = "Ressourceforløb efter lov om en aktiv beskæftigelsesindsats kapitel 19"

# Another system's privilege, which gives nothing in this portal.
OTHER_SYSTEM_PRIVILEGE = "urn:dk:kommune:ydelsessystem:privilege:laeseadgang"


@dataclass(frozen=True)
class WorkPersona:
    """An employee who can log in at the test IdP's MitID Erhverv issuer."""

    key: str
    subject: str
    name: str
    description: str
    professional_id: str
    cvr: str
    privileges: dict[str, list[str]]


def work_personas() -> tuple[WorkPersona, ...]:
    """Caseworkers of two municipalities, one without the portal role, one whose role is
    scoped to another municipality's CVR number (which gives nothing); a manager who sees only
    the figures, a caseworker who is also a manager, and a sundhedskoordinator of each of the
    two regions."""
    return (
        WorkPersona(
            key="lone",
            subject="5b0e1c3a-0000-4000-8000-0000000000c1",
            name="Lone Madsen",
            description=N_("Sagsbehandler i Nordby Kommune"),
            professional_id="demo-cw-nordby-1",
            cvr="11111111",
            privileges={f"{CVR_SCOPE}11111111": [CASEWORKER_PRIVILEGE]},
        ),
        WorkPersona(
            key="karim",
            subject="5b0e1c3a-0000-4000-8000-0000000000c2",
            name="Karim Olsen",
            description=N_("Sagsbehandler og leder i Sydhavn Kommune"),
            professional_id="demo-cw-sydhavn-1",
            cvr="22222222",
            privileges={f"{CVR_SCOPE}22222222": [CASEWORKER_PRIVILEGE, MANAGER_PRIVILEGE]},
        ),
        WorkPersona(
            key="hanne",
            subject="5b0e1c3a-0000-4000-8000-0000000000c5",
            name="Hanne Kristensen",
            description=N_("Leder af beskæftigelsesindsatsen i Nordby Kommune (Tal om retten)"),
            professional_id="demo-leder-nordby",
            cvr="11111111",
            privileges={f"{CVR_SCOPE}11111111": [MANAGER_PRIVILEGE]},
        ),
        WorkPersona(
            key="per",
            subject="5b0e1c3a-0000-4000-8000-0000000000c3",
            name="Per Holm",
            description=N_("Ansat i Nordby Kommune, uden adgang til portalen"),
            professional_id="demo-cw-nordby-norole",
            cvr="11111111",
            privileges={f"{CVR_SCOPE}11111111": [OTHER_SYSTEM_PRIVILEGE]},
        ),
        WorkPersona(
            key="mia",
            subject="5b0e1c3a-0000-4000-8000-0000000000c4",
            name="Mia Vestergaard",
            description=N_("Ansat i Nordby Kommune, med en rettighed for Sydhavn Kommune"),
            professional_id="demo-cw-nordby-wrongcvr",
            cvr="11111111",
            privileges={f"{CVR_SCOPE}22222222": [CASEWORKER_PRIVILEGE]},
        ),
        # The regions' sundhedskoordinatorer (issue 26), with the demo regions' made-up CVR
        # numbers (portal.config.DEMO_REGION_CVRS): Anne serves Nordby (Region Nordjylland);
        # Bo serves Sydhavn (Region Hovedstaden) and sees nothing of Nordby.
        WorkPersona(
            key="anne",
            subject="5b0e1c3a-0000-4000-8000-0000000000d1",
            name="Anne Berg",
            description=N_("Sundhedskoordinator i Region Nordjylland (Nordby Kommune)"),
            professional_id="demo-sk-nordjylland-1",
            cvr="33333333",
            privileges={f"{CVR_SCOPE}33333333": [COORDINATOR_PRIVILEGE]},
        ),
        WorkPersona(
            key="rikke",
            subject="5b0e1c3a-0000-4000-8000-0000000000d3",
            name="Rikke Lund",
            description=N_("Leder af sundhedskoordinatorerne i Region Nordjylland (Tal om retten)"),
            professional_id="demo-leder-nordjylland",
            cvr="33333333",
            privileges={f"{CVR_SCOPE}33333333": [MANAGER_PRIVILEGE]},
        ),
        WorkPersona(
            key="bo",
            subject="5b0e1c3a-0000-4000-8000-0000000000d2",
            name="Bo Winther",
            description=N_("Sundhedskoordinator i Region Hovedstaden (Sydhavn Kommune)"),
            professional_id="demo-sk-hovedstaden-1",
            cvr="44444444",
            privileges={f"{CVR_SCOPE}44444444": [COORDINATOR_PRIVILEGE]},
        ),
    )


# Jens's forløb started in December 2021, so it may run 5 years (LAB § 112): it ends on this
# fixed day, whatever day the demo is seeded.
JENS_FORLOEB_END = date(2026, 12, 14)

# No new ressourceforløb from 1 February 2026 (lov nr. 1750 af 29/12/2025): every demo forløb
# started before, whatever day the demo is seeded.
STOP_FOR_NEW_FORLOEB = date(2026, 2, 1)


def personas(today: date) -> tuple[Persona, ...]:
    """The personas, with offer dates placed relative to ``today`` so the demo never goes stale;
    the forløb started before the stop for new ones (1 February 2026)."""

    def days(n: int) -> date:
        return today + timedelta(days=n)

    def started(n: int, latest: date) -> date:
        """``n`` days from today, but never after ``latest`` (before the stop)."""
        return min(days(n), latest)

    def years_after(start: date, years: int) -> date:
        return start.replace(year=start.year + years) - timedelta(days=1)

    mette_start = started(-200, date(2026, 1, 12))
    ali_start = started(-400, date(2026, 1, 5))
    birgitte_start = started(-90, date(2026, 1, 26))

    return (
        Persona(
            key="mette",
            subject="9f1c7a52-0d4e-4f0e-9a57-0000000000a1",
            cpr="0101901111",
            name="Mette Testesen",
            description=N_("Virksomhedspraktik om 9 dage, ikke startet"),
            municipality="901",
            forloeb=DemoForloeb(
                external_id="demo-forloeb-mette",
                start=mette_start,
                planned_end=years_after(mette_start, 3),
                legal_basis=LEGAL_BASIS,
                goals=(
                    "Jeg vil gerne arbejde med planter og dyr. "
                    "Jeg vil kunne arbejde 15 timer om ugen."
                ),
                caseworker="demo-cw-nordby-1",
                offers=(
                    DemoOffer(
                        "demo-offer-mette-1",
                        "virksomhedspraktik",
                        "Virksomhedspraktik i en planteskole",
                        "Grønt Hjørne Planteskole",
                        days(9),
                        days(9 + 13 * 7),
                        "planned",
                        address="Havevej 12, 9990 Nordby",
                        weekdays=("MO", "TU", "TH"),
                        day_starts_at="09:00",
                        day_ends_at="13:00",
                        hours_per_week=12,
                        contact={
                            "name": "Hanne Gartner",
                            "phone": "20 30 40 50",
                            "email": "hanne@groenthjoerne.example",
                        },
                        purpose=(
                            "Du skal prøve, om du kan arbejde med planter 12 timer om ugen. "
                            "Du skal også finde ud af, hvilke opgaver du er god til."
                        ),
                        accommodations=(
                            "Du skal ikke løfte mere end 10 kg. "
                            "Du må holde en pause, når du har brug for det."
                        ),
                    ),
                    DemoOffer(
                        "demo-offer-mette-2",
                        "mentor",
                        "Mentorstøtte",
                        "Nordby Kommune",
                        days(-60),
                        days(120),
                        "active",
                        address="Rådhuspladsen 1, 9990 Nordby",
                        hours_per_week=1,
                        contact={"name": "Sune Mentor", "phone": "70 10 20 55"},
                        purpose="Din mentor hjælper dig med at komme godt i gang med praktikken.",
                    ),
                ),
            ),
        ),
        Persona(
            key="ali",
            subject="9f1c7a52-0d4e-4f0e-9a57-0000000000a2",
            cpr="0202902222",
            name="Ali Prøvesen",
            description=N_("Job med løntilskud, startet"),
            municipality="901",
            forloeb=DemoForloeb(
                external_id="demo-forloeb-ali",
                start=ali_start,
                planned_end=years_after(ali_start, 3),
                legal_basis=LEGAL_BASIS,
                goals="Jeg vil tilbage til et lager, men uden tunge løft.",
                caseworker="demo-cw-nordby-1",
                offers=(
                    DemoOffer(
                        "demo-offer-ali-1",
                        "loentilskud",
                        "Lagerjob med løntilskud",
                        "Nordby Lager ApS",
                        days(-21),
                        days(160),
                        "active",
                        address="Industrivej 3, 9990 Nordby",
                        weekdays=("MO", "TU", "WE", "TH"),
                        day_starts_at="07:00",
                        day_ends_at="12:00",
                        hours_per_week=20,
                        contact={
                            "name": "Bo Lagerchef",
                            "phone": "30 40 50 60",
                            "email": "bo@nordbylager.example",
                        },
                        purpose=(
                            "Du skal arbejde på et lager og få erfaring, "
                            "så du kan få et almindeligt job."
                        ),
                        accommodations="Ingen tunge løft over 15 kg. Du kører ikke truck.",
                    ),
                ),
            ),
        ),
        Persona(
            key="birgitte",
            subject="9f1c7a52-0d4e-4f0e-9a57-0000000000a3",
            cpr="0303903333",
            name="Birgitte Eksempel",
            description=N_("Kun mentor og behandling"),
            municipality="902",
            forloeb=DemoForloeb(
                external_id="demo-forloeb-birgitte",
                start=birgitte_start,
                planned_end=years_after(birgitte_start, 3),
                legal_basis=LEGAL_BASIS,
                goals="Jeg vil have det bedre, så jeg kan klare en hverdag med faste tider.",
                caseworker="demo-cw-sydhavn-1",
                offers=(
                    DemoOffer(
                        "demo-offer-birgitte-1",
                        "health_effort",
                        "Forløb hos psykolog",
                        "Sydhavn Sundhedshus",
                        days(-30),
                        days(60),
                        "active",
                        address="Kajgade 7, 8880 Sydhavn",
                        weekdays=("WE",),
                        day_starts_at="10:00",
                        day_ends_at="11:00",
                        contact={"name": "Sydhavn Sundhedshus", "phone": "70 40 50 90"},
                        purpose="Samtaler om, hvordan du kan få det bedre.",
                    ),
                    DemoOffer(
                        "demo-offer-birgitte-2",
                        "mentor",
                        "Mentorstøtte",
                        "Sydhavn Kommune",
                        days(14),
                        days(200),
                        "planned",
                        contact={"name": "Karim Olsen", "phone": "70 40 50 71"},
                        purpose="En mentor skal hjælpe dig med at få faste tider i hverdagen.",
                    ),
                ),
            ),
        ),
        Persona(
            key="jens",
            subject="9f1c7a52-0d4e-4f0e-9a57-0000000000a4",
            cpr="0404904444",
            name="Jens Testhansen",
            description=N_("Forløb på 5 år, startet i 2021"),
            municipality="902",
            forloeb=DemoForloeb(
                external_id="demo-forloeb-jens",
                # Started before 1 January 2022, so it may run for 5 years (LAB § 112).
                start=date(2021, 12, 15),
                planned_end=JENS_FORLOEB_END,
                legal_basis=LEGAL_BASIS + " (forløb på op til 5 år, startet før 2022)",
                goals="Jeg vil kunne arbejde nogle timer som pedel.",
                caseworker="demo-cw-sydhavn-1",
                offers=(
                    DemoOffer(
                        "demo-offer-jens-1",
                        "vejledning_opkvalificering",
                        "Kursus i rengøring og service",
                        "Sydhavn Erhvervsskole",
                        days(30),
                        days(72),
                        "planned",
                        address="Skolevej 20, 8880 Sydhavn",
                        weekdays=("MO", "WE"),
                        day_starts_at="08:30",
                        day_ends_at="12:30",
                        hours_per_week=8,
                        contact={"name": "Studievejledningen", "phone": "70 40 50 99"},
                        purpose="Du lærer om rengøring og service, så du kan søge job som pedel.",
                        accommodations="Du kan sidde ned en del af tiden.",
                    ),
                    # Runs to the end of the forløb: the offer Jens (or Sofie for him) can
                    # still tell the caseworker about while the forløb runs.
                    DemoOffer(
                        "demo-offer-jens-2",
                        "mentor",
                        "Mentorstøtte",
                        "Sydhavn Kommune",
                        min(days(-45), JENS_FORLOEB_END - timedelta(days=60)),
                        JENS_FORLOEB_END,
                        "active",
                        hours_per_week=2,
                        contact={"name": "Sara Mentor", "phone": "70 40 50 72"},
                        purpose="Din mentor hjælper dig med at finde ud af, hvad der skal ske "
                        "efter dit forløb.",
                    ),
                ),
            ),
        ),
        Persona(
            key="sofie",
            subject="9f1c7a52-0d4e-4f0e-9a57-0000000000a5",
            cpr="0505905555",
            name="Sofie Testhansen",
            description=N_(
                "Pårørende med Digital Fuldmagt fra Jens (se og handle) og Birgitte (se)"
            ),
            privileges={
                f"{CPR_SCOPE}0404904444": [FULDMAGT_ACT],
                f"{CPR_SCOPE}0303903333": [FULDMAGT_SEE],
                # Another service's fuldmagt, and one from a person the portal does not know,
                # arrive in the same token and give nothing here.
                f"{CPR_SCOPE}0606906666": ["urn:dk:skat:fuldmagt:selvangivelse"],
                f"{CPR_SCOPE}0707907777": [FULDMAGT_ACT],
            },
        ),
        Persona(
            key="peter",
            subject="9f1c7a52-0d4e-4f0e-9a57-0000000000a6",
            cpr="0606906666",
            name="Peter Uden-Forløb",
            description=N_("Har intet ressourceforløb"),
        ),
    )
