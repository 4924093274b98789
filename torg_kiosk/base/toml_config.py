"""Reading TOML config tables with errors a deployer can act on.

Every check goes through :class:`Section`, which knows the file and the dotted key it is
reading, so a mistake reads like::

    config/sites/tofte.toml: theme.accent is 'blue', expected a colour like '#1a5fb4'.

The dataclasses the values end up in live in :mod:`torg_kiosk.base.settings`; this module only
returns plain values (strings, ints, tuples of times) so it has no import back.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from datetime import time
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from torg_kiosk.base.colour import is_hex_colour

#: Weekday keys in ``date.weekday()`` order (Monday = 0).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: One day's opening hours: ranges in time order, none overlapping.
DayRanges = tuple[tuple[time, time], ...]

_RANGE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")

_MISSING = object()


class ConfigError(Exception):
    """A config file is missing, unreadable or holds a value the kiosk cannot use.

    The message is meant for the person editing the file: it names the file, the dotted key,
    what was found and what was expected.
    """


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning every way it can fail into a :class:`ConfigError`."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{shown} does not exist. Create it or point to another file.") from None
    except OSError as error:
        raise ConfigError(f"{shown} cannot be read: {error.strerror}.") from error
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{shown} is not UTF-8 text (byte {error.start}). Save it as UTF-8 and try again."
        ) from None
    except tomllib.TOMLDecodeError as error:
        # tomllib's message already ends "(at line N, column M)".
        raise ConfigError(f"{shown} is not valid TOML: {error}. Fix that line.") from None


def describe(value: object) -> str:
    """A found value as it would look in the TOML file, for error messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list) and len(repr(value)) > 60:
        return "a list"
    return repr(value) if isinstance(value, list) else str(value)


class Section:
    """One TOML table being read, remembering where it came from for error messages."""

    def __init__(self, data: object, file: str, path: str = "") -> None:
        self.file = file
        self.path = path
        if not isinstance(data, dict):
            raise ConfigError(f"{file}: {path} is {describe(data)}, expected a table.")
        self.data: dict[str, Any] = data

    def key(self, name: str) -> str:
        """The dotted path of ``name`` inside this table."""
        return f"{self.path}.{name}" if self.path else name

    def error(self, name: str, found: object, expected: str) -> ConfigError:
        shown = "missing" if found is _MISSING else describe(found)
        return ConfigError(f"{self.file}: {self.key(name)} is {shown}, expected {expected}.")

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse keys outside ``allowed``: most are typos of an allowed one."""
        allowed = sorted(allowed)
        for name in self.data:
            if name not in allowed:
                raise ConfigError(
                    f"{self.file}: {self.key(name)} is not a known setting; "
                    f"allowed here: {', '.join(allowed)}. Check the spelling."
                )

    def _get(self, name: str, default: object, expected: str) -> Any:
        value = self.data.get(name, default)
        if value is _MISSING:
            raise self.error(name, _MISSING, expected)
        return value

    def table(self, name: str) -> Section:
        return Section(self._get(name, _MISSING, "a table"), self.file, self.key(name))

    def tables(self, name: str) -> list[Section]:
        """An array of tables (``[[name]]``); absent means none."""
        value = self._get(name, [], "a list of tables")
        if not isinstance(value, list):
            raise self.error(name, value, f"a list of tables, written [[{self.key(name)}]]")
        return [Section(item, self.file, f"{self.key(name)}[{i}]") for i, item in enumerate(value)]

    def string(self, name: str, default: object = _MISSING, *, pattern: str = "") -> str:
        expected = f"text matching {pattern}" if pattern else "a non-empty text in quotes"
        value = self._get(name, default, expected)
        if not isinstance(value, str) or (value == "" and default is _MISSING):
            raise self.error(name, value, expected)
        if pattern and value and not re.fullmatch(pattern, value):
            raise self.error(name, value, expected)
        return value

    def integer(self, name: str, minimum: int, maximum: int, default: object = _MISSING) -> int:
        expected = f"a whole number from {minimum} to {maximum}"
        value = self._get(name, default, expected)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, value, expected)
        if not minimum <= value <= maximum:
            raise self.error(name, value, expected)
        return value

    def number(self, name: str, minimum: float, maximum: float) -> float:
        expected = f"a number from {minimum:g} to {maximum:g}"
        value = self._get(name, _MISSING, expected)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(name, value, expected)
        if not minimum <= value <= maximum:
            raise self.error(name, value, expected)
        return float(value)

    def choice(self, name: str, choices: Iterable[str], default: object = _MISSING) -> str:
        choices = list(choices)
        expected = "one of " + ", ".join(repr(choice) for choice in choices)
        value = self._get(name, default, expected)
        if value not in choices:
            raise self.error(name, value, expected)
        return value

    def colour(self, name: str) -> str:
        expected = "a colour like '#1a5fb4'"
        value = self._get(name, _MISSING, expected)
        if not is_hex_colour(value):
            raise self.error(name, value, expected)
        return value.lower()

    def url(self, name: str, *, allow_empty: bool = False) -> str:
        expected = "a web address starting with https:// or http://"
        if allow_empty:
            expected += ' (or "" for none)'
        value = self._get(name, "" if allow_empty else _MISSING, expected)
        if not isinstance(value, str):
            raise self.error(name, value, expected)
        if value == "" and allow_empty:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
            raise self.error(name, value, expected)
        return value

    def timezone(self, name: str) -> ZoneInfo:
        expected = "an IANA time zone name like 'Europe/Oslo'"
        value = self._get(name, _MISSING, expected)
        if not isinstance(value, str) or not value:
            raise self.error(name, value, expected)
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.error(name, value, expected) from None

    def local_text(self, name: str) -> tuple[tuple[str, str], ...]:
        """Text per language, ``{ nb = "…", en = "…" }``; Norwegian bokmål is required."""
        expected = '{ nb = "…", en = "…" } with at least nb'
        value = self._get(name, _MISSING, expected)
        if not isinstance(value, dict) or not isinstance(value.get("nb"), str):
            raise self.error(name, value, expected)
        texts = Section(value, self.file, self.key(name))
        pairs = []
        for language in value:
            if not _LANGUAGE.match(language):
                raise texts.error(language, value[language], "a language code like nb, en or uk")
            pairs.append((language, texts.string(language)))
        return tuple(pairs)

    def weekly_hours(self, name: str) -> tuple[DayRanges, ...]:
        """Seven days of ranges, Monday first. A day left out is closed, like ``[]``."""
        week = self.table(name)
        week.only(WEEKDAYS)
        return tuple(week.day_ranges(day) for day in WEEKDAYS)

    def day_ranges(self, name: str) -> DayRanges:
        expected = 'a list of "HH:MM-HH:MM" ranges like ["09:00-16:00"] ([] when closed)'
        value = self._get(name, [], expected)
        if not isinstance(value, list):
            raise self.error(name, value, expected)
        ranges = []
        for index, text in enumerate(value):
            match = _RANGE.match(text) if isinstance(text, str) else None
            if match is None:
                raise self.error(f"{name}[{index}]", text, 'a range like "09:00-16:00"')
            hour1, minute1, hour2, minute2 = (int(group) for group in match.groups())
            start, end = time(hour1, minute1), time(hour2, minute2)
            if end <= start:
                raise self.error(
                    f"{name}[{index}]", text, "a range whose end is later than its start"
                )
            ranges.append((start, end))
        ranges.sort()
        for (_, earlier_end), (later_start, _) in pairwise(ranges):
            if later_start < earlier_end:
                raise self.error(name, value, "ranges that do not overlap")
        return tuple(ranges)
