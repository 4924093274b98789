"""What the screen says about a call: the visitor's words for each state and fallback."""

from __future__ import annotations

from torg_kiosk.calls.desk import CallStanding
from torg_kiosk.calls.session import NO_BROWSER, NOBODY_ANSWERED, UNREACHABLE
from torg_kiosk.domain.i18n import N_, tr

#: Why the booking is offered instead of a call, as the contact screen says it.
FALLBACK_NOTICES = {
    "outside_hours": N_("Ingen saksbehandler kan svare på video akkurat nå."),
    UNREACHABLE: N_("Vi får ikke kontakt med kommunen akkurat nå."),
    NO_BROWSER: N_("Videosamtalen kunne ikke starte på denne skjermen."),
    NOBODY_ANSWERED: N_("Ingen saksbehandler rakk å svare denne gangen."),
}


def connecting_text(language: str) -> str:
    return tr(N_("Kobler deg til …"), language)


def standing_text(standing: CallStanding | None, language: str) -> tuple[str, str]:
    """(the big line, the small line) for how the request stands now."""
    if standing is None or (standing.state != "taken" and standing.position is None):
        return connecting_text(language), tr(N_("Vent litt, vi sier fra til kommunen."), language)
    if standing.state == "taken":
        return tr(N_("En saksbehandler kommer"), language), tr(
            N_("Du ser saksbehandleren om et øyeblikk."), language
        )
    headline = tr(N_("Du er nummer {position} i køen"), language, position=standing.position)
    if standing.estimate_minutes:
        minutes = standing.estimate_minutes
        return headline, tr(N_("Omtrent {minutes} min å vente"), language, minutes=minutes)
    return headline, ""


def fallback_notice(reason: str, language: str) -> str:
    msgid = FALLBACK_NOTICES.get(reason)
    return tr(msgid, language) if msgid else ""
