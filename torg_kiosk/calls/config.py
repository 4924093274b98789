"""``calls.toml``: how this kiosk makes video calls, read once at start-up.

The file sits next to ``kiosk.toml`` (the bundled default has a placeholder Jitsi server);
its keys are explained in the file itself. Everything is checked here, so a typo stops the
kiosk at start-up with a sentence naming the file and key.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from torg_kiosk.base.languages import CODES as LANGUAGE_CODES
from torg_kiosk.base.settings import OpeningHours
from torg_kiosk.base.toml_config import ConfigError, Section, display_path, read_toml
from torg_kiosk.calls.meeting import Provider
from torg_kiosk.calls.providers import ProviderContext, make_provider, provider_names
from torg_kiosk.calls.topics import BY_ID as TOPICS_BY_ID

CALLS_FILE = "calls.toml"
#: Debian's chromium reads managed policies from here (root-owned; the install writes it).
DEBIAN_POLICY_DIR = Path("/etc/chromium/policies/managed")
#: Placeholders a browser command may hold; each is one argument's text.
BROWSER_PLACEHOLDERS = ("url", "profile", "x", "y", "width", "height")
KEYS = (
    *("enabled", "provider", "topics", "max_call_minutes", "answer_seconds"),
    *("poll_seconds", "providers", "browser", "hours"),
)


@dataclass(frozen=True)
class BrowserConfig:
    """``command`` is an argv template (shell words, placeholders per word)."""

    command: tuple[str, ...]
    policy_dir: Path
    #: Under it each call gets a fresh profile folder, wiped when the call ends; "" is the
    #: kiosk's data folder.
    profile_root: Path | None
    #: A browser that exits within this many seconds did not start (a plain message and the
    #: fallback, not a silent return Home).
    failed_start_seconds: float = 3.0


@dataclass(frozen=True)
class CallsConfig:
    enabled: bool
    provider: Provider
    topics: tuple[str, ...]
    max_call_minutes: int
    #: The central side must have the request within this many seconds, or the visitor is
    #: shown the fallback (booking QR and phone).
    answer_seconds: float
    poll_seconds: float
    browser: BrowserConfig
    #: Caseworker hours: the default week, and per torg where it differs.
    hours: OpeningHours
    site_hours: Mapping[str, OpeningHours]

    def hours_for(self, site_id: str) -> OpeningHours:
        return self.site_hours.get(site_id, self.hours)


def load_calls_config(
    config_dir: Path, *, environ: Mapping[str, str] | None = None, context=None
) -> CallsConfig:
    """``<config_dir>/calls.toml``; a :class:`ConfigError` saying what is wrong."""
    path = config_dir / CALLS_FILE
    root = Section(read_toml(path), display_path(path))
    root.only(KEYS)
    name = root.choice("provider", provider_names())
    providers = root.table("providers")
    context = context or ProviderContext(
        config_dir=config_dir, environ=dict(os.environ if environ is None else environ)
    )
    provider = make_provider(name, providers.table(name), context)
    topics = root._get("topics", list(TOPICS_BY_ID), "a list of topic ids")
    if not isinstance(topics, list) or not topics or any(t not in TOPICS_BY_ID for t in topics):
        raise root.error("topics", topics, "a list of ids from " + ", ".join(TOPICS_BY_ID))
    hours = root.table("hours")
    hours.only(("week", "sites"))
    sites = hours.table("sites") if "sites" in hours.data else None
    return CallsConfig(
        enabled=_boolean(root, "enabled", True),
        provider=provider,
        topics=tuple(topics),
        max_call_minutes=root.integer("max_call_minutes", 5, 240, 45),
        answer_seconds=root.number("answer_seconds", 1, 5)
        if "answer_seconds" in root.data
        else 4.0,
        poll_seconds=root.number("poll_seconds", 0.2, 60) if "poll_seconds" in root.data else 3.0,
        browser=_browser(root.table("browser")),
        hours=OpeningHours(hours.weekly_hours("week")),
        site_hours={
            site: OpeningHours(sites.weekly_hours(site)) for site in (sites.data if sites else ())
        },
    )


def _boolean(section: Section, name: str, default: bool) -> bool:
    value = section.data.get(name, default)
    if not isinstance(value, bool):
        raise section.error(name, value, "true or false")
    return value


def _browser(section: Section) -> BrowserConfig:
    section.only(("command", "policy_dir", "profile_root", "failed_start_seconds"))
    text = section.string("command")
    try:
        command = tuple(shlex.split(text))
    except ValueError as error:
        raise section.error("command", text, f"shell words ({error})") from None
    for word in command:
        try:
            word.format(**{name: "" for name in BROWSER_PLACEHOLDERS})
        except (KeyError, IndexError, ValueError):
            raise section.error(
                "command", text, "placeholders among {" + "}, {".join(BROWSER_PLACEHOLDERS) + "}"
            ) from None
    if not any("{url}" in word for word in command):
        raise section.error("command", text, "a command with {url} in it")
    root = section.string("profile_root", "")
    return BrowserConfig(
        command=command,
        policy_dir=Path(section.string("policy_dir", str(DEBIAN_POLICY_DIR))),
        profile_root=Path(root) if root else None,
        failed_start_seconds=section.number("failed_start_seconds", 0.5, 30)
        if "failed_start_seconds" in section.data
        else 3.0,
    )


__all__ = ["LANGUAGE_CODES", "BrowserConfig", "CallsConfig", "ConfigError", "load_calls_config"]
