"""The report's figures, drawn in its language: `run` (one scenario), `compare` (a comparison)."""
