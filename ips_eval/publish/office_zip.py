"""The same bytes for the same Word or Excel file: python-docx and openpyxl date the zip members
and the document's created/modified properties with the clock, so two runs on the same data
gave different files. :func:`reproducible_zip` rewrites them with one fixed date."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

# The zip format's epoch, as reproducible builds use (python-docx's template already says
# 2013-12-23 for the document).
OFFICE_TIME = datetime(1980, 1, 1)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


def reproducible_zip(path: Path) -> Path:
    """Rewrite a ``.docx``/``.xlsx`` (a zip) with every member dated :data:`OFFICE_TIME`, and
    the document's created/modified times too. Members keep their order, names, contents and
    compression."""
    path = Path(path)
    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    stamp = OFFICE_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w") as new:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=OFFICE_TIME.timetuple()[:6])
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            new.writestr(fixed, data)
    return path
