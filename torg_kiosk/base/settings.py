"""Deployment and site configuration: ``config/kiosk.toml`` and ``config/sites/<id>.toml``.

``kiosk.toml`` says which torg this machine stands in and how it behaves; each site file
describes one torg (name, character, opening hours, services, theme, extra calendars).
Loading validates everything up front, so a typo stops the kiosk at start-up with a
:class:`ConfigError` naming the file and key, instead of surfacing later on the screen.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from torg_kiosk.base.clock import OSLO
from torg_kiosk.base.colour import MINIMUM_CONTRAST, contrast_ratio
from torg_kiosk.base.languages import CODES as LANGUAGE_CODES
from torg_kiosk.base.languages import DEFAULT as DEFAULT_LANGUAGE
from torg_kiosk.base.languages import pick_text
from torg_kiosk.base.resources import asset, bundled_config_dir
from torg_kiosk.base.schema import feed_categories
from torg_kiosk.base.toml_config import (
    WEEKDAYS,
    ConfigError,
    DayRanges,
    Section,
    display_path,
    read_toml,
)

__all__ = [
    "MIN_TIMEOUT_SECONDS",
    "MIN_WARNING_SECONDS",
    "WEEKDAYS",
    "CalendarSource",
    "ConfigError",
    "FeedConfig",
    "IdleConfig",
    "Innbyggerservice",
    "KioskConfig",
    "LocalText",
    "OpeningHours",
    "PanelConfig",
    "Room",
    "Service",
    "SiteConfig",
    "Theme",
    "config_dir",
    "demo_feed_path",
    "kiosk_config_path",
    "load_all_sites",
    "load_kiosk_config",
    "load_site",
    "site_ids",
]

#: Where a deployment keeps its configuration (the install writes it).
SYSTEM_CONFIG_DIR = Path("/etc/torg-kiosk")
CONFIG_ENV = "TORG_KIOSK_CONFIG"
DATA_ENV = "TORG_KIOSK_DATA"

#: WCAG 2.2.1 (timing adjustable) asks for at least 20 seconds to react to a warning.
MIN_WARNING_SECONDS = 20
#: Shorter than this and a slow reader is warned while still reading the first screen.
MIN_TIMEOUT_SECONDS = 30
MAX_TIMEOUT_SECONDS = 3600

SITE_ID_PATTERN = r"[a-z0-9][a-z0-9-]{0,63}"
SERVICE_KINDS = (
    "library",
    "cafe",
    "health-station",
    "senior-centre",
    "volunteer-centre",
    "youth-club",
    "community-centre",
    "culture-house",
    "other",
)
#: The band at the top of each screen: one picture per torg (drawn in torg_kiosk.ui.identity),
#: then the older abstract patterns.
PATTERNS = (
    *("fjord-library", "hills-senior-centre", "cafe", "railway", "cement-works", "harbour"),
    *("beach", "town-square"),
    *("waves", "fjord", "leaves", "dots", "stripes", "hills", "boats", "grid"),
)
CALENDAR_KINDS = ("ical", "feed")
KIOSK_KEYS = (
    *("site", "data_dir", "language", "sync_interval_minutes", "sync_jitter_seconds"),
    *("busy_timeout_seconds", "feed", "panel", "idle", "staff"),
)
#: How long a write waits for another program's lock on the database (kiosk.toml's
#: ``busy_timeout_seconds``; the store's own default is the same).
DEFAULT_BUSY_TIMEOUT_SECONDS = 10
SITE_KEYS = (
    *("id", "name", "character", "address", "timezone", "opening_hours"),
    *("innbyggerservice", "services", "theme", "calendars", "rooms"),
)
ROOM_KEYS = (
    *("id", "name", "capacity", "equipment", "accessibility", "booking_url"),
    *("calendar_url", "calendar_path"),
)
#: Foreground/background pairs of a theme that must be readable, as attribute names.
THEME_TEXT_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("muted_text", "background"),
    ("muted_text", "surface"),
    ("accent_text", "accent"),
    ("cancelled", "background"),
    ("cancelled", "surface"),
)


@dataclass(frozen=True)
class LocalText:
    """Text in several languages; Norwegian bokmål (``nb``) is always present."""

    texts: tuple[tuple[str, str], ...]

    def get(self, language: str) -> str:
        """The text in ``language``, else by :func:`~torg_kiosk.base.languages.fallback_order`
        (the same rule as feed text)."""
        return self.shown(language)[0]

    def shown(self, language: str) -> tuple[str, str]:
        """``(text, the language it is in)``, by the same rule as :meth:`get`."""
        return pick_text(dict(self.texts), language)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.texts)


@dataclass(frozen=True)
class OpeningHours:
    """Weekly hours in local wall time: ``days[0]`` is Monday, each a tuple of (start, end)."""

    days: tuple[DayRanges, ...]
    timezone: ZoneInfo = OSLO

    def on(self, day: date) -> DayRanges:
        """The ranges for a local calendar day; empty when closed."""
        return self.days[day.weekday()]

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` (timezone-aware) falls inside a range; an end time is exclusive."""
        if at.tzinfo is None:
            raise ValueError(f"naive datetime {at!r}: pass a timezone-aware one")
        local = at.astimezone(self.timezone)
        now = local.time().replace(tzinfo=None)
        return any(start <= now < end for start, end in self.on(local.date()))

    def by_weekday(self) -> dict[str, DayRanges]:
        """``{"mon": ((09:00, 16:00),), …}`` for showing the week."""
        return dict(zip(WEEKDAYS, self.days, strict=True))


@dataclass(frozen=True)
class Service:
    """A service sharing the building (library, café, …) with its own hours."""

    kind: str
    name: LocalText
    opening_hours: OpeningHours


@dataclass(frozen=True)
class Innbyggerservice:
    """The kommune's desk at the torg: how to reach it and when staff are in."""

    phone: str
    booking_url: str
    staffed_hours: OpeningHours


@dataclass(frozen=True)
class Theme:
    """Colours as ``#rrggbb``; every pair in :data:`THEME_TEXT_PAIRS` reaches 4.5:1."""

    background: str
    surface: str
    text: str
    muted_text: str
    accent: str
    accent_text: str
    cancelled: str
    pattern: str
    greeting: LocalText


@dataclass(frozen=True)
class CalendarSource:
    """An extra schedule source for one torg, besides the central feed.

    Exactly one of ``url`` and ``path`` is set; ``path`` is resolved against the config
    directory (so a deployment keeps its local calendars next to its site files).
    """

    id: str
    kind: str
    default_category: str
    url: str | None = None
    path: Path | None = None


@dataclass(frozen=True)
class Room:
    """A room a visitor may book for an activity of their own (*Lag noe selv*).

    ``calendar`` is the room's booking calendar (iCalendar: when it is taken); ``None``:
    the screen says to ask at the desk. ``booking_url`` is where to book it.
    """

    id: str
    name: LocalText
    capacity: int
    equipment: LocalText
    accessibility: LocalText
    booking_url: str | None = None
    calendar: CalendarSource | None = None

    def schedule_site(self, site_id: str) -> str:
        """The site id its bookings are stored under: apart from the torg's programme."""
        return f"{site_id}--room-{self.id}"


@dataclass(frozen=True)
class SiteConfig:
    id: str
    name: str
    character: LocalText
    address: str
    timezone: ZoneInfo
    opening_hours: OpeningHours
    innbyggerservice: Innbyggerservice
    services: tuple[Service, ...]
    theme: Theme
    calendars: tuple[CalendarSource, ...]
    rooms: tuple[Room, ...] = ()


@dataclass(frozen=True)
class PanelConfig:
    """The physical screen, so touch targets can be sized in millimetres."""

    width_mm: float
    height_mm: float
    width_px: int
    height_px: int

    @property
    def px_per_mm(self) -> float:
        """Pixel density from the configured physical size, never the DPI the system reports.

        If the pixels are not square the denser axis wins, so a size in pixels computed from
        it covers at least the millimetres asked for in both directions.
        """
        return max(self.width_px / self.width_mm, self.height_px / self.height_mm)

    def mm_to_px(self, millimetres: float) -> int:
        """Whole pixels covering at least ``millimetres`` on this panel (rounded up)."""
        # Round away float noise first, so exactly 42.000000001 px does not become 43.
        return math.ceil(round(millimetres * self.px_per_mm, 6))


@dataclass(frozen=True)
class FeedConfig:
    url: str
    central_url: str

    @property
    def uses_demo(self) -> bool:
        """No feed URL configured: show the embedded demo feed instead."""
        return self.url == ""

    @property
    def uploads_enabled(self) -> bool:
        return self.central_url != ""


@dataclass(frozen=True)
class IdleConfig:
    """The privacy timer: ``timeout_seconds`` without a touch, then a warning that lasts
    ``warning_seconds`` (see :data:`MIN_TIMEOUT_SECONDS`, :data:`MIN_WARNING_SECONDS`)."""

    timeout_seconds: int
    warning_seconds: int
    #: The command that plays the warning tone, given the file's path last (``aplay -q``);
    #: empty: Kivy's own audio.
    tone_player: str = ""


@dataclass(frozen=True)
class StaffConfig:
    """Staff mode and check-in (``[staff]``, optional). Without a ``pin_hash`` staff mode
    cannot be opened: the kiosk says how to set one (``torg-tickets pin-hash``)."""

    pin_hash: str = ""
    #: Staff mode ends after this long without a touch or a scan.
    idle_seconds: int = 120
    #: This machine's name in uploads; empty: "<site>-kiosk".
    kiosk_id: str = ""
    #: The kiosk's own ticket key (walk-in sign-up); relative paths are in the data folder.
    ticket_key_file: str = "ticket-key.pem"


@dataclass(frozen=True)
class KioskConfig:
    site: str
    data_dir: Path
    language: str
    sync_interval_minutes: int
    sync_jitter_seconds: int
    feed: FeedConfig
    panel: PanelConfig
    idle: IdleConfig
    #: The folder ``kiosk.toml`` was read from: its ``sites/`` are the torg this kiosk knows.
    config_dir: Path
    #: How long a database write waits for another program's lock before the sync gives up
    #: for this round (and tries again soon).
    busy_timeout_seconds: int = DEFAULT_BUSY_TIMEOUT_SECONDS
    staff: StaffConfig = StaffConfig()

    @property
    def kiosk_id(self) -> str:
        """This machine's name in every upload (check-ins, heartbeats, pictures): ``[staff]
        kiosk_id``, else ``<site>-kiosk``."""
        return self.staff.kiosk_id or f"{self.site}-kiosk"


def config_dir(*, system_dir: Path | None = None) -> Path:
    """The folder with ``kiosk.toml`` and ``sites/``, when no ``--config`` names a file.

    ``$TORG_KIOSK_CONFIG`` if set, else ``/etc/torg-kiosk/`` (``system_dir``, for tests) if it
    holds a ``kiosk.toml``, else the defaults bundled with the program.
    """
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    system_dir = system_dir if system_dir is not None else SYSTEM_CONFIG_DIR
    if (system_dir / "kiosk.toml").is_file():
        return system_dir
    return bundled_config_dir()


def kiosk_config_path(given: Path | None = None, *, system_dir: Path | None = None) -> Path:
    """The ``kiosk.toml`` to read: ``given`` (``--config``), else the one in :func:`config_dir`."""
    return given if given is not None else config_dir(system_dir=system_dir) / "kiosk.toml"


def demo_feed_path() -> Path:
    """The embedded demo feed shown when ``feed.url`` is empty."""
    return asset("demo", "feed.json")


def site_ids(config_dir: Path | None = None) -> list[str]:
    """Ids of the torg that have a file in ``<config>/sites``, sorted."""
    sites = _sites_dir(config_dir)
    return sorted(path.stem for path in sites.glob("*.toml"))


def load_kiosk_config(path: Path | None = None) -> KioskConfig:
    """Read ``kiosk.toml`` (default: :func:`kiosk_config_path`) and check its site exists.

    The site files are read from the same folder: pass :attr:`KioskConfig.config_dir` to
    :func:`load_site`.
    """
    path = kiosk_config_path(path)
    root = Section(read_toml(path), display_path(path))
    root.only(KIOSK_KEYS)
    site = root.string("site", pattern=SITE_ID_PATTERN)
    known = site_ids(path.parent)
    if site not in known:
        sites = display_path(_sites_dir(path.parent))
        raise root.error("site", site, f"one of the torg in {sites}: " + ", ".join(known))

    data_dir = Path(os.environ.get(DATA_ENV) or root.string("data_dir"))
    feed = root.table("feed")
    feed.only(("url", "central_url"))
    panel = root.table("panel")
    panel.only(("width_mm", "height_mm", "width_px", "height_px"))
    idle = root.table("idle")
    idle.only(("timeout_seconds", "warning_seconds", "tone_player"))
    timeout = idle.integer("timeout_seconds", MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS)
    staff = _staff_from(root.table("staff")) if "staff" in root.data else StaffConfig()
    return KioskConfig(
        site=site,
        data_dir=data_dir.absolute(),
        language=root.choice("language", LANGUAGE_CODES, DEFAULT_LANGUAGE),
        sync_interval_minutes=root.integer("sync_interval_minutes", 1, 24 * 60),
        sync_jitter_seconds=root.integer("sync_jitter_seconds", 0, 3600, 0),
        busy_timeout_seconds=root.integer(
            "busy_timeout_seconds", 1, 300, DEFAULT_BUSY_TIMEOUT_SECONDS
        ),
        feed=FeedConfig(
            url=feed.url("url", allow_empty=True),
            central_url=feed.url("central_url", allow_empty=True),
        ),
        panel=PanelConfig(
            width_mm=panel.number("width_mm", 50, 5000),
            height_mm=panel.number("height_mm", 50, 5000),
            width_px=panel.integer("width_px", 320, 16384),
            height_px=panel.integer("height_px", 240, 16384),
        ),
        idle=IdleConfig(
            timeout_seconds=timeout,
            warning_seconds=idle.integer("warning_seconds", MIN_WARNING_SECONDS, timeout - 1),
            tone_player=idle.string("tone_player", ""),
        ),
        config_dir=path.parent,
        staff=staff,
    )


def _staff_from(table: Section) -> StaffConfig:
    table.only(("pin_hash", "idle_seconds", "kiosk_id", "ticket_key_file"))
    pin_hash = table.string("pin_hash", "")
    if pin_hash and not pin_hash.startswith("scrypt$"):
        raise table.error("pin_hash", pin_hash, "a line made by `torg-tickets pin-hash`")
    return StaffConfig(
        pin_hash=pin_hash,
        idle_seconds=table.integer("idle_seconds", 20, 3600, 120),
        kiosk_id=table.string("kiosk_id", "", pattern=r"[A-Za-z0-9._-]{0,64}"),
        ticket_key_file=table.string("ticket_key_file", "ticket-key.pem"),
    )


def load_site(site_id: str, config_dir: Path | None = None) -> SiteConfig:
    """Read and validate ``<config>/sites/<site_id>.toml``."""
    sites = _sites_dir(config_dir)
    path = sites / f"{site_id}.toml"
    known = site_ids(config_dir)
    if site_id not in known:
        raise ConfigError(
            f"There is no torg called {site_id!r}: {display_path(path)} does not exist. "
            f"Known torg: {', '.join(known) or 'none'}. Check the site id or add the file."
        )
    root = Section(read_toml(path), display_path(path))
    return _site_from(root, site_id, path.parents[1])


def load_all_sites(config_dir: Path | None = None) -> dict[str, SiteConfig]:
    """Every torg in ``<config>/sites``, by id; the first bad file raises."""
    return {site_id: load_site(site_id, config_dir) for site_id in site_ids(config_dir)}


def _sites_dir(directory: Path | None) -> Path:
    return (directory if directory is not None else config_dir()) / "sites"


def _site_from(root: Section, site_id: str, directory: Path) -> SiteConfig:
    root.only(SITE_KEYS)
    found_id = root.string("id")
    if found_id != site_id:
        raise root.error("id", found_id, f"{site_id!r}, the same as the file name")
    zone = root.timezone("timezone")
    return SiteConfig(
        id=site_id,
        name=root.string("name"),
        character=_site_text(root, "character"),
        address=root.string("address"),
        timezone=zone,
        opening_hours=OpeningHours(root.weekly_hours("opening_hours"), zone),
        innbyggerservice=_innbyggerservice_from(root.table("innbyggerservice"), zone),
        services=tuple(_service_from(table, zone) for table in root.tables("services")),
        theme=_theme_from(root.table("theme")),
        calendars=_calendars_from(root.tables("calendars"), directory),
        rooms=tuple(_room_from(table, site_id, directory) for table in root.tables("rooms")),
    )


def _room_from(table: Section, site_id: str, directory: Path) -> Room:
    table.only(ROOM_KEYS)
    room_id = table.string("id", pattern=SITE_ID_PATTERN)
    calendar = None
    if "calendar_url" in table.data or "calendar_path" in table.data:
        path = table.string("calendar_path") if "calendar_path" in table.data else None
        calendar = CalendarSource(
            id=f"room-{site_id}-{room_id}",
            kind="ical",
            default_category="other",
            url=table.url("calendar_url") if "calendar_url" in table.data else None,
            path=(directory / path) if path is not None else None,
        )
    return Room(
        id=room_id,
        name=LocalText(table.local_text("name")),
        capacity=table.integer("capacity", 1, 10000),
        equipment=LocalText(table.local_text("equipment")),
        accessibility=LocalText(table.local_text("accessibility")),
        booking_url=table.url("booking_url") if "booking_url" in table.data else None,
        calendar=calendar,
    )


def _innbyggerservice_from(table: Section, zone: ZoneInfo) -> Innbyggerservice:
    table.only(("phone", "booking_url", "staffed_hours"))
    return Innbyggerservice(
        phone=table.string("phone", pattern=r"\+?[0-9][0-9 ]{5,18}[0-9]"),
        booking_url=table.url("booking_url"),
        staffed_hours=OpeningHours(table.weekly_hours("staffed_hours"), zone),
    )


def _service_from(table: Section, zone: ZoneInfo) -> Service:
    table.only(("kind", "name", "opening_hours"))
    return Service(
        kind=table.choice("kind", SERVICE_KINDS),
        name=_site_text(table, "name"),
        opening_hours=OpeningHours(table.weekly_hours("opening_hours"), zone),
    )


def _theme_from(table: Section) -> Theme:
    colours = ("background", "surface", "text", "muted_text", "accent", "accent_text", "cancelled")
    table.only((*colours, "pattern", "greeting"))
    values = {name: table.colour(name) for name in colours}
    for foreground, background in THEME_TEXT_PAIRS:
        ratio = contrast_ratio(values[foreground], values[background])
        if ratio < MINIMUM_CONTRAST:
            raise table.error(
                foreground,
                values[foreground],
                f"a colour with at least {MINIMUM_CONTRAST}:1 contrast on "
                f"{table.key(background)} {values[background]!r} (it has {ratio:.2f}:1)",
            )
    return Theme(
        **values,
        pattern=table.choice("pattern", PATTERNS),
        greeting=_site_text(table, "greeting"),
    )


def _site_text(section: Section, name: str) -> LocalText:
    """A text the screen shows (greeting, character, a service's name) in every language of
    the screen: a torg's own words never fall back, so a missing one is a config error."""
    texts = section.local_text(name)
    missing = [code for code in LANGUAGE_CODES if code not in dict(texts)]
    if missing:
        raise ConfigError(
            f"{section.file}: {section.key(name)} has no text in {', '.join(missing)}. "
            f"The screen shows it in every language ({', '.join(LANGUAGE_CODES)}): "
            "add a translation for each."
        )
    return LocalText(texts)


def _calendars_from(tables: list[Section], directory: Path) -> tuple[CalendarSource, ...]:
    calendars: list[CalendarSource] = []
    for table in tables:
        table.only(("id", "kind", "url", "path", "default_category"))
        calendar_id = table.string("id", pattern=r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
        if calendar_id in {calendar.id for calendar in calendars}:
            raise table.error("id", calendar_id, "an id no other calendar of this torg uses")
        given = [name for name in ("url", "path") if name in table.data]
        if len(given) != 1:
            found = " and ".join(given) or "neither"
            raise ConfigError(
                f"{table.file}: {table.path} has {found} of url/path, expected exactly one of "
                "url (a web address) or path (a file relative to the config directory)."
            )
        path = table.string("path") if "path" in table.data else None
        calendars.append(
            CalendarSource(
                id=calendar_id,
                kind=table.choice("kind", CALENDAR_KINDS),
                default_category=table.choice("default_category", feed_categories()),
                url=table.url("url") if "url" in table.data else None,
                path=(directory / path) if path is not None else None,
            )
        )
    return tuple(calendars)
