"""The pure matching engine: scoring, the optimiser, circles. No Django import here:
everything is plain data in and out, tested without a database (profiles are built from the
database by the selectors)."""
