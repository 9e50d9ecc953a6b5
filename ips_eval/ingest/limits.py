"""Bounds on what a delivery may make the ingest hold, store or say (issue 16: a 307 KB
workbook with one 300 MB cell took 7 GB and 85 s, and its cell was quoted in full in the
rejection message). One place for every limit, each far above what a real delivery needs:

- a cell: ``MAX_CELL_CHARS`` characters; a longer one is cut in raw (marked with its length) and
  is a defect wherever the codebook reads it (no codebook column allows that much);
- a row: ``MAX_ROW_BYTES`` (a CSV line; a longer line is an unparseable row);
- a header: ``MAX_COLUMNS`` columns, names cut to ``MAX_NAME_CHARS``;
- a workbook: ``MAX_XLSX_PART_BYTES`` uncompressed per part and ``MAX_XLSX_BYTES`` in all, read
  from the zip directory *before* the workbook is opened, so a decompression bomb is rejected
  without being inflated; an SPSS file: ``MAX_SAV_CELLS`` cells and ``MAX_SAV_BYTES``, from
  its header;
- anything quoted (a value in quarantine, a message, a log line): ``QUOTE_CHARS`` characters.
"""

from __future__ import annotations

MAX_CELL_CHARS = 1_000
MAX_ROW_BYTES = 1 << 20
MAX_COLUMNS = 500
MAX_NAME_CHARS = 64
MAX_XLSX_PART_BYTES = 64 << 20
MAX_XLSX_BYTES = 128 << 20
MAX_SAV_CELLS = 20_000_000
MAX_SAV_BYTES = 256 << 20  # rows × the row width its header declares
QUOTE_CHARS = 80
MESSAGE_CHARS = 400


def cut(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` shortened to at most ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
