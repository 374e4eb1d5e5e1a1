"""The demo's programs: two built-in programs, a cohort in each phase of its lifecycle,
about 30 participants with completed intakes, competencies, resources and assessments.

Each area adds its part; ``context.extra`` carries objects between them:
``competencies`` (list), ``rubric``, ``programs`` (dict key → Program), ``cohorts``
(dict status → Cohort), ``participants`` (list).
"""

from . import catalogue as demo_catalogue
from . import learning as demo_learning
from . import people as demo_people


def populate(context):
    demo_learning.competencies(context)
    demo_catalogue.programs(context)
    demo_people.people(context)
    demo_learning.learning(context)
