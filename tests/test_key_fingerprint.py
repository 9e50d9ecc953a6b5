"""Issue 27 item 1: the warehouse remembers its pseudonym key's fingerprint; a run with another
key is refused before a row is read (one line, nothing changed), and ``--rekey`` rebuilds the
warehouse under the new key — through the command line (in this process: support.cli.run_cli) on
a small delivery (one region's enrolment files and its clients' rows of the synthetic study's
register extracts)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from support.cli import Done, run_cli

from assets.runguard import INCOMPLETE_FILE
from ips_eval import keyguard
from ips_eval.config import Settings

KEY_A = "key-A-for-the-fingerprint-tests-0123456789abcdef"
KEY_B = "key-B-for-the-fingerprint-tests-fedcba9876543210"
SELECT = '+key:"analysis/register_monthly"'


def test_fingerprint_is_stable_keyed_and_not_the_key():
    a, b = keyguard.key_fingerprint(KEY_A), keyguard.key_fingerprint(KEY_B)
    assert a == keyguard.key_fingerprint(KEY_A) and a != b
    assert len(a) == 64 and KEY_A not in a
    assert hashlib.sha256(KEY_A.encode()).hexdigest() != a  # keyed, not a plain hash


def test_check_records_then_refuses_another_key(tmp_path):
    a = Settings(deliveries_dir=tmp_path, out_dir=tmp_path / "out", pseudonym_key=KEY_A)
    b = Settings(deliveries_dir=tmp_path, out_dir=tmp_path / "out", pseudonym_key=KEY_B)
    assert keyguard.check(a) is None  # a new warehouse: recorded
    assert keyguard.recorded_fingerprint(a) == (False, keyguard.key_fingerprint(KEY_A))
    assert keyguard.check(a) is None  # the same key: fine
    with pytest.raises(keyguard.KeyChanged, match="--rekey") as refused:
        keyguard.check(b)
    assert "\n" not in str(refused.value) and KEY_B not in str(refused.value)
    assert keyguard.recorded_fingerprint(a)[1] == keyguard.key_fingerprint(KEY_A)


def test_a_warehouse_from_before_fingerprints_adopts_the_key_with_a_note(tmp_path):
    s = Settings(deliveries_dir=tmp_path, out_dir=tmp_path / "out", pseudonym_key=KEY_A)
    s.out_dir.mkdir()
    with duckdb.connect(str(s.warehouse_path)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    note = keyguard.check(s)
    assert note and "--rekey" in note
    assert keyguard.recorded_fingerprint(s)[1] == keyguard.key_fingerprint(KEY_A)


def test_a_run_started_outside_the_cli_is_refused_by_the_raw_asset(tmp_path):
    """The Dagster UI materialises the raw assets without `ips-eval run`'s check: the raw asset
    checks the key itself, on its own connection, before it reads a row."""
    import dagster as dg
    from support.small_deliveries import enrolment_only

    from assets.definitions import build_defs
    from assets.runner import failure_message

    deliveries = enrolment_only(tmp_path / "d")
    raw = dg.AssetKey(["raw", "asiakkaat"])

    def materialise(key: str) -> dg.ExecuteInProcessResult:
        settings = Settings(deliveries_dir=deliveries, out_dir=tmp_path / "out",
                            pseudonym_key=key)
        asset = build_defs(settings).resolve_asset_graph().assets_def_for_key(raw)
        return dg.materialize([asset], raise_on_error=False)  # its resources: the settings'


    assert materialise(KEY_A).success
    settings_a = Settings(deliveries_dir=deliveries, out_dir=tmp_path / "out",
                          pseudonym_key=KEY_A)
    assert keyguard.recorded_fingerprint(settings_a)[1] == keyguard.key_fingerprint(KEY_A)
    before = _tables(tmp_path / "out")
    refused = materialise(KEY_B)
    assert not refused.success
    failure = next(e for e in refused.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure_message(failure.event_specific_data.error)  # the root error's line
    assert "pseudonym key is not the one" in message and "--rekey" in message
    assert KEY_B not in message
    assert _tables(tmp_path / "out") == before  # no row read, nothing changed


# ------------------------------------------------------------------------ through the CLI
def _cli(*args: str, key: str) -> Done:
    """``ips-eval ARGS`` with the pseudonym key ``key``, in this process (support.cli.run_cli:
    the command line's own parsing, checks, messages and exit status)."""
    return run_cli(*args, key=key)


@pytest.fixture(scope="module")
def deliveries(synthetic_study: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One region's enrolment files and its clients' rows of the synthetic register extracts
    (no generator manifest: a real-looking delivery that needs a real key)."""
    folder = tmp_path_factory.mktemp("deliveries")
    (folder / "asiakkaat").mkdir()
    codes = set()
    for path in sorted((synthetic_study / "asiakkaat").glob("*_LAP.csv")):
        shutil.copy2(path, folder / "asiakkaat" / path.name)
        codes |= {line.split(b";")[1] for line in path.read_bytes().splitlines()[1:]}
    for path in sorted((synthetic_study / "rekisterit").rglob("*.csv")):
        header, *rows = path.read_bytes().splitlines(keepends=True)
        target = folder / path.relative_to(synthetic_study)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"".join([header, *(r for r in rows if r.split(b";", 1)[0] in codes)]))
    return folder


def _register(out: Path) -> list[tuple]:
    with duckdb.connect(str(out / "ips_eval.duckdb"), read_only=True) as con:
        return con.execute("SELECT * FROM analysis.register_monthly "
                           "ORDER BY ALL").fetchall()


def _tables(out: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(out / "ips_eval.duckdb"), read_only=True) as con:
        names = con.execute("SELECT table_schema || '.' || table_name FROM "
                            "information_schema.tables ORDER BY 1").fetchall()
        return {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall()  # noqa: S608 — names from the catalogue
                for (n,) in names}


def test_another_key_is_refused_and_rekey_equals_a_fresh_run(deliveries, tmp_path):
    out = tmp_path / "out"
    built = _cli("run", "--deliveries", str(deliveries), "--out", str(out), "--select", SELECT,
                 key=KEY_A)
    assert built.returncode == 0, built.stderr[-3000:]
    under_a = _register(out)
    assert under_a, "the small delivery links no register rows"
    before = _tables(out)
    file_before = hashlib.sha256((out / "ips_eval.duckdb").read_bytes()).hexdigest()

    refused = _cli("run", "--deliveries", str(deliveries), "--out", str(out), "--select",
                   SELECT, key=KEY_B)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr[-3000:]
    assert "pseudonym key" in lines[0] and "--rekey" in lines[0] and KEY_B not in lines[0]
    assert "[  1/" not in refused.stderr  # no step ran
    assert hashlib.sha256((out / "ips_eval.duckdb").read_bytes()).hexdigest() == file_before
    assert _tables(out) == before
    assert not (out / INCOMPLETE_FILE).exists()

    rekeyed = _cli("run", "--deliveries", str(deliveries), "--out", str(out), "--select",
                   SELECT, "--rekey", key=KEY_B)
    assert rekeyed.returncode == 0, rekeyed.stderr[-3000:]
    fresh = tmp_path / "fresh"
    fresh_run = _cli("run", "--deliveries", str(deliveries), "--out", str(fresh), "--select",
                     SELECT, key=KEY_B)
    assert fresh_run.returncode == 0, fresh_run.stderr[-3000:]
    assert _register(out) == _register(fresh)
    assert _register(out) != under_a  # the pids are the new key's
    with duckdb.connect(str(out / "ips_eval.duckdb"), read_only=True) as con:
        assert con.execute("SELECT fingerprint FROM meta.pseudonym_key").fetchall() == [
            (keyguard.key_fingerprint(KEY_B),)]
