"""Identity codes planted in every place an attacker or a careless sender could put them — a
coach field, unknown columns, a column name, a file name, a sheet name, written with an en
dash or a minus sign, in lower case, with spaces (issue 30). ``plant`` writes them beside a
delivery: the small delivery ``forty_clients_without_12_month_answers``
(support.small_deliveries) carries them, and test_identity_leaks checks that its whole run
leaves none of them anywhere under the output folder."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from schemas.codebook import SOURCES

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def code(ddmmyy: str, individual: str, sign: str = "-") -> str:
    """A valid HETU (the mod-31 check character)."""
    return f"{ddmmyy}{sign}{individual}{_CHECK[int(ddmmyy + individual) % 31]}"


# one person per place, so that a code found later says where it came from
PERSON, COACH, UNKNOWN, EN_DASH, COLUMN, FILE, SHEET, MINUS = (
    code(f"{d:02d}0190", "123") for d in range(1, 9))
EN, MINUS_SIGN = "\u2013", "\u2212"


def en_dash(c: str) -> str:
    return c.replace("-", EN)


PLANTED = {
    "coach field": f"HEL-C01_{COACH}",
    "unknown column": f"hetu{UNKNOWN}",
    "en dash": en_dash(EN_DASH),
    "column name": f"huom_{COLUMN.lower()}",
    "file name": FILE,
    "sheet name": f"asiakas_{SHEET}",
    "minus sign, lower case, spaces": f"soita {MINUS[:6]} {MINUS_SIGN} {MINUS[7:].lower()}",
}
CODES = (PERSON, COACH, UNKNOWN, EN_DASH, COLUMN, FILE, SHEET, MINUS)

ENROLMENT = [c.raw for c in SOURCES["asiakkaat"].columns if not c.raw.startswith("_")]


def client(no: int, hetu: str, coach: str = "HEL-C01") -> list[str]:
    values = {"asiakastunnus": f"HEL-{no:04d}", "hetu": hetu, "rekisterilupa": "1",
              "alue": "HEL", "tiimi": "HEL-T1", "valmentaja": coach, "lahetepvm": "1.2.2021",
              "aloituspvm": "5.3.2021", "diagnoosi": "F20.0", "koulutus": "2",
              "tyohistoria": "1", "toimeentulo": "2", "kieli": "fi"}
    return [values.get(name, "") for name in ENROLMENT]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def plant(d: Path) -> Path:
    """The planted files written beside the deliveries in ``d``: a Helsinki enrolment file
    carrying codes in every place, the same person in a Kela register extract spelt three other
    ways, a file named with a code, and a jobs workbook whose sheet is named with one."""
    header = [*ENROLMENT, PLANTED["column name"], "lisatieto"]
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", header, [
        [*client(1, PERSON), "", PLANTED["unknown column"]],
        [*client(2, f" {PERSON.lower()} ", coach=PLANTED["coach field"]), "x",
         PLANTED["en dash"]],
        [*client(3, code("150385", "222")), "", PLANTED["minus sign, lower case, spaces"]],
    ])
    # the same person in the registers, spelt three other ways: one pid
    write_csv(d / "rekisterit/kela/2024-05-02_kela.csv",
              ["hetu", "etuus", "alkupvm", "loppupvm", "maksettu_eur"],
              [[en_dash(PERSON), "TMT", "1.1.2021", "31.1.2021", "10"],
               [PERSON.replace("-", MINUS_SIGN), "TMT", "1.2.2021", "28.2.2021", "10"],
               [f"{PERSON[:6]} - {PERSON[7:].lower()}", "TMT", "1.3.2021", "31.3.2021", "10"]])
    write_csv(d / f"asiakkaat/2023-07-06_HEL_{PLANTED['file name']}.csv", ENROLMENT,
              [client(4, code("150385", "224"))])
    book_path = d / "tyosuhteet/2023-07-05_HEL.xlsx"
    book_path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(book_path)
    book.add_worksheet("Ohjeet")  # empty: the other sheet is read, and named in a note
    sheet = book.add_worksheet(PLANTED["sheet name"][:31])
    jobs = [c.raw for c in SOURCES["tyosuhteet"].columns]
    for r, values in enumerate([jobs, ["HEL-0001", "1", "0737546-2", "1.4.2021"]]):
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    book.close()
    return d
