"""The VAPID key pair Web Push messages are signed with: made once into the data directory (by the launcher,
or on first use), or given by settings (`VAPID_PRIVATE_KEY` / `VAPID_PUBLIC_KEY`, e.g. from a secret in
production, where every pod must sign with the same key). A leaf: it imports no app."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

PRIVATE_FILE = "vapid_private.pem"


@dataclass(frozen=True)
class VapidKeys:
    private_pem: str
    public_key: str  # uncompressed point, URL-safe base64 without padding: the browser's applicationServerKey


def _public_of(private: ec.EllipticCurvePrivateKey) -> str:
    raw = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def ensure_keys(data_dir: Path) -> Path:
    """Writes a new key pair into `data_dir` unless one is there; returns the private key's file."""
    path = Path(data_dir) / PRIVATE_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it at the same moment: theirs is the key
            return path
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    return path


def load_keys(data_dir: Path, private_pem: str = "") -> VapidKeys:
    """The keys from `private_pem` (settings) or from the data directory's file (made if missing)."""
    if not private_pem:
        private_pem = ensure_keys(data_dir).read_text()
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise ValueError("the VAPID key must be an EC P-256 private key")
    return VapidKeys(private_pem=private_pem, public_key=_public_of(private))
