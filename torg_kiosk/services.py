"""The composition root: the one place that builds the kiosk's services and hands them on.

``torg-kiosk`` (``torg_kiosk.__main__``) reads its command line, then calls
:func:`kiosk_config` (no Kivy yet, so a bad config ends in one line), :func:`build_services`
and :func:`build_app`. The app is handed a :class:`KioskServices` and builds none of them;
a test hands in its own.

Start-up is paid for here, so this builds only what the first frame needs: nothing in this
module opens a network connection, starts a process or imports the sync pipeline. The
schedule is opened when the database exists, the sync modules are imported on the sync's
own thread (:func:`torg_kiosk.sync.loop.make_sync_once`), the speaker looks for its voices on
the first "Les opp", and the app builds every screen but Home after the first frame.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from torg_kiosk.base.clock import make_clock
from torg_kiosk.base.health_board import HealthBoard
from torg_kiosk.base.sd_notify import Notifier
from torg_kiosk.base.settings import KioskConfig, SiteConfig, load_kiosk_config, load_site
from torg_kiosk.calls.config import CALLS_FILE, CallsConfig, load_calls_config
from torg_kiosk.checkin_wiring import CheckinServices
from torg_kiosk.domain.speech import Speaker
from torg_kiosk.kiosk_args import KioskArgs
from torg_kiosk.store.reader import ScheduleReader
from torg_kiosk.store.schedule import Schedule
from torg_kiosk.sync.heartbeat_loop import HeartbeatLoop
from torg_kiosk.sync.loop import SyncLoop, database_path, make_sync_once

if TYPE_CHECKING:
    from torg_kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ScheduleOpener = Callable[[], Schedule | None]


@dataclass(frozen=True)
class KioskServices:
    """Everything the screen uses that is not the screen itself.

    ``open_schedule`` gives the read side, or None while the first sync has not yet created
    the database or it cannot be read (the app asks again after each sync); a
    :class:`~torg_kiosk.store.reader.ScheduleReader` also says why (``problem``) and drops a
    schedule the screen could not read (``forget``). ``sync`` is the kiosk's one sync loop,
    not started: the app starts it, on its own thread, once the first frame is drawn.
    """

    config: KioskConfig
    site: SiteConfig
    clock: Clock
    open_schedule: ScheduleOpener
    sync: SyncLoop
    speaker: Speaker
    #: The video calls (calls.toml); None when this deployment has no calls.toml.
    calls: CallsConfig | None = None
    #: Staff check-in (outbox, desk, uploads); None: this kiosk has no staff mode.
    checkin: CheckinServices | None = None
    #: systemd's notify socket (READY, WATCHDOG, STATUS); does nothing outside systemd.
    notifier: Notifier = field(default_factory=lambda: Notifier(None))
    #: What the screen knows of its health, for the heartbeat.
    board: HealthBoard = field(default_factory=HealthBoard)
    #: Beats to the central side once started (after the first frame); None without one.
    heartbeat: HeartbeatLoop | None = None


def kiosk_config(args: KioskArgs) -> tuple[KioskConfig, SiteConfig]:
    """kiosk.toml with the command line's ``--site`` and ``--data``, and that site's config.

    Raises :class:`torg_kiosk.base.settings.ConfigError` with a sentence a person can act on.
    """
    config = load_kiosk_config(args.config)
    if args.site:
        config = replace(config, site=args.site)
    if args.data:
        config = replace(config, data_dir=args.data.absolute())
    site = load_site(config.site, config.config_dir)
    return config, site


def build_services(
    config: KioskConfig,
    site: SiteConfig,
    *,
    now: datetime | None = None,
    speaker: Speaker | None = None,
    calls: CallsConfig | object | None = ...,
) -> KioskServices:
    """The services of one kiosk; ``now`` pins the start of its clock (``--now``); ``calls``
    the video calls' config already read (else :func:`calls_config` reads it)."""
    clock = make_clock(now)
    board = HealthBoard()
    return KioskServices(
        config=config,
        site=site,
        clock=clock,
        open_schedule=schedule_opener(database_path(config), config.busy_timeout_seconds),
        sync=sync_loop(config, site, clock),
        speaker=speaker or Speaker(),
        calls=calls_config(config) if calls is ... else calls,
        checkin=CheckinServices(config, clock),
        notifier=Notifier.from_environment(),
        board=board,
        heartbeat=heartbeat_loop(config, board),
    )


def calls_config(config: KioskConfig) -> CallsConfig | None:
    """``calls.toml`` beside kiosk.toml; without one the kiosk offers the booking only.

    Reads a file and checks it, nothing more: the provider makes no connection until a
    visitor asks for a call.
    """
    if not (config.config_dir / CALLS_FILE).is_file():
        log.info("No %s in %s: video calls are off.", CALLS_FILE, config.config_dir)
        return None
    return load_calls_config(config.config_dir)


def heartbeat_loop(config: KioskConfig, board: HealthBoard) -> HeartbeatLoop | None:
    """The heartbeat to ``central_url`` every few minutes, or None when there is none."""
    if not config.feed.uploads_enabled:
        return None

    def make_heartbeat():
        from torg_kiosk.sync.heartbeat import Heartbeat

        return Heartbeat(
            central_url=config.feed.central_url,
            site=config.site,
            kiosk=config.kiosk_id,
            data_dir=config.data_dir,
            board=board,
        )

    return HeartbeatLoop(make_heartbeat)


def sync_loop(config: KioskConfig, site: SiteConfig, clock: Clock) -> SyncLoop:
    """The kiosk's sync loop for ``config``: every ``sync_interval_minutes``, with jitter."""
    return SyncLoop(
        make_sync_once(config, site, clock),
        interval_seconds=config.sync_interval_minutes * 60,
        jitter_seconds=config.sync_jitter_seconds,
    )


def schedule_opener(path: Path, busy_timeout: float = 10) -> ScheduleReader:
    """Opens the read side of the database at ``path`` once it holds a schedule, keeps it
    open while it is good, and opens it again after a rebuild (see ScheduleReader)."""
    return ScheduleReader(path, busy_timeout=busy_timeout)


def build_app(services: KioskServices, *, windowed: bool = False) -> KioskApp:
    """The screen, handed ``services``. Call after :func:`torg_kiosk.ui.bootstrap.configure_kivy`:
    this imports Kivy."""
    from torg_kiosk.ui.app import KioskApp

    return KioskApp(services=services, windowed=windowed)
