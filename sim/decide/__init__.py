"""Decide layer: comparisons of scenarios built on experiment results (no SimPy here)."""
