"""django-filter FilterSets of the programs app, one module per area."""
