"""Optimise layer: the cheapest plan that meets the targets, with a statistical guarantee."""
