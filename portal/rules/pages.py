"""The rules pages ("Dine rettigheder") and the short help texts, as data.

Every statement here is a fact from docs/domain.md with its source; what domain.md marks as
uncertain is said to be uncertain, with the date it was checked. Kept as data (not templates) so
that one layout renders every page the same way and the readability test measures exactly the
text a citizen reads. Texts are Danish msgids; English is in translations/en.

Rules change on known days (a new employment act is expected on 1 January 2027; two regions merge
that day). A section can say from which day it applies and until when, so a change is prepared
here and shown from its day without a deploy; the page shows "Gælder fra …".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.domain.danish import C_, N_

CHECKED = date(2026, 12, 1)


@dataclass(frozen=True)
class Source:
    label: str
    url: str


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    numbered: bool = False
    applies_from: date | None = None
    applies_until: date | None = None  # the last day it applies

    def applies_on(self, day: date) -> bool:
        return (self.applies_from is None or self.applies_from <= day) and (
            self.applies_until is None or day <= self.applies_until
        )


@dataclass(frozen=True)
class RulesPage:
    slug: str
    title: str
    summary: tuple[str, ...]
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    related: tuple[str, ...] = ()
    updated: date = CHECKED
    # The day the rules on the page came into force, where it is known.
    in_force_from: date | None = None

    def texts(self) -> list[str]:
        """The citizen-facing Danish text, one line per heading, paragraph or item (every
        section, whenever it applies, so a prepared text is measured before its day)."""
        lines = [self.title, *self.summary]
        for section in self.sections:
            lines += [section.heading, *section.paragraphs, *section.items]
        return lines

    def sections_on(self, day: date) -> tuple[Section, ...]:
        return tuple(section for section in self.sections if section.applies_on(day))

    def applies_from(self, day: date) -> date | None:
        """The day the text shown on ``day`` began to apply (its newest dated section)."""
        starts = [s.applies_from for s in self.sections_on(day) if s.applies_from is not None]
        if self.in_force_from is not None:
            starts.append(self.in_force_from)
        return max(starts) if starts else None


LAB_53 = Source(
    N_("Lov om en aktiv beskæftigelsesindsats § 53, stk. 4"),
    "https://www.elov.dk/lov-om-en-aktiv-beskaeftigelsesindsats/paragraf/53/",
)
LAB_112 = Source(
    N_("Lov om en aktiv beskæftigelsesindsats § 112"),
    "https://elov.dk/lov-om-en-aktiv-beskaeftigelsesindsats/paragraf/112/",
)
LAB_113 = Source(
    N_("Lov om en aktiv beskæftigelsesindsats § 113, stk. 3 (lov nr. 1160 af 8. juni 2021)"),
    "https://ft.dk/samling/20201/lovforslag/L209/bilag/1/2372685/index.htm",
)
BEK_2409 = Source(
    N_("Bekendtgørelse nr. 2409 af 13. december 2021, §§ 2 og 3"),
    "http://www.socialjura.dk/content-storage/regler/2021/bek-2409-af-1312-2021/",
)
STAR_RF = Source(
    N_("Styrelsen for Arbejdsmarked og Rekruttering: Ressourceforløb"),
    "https://star.dk/indsatser/indsatser-ved-sygdom-nedslidning-mv/ressourceforloeb",
)
REFORM = Source(
    N_("Lov nr. 1750 af 29. december 2025 og STAR om reformen"),
    "https://star.dk/da/implementering/beskaeftigelsesreform/proces",
)
RETSSIKKERHED = Source(
    N_("Retssikkerhedsloven kapitel 10"),
    "https://www.elov.dk/retssikkerhedsloven-det-sociale-omrade/kapitel/10/",
)
ANKESTYRELSEN = Source(
    N_("Ankestyrelsen: Din sag i Ankestyrelsen"),
    "https://ast.dk/for-borgere-med-en-klagesag/din-sag-i-ankestyrelsen",
)
FVL = Source(
    N_("Forvaltningsloven §§ 8, 9, 19, 22, 24 og 25"), "https://elov.dk/forvaltningsloven/9/"
)
LOG_ACCESS = Source(
    N_("Datatilsynet om indsigt i logfiler (GDPR artikel 15)"),
    "https://www.datatilsynet.dk/presse-og-nyheder/nyhedsarkiv/2024/jul/"
    "hvad-gaelder-for-indsigt-i-logfiler",
)
REGIONS_2027 = Source(
    N_("Folketinget: L 213 (2024-25), overgangsloven for sundhedsreformen"),
    "https://www.ft.dk/samling/20241/lovforslag/L213/index.htm",
)
FULDMAGT = Source(
    N_("Digitaliseringsstyrelsen om Digital Fuldmagt"),
    "https://www.digitaliser.dk/resource/5880120",
)

PAGES: tuple[RulesPage, ...] = (
    RulesPage(
        slug="ressourceforloeb",
        title=N_("Hvad er et ressourceforløb?"),
        summary=(
            N_(
                "Et ressourceforløb er et forløb i kommunen. Det skal hjælpe dig tættere på et "
                "job. Det varer fra 1 til 3 år."
            ),
        ),
        sections=(
            Section(
                N_("Hvem er det for?"),
                paragraphs=(
                    N_(
                        "Det er for dig, som har svært ved at arbejde. Det kan fx være på grund af "
                        "sygdom eller sociale problemer."
                    ),
                    N_(
                        "Kommunen starter kun et forløb, hvis der er en chance for, at du kan blive "
                        "bedre til at arbejde."
                    ),
                ),
            ),
            Section(
                N_("Hvad sker der i forløbet?"),
                paragraphs=(
                    N_(
                        "Du får tilbud fra kommunen. Det kan fx være en praktik, en mentor eller "
                        "behandling."
                    ),
                    N_(
                        "Du har en sagsbehandler, som følger dig hele vejen. Hun eller han hedder "
                        "din koordinerende sagsbehandler."
                    ),
                ),
            ),
            Section(
                N_("Hvor længe varer det?"),
                paragraphs=(
                    N_(
                        "Et forløb varer fra 1 til 3 år. Startede dit forløb før 2022, kan det vare "
                        "op til 5 år."
                    ),
                ),
            ),
        ),
        sources=(LAB_112, STAR_RF),
        related=("helbred", "aendringer-2026"),
        in_force_from=date(2022, 1, 1),
    ),
    RulesPage(
        slug="helbred",
        title=N_("Dine tilbud skal passe til dit helbred"),
        summary=(
            N_(
                "Kommunen skal altid tilpasse dine tilbud til dit helbred. Et ressourceforløb må "
                "ikke gøre dit helbred værre."
            ),
        ),
        sections=(
            Section(
                N_("Det siger loven"),
                paragraphs=(
                    N_("Loven siger, at et tilbud altid skal passe til dit helbred."),
                    N_(
                        "Ministeriet siger også, at et ressourceforløb ikke må gøre dit helbred "
                        "værre."
                    ),
                ),
            ),
            Section(
                N_("Skånehensyn"),
                paragraphs=(
                    N_(
                        "Det, I har aftalt om dit helbred, hedder skånehensyn. Det kan fx være, at "
                        "du ikke må løfte tungt. Eller at du må holde pauser."
                    ),
                    N_("Du kan se skånehensyn på siden for hvert af dine tilbud."),
                ),
            ),
            Section(
                N_("En praktik skal udvikle dig"),
                paragraphs=(
                    N_(
                        "En praktik skal hjælpe dig med at udvikle dig. Den skal ikke vise, hvad du "
                        "ikke kan."
                    ),
                ),
            ),
        ),
        sources=(LAB_53,),
        related=("sundhedskoordinator",),
    ),
    RulesPage(
        slug="sundhedskoordinator",
        title=N_("Din ret til en samtale med en sundhedskoordinator"),
        summary=(
            N_(
                "Er du bekymret for, at et tilbud ikke passer til dit helbred? Så har du ret "
                "til en samtale med en sundhedskoordinator og din sagsbehandler."
            ),
        ),
        sections=(
            Section(
                N_("Hvad er en sundhedskoordinator?"),
                paragraphs=(
                    N_(
                        "Det er som regel en læge. Nogle gange er det en psykolog. Personen kommer "
                        "fra regionens kliniske funktion."
                    ),
                    N_("Sundhedskoordinatoren giver kommunen råd. Det er kommunen, som beslutter."),
                    N_("Sundhedskoordinatoren må tale med dig og med din egen læge."),
                ),
            ),
            Section(
                N_("Hvornår har du retten?"),
                paragraphs=(
                    N_(
                        "Du har retten, når tilbuddet skal hjælpe dig i arbejde. Det gælder tre "
                        "slags tilbud:"
                    ),
                ),
                items=(
                    N_("virksomhedspraktik"),
                    N_("job med løntilskud"),
                    N_("vejledning og opkvalificering, fx et kursus"),
                ),
            ),
            Section(
                N_("Hvornår har du ikke retten?"),
                paragraphs=(
                    N_(
                        "Retten gælder ikke for mentor, behandling eller hjælp til dit liv. Du kan "
                        "stadig fortælle din sagsbehandler, at du er bekymret."
                    ),
                ),
            ),
            Section(
                N_("Retten gælder, mens dit forløb kører"),
                paragraphs=(
                    N_(
                        "Loven giver retten til en person i ressourceforløb. Den gælder, mens dit "
                        "forløb kører, og for tilbud i forløbet."
                    ),
                    N_(
                        "Starter et tilbud først, når dit forløb er slut? Så gælder retten ikke for "
                        "det tilbud. Er dit forløb slut, gælder retten heller ikke."
                    ),
                ),
            ),
            Section(
                N_("Du skal ikke bevise noget"),
                paragraphs=(
                    N_(
                        "Det er nok, at du selv mener, at tilbuddet ikke passer til dit helbred. "
                        "Loven kræver ikke en erklæring fra din læge."
                    ),
                ),
            ),
            Section(
                N_("Hvis tilbuddet ikke er startet"),
                paragraphs=(
                    N_(
                        "Siger du til, før tilbuddet starter? Så skal du ikke starte, før kommunen "
                        "har besluttet, om tilbuddet skal ændres."
                    ),
                    N_(
                        "Det er startdatoen og den dag, du sender, der afgør det. Det er ikke dit "
                        "svar i skemaet."
                    ),
                    N_(
                        "Loven siger ikke, hvad der gælder, hvis tilbuddet er startet. Bliv ved "
                        "med at møde op, til din sagsbehandler har svaret. Det gælder, medmindre "
                        "du får en anden besked."
                    ),
                ),
            ),
            Section(
                N_("Hvem er med til samtalen?"),
                items=(
                    N_("dig"),
                    N_("din sagsbehandler"),
                    N_("sundhedskoordinatoren"),
                    N_("en bisidder, hvis du vil have en med"),
                ),
            ),
            Section(
                N_("Kommunen skal fortælle dig om retten"),
                paragraphs=(
                    N_(
                        "Kommunen skal skrive til dig om retten. Det skal ske senest, når du får et "
                        "tilbud."
                    ),
                ),
            ),
        ),
        sources=(LAB_113, BEK_2409),
        related=("efter-bekymring", "klage"),
        in_force_from=date(2022, 1, 1),
    ),
    RulesPage(
        slug="efter-bekymring",
        title=N_("Når du har sagt, at du er bekymret"),
        summary=(
            N_(
                "Kommunen holder et møde med dig, din sagsbehandler og sundhedskoordinatoren. "
                "Bagefter beslutter kommunen, om tilbuddet skal ændres."
            ),
        ),
        sections=(
            Section(
                N_("Det sker"),
                numbered=True,
                items=(
                    N_("Din sagsbehandler får din besked."),
                    N_("Kommunen aftaler et møde med dig."),
                    N_("På mødet taler I om dit helbred og om tilbuddet."),
                    N_("Efter mødet giver sundhedskoordinatoren kommunen råd."),
                    N_("Du kan læse rådet og skrive, hvad du mener om det."),
                    N_("Kommunen beslutter, hvad der skal ske med tilbuddet."),
                    N_(
                        "Du får besked om beslutningen, og hvorfor. Du får også at vide, hvordan "
                        "du klager."
                    ),
                ),
            ),
            Section(
                N_("Mødet skal holdes"),
                paragraphs=(
                    N_(
                        "Rådet fra sundhedskoordinatoren kommer fra mødet. Kan mødet ikke holdes, "
                        "aftaler kommunen et nyt møde med dig."
                    ),
                ),
            ),
            Section(
                N_("Du kan sige din mening om rådet"),
                paragraphs=(
                    N_(
                        "Før kommunen beslutter, kan du læse rådet og skrive til kommunen om det. "
                        "Du har som regel 7 dage. Det hedder partshøring."
                    ),
                ),
            ),
            Section(
                N_("Hvor lang tid tager det?"),
                paragraphs=(
                    N_(
                        "Loven siger ikke, hvor hurtigt mødet skal holdes. Spørg din kommune, hvornår "
                        "du kan forvente det."
                    ),
                ),
            ),
            Section(
                N_("Er du uenig?"),
                paragraphs=(
                    N_(
                        "Får du en afgørelse, som du er uenig i, kan du klage. Husk, at der er en "
                        "frist."
                    ),
                ),
            ),
        ),
        sources=(LAB_113, BEK_2409),
        related=("klage", "sagsrettigheder"),
    ),
    RulesPage(
        slug="klage",
        title=N_("En bekymring er ikke en klage"),
        summary=(
            N_(
                "Vil du klage over en afgørelse, skal du klage inden 4 uger fra den dag, du fik "
                "afgørelsen. Det er gratis at klage."
            ),
        ),
        sections=(
            Section(
                N_("Fristen løber"),
                paragraphs=(
                    N_(
                        "En bekymring er ikke en klage. Fristen for at klage løber, også selvom du "
                        "har sagt, at du er bekymret."
                    ),
                ),
            ),
            Section(
                N_("Sådan klager du"),
                numbered=True,
                items=(
                    N_("Du klager til kommunen inden 4 uger fra den dag, du fik afgørelsen."),
                    N_("Kommunen ser på sagen igen."),
                    N_("Er kommunen stadig uenig med dig, sender den klagen til Ankestyrelsen."),
                ),
            ),
            Section(N_("Det koster ikke noget"), paragraphs=(N_("Det er gratis at klage."),)),
            Section(
                N_("Afgørelsen gælder, mens du klager"),
                paragraphs=(
                    N_(
                        "En klage stopper ikke afgørelsen. Du skal gøre, som afgørelsen siger, til "
                        "du får svar på din klage."
                    ),
                ),
            ),
            Section(
                N_("Det skal stå i afgørelsen"),
                paragraphs=(
                    N_(
                        "Kommunen skal skrive, hvorfor den har besluttet det. Kommunen skal også "
                        "skrive, hvordan du klager, og hvad fristen er."
                    ),
                ),
            ),
        ),
        sources=(RETSSIKKERHED, ANKESTYRELSEN, FVL),
        related=("sagsrettigheder",),
    ),
    RulesPage(
        slug="sagsrettigheder",
        title=N_("Se dine papirer, tag en bisidder med og sig din mening"),
        summary=(
            N_(
                "Du må se papirerne i din sag. Du må tage en person med til møder. Og du skal "
                "som regel høres, før kommunen træffer en afgørelse."
            ),
        ),
        sections=(
            Section(
                N_("Se dine papirer"),
                paragraphs=(
                    N_("Du kan bede kommunen om at se papirerne i din sag. Det hedder aktindsigt."),
                    N_(
                        "Du kan også få at vide, hvornår andre har set dine oplysninger, og hvorfor. "
                        "Du får dato og formål."
                    ),
                ),
            ),
            Section(
                N_("Tag en bisidder med"),
                paragraphs=(
                    N_(
                        "Du må altid tage en person med til møder med kommunen. Personen hedder en "
                        "bisidder. Det kan fx være en ven eller en pårørende."
                    ),
                    N_("Du kan også give en anden lov til at tale for dig."),
                ),
            ),
            Section(
                N_("Sig din mening"),
                paragraphs=(
                    N_(
                        "Har kommunen oplysninger, som taler imod dig? Så skal kommunen som regel "
                        "spørge dig, før den træffer en afgørelse. Det hedder partshøring."
                    ),
                ),
            ),
        ),
        sources=(FVL, LOG_ACCESS),
        related=("paaroerende", "klage"),
    ),
    RulesPage(
        slug="paaroerende",
        title=N_("Få hjælp af en pårørende"),
        summary=(
            N_(
                "En pårørende kan hjælpe dig. Skal personen handle for dig, skal du give en "
                "fuldmagt."
            ),
        ),
        sections=(
            Section(
                N_("Som bisidder"),
                paragraphs=(
                    N_(
                        "En bisidder er en person, du tager med til et møde med kommunen. Det kan "
                        "være en pårørende eller en ven. Du har altid ret til en bisidder "
                        "(forvaltningsloven § 8)."
                    ),
                    N_("En bisidder skal ikke have en fuldmagt. Personen kan ikke handle for dig."),
                ),
            ),
            Section(
                N_("Med en fuldmagt"),
                paragraphs=(
                    N_("Med en fuldmagt kan en pårørende hjælpe dig i din sag."),
                    N_(
                        "Du vælger, hvad personen må. »Se« betyder, at personen kan se dit forløb, "
                        "dine tilbud og dine bekymringer. »Se og handle« betyder, at personen også "
                        "kan sende en bekymring for dig."
                    ),
                    N_("En fuldmagt har en slutdato. Du kan altid trække den tilbage."),
                ),
            ),
            Section(
                N_("Sådan giver du en fuldmagt"),
                paragraphs=(
                    N_(
                        "I portalen: Log ind, og vælg »Fuldmagter«. Skriv personens CPR-nummer og "
                        "navn. Vælg, hvad personen må, og hvornår fuldmagten slutter."
                    ),
                    N_(
                        "Med Digital Fuldmagt: Er du over 15 år, kan du give en digital fuldmagt "
                        "med MitID på borger.dk. Den virker også her."
                    ),
                    N_(
                        "Din pårørende logger ind med sit eget MitID. Så kan personen vælge at "
                        "handle for dig. Alt, hvad personen gør, står med personens navn. Du og "
                        "din sagsbehandler kan se det."
                    ),
                ),
            ),
        ),
        sources=(FVL, FULDMAGT),
        related=("sagsrettigheder",),
    ),
    RulesPage(
        slug="aendringer-2026",
        title=N_("Ændringer i 2026"),
        summary=(
            N_(
                "Kommunen starter ikke nye ressourceforløb fra 1. februar 2026. Er dit forløb "
                "startet før, kan det fortsætte."
            ),
        ),
        sections=(
            Section(
                N_("Det ved vi"),
                items=(
                    N_("Fra 1. februar 2026 starter der ikke nye forløb."),
                    N_("Forløb, som er startet før, kan gøres færdige."),
                    N_("Før et forløb skulle et team se på din sag. Det krav er fjernet i 2026."),
                    N_("Vi venter en ny lov om job og ledighed fra 1. januar 2027."),
                ),
            ),
            Section(
                N_("Det er ikke afklaret endnu"),
                paragraphs=(
                    N_(
                        "Vi ved ikke helt, om alle regler i dit forløb bliver ved med at gælde. Det "
                        "gælder også retten til en samtale om dit helbred. Spørg din sagsbehandler."
                    ),
                    N_(
                        "Vi ved ikke, hvad den nye lov fra 2027 siger om forløb, som stadig kører. "
                        "Vi retter siden, når vi ved mere."
                    ),
                    N_("Vi har tjekket reglerne den 1. december 2026."),
                ),
            ),
            Section(
                N_("To regioner bliver til én i 2027"),
                paragraphs=(
                    N_(
                        "Fra 1. januar 2027 bliver Region Hovedstaden og Region Sjælland til Region "
                        "Østdanmark. Sundhedskoordinatoren kommer fra regionens kliniske funktion."
                    ),
                ),
                applies_until=date(2026, 12, 31),
            ),
            Section(
                N_("Region Østdanmark"),
                paragraphs=(
                    N_(
                        "Region Hovedstaden og Region Sjælland er nu Region Østdanmark. Bor du der, "
                        "kommer sundhedskoordinatoren fra Region Østdanmark."
                    ),
                ),
                applies_from=date(2027, 1, 1),
            ),
        ),
        sources=(REFORM, STAR_RF, REGIONS_2027),
        in_force_from=date(2026, 2, 1),
        related=("ressourceforloeb",),
    ),
)

GLOSSARY: tuple[tuple[str, str], ...] = (
    (N_("ressourceforløb"), N_("Et forløb i kommunen, som skal hjælpe dig tættere på et job.")),
    (N_("tilbud"), N_("Noget, kommunen har aftalt med dig. Fx en praktik eller en mentor.")),
    (
        N_("beskæftigelsesrettet tilbud"),
        N_("Et tilbud, som skal hjælpe dig i arbejde. Fx en praktik."),
    ),
    (N_("bekymring"), N_("Når du siger, at et tilbud ikke passer til dit helbred.")),
    (N_("samtale med sundhedskoordinator"), N_("Et møde om dit helbred og dit tilbud.")),
    (N_("sundhedskoordinator"), N_("Som regel en læge fra regionen, som giver kommunen råd.")),
    (N_("koordinerende sagsbehandler"), N_("Din sagsbehandler, som følger dig i hele forløbet.")),
    (N_("pårørende"), N_("En person tæt på dig. Fx et familiemedlem.")),
    (N_("fuldmagt"), N_("Når du giver en anden lov til at handle for dig.")),
    (N_("bisidder"), N_("En person, som går med dig til møder.")),
    (N_("sat i bero"), N_("Tilbuddet venter, til kommunen har besluttet, hvad der skal ske.")),
    (N_("tilpasning af tilbud"), N_("Når kommunen ændrer et tilbud, så det passer bedre til dig.")),
    (N_("afgørelse"), N_("Når kommunen beslutter noget i din sag.")),
    (N_("klagefrist"), N_("Den tid, du har til at klage. Her er det 4 uger.")),
    (N_("aktindsigt"), N_("Når du ser papirerne i din sag.")),
    (N_("skånehensyn"), N_("Det, I har aftalt om dit helbred. Fx ingen tunge løft.")),
    (N_("klinisk funktion"), N_("Den del af regionen, som sundhedskoordinatoren kommer fra.")),
)

# Short help shown where a word is needed (a <details> "Hvad betyder det?"), linked to a page.
HELP: dict[str, tuple[str, str]] = {
    "skaanehensyn": (
        C_(
            "Et tilbud skal altid passe til dit helbred. Det står i loven. Det, I har aftalt om "
            "dit helbred, hedder skånehensyn. Det kan fx være, at du ikke må løfte tungt. Eller "
            "at du må holde pauser."
        ),
        "helbred",
    ),
    "sundhedskoordinator": (
        C_(
            "Det er som regel en læge fra regionen. Hun eller han giver råd om dit helbred. Men "
            "det er kommunen, der bestemmer."
        ),
        "sundhedskoordinator",
    ),
    "sat_i_bero": (
        C_(
            "Sat i bero betyder, at tilbuddet venter. Du skal ikke møde op, før kommunen har "
            "besluttet, hvad der skal ske."
        ),
        "sundhedskoordinator",
    ),
}

BY_SLUG = {page.slug: page for page in PAGES}
