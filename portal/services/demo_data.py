"""The demo personas of domain.md §10: obviously fictitious people, CPR numbers and municipalities.

One list serves both the built-in test IdP (who can log in) and the demo seed (what the portal
knows about them), so a persona's CPR number is written once. Every CPR number here starts with
a day and month that make it easy to recognise as test data, and every record is marked
``is_fictitious``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


def N_(text: str) -> str:
    """Marks a text for translation where it is written; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class DemoOffer:
    external_id: str
    kind: str
    title: str
    place: str
    start: date
    end: date | None
    status: str


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
    relations: tuple[str, ...] = field(default=())


MUNICIPALITIES = (
    {
        "code": "901",
        "name": "Nordby Kommune",
        "cvr": "11111111",
        "phone": "70 10 20 30",
        "email": "jobcenter@nordby.example",
        "website": "https://nordby.example",
    },
    {
        "code": "902",
        "name": "Sydhavn Kommune",
        "cvr": "22222222",
        "phone": "70 40 50 60",
        "email": "borgerservice@sydhavn.example",
        "website": "https://sydhavn.example",
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


def personas(today: date) -> tuple[Persona, ...]:
    """The personas, with offer dates placed relative to ``today`` so the demo never goes stale."""
    from datetime import timedelta

    def days(n: int) -> date:
        return today + timedelta(days=n)

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
                start=days(-200),
                planned_end=days(-200 + 3 * 365),
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
                    ),
                    DemoOffer(
                        "demo-offer-mette-2",
                        "mentor",
                        "Mentorstøtte",
                        "Nordby Kommune",
                        days(-60),
                        days(120),
                        "active",
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
                start=days(-400),
                planned_end=days(-400 + 2 * 365),
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
                start=days(-90),
                planned_end=days(-90 + 365),
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
                    ),
                    DemoOffer(
                        "demo-offer-birgitte-2",
                        "mentor",
                        "Mentorstøtte",
                        "Sydhavn Kommune",
                        days(14),
                        days(200),
                        "planned",
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
                planned_end=date(2026, 12, 14),
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
                    ),
                ),
            ),
        ),
        Persona(
            key="sofie",
            subject="9f1c7a52-0d4e-4f0e-9a57-0000000000a5",
            cpr="0505905555",
            name="Sofie Testhansen",
            description=N_("Pårørende med fuldmagt fra Jens og Birgitte"),
            relations=("jens", "birgitte"),
        ),
        Persona(
            key="peter",
            subject="9f1c7a52-0d4e-4f0e-9a57-0000000000a6",
            cpr="0606906666",
            name="Peter Uden-Forløb",
            description=N_("Har intet ressourceforløb"),
        ),
    )
