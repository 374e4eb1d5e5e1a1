"""FilterSets of the sessions lists."""
