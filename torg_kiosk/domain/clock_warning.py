"""The clock warning staff see in staff mode, in plain words, in the screen's language.

:mod:`torg_kiosk.base.clock_trust` gives a code and a reason written for whoever fixes the
machine (NTP, ``timedatectl``). Staff at the door need something else: that the check-in
times on this screen may be wrong, and whom to tell. One sentence per kind of trouble; none
when the clock is trusted.
"""

from __future__ import annotations

from torg_kiosk.base.clock_trust import (
    BEFORE_RELEASE,
    BEHIND_CHECKIN,
    BEHIND_LAST_SYNC,
    JUMPED,
    ClockTrust,
)
from torg_kiosk.domain.i18n import N_, tr

_WRONG = N_("Klokka på denne skjermen er feil. Innsjekkinger får feil tid. Si fra til IT-støtte.")
_BACKWARDS = N_(
    "Klokka på denne skjermen har gått bakover. Innsjekkinger kan få feil tid. "
    "Si fra til IT-støtte."
)
_JUMPED = N_(
    "Klokka på denne skjermen hoppet nettopp. Innsjekkinger like før kan ha feil tid. "
    "Si fra til IT-støtte hvis det skjer igjen."
)

WARNINGS = {
    BEFORE_RELEASE: _WRONG,
    BEHIND_CHECKIN: _BACKWARDS,
    BEHIND_LAST_SYNC: _BACKWARDS,
    JUMPED: _JUMPED,
}


def clock_warning(trust: ClockTrust | None, language: str) -> str:
    """The warning for staff in ``language``; "" when the clock is trusted or not known yet."""
    if trust is None or trust.trusted:
        return ""
    return tr(WARNINGS.get(trust.code, _WRONG), language)
