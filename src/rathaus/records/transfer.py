"""How xdomea messages travel between the records and an archive (or another authority):
adapters in a registry, chosen per municipality by `ArchiveConnection.adapter`.

- `directory`: the transfer folder that archive systems read and write (e.g. the Thuringian
  x-man reads a transfer directory; a WebDAV share mounted as a folder works the same way):
  outgoing containers are written to `outgoing_path` (atomically: a temporary name, then a
  rename, so the archive never reads half a file), answers are picked up from
  `incoming_path` and moved to its `done/` (or `refused/`) folder once imported.

An adapter is a class with `send(connection, name, data)` and `receive(connection)` (the
waiting messages as (name, bytes)) plus `done(connection, name, ok)`; register another with
`@transfer_adapters.register("key")`."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from rathaus.core.registries import Registry

from .models import ArchiveConnection


class TransferAdapter(Protocol):
    def send(self, connection: ArchiveConnection, name: str, data: bytes) -> str: ...

    def receive(self, connection: ArchiveConnection) -> Iterator[tuple[str, bytes]]: ...

    def done(self, connection: ArchiveConnection, name: str, *, ok: bool) -> None: ...


transfer_adapters: Registry[type[TransferAdapter]] = Registry("transfer adapter")


class TransferNotConfigured(Exception):
    """The archive connection lacks what its adapter needs (e.g. the directory)."""


@transfer_adapters.register("directory")
class DirectoryTransfer:
    """Containers as files in the transfer directories of the connection."""

    def _folder(self, path: str, what: str) -> Path:
        if not path:
            raise TransferNotConfigured(f"the archive connection has no {what} directory")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def send(self, connection: ArchiveConnection, name: str, data: bytes) -> str:
        folder = self._folder(connection.outgoing_path, "outgoing")
        target = folder / Path(name).name
        partial = folder / f".{target.name}.part"
        partial.write_bytes(data)
        os.replace(partial, target)
        return str(target)

    def receive(self, connection: ArchiveConnection) -> Iterator[tuple[str, bytes]]:
        folder = self._folder(connection.incoming_path, "incoming")
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith(".") and path.suffix in (".zip", ".xml"):
                yield path.name, path.read_bytes()

    def done(self, connection: ArchiveConnection, name: str, *, ok: bool) -> None:
        folder = self._folder(connection.incoming_path, "incoming")
        target = folder / ("done" if ok else "refused")
        target.mkdir(exist_ok=True)
        os.replace(folder / Path(name).name, target / Path(name).name)


def transfer_adapter(connection: ArchiveConnection) -> TransferAdapter:
    return transfer_adapters.get(connection.adapter)()
