"""Fitting the model's inputs from a centre's own data (`python -m sim fit`)."""
