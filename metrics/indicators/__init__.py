"""The indicator maths (X1): one pure function per indicator, dataclasses in, an
``IndicatorValue`` out. No database and no Django here; ``metrics.catalogue`` declares each
indicator once and names its function."""

from .base import IndicatorValue, Track  # noqa: F401
