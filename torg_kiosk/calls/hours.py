"""Whether a caseworker can answer a call now: the caseworker hours under the house rule.

The hours are ``calls.toml``'s (``[hours.week]``, per torg ``[hours.sites.<id>]``); the
rule is :mod:`torg_kiosk.domain.opening_hours`'s, the same as for every hour the screen
states: closed on Norwegian public holidays and the eves the kommune closes, and on a feed
closure's dates for the torg or for the service :data:`CASEWORKERS` (so the central feed can
close the calls for a day: ``"services": ["caseworkers"]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from torg_kiosk.calls.config import CallsConfig
from torg_kiosk.domain.opening_hours import Closure, HoursState, Open, hours_state

#: The service key the feed's closures use for the video calls.
CASEWORKERS = "caseworkers"


def caseworker_hours_state(
    config: CallsConfig, site_id: str, now: datetime, closures: Iterable[Closure] = ()
) -> HoursState:
    return hours_state(
        config.hours_for(site_id), now, closures, site_id=site_id, service=CASEWORKERS
    )


def can_call_now(
    config: CallsConfig, site_id: str, now: datetime, closures: Iterable[Closure] = ()
) -> bool:
    """True when the calls are on and a caseworker is on duty at ``now``."""
    if not config.enabled:
        return False
    return isinstance(caseworker_hours_state(config, site_id, now, closures), Open)
