"""Which sources one kiosk syncs: the central feed (or the demo feed) plus its torg's calendars."""

from __future__ import annotations

from torg_kiosk.base.settings import KioskConfig, SiteConfig, demo_feed_path
from torg_kiosk.sync.pipeline import Source

CENTRAL = "central"
DEMO = "demo"


def sources_for(kiosk: KioskConfig, sites: list[SiteConfig]) -> list[Source]:
    """The central feed first, then each site's own calendars, in config order."""
    if kiosk.feed.uses_demo:
        central = Source(DEMO, "feed", str(demo_feed_path()))
    else:
        kind = "ical" if kiosk.feed.url.split("?", 1)[0].endswith(".ics") else "feed"
        central = Source(CENTRAL, kind, kiosk.feed.url, site=kiosk.site)
    sources = [central]
    for site in sites:
        for calendar in site.calendars:
            sources.append(
                Source(
                    id=calendar.id,
                    kind=calendar.kind,
                    location=calendar.url or str(calendar.path),
                    site=site.id,
                    default_category=calendar.default_category,
                )
            )
        for room in site.rooms:
            if room.calendar is not None:
                sources.append(
                    Source(
                        id=room.calendar.id,
                        kind="ical",
                        location=room.calendar.url or str(room.calendar.path),
                        site=room.schedule_site(site.id),
                    )
                )
    return sources
