"""The words the portal shows for its codes: one term for one thing (docs/domain.md §9).

Offer kinds and statuses, concern statuses, the answers a citizen can choose, meeting forms,
decisions and fuldmagt scopes. Kept in one place so every page, form and export says the same
thing about the same code; the texts are Danish msgids, translated where they are shown.
"""

from __future__ import annotations

from portal.domain.danish import C_, N_

OFFER_KIND_NAMES = {
    "virksomhedspraktik": N_("Virksomhedspraktik"),
    "loentilskud": N_("Job med løntilskud"),
    "vejledning_opkvalificering": N_("Vejledning og opkvalificering"),
    "mentor": N_("Mentorstøtte"),
    "health_effort": N_("Sundhedsfaglig indsats"),
    "social_effort": N_("Social indsats"),
}

# The purpose of a work placement is "to develop the citizen, not to document what the citizen
# cannot do" (STAR's 2017 letter on ressourceforløb).
OFFER_KIND_EXPLANATIONS = {
    "virksomhedspraktik": C_(
        "Du er på en arbejdsplads i en periode. Målet er, at du udvikler "
        "dig. Det er ikke for at vise, hvad du ikke kan."
    ),
    "loentilskud": C_("Et job, hvor arbejdsgiveren får et tilskud til din løn fra kommunen."),
    "vejledning_opkvalificering": C_("Et kursus eller en uddannelse, hvor du lærer noget nyt."),
    "mentor": C_("En mentor er en person, som støtter dig. Fx når du starter et nyt sted."),
    "health_effort": C_("Hjælp til dit helbred. Fx behandling, fysioterapi eller psykolog."),
    "social_effort": C_("Hjælp til dit liv. Fx til bolig, økonomi eller hverdagen."),
}

OFFER_STATUS_NAMES = {
    "planned": N_("Skal starte"),
    "active": N_("I gang"),
    "on_hold": N_("Sat i bero"),
    "ended": N_("Slut"),
    "cancelled": N_("Aflyst"),
}

WEEKDAY_NAMES = {
    "MO": N_("mandag"),
    "TU": N_("tirsdag"),
    "WE": N_("onsdag"),
    "TH": N_("torsdag"),
    "FR": N_("fredag"),
    "SA": N_("lørdag"),
    "SU": N_("søndag"),
}

CONCERN_STATUS_NAMES = {
    "draft": N_("Kladde"),
    "submitted": N_("Sendt"),
    "acknowledged": N_("Modtaget"),
    "meeting_booked": N_("Møde aftalt"),
    "meeting_held": N_("Møde holdt"),
    "advice_given": N_("Råd givet"),
    "decided": N_("Kommunen har svaret"),
    "closed": N_("Afsluttet"),
    "withdrawn": N_("Trukket tilbage"),
}

# The choices of the concern form, by question. Answers are stored as these keys.
ANSWER_CHOICES = {
    "offer_started": {"yes": N_("Ja, det er startet"), "no": N_("Nej, ikke endnu")},
    "worries": {
        "physical": N_("Det er for hårdt for kroppen"),
        "hours": N_("Der er for mange timer"),
        "pain": C_("Jeg får ondt"),
        "fatigue": C_("Jeg bliver for træt"),
        "mental": N_("Det er for hårdt psykisk, fx angst eller stress"),
        "medicine": C_("Min medicin passer ikke med tilbuddet"),
        "transport": N_("Transporten er for svær"),
        "tasks": C_("Opgaverne eller stedet passer ikke til mig"),
        "other": N_("Andet"),
    },
    "doctor_knows": {"yes": N_("Ja"), "no": N_("Nej"), "unknown": N_("Ved ikke")},
    "helps": {
        "fewer_hours": N_("Færre timer"),
        "other_tasks": N_("Andre opgaver"),
        "later_start": N_("At starte senere"),
        "other_place": N_("Et andet sted"),
        "breaks": N_("Flere pauser"),
        "other": N_("Andet"),
    },
    "meeting_form": {
        "in_person": C_("Et møde, hvor vi ses"),
        "video": N_("Video"),
        "phone": N_("Telefon"),
    },
}

MEETING_FORMS = {
    "in_person": N_("Fremmøde"),
    "video": N_("Video"),
    "phone": N_("Telefon"),
}

DECISIONS = {
    "adapted": N_("Tilbuddet bliver ændret"),
    "kept": N_("Tilbuddet bliver som før"),
    "replaced": N_("Tilbuddet bliver skiftet ud med et andet"),
    "stopped": N_("Tilbuddet stopper"),
}

# How the decision reached the citizen (the complaint deadline runs from that day).
DELIVERY_CHANNELS = {
    "digital_post": N_("Digital Post"),
    "letter": N_("Brev med posten"),
    "handed_over": N_("Givet på et møde"),
}

# The weekdays an offer can be on, as the caseworker picks them when adapting it.
WORKING_WEEKDAYS = {code: WEEKDAY_NAMES[code] for code in ("MO", "TU", "WE", "TH", "FR")}

DELEGATION_SCOPE_NAMES = {"see": N_("Se"), "act": N_("Se og handle")}

# Who took part in the meeting with the sundhedskoordinator (BEK nr. 2409 § 3 names the first
# three; the citizen may bring a bisidder or have a relative or an interpreter there).
MEETING_PARTICIPANTS = {
    "citizen": N_("Borgeren"),
    "caseworker": N_("Den koordinerende sagsbehandler"),
    "coordinator": N_("Sundhedskoordinatoren"),
    "companion": N_("En bisidder"),
    "relative": N_("En pårørende med fuldmagt"),
    "interpreter": N_("En tolk"),
}

MEETING_NOT_HELD_REASONS = {
    "citizen_absent": N_("Borgeren kom ikke"),
    "cancelled_by_citizen": N_("Borgeren aflyste"),
    "cancelled_by_municipality": N_("Kommunen aflyste"),
    "coordinator_absent": N_("Sundhedskoordinatoren kunne ikke"),
    "other": N_("Andet"),
}
