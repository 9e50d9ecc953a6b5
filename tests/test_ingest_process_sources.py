"""Contacts of an unknown client or coach, and the cost file's defects, on hand-made files:
the contract's defect levels (row for an unknown client or coach and a malformed key; field for
an out-of-range amount), the rest loaded and reconciliation holding."""

from __future__ import annotations

from pathlib import Path

from support.deliveries import ENROLMENT, H1, Y1, Y2, client, defects, ingest, table, write_csv

CONTACTS = ["valmentaja", "asiakastunnus", "pvm", "tyonantaja", "tyyppi"]
COSTS = ["alue", "vuosi", "valmentajat_htv", "henkilostokulut_eur", "muut_kulut_eur",
         "rahoitus_eur"]


def test_a_contact_of_an_unknown_client_or_coach_is_a_row_defect(tmp_path: Path) -> None:
    d = tmp_path / "deliveries"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT, [client("HEL-0001", H1)])
    write_csv(d / "kontaktit/2023-07-05_HEL.csv", CONTACTS, [
        ["HEL-C01", "HEL-0001", "1.4.2021", Y1, "1"],   # 1 clean
        ["HEL-C01", "", "2.4.2021", Y2, "2"],           # 2 clean: about no one client
        ["HEL-C01", "HEL-0999", "3.4.2021", Y1, "2"],   # 3 unknown client
        ["HEL-C77", "", "3.4.2021", Y1, "2"],           # 4 unknown coach
    ])
    w = tmp_path / "w.duckdb"
    report = ingest(d, w)
    assert defects(w, "kontaktit") == [
        ("2023-07-05_HEL.csv", 3, "asiakastunnus", "row", "unknown_client"),
        ("2023-07-05_HEL.csv", 4, "valmentaja", "row", "unknown_coach"),
    ]
    s = report.sources["kontaktit"]
    assert (s.rows_read, s.staged, s.quarantined_rows) == (4, 2, 2)


def test_cost_rows_validate_the_year_key_and_the_amounts(tmp_path: Path) -> None:
    d = tmp_path / "deliveries"
    write_csv(d / "asiakkaat/2023-07-05_HEL.csv", ENROLMENT, [client("HEL-0001", H1)])
    write_csv(d / "kustannukset/2023-07-05_HEL.csv", COSTS, [
        ["HEL", "2021", "3,5", "203 000,50", "31000", "180000"],   # 1 clean, thousand space
        ["HEL", "2022", "3,5", "210000", "30000", "-5"],           # 2 negative funding: field
        ["HEL", "2025", "3,5", "210000", "30000", "0"],            # 3 year out of range: row
        ["HEL", "2023", "0", "100000", "10000", "90000"],          # 4 no person-years: field
    ])
    w = tmp_path / "w.duckdb"
    report = ingest(d, w)
    assert defects(w, "kustannukset") == [
        ("2023-07-05_HEL.csv", 2, "rahoitus_eur", "field", "out_of_range"),
        ("2023-07-05_HEL.csv", 3, "vuosi", "row", "key_malformed"),
        ("2023-07-05_HEL.csv", 4, "valmentajat_htv", "field", "out_of_range"),
    ]
    assert table(w, "staging.kustannukset", "region, cohort, year, coach_fte, personnel_eur, "
                 "funding_eur", "year") == [
        ("HEL", "pilot", 2021, 3.5, 203000.5, 180000.0),
        ("HEL", "pilot", 2022, 3.5, 210000.0, None),
        ("HEL", "pilot", 2023, None, 100000.0, 90000.0)]
    assert report.sources["kustannukset"].staged == 3
