"""Delivery files: finding them, their delivery date, content hash and text encoding.

contract/DELIVERIES.md: each source has its own folder; every file in it is one delivery named
``<YYYY-MM-DD>_<region or register>.<ext>``. A file's identity is its content hash (SHA-256):
the same bytes under any name are the same delivery and are loaded once; changed bytes under the
same name are a new version of that delivery.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from schemas.codebook import Source

_CHUNK = 1 << 20
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})_")
# Control bytes other than tab / CR / LF / form feed do not occur in a text delivery; a file
# with many of them (or any NUL) is binary or garbage, whatever its extension says.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


@dataclass(frozen=True)
class DeliveryFile:
    source: Source
    path: Path  # absolute
    file: str  # path within the delivery folder, e.g. "rekisterit/kela/2024-05-02_kela.csv"
    delivery_date: date | None  # None: the name does not start with a valid date
    content_hash: str
    size_bytes: int
    utf8: bool  # decodes as UTF-8 (with or without BOM)
    looks_binary: bool

    @property
    def extension(self) -> str:
        return self.path.suffix.lower()


def _is_delivery(path: Path) -> bool:
    # hidden files and Excel's lock files (~$name.xlsx) are not deliveries
    return path.is_file() and not path.name.startswith((".", "~$"))


def discover(deliveries_dir: Path, src: Source) -> list[DeliveryFile]:
    """Every file in the source's folder, oldest delivery first (then by name)."""
    folder = deliveries_dir / src.name
    if not folder.is_dir():
        return []
    files = [inspect(deliveries_dir, src, p) for p in sorted(folder.iterdir()) if _is_delivery(p)]
    return sorted(files, key=lambda f: (f.delivery_date or date.min, f.file))


def delivery_date_of(name: str) -> date | None:
    match = _DATED_NAME.match(name)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def inspect(deliveries_dir: Path, src: Source, path: Path) -> DeliveryFile:
    """Hash the file and sniff its encoding in one streaming pass."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, size, control, sample = True, 0, 0, 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if sample < _CHUNK:  # the first megabyte tells binary from text
                control += sum(chunk[:_CHUNK].count(b) for b in _CONTROL)
                sample += min(len(chunk), _CHUNK)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    binary = sample > 0 and (control / sample > 0.01)
    return DeliveryFile(
        source=src, path=path.resolve(), file=path.relative_to(deliveries_dir).as_posix(),
        delivery_date=delivery_date_of(path.name), content_hash=digest.hexdigest(),
        size_bytes=size, utf8=utf8, looks_binary=binary,
    )


def transcode_to_utf8(path: Path, target: Path) -> None:
    """Windows-1252 → UTF-8, streaming. The five bytes cp1252 leaves undefined are read as
    Latin-1 (their C1 control characters) rather than failing: ä, ö, å are the same bytes in
    both, which is what the contract needs to survive."""
    with path.open("rb") as src, target.open("wb") as out:
        decoder = codecs.getincrementaldecoder("cp1252")(errors="latin1fallback")
        shutil.copyfileobj(_Transcoded(src, decoder), out, _CHUNK)


class _Transcoded:
    """A file-like ``read`` that yields UTF-8 bytes of a cp1252 stream."""

    def __init__(self, handle, decoder) -> None:
        self._handle, self._decoder = handle, decoder

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        return self._decoder.decode(chunk, final=not chunk).encode("utf-8")


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start:error.end]
    return bytes(bad).decode("latin-1"), error.end


codecs.register_error("latin1fallback", _latin1_fallback)
