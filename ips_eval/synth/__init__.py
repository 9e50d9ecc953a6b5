"""The built-in synthetic study: a delivery folder that looks and misbehaves like the real ones.

Real data never leaves THL, so the pipeline is developed and demonstrated on this. With the
default seed `write_study` writes, per docs/methods.md §Sources and deliveries:

- about 1,190 clients in the eleven regions: pilot (HEL HUS PKA EPO LAP, enrolled 9/2020-6/2023)
  and RRP (KAI PSA KSU KPO POH VSU, enrolled 6/2023-10/2024), with teams (`HEL-T1`), coaches
  (`HEL-C03`), valid HETUs (old and 2023 century signs; sex from the individual number's
  parity), diagnoses weighted toward F20-F39, a few without register consent (empty HETU);
- job spells from a hazard model (many never work; some jobs before the index date, some
  non-competitive, some pay-subsidised, some overlapping part-time jobs, some ending exactly
  on a cut-off day, some left open on the coach form after the client left the service),
  service exits with reasons, the coaches' employer contact log;
- client surveys at 0/6/12 months with attrition, latent-trait items, "don't know" (99),
  answers outside every window and two answers in one window; employer surveys; IPS-25
  fidelity reviews per team about yearly (fair to good fidelity);
- Kela benefit periods and Incomes Register monthly pay from 2019 (or 24 months before the
  index date) to the extract, consistent with the job spells, in two cumulative extracts;
  optionally a register comparison group of N non-clients, streamed (comparison.py);
- three cumulative deliveries per region (pilot 9/2021, 8/2022, 7/2023; RRP 12/2023, 5/2024,
  1/2025) as .xlsx, Finnish CSV (`;`, decimal comma, d.m.yyyy, UTF-8 with and without BOM,
  cp1252, latin-1, CRLF or LF) or SPSS .sav with value labels, later ones correcting earlier
  ones; register extracts of 2.5.2024 and 3.3.2025.

Calibration: on the final clean data, 763 pilot clients started by 30.6.2023 and 348 of them
found a competitive job; 336 RRP clients by 30.4.2024, 86 with a job (jobs.py says how;
calibration.py recounts it and the generator refuses to write a study that misses).

Defects (`defects` = rate, 0 = clean): every class of the contract at least once, each listed in
`<out_dir>/synth_manifest.json` with file, 1-based data row, column, level and the rule id of
schemas/rules.py, and non-defect records at level "none" (exact duplicates, 99s, corrected
re-deliveries, overlapping jobs, encodings, decimal commas). See defects.py and damage.py.
"""

from ips_eval.synth.study import MANIFEST, SynthSummary, write_study

__all__ = ["MANIFEST", "SynthSummary", "write_study"]
