"""Where the files that ship with the program are: assets and the bundled default config.

They are package data of ``torg_kiosk`` (declared in ``pyproject.toml``), found beside the
package's own files, so an installed program needs no checkout beside it. Kivy, gettext and
espeak-ng need real paths, so a zipped install is not supported. (Not
:mod:`importlib.resources`: importing it costs every start ~7 ms, for the same paths.)
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def asset(*parts: str) -> Path:
    """A file or folder under the bundled ``assets/`` (fonts, locale, demo feed, sounds)."""
    return PACKAGE_DIR.joinpath("assets", *parts)


def bundled_config_dir() -> Path:
    """The defaults shipped with the program: ``kiosk.toml`` and ``sites/<id>.toml``."""
    return PACKAGE_DIR / "config"
