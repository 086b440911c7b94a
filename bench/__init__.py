"""Benchmarks of the workbench. ``make bench`` (``python -m bench``) runs them all and writes a
table of every figure with its target, the machine and the date; ``python -m bench NAME ...``
runs some. Each benchmark measures its baseline in the same run and reports ratios, so figures
compare across machines. ``make test`` runs a quick smoke version of each (``--quick``), which
checks that the benchmark works, not how fast anything is."""
