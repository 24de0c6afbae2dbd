"""The business case: what an option costs and returns in đồng, and the chance that it pays off."""
