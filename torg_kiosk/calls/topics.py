"""What a visitor can ask about: the fixed list of topic ids, their names and icons.

The id goes into the call request (docs/uploads.md: "an id from the kiosk's fixed list");
the name is a msgid, translated like every text on the screen; the icon names a drawing in
``torg_kiosk.ui.icons``. ``calls.toml`` picks which topics a kommune offers, in what order.
"""

from __future__ import annotations

from dataclasses import dataclass

from torg_kiosk.domain.i18n import N_


@dataclass(frozen=True)
class Topic:
    id: str
    msgid: str
    icon: str


TOPICS: tuple[Topic, ...] = (
    Topic("building", N_("Byggesak og eiendom"), "house"),
    Topic("health", N_("Helse og omsorg"), "heart"),
    Topic("school", N_("Barnehage og skole"), "school"),
    Topic("tax", N_("Skatt og avgifter"), "receipt"),
    Topic("money-housing", N_("Økonomi og bolig"), "coins"),
    Topic("nav", N_("NAV"), "briefcase"),
    Topic("other", N_("Noe annet"), "question"),
)
BY_ID = {topic.id: topic for topic in TOPICS}
