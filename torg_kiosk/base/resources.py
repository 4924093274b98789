"""Where the files that ship with the program are: assets and the bundled default config.

They are package data of ``torg_kiosk`` (declared in ``pyproject.toml``) and found through
:mod:`importlib.resources`, so an installed program needs no checkout beside it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_dir(name: str) -> Path:
    found = resources.files("torg_kiosk").joinpath(name)
    # Installed as files (a wheel or an editable install): Kivy, gettext and espeak-ng need
    # real paths, so a zipped install is not supported.
    return Path(str(found))


def asset(*parts: str) -> Path:
    """A file or folder under the bundled ``assets/`` (fonts, locale, demo feed, sounds)."""
    return _package_dir("assets").joinpath(*parts)


def bundled_config_dir() -> Path:
    """The defaults shipped with the program: ``kiosk.toml`` and ``sites/<id>.toml``."""
    return _package_dir("config")
