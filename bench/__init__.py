"""Benchmarks: `python -m bench` (or `make bench`) times what the service does often enough to matter."""
