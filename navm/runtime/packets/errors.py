"""The one error a packet can raise: which packet (in a batch), which field, what is wrong."""

from __future__ import annotations

from navm.diagnostics import NavmError


class PacketError(NavmError):
    """A value that cannot be encoded, or bytes that are not a valid QBC packet.

    `field` names the part at fault ("length", "magic", "version", "flags",
    "crc32", "sigma", "entropy", "purity", "node_id", "timestamp"); `index`
    is the packet's position in a batch (None for the scalar API).
    """

    def __init__(self, message: str, *, field: str, index: int | None = None, notes: tuple[str, ...] = ()) -> None:
        where = "QBC packet" if index is None else f"QBC packet {index}"
        super().__init__(f"{where}: {message}", notes=notes)
        self.field = field
        self.index = index
