"""The planners' question: the cheapest plan (staff, hours, equipment) that meets the targets."""
