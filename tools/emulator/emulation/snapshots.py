"""Snapshots of the whole emulated world, so a test run prepares a scenario once and restores it after.

A snapshot is every moto backend in use (every service's BackendDict contents: all accounts and
Regions) and moto's seeded random generator, pickled together so references between services stay
references, to a file another emulator process can restore from. The BackendDicts themselves are the
live module globals: they are pickled by service name and resolved to the restoring process's own.
Restoring replaces everything the emulator holds with the snapshot's world.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from typing import Any

from moto.core.base_backend import BackendDict, backend_lock
from moto.moto_api._internal import mock_random

VERSION = 1


def _live_backend_dicts() -> dict[str, BackendDict]:
    found: dict[str, BackendDict] = {}
    for candidate in gc.get_objects():
        if isinstance(candidate, BackendDict):
            found.setdefault(candidate.service_name, candidate)
    return found


def _load_private_key(pem: bytes) -> Any:  # noqa: ANN401
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem, password=None)


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> Any:  # noqa: ANN401 - pickle's protocol
        if isinstance(obj, BackendDict):
            return ("backend-dict", obj.service_name)
        return None

    def reducer_override(self, obj: Any) -> Any:  # noqa: ANN401
        # KMS and EC2 key pairs hold cryptography's private keys, which pickle as their PEM.
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

        if isinstance(obj, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey, dsa.DSAPrivateKey)):
            pem = obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            return _load_private_key, (pem,)
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, live: dict[str, BackendDict]) -> None:  # noqa: ANN401
        super().__init__(file)
        self.live = live

    def persistent_load(self, pid: Any) -> Any:  # noqa: ANN401
        kind, name = pid
        if kind != "backend-dict":
            raise pickle.UnpicklingError(f"the snapshot names an object this emulator does not know: {pid!r}")
        return _backend_dict(self.live, name)


def _backend_dict(live: dict[str, BackendDict], name: str) -> BackendDict:
    """This emulator's BackendDict of a service, its module imported if it has not served it yet."""
    if name not in live:
        from moto.backends import get_backend

        live[name] = get_backend(name)  # type: ignore[call-overload]
    return live[name]


def save(path: str) -> int:
    """Writes the world to `path` (atomically); returns its size in bytes."""
    with backend_lock:
        world = {
            "version": VERSION,
            "backends": {backend.service_name: dict(backend) for backend in BackendDict._instances},  # type: ignore[misc]
            "random": mock_random.getstate(),
        }
        directory = os.path.dirname(os.path.abspath(path))
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".snapshot-")
        with os.fdopen(handle, "wb") as file:
            _Pickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(world)
        os.replace(temporary, path)
        return os.path.getsize(path)


def restore(path: str) -> None:
    """Replaces the world with the one saved at `path`."""
    live = _live_backend_dicts()
    with open(path, "rb") as file:
        world = _Unpickler(file, live).load()
    if world.get("version") != VERSION:
        raise ValueError(f"{path} is a snapshot of another version ({world.get('version')}, expected {VERSION})")
    with backend_lock:
        for backend in list(BackendDict._instances):  # type: ignore[misc]
            backend.clear()
        BackendDict._instances.clear()  # type: ignore[misc]
        for name, accounts in world["backends"].items():
            backend = _backend_dict(live, name)
            dict.update(backend, accounts)
            BackendDict._instances.append(backend)  # type: ignore[misc]
        mock_random.setstate(world["random"])

