"""What the blueprints share, reachable from any view through :func:`central`."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from torg_central.config import CentralConfig
from torg_central.served_files import FileCache
from torg_central.storage import UploadStore

_EXTENSION = "torg_central"


@dataclass(frozen=True)
class Central:
    """The configuration, the uploads store and the cache of served files."""

    config: CentralConfig
    store: UploadStore
    files: FileCache


def attach(app: Flask, config: CentralConfig) -> Central:
    shared = Central(config, UploadStore(config.db_path), FileCache())
    app.extensions[_EXTENSION] = shared
    return shared


def central() -> Central:
    """The shared parts of the app handling the current request."""
    return current_app.extensions[_EXTENSION]
