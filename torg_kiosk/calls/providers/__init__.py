"""The meeting providers, one module each, found by name.

A provider module holds ``NAME`` (what ``provider =`` in ``calls.toml`` says) and
``from_config(section, context) -> Provider``, reading its own table ``[providers.<NAME>]``.
:func:`provider_names` lists every module of this package that has both, so adding a
provider is adding a module: nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

from torg_kiosk.base.toml_config import ConfigError, Section
from torg_kiosk.calls.meeting import Provider

#: Whereby's API must answer well inside the 5 s the visitor waits before the fallback.
PROVIDER_LIMITS = {
    "connect_timeout": 1.5, "read_timeout": 2.5, "deadline": 3.0, "max_bytes": 256 * 1024,
    "retries": 1,
}  # fmt: skip


def _default_http():
    # Imported on the first call, not with the config: requests and urllib3 cost the first
    # frame (tests/test_startup_imports.py).
    from torg_kiosk.sync.http_client import HttpClient, HttpLimits

    return HttpClient(HttpLimits(**PROVIDER_LIMITS), server="meeting provider")


@dataclass(frozen=True)
class ProviderContext:
    """What a provider may need besides its table: where the config files are (a key file
    named relative to them), the environment (an API key), and an HTTP client maker."""

    config_dir: Path
    environ: Mapping[str, str] = field(default_factory=dict)
    http: Callable[[], object] = _default_http


@cache
def _modules() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "NAME", None)
        if isinstance(name, str) and callable(getattr(module, "from_config", None)):
            found[name] = module
    return found


def provider_names() -> tuple[str, ...]:
    return tuple(sorted(_modules()))


def make_provider(name: str, section: Section, context: ProviderContext) -> Provider:
    """The provider ``name`` configured from ``section``; a :class:`ConfigError` if unknown."""
    module = _modules().get(name)
    if module is None:
        raise ConfigError(
            f"{section.file}: provider is {name!r}, expected one of "
            f"{', '.join(repr(known) for known in provider_names())}."
        )
    return module.from_config(section, context)
