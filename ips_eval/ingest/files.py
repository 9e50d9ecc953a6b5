"""Delivery files: finding them, their delivery date, content hash and text encoding.

docs/methods.md §Sources and deliveries: each source has its own folder; every file in it is one
delivery named ``<YYYY-MM-DD>_<region or register>.<ext>``. A file's identity is its content hash
(SHA-256): the same bytes under any name are the same delivery and are loaded once; changed bytes
under the same name are a new version of that delivery.

No file hides and none comes from outside (issue 16): everything found under a source's folder
is listed and recorded, and what cannot be a delivery is rejected whole before it is read, with
its reason (``DeliveryFile.problem``):
- a file in a subfolder (``asiakkaat/extra/x.csv``): deliveries lie directly in the folder;
- a symbolic link that leads out of the delivery folder (or nowhere) is never followed; one
  that stays inside is read as the file it points to;
- anything that is not a regular file (a FIFO would block the run, a device never ends);
- a name that is not ``<YYYY-MM-DD>_<issuer>[_<more>].<ext>`` with the issuer exactly a region
  code (in the register folders: the register, ``kela`` / ``tulorekisteri``):
  ``2023-07-05_HEL_korjattu.csv`` is a delivery, ``2024-06-11_hus_korjattu.csv`` is not.
Hidden files and Excel's lock files (``~$x.xlsx``) are recorded too (rejected by name). The
suffix after the issuer is ``[A-Za-z0-9_-]`` only. A name that holds a personal identity code is
rejected unread (``file_name_identity_code``), and no name is ever kept as it is: codes in it are
masked and control characters (a newline would forge log lines) shown as ``?`` (``shown_name``).
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import shutil
import stat
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

from ips_eval.ingest.identity import contains_valid_hetu, mask_hetus
from ips_eval.ingest.limits import cut
from schemas.codebook import REGIONS, Source

_CHUNK = 1 << 20
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})_")
# date _ issuer [_ anything, e.g. "korjattu" for a correction] . extension
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})_([^_]+?)(_[A-Za-z0-9_-]*)?\.([A-Za-z0-9]+)$")
# the file-level rules of discovery (schemas/rules.py)
NAME_INVALID, NESTED, SYMLINK, UNREADABLE = ("file_name_invalid", "file_nested",
                                             "file_symlink", "file_unreadable")
NAME_IDENTITY_CODE = "file_name_identity_code"
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
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
    has_nul: bool = False  # a NUL byte anywhere (a CSV with one is rejected)
    problem: tuple[str, str] | None = None  # (rule, message): rejected before it is read
    # bytes of the longest line that crosses a megabyte boundary (lines within one are shorter
    # than the row limit anyway): exact wherever it matters, for the row limit
    longest_line: int = 0

    @property
    def extension(self) -> str:
        return self.path.suffix.lower()


def discover(deliveries_dir: Path, src: Source) -> list[DeliveryFile]:
    """Every file under the source's folder, oldest delivery first (then by name); the ones
    that cannot be deliveries carry their ``problem`` and are never opened."""
    folder = Path(deliveries_dir) / src.name
    if not folder.is_dir():
        return []
    root = Path(deliveries_dir).resolve()
    if not folder.resolve().is_relative_to(root):
        # the source's folder itself (or rekisterit/) is a link out: nothing in it is read
        return [unread(src, folder, Path(src.name).as_posix(), SYMLINK, "the source's folder "
                       "is a symbolic link out of the delivery folder; not followed")]
    found = []
    for top, dirs, names in os.walk(folder, followlinks=False):
        nested = Path(top) != folder
        for name in sorted(names) + sorted(d for d in dirs if (Path(top) / d).is_symlink()):
            found.append(_examine(Path(deliveries_dir), root, src, Path(top) / name, nested))
        dirs[:] = sorted(d for d in dirs if not (Path(top) / d).is_symlink())
    return sorted(found, key=lambda f: (f.delivery_date or date.min, f.file))


def shown_name(name: str) -> str:
    """A delivered name as it may be stored, logged or shown: identity codes masked, control
    characters as ``?`` (never the name as delivered when it holds either)."""
    return _CONTROL_CHARS.sub("?", mask_hetus(name))


def _examine(deliveries_dir: Path, root: Path, src: Source, path: Path,
             nested: bool) -> DeliveryFile:
    real = path.relative_to(deliveries_dir).as_posix()
    relative = shown_name(real)
    if contains_valid_hetu(real):
        return unread(src, path, relative, NAME_IDENTITY_CODE, "the file name holds a personal "
                      "identity code: not read; rename the file without it (the name is kept "
                      "masked)")
    if path.is_symlink():
        target = path.resolve()
        inside = target.is_relative_to(root) and target.is_file()
        if nested or not inside:
            where = "inside the delivery folder" if inside else (
                "out of the delivery folder" if target.exists() else "to nothing")
            return unread(src, path, relative, SYMLINK, f"a symbolic link that leads {where}; "
                          "links are not followed: put the file itself in the folder")
    mode = path.stat().st_mode if path.exists() else 0
    if not stat.S_ISREG(mode):
        return unread(src, path, relative, UNREADABLE, "not a regular file (a folder link, "
                      "pipe or device); not read")
    if nested:
        return unread(src, path, relative, NESTED, "in a subfolder of "
                      f"{src.name}/: deliveries lie directly in the source's folder, "
                      "move the file there (or out of the delivery folder)")
    problem = name_problem(src, path.name)
    f = replace(inspect(deliveries_dir, src, path), file=relative)
    return f if problem is None else _with_problem(f, NAME_INVALID, problem)


def name_problem(src: Source, name: str) -> str | None:
    """Why a file name is not ``<YYYY-MM-DD>_<issuer>.<ext>`` for this source, or None."""
    expected = ((src.name.split("/")[-1],) if src.register else REGIONS)
    issuer_shape = expected[0] if src.register else "<region code>"
    shape = f"the file name must be YYYY-MM-DD_{issuer_shape}[_…].<ext>"
    match = _NAME.match(name)
    if match is None or delivery_date_of(name) is None:
        return shape + " (a valid delivery date first)"
    issuer = match.group(2)
    if issuer not in expected:
        what = "the register" if src.register else "a region code"
        return f"{shape}: {cut(shown_name(issuer), 40)!r} is not {what}"
    return None


def unread(src: Source, path: Path, relative: str, rule: str, message: str) -> DeliveryFile:
    """A file rejected without opening it. Its identity is its place, not its content (which is
    never read): a stable pseudo-hash that no content can have."""
    digest = "unread:" + hashlib.sha256(relative.encode("utf-8", "surrogateescape")).hexdigest()
    return DeliveryFile(source=src, path=path, file=relative,
                        delivery_date=delivery_date_of(path.name), content_hash=digest,
                        size_bytes=0, utf8=False, looks_binary=False, problem=(rule, message))


def _with_problem(f: DeliveryFile, rule: str, message: str) -> DeliveryFile:
    return replace(f, problem=(rule, message))


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
    utf8, size, control, sample, nul = True, 0, 0, 0, False
    run = longest = 0  # the open line's bytes so far; the longest line seen
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            nul = nul or b"\0" in chunk
            # a line wholly inside a chunk is shorter than the chunk (≤ the row limit): only a
            # line that crosses chunks can be longer, so two searches per megabyte suffice
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            else:
                longest = max(longest, run + first)
                run = len(chunk) - chunk.rfind(b"\n") - 1
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
        size_bytes=size, utf8=utf8, looks_binary=binary, has_nul=nul,
        longest_line=max(longest, run),
    )


def transcode_to_utf8(path: Path, target: Path | None, out: BinaryIO | None = None) -> None:
    """Windows-1252 → UTF-8, streaming, into the file ``target`` or the open binary ``out``.
    The five bytes cp1252 leaves undefined are read as Latin-1 (their C1 control characters)
    rather than failing: ä, ö, å are the same bytes in both, which is what the contract needs
    to survive."""
    with path.open("rb") as src, (target.open("wb") if out is None
                                  else contextlib.nullcontext(out)) as sink:
        decoder = codecs.getincrementaldecoder("cp1252")(errors="latin1fallback")
        shutil.copyfileobj(_Transcoded(src, decoder), sink, _CHUNK)


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
