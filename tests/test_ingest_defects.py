"""Each defect class of docs/methods.md §Defects and quarantine on a hand-made file:
the right level, rule, row and column in quarantine, the rest of the file loaded, and
reconciliation holding."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.deliveries import (
    ENROLMENT,
    H1,
    H2,
    H3,
    JOBS,
    KELA,
    PAY,
    SURVEY,
    Y1,
    Y2,
    bad_check,
    client,
    defects,
    hetu,
    ingest,
    job,
    query,
    table,
    write_csv,
)

from ips_eval.ingest.pipeline import stage_source
from ips_eval.warehouse import connect
from schemas.codebook import SOURCES

ENROL_FILE = "asiakkaat/2023-07-05_HEL.csv"


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """Two clean clients: HEL-0001 (H1) and HEL-0002 (H2)."""
    d = tmp_path / "deliveries"
    write_csv(d / ENROL_FILE, ENROLMENT, [client("HEL-0001", H1), client("HEL-0002", H2)])
    return d


def run(d: Path) -> tuple[Path, object]:
    w = d.parent / "w.duckdb"
    return w, ingest(d, w)


def balanced(report) -> bool:
    return all(s.rows_read == s.staged + s.superseded + s.exact_duplicates + s.quarantined_rows
               for s in report.sources.values())


def test_clean_enrolment_is_staged_with_age_sex_and_cohort(study: Path) -> None:
    w, report = run(study)
    assert defects(w) == []
    rows = table(w, "staging.asiakkaat", "client_id, cohort, age_at_index, sex, region, "
                 "index_date::VARCHAR, education, diagnosis_non_f")
    # H1 born 13.10.1952, index 5.3.2021 → 68; individual 308 even → female.
    # H2 born 5.3.1990, index 5.3.2021 (birthday that day) → 31; 123 odd → male.
    assert rows == [("HEL-0001", "pilot", 68, "female", "HEL", "2021-03-05", 2, False),
                    ("HEL-0002", "pilot", 31, "male", "HEL", "2021-03-05", 2, False)]
    assert report.sources["asiakkaat"].staged == 2


def test_enrolment_row_level_defects_each_with_every_rule(study: Path) -> None:
    write_csv(study / "asiakkaat/2023-08-01_PKA.csv", ENROLMENT, [
        client("PKA-0001", H3),                                  # 1 clean
        client("PKA-0002", "", consent="0", region="HEL"),       # 2 region ≠ prefix
        client("PKA-0003", "", consent="0", referral="6.3.2021"),  # 3 referral after start
        client("PKA-0004", "", consent="0", start="31.12.2018",
               referral="1.12.2018"),                            # 4 two dates before 2019
        client("PKA-0005", "", consent="0", exit_date="2.8.2023",
               exit_reason="2"),                                 # 5 exit after delivery
        client("", "", consent="0"),                             # 6 key missing
        client("PKA-12", "", consent="0", region="PKA"),         # 7 key malformed
    ])
    w, report = run(study)
    assert defects(w) == [
        ("2023-08-01_PKA.csv", 2, "alue", "row", "region_prefix_mismatch"),
        ("2023-08-01_PKA.csv", 3, "lahetepvm", "row", "referral_after_start"),
        ("2023-08-01_PKA.csv", 4, "aloituspvm", "row", "date_before_2019"),
        ("2023-08-01_PKA.csv", 4, "lahetepvm", "row", "date_before_2019"),
        ("2023-08-01_PKA.csv", 5, "paattymispvm", "row", "date_after_delivery"),
        ("2023-08-01_PKA.csv", 6, "asiakastunnus", "row", "key_missing"),
        # the helper's team and coach of a client without a code: "-T1" / "-C01", which a
        # spreadsheet would run as formulas
        ("2023-08-01_PKA.csv", 6, "tiimi", "field", "formula_like_value"),
        ("2023-08-01_PKA.csv", 6, "valmentaja", "field", "formula_like_value"),
        ("2023-08-01_PKA.csv", 7, "asiakastunnus", "row", "key_malformed"),
    ]
    assert [r[0] for r in table(w, "staging.asiakkaat", "client_id")] == [
        "HEL-0001", "HEL-0002", "PKA-0001"]
    s = report.sources["asiakkaat"]
    assert (s.rows_read, s.staged, s.quarantined_rows) == (9, 3, 6)


def test_invalid_hetu_on_enrolment_is_a_field_defect_client_stays_without_pid(study) -> None:
    write_csv(study / ENROL_FILE, ENROLMENT, [client("HEL-0001", bad_check(H1)),
                                              client("HEL-0002", "", consent="1"),
                                              client("HEL-0003", "", consent="0")])
    w, _ = run(study)
    assert defects(w) == [("2023-07-05_HEL.csv", 1, "hetu", "field", "invalid_hetu_field"),
                          ("2023-07-05_HEL.csv", 2, "hetu", "field",
                           "hetu_missing_with_consent")]
    assert table(w, "staging.asiakkaat", "client_id, pid, age_at_index, sex") == [
        ("HEL-0001", None, None, None), ("HEL-0002", None, None, None),
        ("HEL-0003", None, None, None)]
    # the quarantine value of an identity code is a mask, never the code
    assert query(w, "SELECT value FROM quarantine.defects WHERE rule = 'invalid_hetu_field'") \
        == [("******-****",)]


def test_field_defects_null_the_value_and_the_row_loads(study: Path) -> None:
    write_csv(study / "tyosuhteet/2023-07-05_HEL.csv", JOBS, [
        job("HEL-0001", "1", hours="99"),                    # 99 hours a week
        job("HEL-0001", "2", employer="0737546-3"),          # wrong check digit
        job("HEL-0002", "1", competitive="7"),               # 7 on a 0/1 code
        job("HEL-0002", "2", hours="1 2,5"),                 # thousand space: 12.5
    ])
    w, report = run(study)
    assert defects(w, "tyosuhteet") == [
        ("2023-07-05_HEL.csv", 1, "tunnit_vko", "field", "out_of_range"),
        ("2023-07-05_HEL.csv", 2, "tyonantaja", "field", "invalid_ytunnus"),
        ("2023-07-05_HEL.csv", 3, "avoimet", "field", "out_of_range"),
    ]
    rows = table(w, "staging.tyosuhteet", "client_id, job_no, employer_pid IS NULL, hours_week, "
                 "competitive", "1, 2")
    assert rows == [("HEL-0001", 1, False, None, 1), ("HEL-0001", 2, True, 37.5, 1),
                    ("HEL-0002", 1, False, 37.5, None), ("HEL-0002", 2, False, 12.5, 1)]
    assert report.sources["tyosuhteet"].staged == 4


def test_job_rules_unknown_client_end_before_start_future_and_overlap(study: Path) -> None:
    write_csv(study / "tyosuhteet/2023-07-05_HEL.csv", JOBS, [
        job("HEL-0001", "1", start="1.4.2021", end="30.9.2021"),  # 1 overlaps 2
        job("HEL-0001", "2", start="1.9.2021"),                   # 2 overlaps 1 (open end)
        job("HEL-0001", "3", start="1.5.2022", end="1.4.2022"),   # 3 end before start
        job("HEL-9999", "1"),                                     # 4 unknown client
        job("HEL-0002", "1", start="1.8.2023"),                   # 5 start after delivery
        job("HEL-0002", "2", start="1.1.2022", end="31.1.2022"),  # 6 clean, no overlap
    ])
    w, _ = run(study)
    assert defects(w, "tyosuhteet") == [
        ("2023-07-05_HEL.csv", 3, "loppupvm", "row", "end_before_start"),
        ("2023-07-05_HEL.csv", 4, "asiakastunnus", "row", "unknown_client"),
        ("2023-07-05_HEL.csv", 5, "alkupvm", "row", "date_after_delivery"),
    ]
    assert table(w, "staging.tyosuhteet", "client_id, job_no, \"overlaps\"", "1, 2") == [
        ("HEL-0001", 1, True), ("HEL-0001", 2, True), ("HEL-0002", 2, False)]


def test_hetu_in_a_column_where_none_belongs_rejects_row_and_is_masked_in_raw(study) -> None:
    write_csv(study / "tyosuhteet/2023-07-05_HEL.csv", JOBS, [
        job("HEL-0001", "1"),
        job("HEL-0001", "2", employer=H2),                  # HETU as the employer ID
        [*job("HEL-0002", "1")[:6], H1, *job("HEL-0002", "1")[7:]],  # HETU as occupation
    ])
    w, _ = run(study)
    assert defects(w, "tyosuhteet") == [
        ("2023-07-05_HEL.csv", 2, "tyonantaja", "row", "hetu_in_wrong_column"),
        ("2023-07-05_HEL.csv", 3, "ammatti", "row", "hetu_in_wrong_column"),
    ]
    assert query(w, "SELECT ammatti FROM raw.tyosuhteet WHERE _row = 3") == [("******-****",)]


def test_duplicates_exact_once_and_conflicting_key_rejected(study: Path) -> None:
    write_csv(study / "tyosuhteet/2023-07-05_HEL.csv", JOBS, [
        job("HEL-0001", "1"),
        job("HEL-0001", "1"),                 # exact duplicate of row 1: not a defect
        job("HEL-0002", "1", hours="20"),
        job("HEL-0002", "1", hours="30"),     # same key, different content: both rejected
    ])
    w, report = run(study)
    assert defects(w, "tyosuhteet") == [
        ("2023-07-05_HEL.csv", 3, None, "row", "duplicate_key_conflict"),
        ("2023-07-05_HEL.csv", 4, None, "row", "duplicate_key_conflict"),
    ]
    s = report.sources["tyosuhteet"]
    assert (s.rows_read, s.staged, s.exact_duplicates, s.quarantined_rows) == (4, 1, 1, 2)


def test_rows_whose_content_hashes_collide_are_compared_in_full(study: Path) -> None:
    """A row's hash only makes it a candidate: with every hash of the file made equal (as if
    they all collided), only the row whose whole content repeats is an exact duplicate."""
    write_csv(study / "rekisterit/tulorekisteri/2024-05-02_tulorekisteri.csv", PAY, [
        [H1, "2020-01", Y1, "2 500,00"], [H1, "2020-02", Y1, "2 500,00"],
        [H1, "2020-01", Y1, "2 500,00"],                             # exact duplicate of row 1
        [H2, "2020-01", Y2, "1000"], [H2, "2020-01", Y1, "1000"],
    ])
    w, report = run(study)
    honest = report.sources["rekisterit/tulorekisteri"]
    assert (honest.rows_read, honest.staged, honest.exact_duplicates) == (5, 4, 1)
    with connect(w, memory_limit="1GB") as con:
        con.execute("UPDATE raw.tulorekisteri SET _row_hash = 42")
        collided = stage_source(con, SOURCES["rekisterit/tulorekisteri"])
    assert (collided.rows_read, collided.staged, collided.exact_duplicates) == (5, 4, 1)
    assert query(w, "SELECT \"row\", outcome FROM meta.row_outcomes WHERE outcome <> 'staged'"
                    " AND source = 'rekisterit/tulorekisteri'") == [(3, "exact_duplicate")]


def test_register_rows_invalid_hetu_rejected_comparison_persons_kept(study: Path) -> None:
    stranger = hetu("211280", "-", "246")  # a valid HETU of no client
    write_csv(study / "rekisterit/kela/2024-05-02_kela.csv", KELA, [
        [H1, "TMT", "1.1.2020", "31.1.2020", "1 234,50"],
        [bad_check(H2), "SPR", "1.1.2020", "31.1.2020", "100"],   # invalid key HETU
        [stranger, "SPR", "1.2.2020", "29.2.2020", "100,5"],       # comparison person
        [H1, "SPR", "1.3.2020", "1.2.2020", "5"],                 # end before start
        [H1, "XYZ", "1.3.2020", "31.3.2020", "5"],                # unknown benefit code (key)
        [H1, "OPT", "1.4.2020", "30.4.2020", "-5"],               # negative amount (field)
    ])
    write_csv(study / "rekisterit/tulorekisteri/2024-05-02_tulorekisteri.csv", PAY, [
        [H1, "2020-01", Y1, "2 500,00"], [H2, "2020-01", Y2, "1000"],
        [H2, "2024-06", Y2, "1000"],                                 # month after delivery
    ])
    w, report = run(study)
    assert defects(w, "rekisterit/kela") == [
        ("2024-05-02_kela.csv", 2, "hetu", "row", "invalid_hetu"),
        ("2024-05-02_kela.csv", 4, "loppupvm", "row", "end_before_start"),
        ("2024-05-02_kela.csv", 5, "etuus", "row", "key_malformed"),
        ("2024-05-02_kela.csv", 6, "maksettu_eur", "field", "out_of_range"),
    ]
    assert defects(w, "rekisterit/tulorekisteri") == [
        ("2024-05-02_tulorekisteri.csv", 3, "kuukausi", "row", "date_after_delivery")]
    assert table(w, "staging.kela", "client_id, benefit, paid_eur", "_row") == [
        ("HEL-0001", "TMT", 1234.5), (None, "SPR", 100.5), ("HEL-0001", "OPT", None)]
    assert table(w, "comparison.kela", "benefit") == [("SPR",)]
    assert table(w, "staging.tulorekisteri", "client_id, month::VARCHAR, pay_eur", "_row") == [
        ("HEL-0001", "2020-01-01", 2500.0), ("HEL-0002", "2020-01-01", 1000.0)]
    # the same HETU gives the same pid in the enrolment form and the registers
    assert query(w, "SELECT count(*) FROM staging.kela k JOIN staging.asiakkaat a "
                 "USING (pid) WHERE a.client_id = 'HEL-0001'") == [(2,)]
    assert balanced(report)


def test_register_rows_reach_back_to_2017_and_comparison_persons_get_birth_date_and_sex(
        study: Path) -> None:
    """Contract: 2017-01-01 is the registers' first valid date; a Kela period that starts
    earlier but ends on or after it is valid. A comparison person's birth date and sex come
    from the HETU (21.12.1980, individual 246 even → female); a client's rows carry none."""
    stranger = hetu("211280", "-", "246")
    write_csv(study / "rekisterit/kela/2024-05-02_kela.csv", KELA, [
        [stranger, "TMT", "1.11.2016", "31.1.2017", "300"],       # ends in 2017: valid
        [stranger, "SPR", "1.11.2016", "31.12.2016", "300"],      # ends in 2016: rejected
        [H1, "TMT", "1.1.2017", "31.1.2017", "100"],
    ])
    write_csv(study / "rekisterit/tulorekisteri/2024-05-02_tulorekisteri.csv", PAY, [
        [stranger, "2017-01", Y1, "1000"], [stranger, "2016-12", Y1, "1000"],
        [H1, "2018-12", Y2, "500"],
    ])
    w, report = run(study)
    assert defects(w, "rekisterit/kela") == [
        ("2024-05-02_kela.csv", 2, "loppupvm", "row", "date_before_2017")]
    assert defects(w, "rekisterit/tulorekisteri") == [
        ("2024-05-02_tulorekisteri.csv", 2, "kuukausi", "row", "date_before_2017")]
    assert table(w, "comparison.kela", "benefit, birth_date::VARCHAR, sex") == [
        ("TMT", "1980-12-21", "female")]
    assert table(w, "comparison.tulorekisteri", "birth_date::VARCHAR, sex") == [
        ("1980-12-21", "female")]
    assert query(w, "SELECT count(*) FROM staging.kela WHERE client_id IS NOT NULL AND "
                 "birth_date IS NULL AND sex IS NULL") == [(1,)]
    assert balanced(report)


def test_survey_99_is_missing_not_a_defect_7_on_a_1_to_6_item_is(study: Path) -> None:
    write_csv(study / "asiakaskysely/2023-07-05_HEL.csv", SURVEY, [
        ["HEL-0001", "0", "6.3.2021", "1", "2", "99", "4", "5", "7"],
        ["HEL-0002", "0", "6.3.2021", "1", "2", "3", "4", "7", "11"],
        ["HEL-0003", "0", "6.3.2021", "1", "2", "3", "4", "5", "5"],  # unknown client
    ])
    w, _ = run(study)
    assert defects(w, "asiakaskysely") == [
        ("2023-07-05_HEL.csv", 2, "mhi5", "field", "out_of_range"),
        ("2023-07-05_HEL.csv", 2, "was", "field", "out_of_range"),
        ("2023-07-05_HEL.csv", 3, "asiakastunnus", "row", "unknown_client"),
    ]
    assert table(w, "staging.asiakaskysely", "client_id, mhi3, mhi5, was") == [
        ("HEL-0001", None, 5, 7), ("HEL-0002", 3, None, None)]


def test_unknown_extra_column_reported_once_and_kept_in_raw(study: Path) -> None:
    header = [*ENROLMENT, "Lisätieto "]
    write_csv(study / ENROL_FILE, header, [[*client("HEL-0001", H1), "muutti"],
                                           [*client("HEL-0002", H2), ""]])
    w, report = run(study)
    assert defects(w) == [("2023-07-05_HEL.csv", None, "lisätieto", "field", "unknown_column")]
    assert query(w, "SELECT _extra FROM raw.asiakkaat ORDER BY _row") == [
        ('{"lisätieto":"muutti"}',), ('{"lisätieto":null}',)]
    assert report.sources["asiakkaat"].staged == 2


def test_non_f_diagnosis_is_flagged_not_quarantined(study: Path) -> None:
    write_csv(study / ENROL_FILE, ENROLMENT, [client("HEL-0001", H1, dx="G40.1")])
    w, _ = run(study)
    assert defects(w) == []
    assert table(w, "staging.asiakkaat", "diagnosis, diagnosis_non_f") == [("G40.1", True)]


def test_end_reason_missing_when_end_date_is_set_is_a_field_defect(tmp_path: Path) -> None:
    d = tmp_path / "deliveries"
    write_csv(d / ENROL_FILE, ENROLMENT, [
        client("HEL-0001", H1, exit_date="1.6.2022", exit_reason="2"),
        client("HEL-0002", H2, exit_date="1.6.2022", exit_reason=""),
        client("HEL-0003", H3)])
    no_reason = job("HEL-0001", "2", start="1.5.2021", end="30.9.2021")
    no_reason[-1] = ""
    write_csv(d / "tyosuhteet/2023-07-05_HEL.csv", JOBS, [job("HEL-0001", "1"), no_reason])
    w, report = run(d)
    for source in ("asiakkaat", "tyosuhteet"):  # row 2 of each file
        assert defects(w, source) == [
            ("2023-07-05_HEL.csv", 2, "paattymissyy", "field", "missing_required_value")]
    # both rows still load: the defect costs only the (already missing) value
    assert len(table(w, "staging.asiakkaat", "client_id")) == 3
    assert len(table(w, "staging.tyosuhteet", "client_id")) == 2
    assert balanced(report)
