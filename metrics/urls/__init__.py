"""URLs of the metrics app, under /o/<org_slug>/ (see mentorship/urls.py)."""

from django.urls import path

from ..views import outcomes, targets
from . import comparison, dashboards, quality, review, rows

urlpatterns = [
    path(
        "programs/<int:program_id>/indicators/",
        targets.program_indicators,
        name="program_indicators",
    ),
    path("outcomes/", outcomes.outcome_list, name="outcome_list"),
    path("outcomes/import/", outcomes.outcome_import, name="outcome_import"),
    path(
        "outcomes/import/example.csv",
        outcomes.outcome_import_example,
        name="outcome_import_example",
    ),
]

# The dashboards (X2), the rows behind a figure, the data-quality audit (X4), the quarterly
# review (X6) and participants against non-participants (X7): a module each.
for _module in (dashboards, rows, quality, review, comparison):
    urlpatterns += _module.urlpatterns
