"""Benchmarks: scripts (``python benchmarks/bench_*.py``) and the register-path harness
``ips-eval bench`` runs (``benchmarks.register_path``). Timings are kept in docs/performance.md."""
