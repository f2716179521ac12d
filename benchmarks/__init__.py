"""Benchmarks run by the nox sessions; not installed."""
