"""The mentorship platform's project package.

Importing the Celery app here makes ``@shared_task`` bind to it as soon as Django starts;
``blas`` chooses numpy's matrix-product kernels before anything imports numpy.
"""

from . import blas  # noqa: F401  (first: before numpy loads)
from .celery import app as celery_app

__all__ = ("celery_app",)
