"""Plain-Danish names and one-line explanations of offer kinds and statuses (domain.md §4, §9).

Kept in one place so that every page says the same thing about the same kind (one term, one
meaning); translated where they are shown.
"""

from __future__ import annotations

from portal.i18n import N_

KIND_NAMES = {
    "virksomhedspraktik": N_("Virksomhedspraktik"),
    "loentilskud": N_("Job med løntilskud"),
    "vejledning_opkvalificering": N_("Vejledning og opkvalificering"),
    "mentor": N_("Mentorstøtte"),
    "health_effort": N_("Sundhedsfaglig indsats"),
    "social_effort": N_("Social indsats"),
}

# The purpose of a work placement is "to develop the citizen, not to document what the citizen
# cannot do" (STAR's 2017 letter on ressourceforløb).
KIND_EXPLANATIONS = {
    "virksomhedspraktik": N_(
        "Du er på en arbejdsplads i en periode. Målet er, at du udvikler "
        "dig. Det er ikke for at vise, hvad du ikke kan."
    ),
    "loentilskud": N_("Et job, hvor arbejdsgiveren får et tilskud til din løn fra kommunen."),
    "vejledning_opkvalificering": N_("Et kursus eller en uddannelse, hvor du lærer noget nyt."),
    "mentor": N_("En mentor er en person, som støtter dig. Fx når du starter et nyt sted."),
    "health_effort": N_("Hjælp til dit helbred. Fx behandling, fysioterapi eller psykolog."),
    "social_effort": N_("Hjælp til dit liv. Fx til bolig, økonomi eller hverdagen."),
}

STATUS_NAMES = {
    "planned": N_("Planlagt"),
    "active": N_("I gang"),
    "on_hold": N_("Sat i bero"),
    "ended": N_("Afsluttet"),
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
