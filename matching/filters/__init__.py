"""django-filter FilterSets of the matching app, one module per area."""
