"""Benchmarks behind ``make bench``: each prints its figures and writes them, with a
description of the machine, to ``docs/benchmarks.md``."""
