"""ips-eval: the evaluation data pipeline of THL's IPS study (docs/methods.md).

Importing the package first asks DuckDB's allocator to zero its memory (ips_eval/allocator.py),
before any module of the package loads DuckDB."""

from ips_eval.allocator import request_zeroed

request_zeroed()
