"""Publication tables (gtsummary/broom style): tidy results in, a great-tables table per
language out, small cells suppressed.

- ``catalog``: the tables, their inputs and builders; ``publish_table`` builds fi/sv/en and
  writes every format.
- builders, one per kind of table: ``baseline`` (Table 1), ``employment`` (outcomes, tenure,
  Cox), ``scores`` (change, mixed models), ``regions`` (fidelity and employment by team),
  ``register``, ``employer``.
- shared: ``disclosure`` (the one place that decides what is hidden), ``numbers`` (language
  number formats), ``common`` (the published-table object, layout, source note, labels),
  ``labels`` (model terms), ``writer`` (html/tex/csv/png), ``browser`` (headless Chromium),
  ``audit`` (reads the written files back and looks for counts of 1–4).
Texts that are not variable or value labels live in ``schemas/table_text.py``.
"""
