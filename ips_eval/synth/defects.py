"""Row- and field-level defects: every defect class of docs/methods.md §Defects and quarantine, each
one unambiguous.

Rules of the game, so that the calibrated headline counts hold on the clean data and a test can
match each defect to exactly one quarantine record:
- a row-level defect sits on an extra row whose key exists nowhere else (a defect-only client,
  an unknown client, a new job number of a client who already has an earlier qualifying job),
  so removing it changes no count and no other row;
- a field-level defect spoils one value of an existing row in a region's last delivery; the row
  still loads, and no count depends on that value;
- a row carries exactly the defects listed for it.
File-level damage lives in damage.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

import numpy as np

from ips_eval.synth import identity
from ips_eval.synth.deliveries import World, enrolment_row
from ips_eval.synth.plan import DELIVERY_DATES, HEADLINE_CUTOFF, REGISTER_EXTRACTS
from ips_eval.synth.population import Client
from ips_eval.synth.tables import DeliveryFile, Mark, Row

CLASSES = {
    "invalid_hetu_field": "invalid HETU check character",
    "invalid_hetu": "invalid HETU check character",
    "hetu_in_wrong_column": "a HETU in a column where none belongs",
    "region_prefix_mismatch": "client code prefix and region disagree",
    "unknown_client": "unknown client code",
    "end_before_start": "end before start",
    "date_after_delivery": "date in the future",
    "date_before_2019": "date before 2019",
    "out_of_range": "out-of-range answer",
    "duplicate_key_conflict": "duplicate key within one file, different content",
    "exact_duplicate": "exact duplicate row within one file",
    "invalid_ytunnus": "malformed employer Y-tunnus",
    "unknown_column": "unknown extra column",
    "referral_after_start": "referral after start",
    "key_missing": "missing key",
    "key_malformed": "malformed key (a value outside the key's range)",
    "unknown_coach": "unknown coach code",
}
T = TypeVar("T")
LEVEL = {
    "invalid_hetu_field": "field", "out_of_range": "field", "invalid_ytunnus": "field",
    "unknown_column": "field", "exact_duplicate": "none",
}
LIKERT_ITEMS = ([f"qol{i}" for i in range(1, 9)] + [f"osal{i}" for i in range(1, 11)]
                + ["tyovalmius", "terveys"])
FREE_TEXT = ["Työkokeilun jälkeen palkattu", "Asiakas muutti Jyväskylään",
             "Yhteys työnantajaan sähköpostilla", "Työpaikka Åbolandissa, ruotsinkielinen",
             "Jatkaa syksyllä opintoja", "Työaika nousee kesällä", "Sovittu seurantakäynti",
             "Esihenkilö vaihtui, tapaaminen uudelleen"]


def how_many(rate: float, base: int) -> int:
    """Defects of one class: proportional to the rate, but at least one whenever rate > 0."""
    return max(1, round(rate * base))


def mark(rule: str, column: str | None = None, value: str | None = None,
         note: str | None = None) -> Mark:
    return Mark(LEVEL.get(rule, "row"), rule, CLASSES[rule], column, value, note)


def choose_invalid_hetu_clients(rng: np.random.Generator, clients: list[Client],
                                rate: float) -> set[str]:
    """Clients whose form carries a mistyped HETU in every delivery (decided before the
    registers are drawn: the register keepers could not link them, so they have none)."""
    if rate <= 0:
        return set()
    consenting = [c for c in clients if c.consent]
    picks = rng.choice(len(consenting), size=how_many(rate, 250), replace=False)
    return {consenting[int(i)].code for i in sorted(picks)}


class Injector:
    """Adds defects to the in-memory delivery files (never to files damage.py spoils)."""

    def __init__(self, rng: np.random.Generator, world: World, files: list[DeliveryFile],
                 rate: float) -> None:
        self.rng = rng
        self.world = world
        self.files = files
        self.rate = rate
        self.touched: set[int] = set()  # id() of rows that already carry a defect
        self.by_code = {c.code: c for c in world.clients}
        self.hetus = {c.hetu[:6] + c.hetu[7:] for c in world.clients}
        self.first_job = self._first_qualifying_jobs()
        self.phantoms = 0
        self.unknowns = 0

    # -- helpers ---------------------------------------------------------------------------
    def _first_qualifying_jobs(self) -> dict[str, date]:
        first: dict[str, date] = {}
        for j in self.world.jobs:
            c = self.by_code[j.client]
            if (j.on_form and j.competitive and c.index <= j.start <= HEADLINE_CUTOFF[c.cohort]
                    and (c.code not in first or j.start < first[c.code])):
                first[c.code] = j.start
        return first

    def final(self, source: str, issuer: str) -> DeliveryFile:
        last = (DELIVERY_DATES[issuer][-1] if issuer in DELIVERY_DATES
                else REGISTER_EXTRACTS[-1])
        return next(f for f in self.files
                    if f.source == source and f.issuer == issuer and f.delivered == last)

    def pick(self, items: list[T]) -> T:
        return items[int(self.rng.integers(len(items)))]

    def region(self) -> str:
        return self.pick(sorted(DELIVERY_DATES))

    def insert(self, f: DeliveryFile, row: Row) -> None:
        f.rows.insert(int(self.rng.integers(len(f.rows) + 1)), row)
        self.touched.add(id(row))

    def fresh_row(self, f: DeliveryFile) -> Row:
        """One fresh row (see fresh_rows), found quickly in a big file."""
        for _ in range(50):
            row = self.pick(f.rows)
            if id(row) not in self.touched and all(m.level == "none" for m in row.marks):
                return row
        return self.pick(self.fresh_rows(f))

    def fresh_rows(self, f: DeliveryFile) -> list[Row]:
        """Rows with nothing injected yet: targets for a defect, templates for extra rows."""
        return [r for r in f.rows if id(r) not in self.touched
                and all(m.level == "none" for m in r.marks)]

    def new_hetu(self, like: Client) -> str:
        while True:
            individual = int(self.rng.integers(*identity.CLIENT_INDIVIDUALS)) // 2 * 2 + like.male
            code = identity.hetu(like.birth, max(individual, 2 + like.male), "-"
                                 if like.birth.year < 2000 else "A")
            if code[:6] + code[7:] not in self.hetus:
                self.hetus.add(code[:6] + code[7:])
                return code

    def host_with_job(self, region: str) -> tuple[str, date, int] | None:
        """A client of `region` who already has a qualifying job: (code, that job's start,
        a job number still free) -- extra job rows for such a client change no headline
        count."""
        jobs = self.final("tyosuhteet", region)
        last_no: dict[str, int] = {}
        for r in jobs.rows:
            code, no = str(r.values["asiakastunnus"]), r.values["tyosuhde_nro"]
            if isinstance(no, int):
                last_no[code] = max(last_no.get(code, 0), no)
        hosts = sorted(c for c in self.first_job if c.startswith(region) and c in last_no)
        if not hosts:
            return None
        code = self.pick(hosts)
        return code, self.first_job[code], last_no[code] + 1

    # -- enrolment --------------------------------------------------------------------------
    def invalid_hetus(self, codes: set[str]) -> None:
        for f in self.files:
            if f.source != "asiakkaat":
                continue
            for row in f.rows:
                if row.values["asiakastunnus"] in codes:
                    bad = identity.corrupt_hetu_check(str(row.values["hetu"]))
                    row.values["hetu"] = bad
                    row.marks.append(mark("invalid_hetu_field", "hetu", identity.mask_hetu(bad)))
                    self.touched.add(id(row))

    def phantom_row(self, region: str) -> tuple[DeliveryFile, dict]:
        """An enrolment row of a defect-only client: no jobs, surveys or registers."""
        f = self.final("asiakkaat", region)
        # Enrolled well before the delivery, so a shifted referral date stays in the past.
        like = self.pick([c for c in self.world.clients if c.region == region
                          and c.index <= f.delivered - timedelta(days=60)])
        self.phantoms += 1
        values = enrolment_row(like, f.delivered)
        values.update({"asiakastunnus": f"{region}-{900 + self.phantoms:04d}",
                       "hetu": self.new_hetu(like), "rekisterilupa": 1,
                       "paattymispvm": None, "paattymissyy": None})
        return f, values

    def enrolment_defects(self) -> None:
        for _ in range(how_many(self.rate, 100)):
            region = self.region()
            f, values = self.phantom_row(region)
            values["alue"] = self.pick([r for r in sorted(DELIVERY_DATES) if r != region])
            self.insert(f, Row(values, [mark("region_prefix_mismatch", "alue",
                                             str(values["alue"]))]))
        for _ in range(how_many(self.rate, 100)):
            f, values = self.phantom_row(self.region())
            index = values["aloituspvm"]
            values["lahetepvm"] = index + timedelta(days=int(self.rng.integers(3, 40)))
            self.insert(f, Row(values, [mark("referral_after_start", "lahetepvm")]))
        for _ in range(how_many(self.rate, 50)):
            f, values = self.phantom_row(self.region())
            other = dict(values)
            other["diagnoosi"] = "F33.1" if values["diagnoosi"] != "F33.1" else "F32.1"
            note = "the same client code twice with different content"
            self.insert(f, Row(values, [mark("duplicate_key_conflict", note=note)]))
            self.insert(f, Row(other, [mark("duplicate_key_conflict", note=note)]))
        for _ in range(how_many(self.rate, 50)):
            f, values = self.phantom_row(self.region())
            values["asiakastunnus"] = None
            self.insert(f, Row(values, [mark("key_missing", "asiakastunnus")]))

    # -- jobs -------------------------------------------------------------------------------
    def extra_job(self, region: str) -> tuple[DeliveryFile, dict, date] | None:
        f = self.final("tyosuhteet", region)
        host = self.host_with_job(region)
        if host is None:
            return None
        code, first, job_no = host
        templates = [r for r in self.fresh_rows(f) if r.values["asiakastunnus"] == code]
        if not templates:  # every job row of this client already carries a defect
            return None
        values = dict(self.pick(templates).values)
        span = max((f.delivered - first).days, 2)
        start = first + timedelta(days=int(self.rng.integers(1, span)))
        values.update({"tyosuhde_nro": job_no, "alkupvm": start, "loppupvm": None,
                       "paattymissyy": None})
        return f, values, start

    def job_defects(self) -> None:
        plans = (
            [("end_before_start", how_many(self.rate, 100)),
             ("date_after_delivery", how_many(self.rate, 50)),
             ("date_before_2019", how_many(self.rate, 50)),
             ("key_missing", how_many(self.rate, 50)),
             ("duplicate_key_conflict", how_many(self.rate, 50))])
        for rule, count in plans:
            done = attempts = 0
            while done < count and attempts < 100 * count:
                attempts += 1
                made = self.extra_job(self.region())
                if made is None:  # no free host in that region: try another
                    continue
                f, values, start = made
                done += 1
                if rule == "end_before_start":
                    values["loppupvm"] = start - timedelta(days=int(self.rng.integers(3, 40)))
                    values["paattymissyy"] = 2
                    self.insert(f, Row(values, [mark(rule, "loppupvm")]))
                elif rule == "date_after_delivery":
                    values["alkupvm"] = f.delivered + timedelta(days=int(self.rng.integers(10, 90)))
                    self.insert(f, Row(values, [mark(rule, "alkupvm")]))
                elif rule == "date_before_2019":
                    values["alkupvm"] = date(2018, int(self.rng.integers(1, 10)), 3)
                    values["loppupvm"] = values["alkupvm"] + timedelta(days=60)
                    values["paattymissyy"] = 1
                    self.insert(f, Row(values, [mark(rule, "alkupvm")]))
                elif rule == "key_missing":
                    values["tyosuhde_nro"] = None
                    self.insert(f, Row(values, [mark(rule, "tyosuhde_nro")]))
                else:
                    other = dict(values)
                    other["tunnit_vko"] = 30.0 if values["tunnit_vko"] != 30.0 else 20.0
                    note = "the same job key twice with different content"
                    self.insert(f, Row(values, [mark(rule, note=note)]))
                    self.insert(f, Row(other, [mark(rule, note=note)]))
        for _ in range(how_many(self.rate, 100)):
            f = self.final("tyosuhteet", self.region())
            row = self.fresh_row(f)
            row.values["tunnit_vko"] = 99.0
            row.marks.append(mark("out_of_range", "tunnit_vko", "99"))
            self.touched.add(id(row))
        for _ in range(how_many(self.rate, 100)):
            f = self.final("tyosuhteet", self.region())
            row = self.fresh_row(f)
            bad = identity.malformed_ytunnus(str(row.values["tyonantaja"]))
            row.values["tyonantaja"] = bad
            row.marks.append(mark("invalid_ytunnus", "tyonantaja", bad))
            self.touched.add(id(row))

    def unknown_clients(self, source: str, count: int) -> None:
        for _ in range(count):
            region = self.region()
            f = self.final(source, region)
            self.unknowns += 1
            values = dict(self.fresh_row(f).values)
            values["asiakastunnus"] = f"{region}-{800 + self.unknowns:04d}"
            if source == "tyosuhteet":
                values["tyosuhde_nro"] = 1
            else:
                values["aalto"] = 0
            self.insert(f, Row(values, [mark("unknown_client", "asiakastunnus",
                                             str(values["asiakastunnus"]))]))

    # -- client survey ----------------------------------------------------------------------
    def survey_defects(self) -> None:
        for _ in range(how_many(self.rate, 150)):
            f = self.final("asiakaskysely", self.region())
            row = self.fresh_row(f)
            answered = [k for k in LIKERT_ITEMS if row.values.get(k) not in (None, 99)]
            if not answered:
                continue
            item = self.pick(answered)
            row.values[item] = 7
            row.marks.append(mark("out_of_range", item, "7"))
            self.touched.add(id(row))
        for _ in range(how_many(self.rate, 50)):
            region = self.region()
            f = self.final("asiakaskysely", region)
            waves: dict[str, set[object]] = {}
            for r in f.rows:
                waves.setdefault(str(r.values["asiakastunnus"]), set()).add(r.values["aalto"])
            templates = {str(r.values["asiakastunnus"]): r for r in self.fresh_rows(f)}
            hosts = sorted(code for code, w in waves.items()
                           if 12 not in w and code in self.by_code and code in templates
                           and self.by_code[code].index + timedelta(days=380) <= f.delivered)
            if not hosts:
                continue
            code = self.pick(hosts)
            template = templates[code]
            values = dict(template.values)
            values.update({"aalto": 12,
                           "vastauspvm": self.by_code[code].index + timedelta(days=370)})
            other = dict(values)
            other["qol1"] = 4 if values["qol1"] != 4 else 3
            note = "the same client and wave twice with different answers"
            self.insert(f, Row(values, [mark("duplicate_key_conflict", note=note)]))
            self.insert(f, Row(other, [mark("duplicate_key_conflict", note=note)]))

    # -- contacts ---------------------------------------------------------------------------
    def contact_defects(self) -> None:
        for rule in ("date_after_delivery", "date_before_2019"):
            for _ in range(how_many(self.rate, 100)):
                f = self.final("kontaktit", self.region())
                values = dict(self.fresh_row(f).values)
                if rule == "date_after_delivery":
                    values["pvm"] = f.delivered + timedelta(days=int(self.rng.integers(5, 40)))
                else:
                    values["pvm"] = date(2018, int(self.rng.integers(1, 13)), 10)
                self.insert(f, Row(values, [mark(rule, "pvm")]))

    # -- registers --------------------------------------------------------------------------
    def register_defects(self) -> None:
        for source in ("rekisterit/kela", "rekisterit/tulorekisteri"):
            issuer = source.split("/")[1]
            f = self.final(source, issuer)
            for _ in range(how_many(self.rate, 50)):
                values = dict(self.fresh_row(f).values)
                values["hetu"] = identity.corrupt_hetu_check(str(values["hetu"]))
                self.insert(f, Row(values, [mark("invalid_hetu", "hetu",
                                                 identity.mask_hetu(str(values["hetu"])))]))
        f = self.final("rekisterit/kela", "kela")
        early = [r for r in self.fresh_rows(f)
                 if r.values["alkupvm"] <= f.delivered - timedelta(days=60)]  # type: ignore[operator]
        for _ in range(how_many(self.rate, 50)):
            values = dict(self.pick(early).values)
            start = values["alkupvm"] + timedelta(days=14)  # type: ignore[operator]
            values.update({"etuus": "TTT", "alkupvm": start,
                           "loppupvm": start - timedelta(days=10), "maksettu_eur": 180.0})
            self.insert(f, Row(values, [mark("end_before_start", "loppupvm")]))

    # -- duplicates and unknown columns -----------------------------------------------------
    def exact_duplicates(self) -> None:
        bases = {"asiakkaat": 50, "tyosuhteet": 100, "kontaktit": 150, "asiakaskysely": 100,
                 "tyonantajakysely": 50, "rekisterit/kela": 100, "rekisterit/tulorekisteri": 100}
        for source, base in bases.items():
            for _ in range(how_many(self.rate, base)):
                issuer = (source.split("/")[1] if source.startswith("rekisterit")
                          else self.region())
                f = self.final(source, issuer)
                original = self.fresh_row(f)
                copy = original.copy()
                copy.marks.append(mark("exact_duplicate",
                                       note="the same row twice in one file: loaded once"))
                f.rows.insert(f.rows.index(original) + 1, copy)
                self.touched.update({id(original), id(copy)})

    def unknown_column(self, f: DeliveryFile, hetu_row: bool = False) -> None:
        """A free-text column the contract does not know, with Finnish text (ä, ö, å)."""
        f.columns.append("huom")
        for row in f.rows:
            if self.rng.random() < 0.08:
                row.values["huom"] = self.pick(FREE_TEXT)
        f.marks.append(mark("unknown_column", "huom",
                            note="kept in raw and reported, values set missing in staging"))
        if hetu_row:
            made = self.extra_job(f.issuer)
            if made is not None:
                _, values, _ = made
                code = str(values["asiakastunnus"])
                values["huom"] = self.by_code[code].hetu
                self.insert(f, Row(values, [mark("hetu_in_wrong_column", "huom",
                                                 identity.mask_hetu(self.by_code[code].hetu))]))


def inject_defects(rng: np.random.Generator, world: World, files: list[DeliveryFile],
                   rate: float, invalid_hetu_clients: set[str]) -> None:
    """Every row- and field-level class at least once (rate > 0), on undamaged files."""
    injector = Injector(rng, world, files, rate)
    injector.invalid_hetus(invalid_hetu_clients)
    injector.enrolment_defects()
    injector.job_defects()
    injector.unknown_clients("tyosuhteet", how_many(rate, 100))
    injector.unknown_clients("asiakaskysely", how_many(rate, 100))
    injector.survey_defects()
    injector.contact_defects()
    injector.register_defects()
    injector.exact_duplicates()
    # CSV senders with Windows encodings, so the free text tests ä/ö/å in cp1252 and latin-1.
    injector.unknown_column(injector.final("tyosuhteet", "PKA"), hetu_row=True)
    injector.unknown_column(injector.final("asiakkaat", "PKA"))
    injector.unknown_column(injector.final("asiakkaat", "KPO"))
    injector.unknown_column(injector.final("tyonantajakysely", "LAP"))
