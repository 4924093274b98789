"""Private ticket keys on disk: the kiosk's own (walk-in sign-up) and central tooling's.

A key file is PKCS#8 PEM, readable only by its owner (mode 0600): it is made with that mode,
never widened afterwards, and a key file anyone else may read is refused, since a leaked key
lets anyone sign tickets every kiosk accepts.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from torg_kiosk.domain.tickets import SigningKey


class KeyFileError(Exception):
    """A key file that cannot be used; the message says what to do."""


def kid_for(private_key: Ed25519PrivateKey, prefix: str = "kiosk") -> str:
    """A key id from the public key itself, so two kiosks never pick the same one."""
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return f"{prefix}-{hashlib.sha256(raw).hexdigest()[:12]}"


def write_new_key(path: Path, prefix: str = "kiosk") -> SigningKey:
    """A new key in a new file at ``path`` (mode 0600); an existing file is never replaced."""
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(f"{path} exists already; a key file is never overwritten.") from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    return SigningKey(kid_for(private_key, prefix), private_key)


def read_key(path: Path, prefix: str = "kiosk") -> SigningKey:
    """The key in ``path``; :class:`KeyFileError` if it is missing, unreadable or too open."""
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"Cannot read the ticket key {path}: {error.strerror}.") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"The ticket key {path} may be read by other users (mode {stat.S_IMODE(mode):o}). "
            f"Make it private with: chmod 600 {path}"
        )
    try:
        private_key = load_pem_private_key(data, password=None)
    except ValueError:
        raise KeyFileError(f"{path} holds no readable private key (PKCS#8 PEM).") from None
    if not isinstance(private_key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} holds a key of another kind; tickets need Ed25519.")
    return SigningKey(kid_for(private_key, prefix), private_key)


def kiosk_key(path: Path) -> SigningKey:
    """This kiosk's own signing key: read from ``path``, made there on first use."""
    if path.exists():
        return read_key(path)
    try:
        return write_new_key(path)
    except KeyFileError:  # another process made it a moment ago
        return read_key(path)
